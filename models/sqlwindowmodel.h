#pragma once
// A read-only table over a SQL query that never loads whole: rows come in chunks on demand
// (LIMIT/OFFSET windows, read from the nearer end so the last row is as cheap as the first),
// kept in a bounded row cache; sorting and filtering run in SQL, and with a BackgroundReader
// the count runs on another thread while the first rows are already shown.

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QStringList>
#include <QVariant>

class BackgroundReader;
class Database;
class SqlDialect;

struct SqlColumn
{
    enum class Kind
    {
        Text,
        Integer,   // ids, credits
        Money,     // minor units; `unit` names the column with the currency
        Timestamp, // UTC seconds since the epoch
        Date       // YYYY-MM-DD text
    };
    SqlColumn(const QString &name, const QString &expression, const QString &header,
              Kind kind = Kind::Text, bool sortable = true, const QString &unit = {})
        : name(name), expression(expression), header(header), kind(kind), sortable(sortable),
          unit(unit)
    {
    }
    QString name;       // what fieldIndex() finds
    QString expression; // SQL for the column, e.g. "l.credits"; never user text
    QString header;     // shown in the header, already translated
    Kind kind = Kind::Text;
    bool sortable = true; // false where sorting would scan a large table without an index
    QString unit;         // Money: the name of the currency column
};

class SqlWindowModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit SqlWindowModel(Database &database, QObject *parent = nullptr);

    // `from` is the FROM clause (tables and joins); `key` a unique expression that breaks ties
    // so the order is total (e.g. "l.id"). Nothing is read until setFilter() or refresh().
    void setSource(const QString &from, const QList<SqlColumn> &columns, const QString &key);
    // A cheaper FROM for counting under the current filter (joins that never change the count
    // left out); empty: count over `from`.
    void setCountSource(const QString &from) { m_countFrom = from; }
    // The order before the key when no column is sorted on (empty: the key alone): a table
    // filtered by days reads in time order, along the time index both backends have, instead
    // of sorting every row of the days by id (2.6 s for a busy week of 10 million jobs on
    // SQLite, which cannot tell how many rows a range holds). Set before setFilter().
    void setDefaultOrder(const QString &expression) { m_defaultOrder = expression; }
    // A WHERE condition with ? placeholders and the values they bind; empty for all rows.
    // Reloads.
    void setFilter(const QString &condition, const QVariantList &values);
    void setChunkSize(int rows) { m_chunkSize = qMax(1, rows); }
    // Counts on the reader's thread from now on; without one the count is synchronous.
    void setBackgroundReader(BackgroundReader *reader) { m_reader = reader; }
    // Re-reads the rows and the count (after a write elsewhere).
    void refresh();

    int fieldIndex(const QString &name) const;
    const SqlColumn &column(int index) const { return m_columns.at(index); }
    bool isSortable(int column) const;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }
    // The stored value of a cell, unformatted.
    QVariant value(int row, int column) const;
    QVariant value(int row, const QString &name) const { return value(row, fieldIndex(name)); }
    // The row whose `column` holds `value` among the rows read so far, or -1.
    int findCachedRow(int column, const QVariant &value) const;
    // False while the count is still running: rowCount() is then the rows read so far.
    bool isCountKnown() const { return m_countKnown; }
    // The last error, empty when the last read succeeded.
    QString lastError() const { return m_lastError; }
    // The current query's pieces, for exports and benchmarks that need the same rows.
    QString selectSql(int limit = -1, int offset = 0, bool reversed = false) const;
    QString countSql() const;
    // The current query (filter and order) selecting only `columns`, for exports "as shown".
    QString selectSql(const QList<int> &columns) const;
    QVariantList filterValues() const { return m_values; }
    // How the database spells dates and the like, for subclasses' filters.
    const SqlDialect &dialect() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

signals:
    // A read failed (lost connection, ...): what and where, for a banner.
    void readFailed(const QString &message) const;
    // Any read succeeded after a failure.
    void readRecovered() const;
    // The count is known (after a reload, possibly later than the first rows).
    void countChanged(int rows);

private:
    using Row = QList<QVariant>;
    const QList<Row> *chunk(int index) const;
    QString orderBy(bool reversed) const;
    QString whereClause() const;
    void reload(bool keepCount);
    void startCount();
    void applyCount(qint64 rows);
    void clearCache() const;
    void noteError(const QString &message) const;
    void noteSuccess() const;

    Database &m_database;
    BackgroundReader *m_reader = nullptr;
    QString m_from;
    QString m_countFrom;
    QList<SqlColumn> m_columns;
    QString m_key;
    QString m_defaultOrder;
    QString m_condition;
    QVariantList m_values;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    int m_chunkSize = 256;
    int m_rowCount = 0;
    bool m_countKnown = true;
    quint64 m_generation = 0; // a count that comes back for an older query is dropped
    mutable QHash<int, QList<Row>> m_cache;
    mutable QList<int> m_cacheOrder; // least recently loaded first
    mutable QString m_lastError;
};
