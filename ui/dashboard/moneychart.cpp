#include "moneychart.h"

#include "chartformat.h"
#include "ui/displaynames.h"

#include <qcustomplot.h>

using namespace ChartFormat;

bool MoneyChart::draw()
{
    QCustomPlot *plot = this->plot();
    const auto g = data().range.granularity;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(list, g);
    const bool dots = list.size() <= 62;
    double top = 0;
    QStringList summary;
    const QList<QColor> currencyColours{colour(QStringLiteral("money")), QColor(0x2a, 0x9d, 0x8f),
                                        QColor(0x9b, 0x59, 0xb6), QColor(0x7f, 0x8c, 0x3d)};
    const QStringList currencies = keysOf(data().refunds);
    for (const QString &currency : currencies) {
        const QHash<QString, qint64> cents = byBucket(data().refunds, currency);
        QCPGraph *graph = plot->addGraph(plot->xAxis, plot->yAxis);
        graph->setName(tr("Refunded (%1)").arg(currency));
        graph->setPen(
            QPen(currencyColours.at(currencies.indexOf(currency) % currencyColours.size()), 2));
        if (dots)
            graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
        qint64 total = 0;
        for (const Bucket &b : list) {
            const qint64 value = cents.value(b.key);
            graph->addData(b.x, double(value) / 100); // exact until here
            top = qMax(top, double(value) / 100);
            total += value;
        }
        summary << tr("%1 refunded").arg(money(total, currency));
        addSeries(
            graph,
            {[this, at, cents, currency, g](double key) {
                 const Bucket b = at.value(key);
                 return tr("%1\nRefunded: %2\nClick or Enter: the approved requests decided then")
                     .arg(bucketName(b, g), money(cents.value(b.key), currency));
             },
             [this, at](double key) {
                 const Bucket b = at.value(key);
                 QueueFilter f;
                 f.statuses = {QStringLiteral("approved")};
                 f.slice.decidedFrom = b.start;
                 f.slice.decidedTo = b.end;
                 openQueue(f);
             }});
    }
    plot->yAxis->setLabel(currencies.size() == 1 ? tr("Refunded (%1)").arg(currencies.first())
                                                 : tr("Refunded (each currency)"));
    plot->yAxis->setRange(0, top > 0 ? top * 1.15 : 1);

    const qint64 creditTotal = addCreditsRestored(list, dots);
    summary << tr("%1 credits restored").arg(number(creditTotal));
    setSummary(summary.join(QStringLiteral(" · ")));
    return data().refunds.isEmpty() && data().creditsRestored.isEmpty();
}
