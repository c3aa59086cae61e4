#include "sqlfilterbuilder.h"

#include <QDateTime>

SqlFilterBuilder &SqlFilterBuilder::add(const QString &condition, const QVariantList &values)
{
    m_parts << QStringLiteral("(%1)").arg(condition);
    m_values << values;
    return *this;
}

SqlFilterBuilder &SqlFilterBuilder::equals(const QString &expression, const QString &value)
{
    if (!value.isEmpty())
        add(expression + QStringLiteral(" = ?"), {value});
    return *this;
}

SqlFilterBuilder &SqlFilterBuilder::equalsId(const QString &expression, qint64 id)
{
    if (id > 0)
        add(expression + QStringLiteral(" = ?"), {id});
    return *this;
}

SqlFilterBuilder &SqlFilterBuilder::in(const QString &expression, const QStringList &values)
{
    if (values.isEmpty())
        return *this;
    QStringList marks;
    QVariantList bound;
    for (const QString &v : values) {
        marks << QStringLiteral("?");
        bound << v;
    }
    return add(QStringLiteral("%1 IN (%2)").arg(expression, marks.join(QStringLiteral(", "))),
               bound);
}

SqlFilterBuilder &SqlFilterBuilder::dayRange(const QString &expression, const QDate &from,
                                             const QDate &to, bool utc)
{
    const auto start = [utc](const QDate &day) {
        return (utc ? day.startOfDay(Qt::UTC) : day.startOfDay()).toSecsSinceEpoch();
    };
    if (from.isValid())
        add(expression + QStringLiteral(" >= ?"), {start(from)});
    if (to.isValid())
        add(expression + QStringLiteral(" < ?"), {start(to.addDays(1))});
    return *this;
}

SqlFilterBuilder &SqlFilterBuilder::contains(const QStringList &expressions, const QString &text)
{
    if (text.isEmpty() || expressions.isEmpty())
        return *this;
    const QString pattern = likePattern(text.toLower());
    QStringList parts;
    QVariantList values;
    for (const QString &e : expressions) {
        parts << QStringLiteral("LOWER(%1) LIKE ? ESCAPE '!'").arg(e);
        values << pattern;
    }
    return add(parts.join(QStringLiteral(" OR ")), values);
}

QString SqlFilterBuilder::likePattern(const QString &text)
{
    QString escaped;
    escaped.reserve(text.size() + 2);
    for (const QChar c : text) {
        if (c == QLatin1Char('%') || c == QLatin1Char('_') || c == QLatin1Char('!'))
            escaped += QLatin1Char('!');
        escaped += c;
    }
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}
