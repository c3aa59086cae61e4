#include "chartformat.h"

#include "policy/rules/money.h"
#include "ui/recommendationdelegate.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <algorithm>
#include <qcustomplot.h>

namespace {
// Ticks for counts: whole numbers only (no "2.5 requests").
class CountTicker : public QCPAxisTicker
{
protected:
    double getTickStep(const QCPRange &range) override
    {
        const double step = QCPAxisTicker::getTickStep(range);
        return step < 1 ? 1 : (qFuzzyCompare(step, 2.5) ? 2 : step);
    }
    int getSubTickCount(double step) override
    {
        return step <= 2 ? 0 : QCPAxisTicker::getSubTickCount(step);
    }
};
} // namespace

namespace ChartFormat {
// Series colours chosen to read on a light and a dark background alike.
QColor colour(const QString &series)
{
    static const QHash<QString, QColor> colours{
        {QStringLiteral("money"), QColor(0x3b, 0x82, 0xc4)},
        {QStringLiteral("credits"), QColor(0xe0, 0x8a, 0x1e)},
        {QStringLiteral("platform"), QColor(0xd9, 0x5f, 0x3b)},
        {QStringLiteral("user"), QColor(0x8e, 0x7c, 0xc3)},
        {QStringLiteral("unknown"), QColor(0x8c, 0x8c, 0x8c)},
        {QStringLiteral("on_time"), QColor(0x3a, 0xa7, 0x6d)},
        {QStringLiteral("late"), QColor(0xd6, 0x4f, 0x4f)},
        {QStringLiteral("open"), QColor(0xe0, 0xa8, 0x1e)},
        {QStringLiteral("won"), QColor(0x3a, 0xa7, 0x6d)},
        {QStringLiteral("lost"), QColor(0xd6, 0x4f, 0x4f)},
        {QStringLiteral("decisions"), QColor(0x3b, 0x82, 0xc4)},
        {QStringLiteral("overrides"), QColor(0xe0, 0x8a, 0x1e)},
    };
    if (series == QLatin1String("approve") || series == QLatin1String("deny"))
        return RecommendationDelegate::colour(series);
    return colours.value(series, QColor(0x3b, 0x82, 0xc4));
}

void countAxis(QCPAxis *axis)
{
    axis->setTicker(QSharedPointer<QCPAxisTicker>(new CountTicker));
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

// Exact money from minor units, grouped as the locale reads it: "12,345.67 USD".
QString money(qint64 cents, const QString &currency)
{
    return formatMoney(cents, currency, QLocale());
}

QString number(qint64 n)
{
    return QLocale().toString(n);
}

QString percent(double share)
{
    return QLocale().toString(share * 100, 'f', share < 0.1 ? 2 : 1) + QStringLiteral(" %");
}

QString duration(qint64 seconds)
{
    // (The count is worked out first: lupdate's parser loops on a template call among
    // translate()'s arguments.)
    const int minutes = int(std::max(qint64(1), seconds / 60));
    if (seconds < 3600)
        return QCoreApplication::translate("DashboardView", "%n minute(s)", nullptr, minutes);
    if (seconds < 2 * 86400)
        return QCoreApplication::translate("DashboardView", "%1 hours")
            .arg(QLocale().toString(double(seconds) / 3600, 'f', 1));
    return QCoreApplication::translate("DashboardView", "%1 days")
        .arg(QLocale().toString(double(seconds) / 86400, 'f', 1));
}

double epoch(const QDate &day)
{
    return double(QDateTime(day, QTime(0, 0), Qt::UTC).toSecsSinceEpoch());
}

QDate bucketStart(const QDate &day, DashboardRange::Granularity g)
{
    switch (g) {
    case DashboardRange::Granularity::Week:
        return day.addDays(1 - day.dayOfWeek());
    case DashboardRange::Granularity::Month:
        return QDate(day.year(), day.month(), 1);
    case DashboardRange::Granularity::Day:
        break;
    }
    return day;
}

QDate nextBucket(const QDate &start, DashboardRange::Granularity g)
{
    switch (g) {
    case DashboardRange::Granularity::Week:
        return start.addDays(7);
    case DashboardRange::Granularity::Month:
        return start.addMonths(1);
    case DashboardRange::Granularity::Day:
        break;
    }
    return start.addDays(1);
}

QString bucketKey(const QDate &start, DashboardRange::Granularity g)
{
    return start.toString(g == DashboardRange::Granularity::Month ? QStringLiteral("yyyy-MM")
                                                                  : QStringLiteral("yyyy-MM-dd"));
}

// The values of `points` with `key` by bucket.
QHash<QString, qint64> byBucket(const QList<DashboardPoint> &points, const QString &key)
{
    QHash<QString, qint64> values;
    for (const DashboardPoint &p : points)
        if (p.key == key)
            values[p.bucket] += p.value;
    return values;
}

QStringList keysOf(const QList<DashboardPoint> &points)
{
    QStringList keys;
    for (const DashboardPoint &p : points)
        if (!keys.contains(p.key))
            keys << p.key;
    return keys;
}

void prepareChart(QCustomPlot *plot, const QPalette &pal, const QFont &font)
{
    plot->clearPlottables();
    plot->clearItems();
    const QColor text = pal.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(isDark(pal) ? 60 : 40);
    plot->setBackground(pal.brush(QPalette::Base));
    for (QCPAxis *axis : {plot->xAxis, plot->yAxis, plot->xAxis2, plot->yAxis2}) {
        axis->setBasePen(QPen(text, 1));
        axis->setTickPen(QPen(text, 1));
        axis->setSubTickPen(QPen(text, 1));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->grid()->setZeroLinePen(Qt::NoPen);
        axis->setLabel(QString());
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        axis->setRange(0, 1);
    }
    plot->yAxis2->setVisible(false);
    plot->xAxis2->setVisible(false);
    plot->legend->setVisible(true);
    plot->legend->setTextColor(text);
    QFont small = font;
    small.setPointSizeF(small.pointSizeF() * 0.9);
    plot->legend->setFont(small);
    // The legend goes in a row of its own above the chart, one entry after the other: inside
    // the axis rect it covered the first days' points.
    if (plot->legend->layout() != plot->plotLayout()) {
        plot->axisRect()->insetLayout()->take(plot->legend);
        plot->axisRect()->insetLayout()->simplify();
        plot->plotLayout()->insertRow(0);
        plot->plotLayout()->addElement(0, 0, plot->legend);
        plot->plotLayout()->setRowStretchFactor(0, 0.001);
        plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
        plot->legend->setMargins(QMargins(6, 2, 6, 2));
        plot->legend->setBorderPen(Qt::NoPen);
        plot->legend->setBrush(Qt::NoBrush);
    }
}

void finishChart(QCustomPlot *plot, const QPalette &pal, bool empty)
{
    if (empty) {
        auto *label = new QCPItemText(plot);
        label->position->setType(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(0.5, 0.5);
        label->setText(QCoreApplication::translate("DashboardView", "Nothing in this range"));
        label->setColor(pal.color(QPalette::PlaceholderText));
        plot->legend->setVisible(false);
    }
    plot->replot();
}
} // namespace ChartFormat
