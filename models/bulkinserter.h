#pragma once
// Fast loading, in two halves that may run on two threads: BulkRows queues one table's rows
// as ready-to-bind values (no database needed), and BulkInserter writes them. Through the
// driver's native handle where there is one: SQLite gets prepared multi-row INSERTs with bound
// values, PostgreSQL a COPY FROM STDIN (data, never SQL text). Otherwise prepared multi-row
// INSERTs through QtSql.

#include <QByteArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>
#include <map>
#include <memory>
#include <vector>

class SqlDialect;

class BulkRows
{
public:
    enum class Kind : quint8
    {
        Null,
        Integer,
        Boolean,
        Text
    };
    struct Value
    {
        qint64 number = 0; // the integer or boolean; for text, where it starts in the text
        quint32 size = 0;  // text: its length in bytes
        Kind kind = Kind::Null;
    };

    BulkRows(const QString &table, const QStringList &columns);

    // Queues one row; its values come in the order of the columns. An integer or bool stays
    // a number, a string becomes UTF-8 (a null QString an empty one), an invalid QVariant
    // NULL, anything else its text.
    void add(std::initializer_list<QVariant> values);
    qint64 rows() const { return m_rows; }
    bool isEmpty() const { return m_rows == 0; }
    const QString &table() const { return m_table; }
    const QStringList &columns() const { return m_columns; }

    const Value &at(qint64 row, int column) const
    {
        return m_values[size_t(row * m_columns.size() + column)];
    }
    // The bytes of a Text value; they live as long as these rows do.
    const char *text(const Value &v) const { return m_text.constData() + v.number; }
    QVariant variant(const Value &v) const;

private:
    QString m_table;
    QStringList m_columns;
    std::vector<Value> m_values;
    QByteArray m_text;
    qint64 m_rows = 0;
};

class BulkInserter
{
public:
    BulkInserter(const QSqlDatabase &db, const SqlDialect &dialect, const QString &table,
                 const QStringList &columns);
    ~BulkInserter();
    BulkInserter(const BulkInserter &) = delete;
    BulkInserter &operator=(const BulkInserter &) = delete;

    // Writes the rows (of this inserter's table and columns), in statements of up to
    // rowsPerStatement rows. Throws DatabaseError.
    void write(const BulkRows &rows);
    qint64 rowsWritten() const { return m_written; }
    const QString &table() const { return m_table; }

private:
    QString statementFor(int rows) const;
    void writeQtSql(const BulkRows &rows);
    void writeSqlite(void *handle, const BulkRows &rows);
    void writePostgres(void *handle, const BulkRows &rows);
    QSqlQuery &statement(int rows);

    QSqlDatabase m_db;
    QString m_table;
    QStringList m_columns;
    int m_rowsPerStatement;
    // Prepared statements by row count: the full size and the powers of two below it, so a
    // remainder costs at most log2(rows) statements and no new prepare.
    std::map<int, std::unique_ptr<QSqlQuery>> m_statements;
    qint64 m_written = 0;
    void *m_sqliteStatement = nullptr;     // sqlite3_stmt*, one row
    void *m_sqliteWideStatement = nullptr; // sqlite3_stmt*, several rows
};
