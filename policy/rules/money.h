#pragma once
// Money in minor units as people read it: "19.12 USD". Exact: integer arithmetic only.

#include <QString>

inline QString formatMoney(qint64 minorUnits, const QString &currency)
{
    const quint64 magnitude = minorUnits < 0 ? 0 - quint64(minorUnits) : quint64(minorUnits);
    return QStringLiteral("%1%2.%3 %4")
        .arg(minorUnits < 0 ? QStringLiteral("-") : QString())
        .arg(magnitude / 100)
        .arg(magnitude % 100, 2, 10, QLatin1Char('0'))
        .arg(currency);
}
