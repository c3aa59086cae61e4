#include "sqlwindowmodel.h"

#include "backgroundreader.h"
#include "database.h"
#include "databaseerror.h"
#include "sqlstatement.h"

namespace {
constexpr int maxCachedChunks = 64;

qint64 runCount(const QSqlDatabase &db, const QString &sql, const QVariantList &values)
{
    SqlStatement st(db, sql);
    for (const QVariant &v : values)
        st.bind(v);
    st.exec();
    return st.next() ? st.value(0).toLongLong() : 0;
}
} // namespace

SqlWindowModel::SqlWindowModel(Database &database, QObject *parent)
    : QAbstractTableModel(parent), m_database(database)
{
}

void SqlWindowModel::setSource(const QString &from, const QList<SqlColumn> &columns,
                               const QString &key)
{
    beginResetModel();
    ++m_generation;
    m_from = from;
    m_columns = columns;
    m_key = key;
    m_sortColumn = -1;
    m_rowCount = 0;
    m_countKnown = true;
    clearCache();
    endResetModel();
}

void SqlWindowModel::setFilter(const QString &condition, const QVariantList &values)
{
    m_condition = condition;
    m_values = values;
    reload(false);
}

void SqlWindowModel::refresh()
{
    reload(true);
}

void SqlWindowModel::clearCache() const
{
    m_cache.clear();
    m_cacheOrder.clear();
}

void SqlWindowModel::reload(bool keepCount)
{
    beginResetModel();
    ++m_generation;
    clearCache();
    if (m_from.isEmpty()) {
        m_rowCount = 0;
        m_countKnown = true;
    } else if (!m_reader) {
        try {
            m_rowCount = int(runCount(m_database.connection(), countSql(), m_values));
            noteSuccess();
        } catch (const DatabaseError &e) {
            m_rowCount = 0;
            noteError(e.message());
        }
        m_countKnown = true;
    } else {
        // A refresh keeps a known count beyond the first chunk, so the view keeps its place.
        // Otherwise show what one chunk brings at once: only a full chunk means there may be
        // more, and only then does the count run, on the reader's thread.
        const bool keep = keepCount && m_countKnown && m_rowCount > m_chunkSize;
        m_countKnown = false;
        if (!keep) {
            m_rowCount = m_chunkSize;
            const QList<Row> *first = chunk(0);
            if (!first || first->size() < m_chunkSize) {
                m_rowCount = first ? int(first->size()) : 0;
                m_countKnown = true;
            }
        }
        if (!m_countKnown)
            startCount();
    }
    endResetModel();
    if (m_countKnown)
        emit countChanged(m_rowCount);
}

void SqlWindowModel::startCount()
{
    const quint64 generation = m_generation;
    const QString sql = countSql();
    const QVariantList values = m_values;
    m_reader->run(
        this, [sql, values](const QSqlDatabase &db) { return QVariant(runCount(db, sql, values)); },
        [this, generation](const QVariant &result, const QString &error) {
            if (generation != m_generation)
                return; // the count of an older query
            if (!error.isEmpty())
                noteError(error);
            applyCount(error.isEmpty() ? result.toLongLong() : m_rowCount);
        });
}

void SqlWindowModel::applyCount(qint64 rows)
{
    const int count = int(qMin<qint64>(rows, std::numeric_limits<int>::max()));
    // Only the first chunk was read under the provisional count: rows beyond it can simply be
    // appended. Anything else read under a count that turned out wrong is dropped.
    const bool onlyFront = m_cacheOrder.size() <= 1 && !m_cache.contains(1);
    if (count > m_rowCount && onlyFront && m_rowCount == m_chunkSize) {
        beginInsertRows({}, m_rowCount, count - 1);
        m_rowCount = count;
        m_countKnown = true;
        endInsertRows();
    } else if (count != m_rowCount) {
        beginResetModel();
        clearCache();
        m_rowCount = count;
        m_countKnown = true;
        endResetModel();
    } else {
        m_countKnown = true;
    }
    emit countChanged(m_rowCount);
}

