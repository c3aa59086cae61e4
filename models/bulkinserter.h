#pragma once
// Fast loading. Through the driver's native handle where there is one: SQLite gets prepared
// multi-row INSERTs with bound values, PostgreSQL a COPY FROM STDIN
// (data, never SQL text). Otherwise prepared multi-row INSERTs through QtSql.

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>
#include <map>
#include <memory>

class SqlDialect;

class BulkInserter
{
public:
    BulkInserter(const QSqlDatabase &db, const SqlDialect &dialect, const QString &table,
                 const QStringList &columns);
    ~BulkInserter();

    // Queues one row; its values come in the order of the columns. Nothing is written until
    // flush(), so the caller decides the order in which tables reach the database (foreign keys).
    void addRow(std::initializer_list<QVariant> values);
    qint64 pendingRows() const { return m_pendingRows; }
    // Writes everything queued, in statements of up to rowsPerStatement rows. Throws DatabaseError.
    void flush();
    qint64 rowsWritten() const { return m_written; }
    const QString &table() const { return m_table; }

private:
    QString statementFor(int rows) const;
    void flushQtSql();
    void flushSqlite(void *handle);
    void flushPostgres(void *handle);
    QSqlQuery &statement(int rows);
    void execute(QSqlQuery &query, qsizetype firstValue, int rows);

    QSqlDatabase m_db;
    QString m_table;
    QStringList m_columns;
    int m_rowsPerStatement;
    qint64 m_pendingRows = 0;
    QVariantList m_values;
    // Prepared statements by row count: the full size and the powers of two below it, so a
    // remainder costs at most log2(rows) statements and no new prepare.
    std::map<int, std::unique_ptr<QSqlQuery>> m_statements;
    qint64 m_written = 0;
    bool m_sqlite = false;
    void *m_sqliteStatement = nullptr;     // sqlite3_stmt*, one row
    void *m_sqliteWideStatement = nullptr; // sqlite3_stmt*, several rows
};
