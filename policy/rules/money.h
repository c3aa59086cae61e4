#pragma once
// Money in minor units as people read it: "19.12 USD". Exact: integer arithmetic only.

#include <QLocale>
#include <QString>
#include <limits>
#include <optional>
#include <stdexcept>

inline QString formatMoney(qint64 minorUnits, const QString &currency)
{
    const quint64 magnitude = minorUnits < 0 ? 0 - quint64(minorUnits) : quint64(minorUnits);
    return QStringLiteral("%1%2.%3 %4")
        .arg(minorUnits < 0 ? QStringLiteral("-") : QString())
        .arg(magnitude / 100)
        .arg(magnitude % 100, 2, 10, QLatin1Char('0'))
        .arg(currency);
}

// The same as the user's locale writes numbers, for display only: "1.234,50 EUR" in German,
// "1,234.50 EUR" in English. Stored and exported text keeps the form above.
inline QString formatMoney(qint64 minorUnits, const QString &currency, const QLocale &locale)
{
    const quint64 magnitude = minorUnits < 0 ? 0 - quint64(minorUnits) : quint64(minorUnits);
    return QStringLiteral("%1%2%3%4 %5")
        .arg(minorUnits < 0 ? locale.negativeSign() : QString())
        .arg(locale.toString(qulonglong(magnitude / 100)))
        .arg(locale.decimalPoint())
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
    return whole.toLongLong() * 100 + fraction.toLongLong(); // 15 digits: fits
}

// Money and credits are checked, never wrapped: a product or sum that does not fit in 64 bits
// is an error. Inputs are bounded (POLICIES.md: 0..10^15, charge_count 1..1000), so within
// bounds none of these throws; they are the guard for figures read from anywhere else.
struct ArithmeticOverflow : std::overflow_error
{
    ArithmeticOverflow() : std::overflow_error("money or credit figure out of range") {}
};

namespace Checked {
inline qint64 add(qint64 a, qint64 b)
{
    qint64 r = 0;
    if (__builtin_add_overflow(a, b, &r))
        throw ArithmeticOverflow();
    return r;
}
inline qint64 sub(qint64 a, qint64 b)
{
    qint64 r = 0;
    if (__builtin_sub_overflow(a, b, &r))
        throw ArithmeticOverflow();
    return r;
}
inline qint64 mul(qint64 a, qint64 b)
{
    qint64 r = 0;
    if (__builtin_mul_overflow(a, b, &r))
        throw ArithmeticOverflow();
    return r;
}
// floor(a * b / c) for a, b >= 0 and c > 0, exact: the product is taken in 128 bits, so a
// share of a large amount is never computed from a wrapped intermediate.
inline qint64 mulDiv(qint64 a, qint64 b, qint64 c)
{
    if (a < 0 || b < 0 || c <= 0)
        throw ArithmeticOverflow();
    const __int128 r = __int128(a) * __int128(b) / __int128(c);
    if (r > __int128(std::numeric_limits<qint64>::max()))
        throw ArithmeticOverflow();
    return qint64(r);
}
} // namespace Checked