void SqlWindowModel::sort(int column, Qt::SortOrder order)
{
    if (column >= columnCount() || (column >= 0 && !isSortable(column)))
        return;
    beginResetModel();
    m_sortColumn = column;
    m_sortOrder = order;
    clearCache();
    endResetModel();
}

bool SqlWindowModel::isSortable(int column) const
{
    return column >= 0 && column < m_columns.size() && m_columns.at(column).sortable;
}

const SqlDialect &SqlWindowModel::dialect() const
{
    return m_database.dialect();
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

QString SqlWindowModel::countSql() const
{
    return QStringLiteral("SELECT COUNT(*) FROM %1%2")
        .arg(m_countFrom.isEmpty() ? m_from : m_countFrom, whereClause());
}

QString SqlWindowModel::orderBy(bool reversed) const
{
    const bool descending = (m_sortOrder == Qt::DescendingOrder) != reversed;
    const QString direction = descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
    QString sql = QStringLiteral(" ORDER BY ");
    if (m_sortColumn >= 0)
        sql += m_columns.at(m_sortColumn).expression + direction + QStringLiteral(", ");
    else if (!m_defaultOrder.isEmpty())
        sql += m_defaultOrder + direction + QStringLiteral(", ");
    return sql + m_key + direction;
}

QString SqlWindowModel::selectSql(const QList<int> &columns) const
{
    QStringList expressions;
    for (const int c : columns)
        expressions << m_columns.at(c).expression;
    return QStringLiteral("SELECT %1 FROM %2%3%4")
        .arg(expressions.join(QStringLiteral(", ")), m_from, whereClause(), orderBy(false));
}

QString SqlWindowModel::selectSql(int limit, int offset, bool reversed) const
{
    QStringList expressions;
    for (const SqlColumn &c : m_columns)
        expressions << c.expression;
    QString sql =
        QStringLiteral("SELECT %1 FROM %2%3%4")
            .arg(expressions.join(QStringLiteral(", ")), m_from, whereClause(), orderBy(reversed));
    if (limit >= 0)
        sql += QStringLiteral(" LIMIT %1 OFFSET %2").arg(limit).arg(offset);
    return sql;
}

void SqlWindowModel::noteError(const QString &message) const
{
    m_lastError = message;
    emit readFailed(message);
}

void SqlWindowModel::noteSuccess() const
{
    if (m_lastError.isEmpty())
        return;
    m_lastError.clear();
    emit readRecovered();
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
    const bool fromEnd = m_countKnown && first > m_rowCount - last;
    const int offset = fromEnd ? m_rowCount - last : first;
    QList<Row> rows;
    rows.reserve(last - first);
    try {
        SqlStatement st(m_database.connection(), selectSql(last - first, offset, fromEnd));
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
        noteSuccess();
    } catch (const DatabaseError &e) {
        noteError(e.message());
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

int SqlWindowModel::findCachedRow(int column, const QVariant &value) const
{
    if (column < 0 || column >= m_columns.size())
        return -1;
    for (auto it = m_cache.cbegin(); it != m_cache.cend(); ++it)
        for (qsizetype i = 0; i < it->size(); ++i)
            if (it->at(i).at(column) == value)
                return it.key() * m_chunkSize + int(i);
    return -1;
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
    if (!index.isValid())
        return {};
    if (role == Qt::TextAlignmentRole) {
        const SqlColumn::Kind kind = m_columns.at(index.column()).kind;
        return kind == SqlColumn::Kind::Integer || kind == SqlColumn::Kind::Money
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    return value(index.row(), index.column());
}

QVariant SqlWindowModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role == Qt::ToolTipRole && orientation == Qt::Horizontal && !isSortable(section))
        return tr("%1 (sorting is offered on indexed columns only)")
            .arg(m_columns.value(section, SqlColumn({}, {}, {})).header);
    if (role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (orientation == Qt::Horizontal && section >= 0 && section < m_columns.size())
        return m_columns.at(section).header;
    if (orientation == Qt::Vertical)
        return section + 1;
    return {};
}
