#pragma once
// A read-only table over a SQL query that never loads whole: rows come in chunks on demand
// (LIMIT/OFFSET windows, read from the nearer end so the last row is as cheap as the first),
// kept in a bounded row cache; sorting and filtering run in SQL.

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QStringList>
#include <QVariant>

class Database;

struct SqlColumn
{
    QString name;       // what fieldIndex() finds
    QString expression; // SQL for the column, e.g. "l.credits"; never user text
    QString header;     // shown in the header, already translated
};

class SqlWindowModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit SqlWindowModel(Database &database, QObject *parent = nullptr);

    // `from` is the FROM clause (tables and joins); `key` a unique expression that breaks ties
    // so the order is total (e.g. "l.id"). Resets the model.
    void setSource(const QString &from, const QList<SqlColumn> &columns, const QString &key);
    // A WHERE condition with ? placeholders and the values they bind; empty for all rows.
    void setFilter(const QString &condition, const QVariantList &values);
    void setChunkSize(int rows) { m_chunkSize = qMax(1, rows); }
    // Re-reads the count and drops the cache (after a write elsewhere).
    void refresh();

    int fieldIndex(const QString &name) const;
    // The stored value of a cell, unformatted.
    QVariant value(int row, int column) const;
    QVariant value(int row, const QString &name) const { return value(row, fieldIndex(name)); }
    // The last error, empty when the last read succeeded.
    QString lastError() const { return m_lastError; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

signals:
    // A read failed (lost connection, ...): what and where, for a banner.
    void readFailed(const QString &message) const;

private:
    using Row = QList<QVariant>;
    const QList<Row> *chunk(int index) const;
    QString orderBy(bool reversed) const;
    QString whereClause() const;
    qint64 countRows() const;

    Database &m_database;
    QString m_from;
    QList<SqlColumn> m_columns;
    QString m_key;
    QString m_condition;
    QVariantList m_values;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    int m_chunkSize = 256;
    int m_rowCount = 0;
    mutable QHash<int, QList<Row>> m_cache;
    mutable QList<int> m_cacheOrder; // least recently loaded first
    mutable QString m_lastError;
};
