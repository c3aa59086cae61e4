#pragma once
// What the dashboard's charts share: their colours, number, money and duration formats, the
// buckets of a date range, and the look of an empty or freshly cleared chart.

#include "models/dashboardrepository.h"

#include <QColor>
#include <QDate>
#include <QFont>
#include <QHash>
#include <QPalette>
#include <QString>
#include <QStringList>

class QCPAxis;
class QCustomPlot;

namespace ChartFormat {
// A series' colour, chosen to read on a light and a dark background alike.
QColor colour(const QString &series);
// Ticks for counts: whole numbers only (no "2.5 requests").
void countAxis(QCPAxis *axis);
bool isDark(const QPalette &palette);
// Exact money from minor units, grouped as the locale reads it: "12,345.67 USD".
QString money(qint64 cents, const QString &currency);
QString number(qint64 n);
QString percent(double share);
QString duration(qint64 seconds);
// Seconds since the epoch of a UTC day's start.
double epoch(const QDate &day);
// The bucket a day falls in, the next one, and the repository's name of it.
QDate bucketStart(const QDate &day, DashboardRange::Granularity g);
QDate nextBucket(const QDate &start, DashboardRange::Granularity g);
QString bucketKey(const QDate &start, DashboardRange::Granularity g);
// The values of `points` with `key` by bucket.
QHash<QString, qint64> byBucket(const QList<DashboardPoint> &points, const QString &key);
QStringList keysOf(const QList<DashboardPoint> &points);
// Clears a chart and gives it the palette's colours, before it is drawn again.
void prepareChart(QCustomPlot *plot, const QPalette &palette, const QFont &font);
// Says "Nothing in this range" on an empty chart; redraws it.
void finishChart(QCustomPlot *plot, const QPalette &palette, bool empty);
} // namespace ChartFormat
