#include "chargebackschart.h"

#include "chartformat.h"
#include "ui/displaynames.h"

#include <qcustomplot.h>

using namespace ChartFormat;

bool ChargebacksChart::draw()
{
    QCustomPlot *plot = this->plot();
    const auto g = DashboardRange::Granularity::Month;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(list, g);
    plot->xAxis->ticker().dynamicCast<QCPAxisTickerDateTime>()->setTickCount(
        qMin(6, qMax(1, int(list.size()))));
    BarStack stack(plot);
    QStringList summary;
    for (const QString &status :
         {QStringLiteral("lost"), QStringLiteral("won"), QStringLiteral("open")}) {
        const QHash<QString, qint64> counts = byBucket(data().chargebacks, status);
        QCPBars *bars = stack.layer(DisplayNames::value(status), status);
        qint64 total = 0;
        for (const Bucket &b : list) {
            const qint64 n = counts.value(b.key);
            stack.add(bars, b, double(n), 0.6);
            total += n;
        }
        summary << tr("%1: %2").arg(DisplayNames::value(status), number(total));
        addSeries(bars, {[this, at, counts, status](double x) {
                             const Bucket b = at.value(x);
                             return tr("%1\n%2: %3 chargeback(s)\nClick or Enter: their purchases")
                                 .arg(bucketName(b, DashboardRange::Granularity::Month),
                                      DisplayNames::value(status), number(counts.value(b.key)));
                         },
                         [this, at, status](double x) {
                             RecordFilter f;
                             f.kind = QStringLiteral("chargeback_") + status;
                             openRecords(DashboardView::Records::Purchases, f, at.value(x));
                         }});
    }
    plot->yAxis->setLabel(tr("Chargebacks"));
    countAxis(plot->yAxis);
    stack.fitValueAxis();
    setSummary(data().chargebacks.isEmpty() ? QString() : summary.join(QStringLiteral(", ")));
    return data().chargebacks.isEmpty();
}
