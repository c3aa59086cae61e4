#pragma once
// Business days (Monday to Friday minus holidays) in one time zone, for answer deadlines.

#include <QDate>
#include <QList>
#include <QSet>
#include <QTimeZone>

class BusinessCalendar
{
public:
    BusinessCalendar() = default;
    BusinessCalendar(const QByteArray &timeZoneId, const QList<QDate> &holidays);

    bool isValid() const { return m_valid; }
    bool isBusinessDay(QDate date) const;
    // The calendar date a UTC instant falls on in this calendar's time zone.
    QDate localDate(qint64 utcSeconds) const;
    // The n-th business day after `date` (date itself does not count).
    QDate addBusinessDays(QDate date, int n) const;

private:
    bool m_valid = true;
    bool m_utc = true;
    QTimeZone m_zone;
    QSet<qint64> m_holidays; // Julian days
};
