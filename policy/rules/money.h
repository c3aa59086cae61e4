#pragma once
// Money in minor units as people read it: "19.12 USD". Exact: integer arithmetic only.

#include <QString>
#include <optional>

inline QString formatMoney(qint64 minorUnits, const QString &currency)
{
    const quint64 magnitude = minorUnits < 0 ? 0 - quint64(minorUnits) : quint64(minorUnits);
    return QStringLiteral("%1%2.%3 %4")
        .arg(minorUnits < 0 ? QStringLiteral("-") : QString())
        .arg(magnitude / 100)
        .arg(magnitude % 100, 2, 10, QLatin1Char('0'))
        .arg(currency);
}

// "12", "12.3", "12.34" (a comma works as the separator too) to minor units; nullopt for
// anything else, including negative amounts and more than two decimals.
inline std::optional<qint64> parseMoney(const QString &text)
{
    QString t = text.trimmed();
    t.replace(QLatin1Char(','), QLatin1Char('.'));
    const qsizetype dot = t.indexOf(QLatin1Char('.'));
    const QString whole = dot < 0 ? t : t.left(dot);
    QString fraction = dot < 0 ? QString() : t.mid(dot + 1);
    if (whole.isEmpty() || whole.size() > 15 || fraction.size() > 2)
        return std::nullopt;
    for (const QChar c : whole + fraction)
        if (!c.isDigit() || c.unicode() > 127)
            return std::nullopt;
    while (fraction.size() < 2)
        fraction += QLatin1Char('0');
    return whole.toLongLong() * 100 + fraction.toLongLong();
}
