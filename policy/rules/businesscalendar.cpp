#include "businesscalendar.h"

#include <QDateTime>

BusinessCalendar::BusinessCalendar(const QByteArray &timeZoneId, const QList<QDate> &holidays)
    : m_utc(timeZoneId.isEmpty() || timeZoneId == "UTC" || timeZoneId == "Etc/UTC")
{
    if (!m_utc) {
        m_zone = QTimeZone(timeZoneId);
        m_valid = m_zone.isValid();
    }
    for (const QDate &d : holidays)
        m_holidays.insert(d.toJulianDay());
}

bool BusinessCalendar::isBusinessDay(QDate date) const
{
    return date.dayOfWeek() <= 5 && !m_holidays.contains(date.toJulianDay());
}

QDate BusinessCalendar::localDate(qint64 utcSeconds) const
{
    if (m_utc) {
        // Floor division: the hot path of the engine avoids time zone look-ups.
        qint64 days = utcSeconds / 86400;
        if (utcSeconds % 86400 < 0)
            --days;
        return QDate::fromJulianDay(2440588 + days);
    }
    return QDateTime::fromSecsSinceEpoch(utcSeconds, m_zone).date();
}

QDate BusinessCalendar::addBusinessDays(QDate date, int n) const
{
    while (n > 0) {
        date = date.addDays(1);
        if (isBusinessDay(date))
            --n;
    }
    return date;
}
