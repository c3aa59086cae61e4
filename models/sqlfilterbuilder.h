#pragma once
// Builds a WHERE condition from optional filters, every value bound, never user text in SQL.

#include <QDate>
#include <QString>
#include <QStringList>
#include <QVariantList>

class SqlFilterBuilder
{
public:
    // Adds `condition` (with `?` placeholders) and the values it binds.
    SqlFilterBuilder &add(const QString &condition, const QVariantList &values = {});
    // `expression = value` unless `value` is empty (text) or 0 (an id).
    SqlFilterBuilder &equals(const QString &expression, const QString &value);
    SqlFilterBuilder &equalsId(const QString &expression, qint64 id);
    // `expression IN (...)` unless `values` is empty.
    SqlFilterBuilder &in(const QString &expression, const QStringList &values);
    // Seconds-since-epoch `expression` within the days from..to (either may be invalid), local
    // days unless `utc`.
    SqlFilterBuilder &dayRange(const QString &expression, const QDate &from, const QDate &to,
                               bool utc = false);
    // Case-insensitive substring match on any of `expressions` (already lower-cased in SQL).
    SqlFilterBuilder &contains(const QStringList &expressions, const QString &text);

    QString condition() const { return m_parts.join(QStringLiteral(" AND ")); }
    QVariantList values() const { return m_values; }
    bool isEmpty() const { return m_parts.isEmpty(); }

    // `text` as a LIKE pattern matching it anywhere, with % _ ! escaped by '!'.
    static QString likePattern(const QString &text);

private:
    QStringList m_parts;
    QVariantList m_values;
};
