#include "sqlwindowmodel.h"

#include "database.h"
#include "databaseerror.h"
#include "sqlstatement.h"

namespace {
constexpr int maxCachedChunks = 64;
}

SqlWindowModel::SqlWindowModel(Database &database, QObject *parent)
    : QAbstractTableModel(parent), m_database(database)
{
}

void SqlWindowModel::setSource(const QString &from, const QList<SqlColumn> &columns,
                               const QString &key)
{
    beginResetModel();
    m_from = from;
    m_columns = columns;
    m_key = key;
    m_sortColumn = -1;
    m_cache.clear();
    m_cacheOrder.clear();
    m_rowCount = int(countRows());
    endResetModel();
}

void SqlWindowModel::setFilter(const QString &condition, const QVariantList &values)
{
    beginResetModel();
    m_condition = condition;
    m_values = values;
    m_cache.clear();
    m_cacheOrder.clear();
    m_rowCount = int(countRows());
    endResetModel();
}

void SqlWindowModel::refresh()
{
    beginResetModel();
    m_cache.clear();
    m_cacheOrder.clear();
    m_rowCount = int(countRows());
    endResetModel();
}

void SqlWindowModel::sort(int column, Qt::SortOrder order)
{
    if (column >= columnCount())
        return;
    beginResetModel();
    m_sortColumn = column;
    m_sortOrder = order;
    m_cache.clear();
    m_cacheOrder.clear();
    endResetModel();
}

int SqlWindowModel::fieldIndex(const QString &name) const
{
    for (qsizetype i = 0; i < m_columns.size(); ++i)
        if (m_columns.at(i).name == name)
            return int(i);
    return -1;
}

QString SqlWindowModel::whereClause() const
{
    return m_condition.isEmpty() ? QString() : QStringLiteral(" WHERE ") + m_condition;
}

QString SqlWindowModel::orderBy(bool reversed) const
{
    const bool descending = (m_sortOrder == Qt::DescendingOrder) != reversed;
    const QString direction = descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
    QString sql = QStringLiteral(" ORDER BY ");
    if (m_sortColumn >= 0)
        sql += m_columns.at(m_sortColumn).expression + direction + QStringLiteral(", ");
    return sql + m_key + direction;
}

qint64 SqlWindowModel::countRows() const
{
    if (m_from.isEmpty())
        return 0;
    try {
        SqlStatement st(m_database.connection(),
                        QStringLiteral("SELECT COUNT(*) FROM %1%2").arg(m_from, whereClause()));
        for (const QVariant &v : m_values)
            st.bind(v);
        st.exec();
        m_lastError.clear();
        return st.next() ? st.value(0).toLongLong() : 0;
    } catch (const DatabaseError &e) {
        m_lastError = e.message();
        emit readFailed(m_lastError);
        return 0;
    }
}

const QList<SqlWindowModel::Row> *SqlWindowModel::chunk(int index) const
{
    const auto cached = m_cache.constFind(index);
    if (cached != m_cache.cend())
        return &*cached;
    const int first = index * m_chunkSize;
    const int last = qMin(m_rowCount, first + m_chunkSize); // exclusive
    if (first >= last)
        return nullptr;
    // Read from the nearer end: OFFSET costs what it skips, so the tail of a large table is
    // read backwards from its end instead of past every row before it.
    const bool fromEnd = first > m_rowCount - last;
    const int offset = fromEnd ? m_rowCount - last : first;
    QStringList expressions;
    for (const SqlColumn &c : m_columns)
        expressions << c.expression;
    QList<Row> rows;
    rows.reserve(last - first);
    try {
        SqlStatement st(m_database.connection(),
                        QStringLiteral("SELECT %1 FROM %2%3%4 LIMIT %5 OFFSET %6")
                            .arg(expressions.join(QStringLiteral(", ")), m_from, whereClause(),
                                 orderBy(fromEnd))
                            .arg(last - first)
                            .arg(offset));
        for (const QVariant &v : m_values)
            st.bind(v);
        st.exec();
        const int columns = int(m_columns.size());
        while (st.next()) {
            Row row;
            row.reserve(columns);
            for (int c = 0; c < columns; ++c)
                row << st.value(c);
            rows << row;
        }
        m_lastError.clear();
    } catch (const DatabaseError &e) {
        m_lastError = e.message();
        emit readFailed(m_lastError);
        return nullptr;
    }
    if (fromEnd)
        std::reverse(rows.begin(), rows.end());
    if (m_cacheOrder.size() >= maxCachedChunks)
        m_cache.remove(m_cacheOrder.takeFirst());
    m_cacheOrder << index;
    return &*m_cache.insert(index, rows);
}

QVariant SqlWindowModel::value(int row, int column) const
{
    if (row < 0 || row >= m_rowCount || column < 0 || column >= m_columns.size())
        return {};
    const QList<Row> *rows = chunk(row / m_chunkSize);
    const int at = row % m_chunkSize;
    if (!rows || at >= rows->size())
        return {};
    return rows->at(at).at(column);
}

int SqlWindowModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rowCount;
}

int SqlWindowModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant SqlWindowModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || (role != Qt::DisplayRole && role != Qt::EditRole))
        return {};
    return value(index.row(), index.column());
}

QVariant SqlWindowModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (orientation == Qt::Horizontal && section >= 0 && section < m_columns.size())
        return m_columns.at(section).header;
    if (orientation == Qt::Vertical)
        return section + 1;
    return {};
}
