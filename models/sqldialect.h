#pragma once
// What SQLite and PostgreSQL spell differently, in one place.

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

class SqlDialect
{
public:
    enum class Kind
    {
        Sqlite,
        Postgres
    };

    explicit SqlDialect(Kind kind) : m_kind(kind) {}
    // The dialect a connection speaks.
    static SqlDialect of(const QSqlDatabase &db);
    Kind kind() const { return m_kind; }
    bool isSqlite() const { return m_kind == Kind::Sqlite; }
    bool isPostgres() const { return m_kind == Kind::Postgres; }

    // Column definition of an auto-numbered 64-bit primary key named id.
    QString idColumn() const;
    // A boolean column that accepts only true/false (0/1 on SQLite).
    QString boolColumn(const QString &name, bool defaultValue) const;
    // Starts a transaction that holds the write lock from its first statement.
    QString beginWrite() const;
    // Statements that make the database itself refuse UPDATE and DELETE on a table.
    QStringList appendOnlyTriggers(const QString &table) const;
    // Statements that make the database refuse every DELETE on a table, and every UPDATE for
    // which `refuseWhen` (an expression over OLD and NEW) is true, with `message`.
    QStringList guardTriggers(const QString &table, const QString &refuseWhen,
                              const QString &message) const;
    // In a trigger: "this column's value changes" (NULL-safe).
    QString changes(const QString &column) const;
    // After rows were inserted with explicit ids: moves the id generator past them.
    QString resetIdentity(const QString &table) const;
    // SQLSTATE-like test: was this error a lost race that should be retried?
    bool isRetryable(const QString &nativeErrorCode, const QString &text) const;
    // Suffix of a SELECT that locks the rows it reads until the transaction ends (PostgreSQL);
    // SQLite needs none: a write transaction already holds the whole database.
    QString forUpdate() const { return isSqlite() ? QString() : QStringLiteral(" FOR UPDATE"); }
    // Was this error a unique-constraint violation?
    bool isUniqueViolation(const QString &nativeErrorCode) const;
    // The UTC day ("YYYY-MM-DD") and month ("YYYY-MM") of a seconds-since-epoch expression.
    QString utcDate(const QString &secondsExpression) const;
    QString utcMonth(const QString &secondsExpression) const;
    // The Monday ("YYYY-MM-DD") of the UTC week of a seconds-since-epoch expression.
    QString utcWeek(const QString &secondsExpression) const;
    // Many values in one bound parameter, a JSON array, so one statement serves a batch of any
    // size with data (never SQL text). A FROM item `jsonRows()` yields one row per element,
    // whose own elements are read with jsonText(i) / jsonInteger(i): [["evt-1", 7], ...].
    QString jsonRows() const;
    QString jsonText(int index) const;
    QString jsonInteger(int index) const;
    // "column is one of the texts / integers of a flat JSON array" (bound as one parameter);
    // on PostgreSQL an = ANY over an array, so the column's index is used however many.
    QString inJsonTexts(const QString &column) const;
    QString inJsonIntegers(const QString &column) const;
    // Largest number of bound values one statement may carry.
    int maxBindValues() const { return isSqlite() ? 32000 : 65000; }

private:
    Kind m_kind;
};
