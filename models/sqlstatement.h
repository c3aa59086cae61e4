#pragma once
// A prepared, bound statement that throws DatabaseError (with the statement) on failure.

#include <QSqlQuery>
#include <QVariant>
#include <initializer_list>
#include <memory>
#include <optional>

// Prepared statements are kept per thread and connection and reused: a statement run again is
// neither parsed (SQLite) nor prepared and deallocated (PostgreSQL: two round trips) again.
class SqlStatement
{
public:
    SqlStatement(const QSqlDatabase &db, const QString &sql);
    ~SqlStatement();
    SqlStatement(const SqlStatement &) = delete;
    SqlStatement &operator=(const SqlStatement &) = delete;

    // Drops this thread's prepared statements of a connection about to be closed.
    static void forgetConnection(const QString &connectionName);

    // A null QString binds as '' (our NOT NULL text columns); bind QVariant() for SQL NULL.
    SqlStatement &bind(const QVariant &value);
    SqlStatement &bindAll(std::initializer_list<QVariant> values);
    // Executes with the values bound so far; they are cleared for the next run.
    SqlStatement &exec();
    bool next() { return m_query->next(); }
    QVariant value(int index) const { return m_query->value(index); }
    QVariant value(const QString &column) const { return m_query->value(column); }
    int numRowsAffected() const { return m_query->numRowsAffected(); }
    QSqlQuery &query() { return *m_query; }

    // Runs a statement without values.
    static void run(const QSqlDatabase &db, const QString &sql);
    // What bind() sends for `value`.
    static QVariant bindable(const QVariant &value);
    // SQL NULL for "none": an id of 0 (our ids start at 1), an empty text.
    static QVariant idOrNull(qint64 id) { return id > 0 ? QVariant(id) : QVariant(); }
    static QVariant textOrNull(const QString &text)
    {
        return text.isEmpty() ? QVariant() : QVariant(text);
    }
    // First column of the first row of a statement with values, or `fallback` when no row.
    static QVariant scalar(const QSqlDatabase &db, const QString &sql,
                           std::initializer_list<QVariant> values = {},
                           const QVariant &fallback = {});

private:
    QString m_sql;
    std::shared_ptr<struct CachedStatement> m_cached; // the reused statement, or
    std::optional<QSqlQuery> m_own;                   // one of its own
    QSqlQuery *m_query = nullptr;
};
