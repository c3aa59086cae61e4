#include "requestschart.h"

#include "chartformat.h"
#include "ui/displaynames.h"

#include <qcustomplot.h>

using namespace ChartFormat;

bool RequestsChart::draw()
{
    QCustomPlot *plot = this->plot();
    // Types down the side, so their names stay readable; approve and deny stacked.
    QStringList types;
    for (const DashboardPoint &p : data().requestsByTypeAndVerdict)
        if (!types.contains(p.bucket))
            types << p.bucket;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < types.size(); ++i)
        ticker->addTick(i + 1, DisplayNames::requestType(types.at(i)));
    plot->yAxis->setTicker(ticker);
    plot->yAxis->setRange(0.4, qMax(1, int(types.size())) + 0.6);
    plot->yAxis->grid()->setVisible(false);
    plot->xAxis->setLabel(tr("Decided requests"));
    countAxis(plot->xAxis);

    QCPBars *below = nullptr;
    double widest = 0;
    QHash<QString, qint64> totals; // per type, both verdicts
    qint64 all = 0;
    for (const DashboardPoint &p : data().requestsByTypeAndVerdict) {
        totals[p.bucket] += p.value;
        all += p.value;
    }
    for (const QString &verdict : {QStringLiteral("approve"), QStringLiteral("deny")}) {
        auto *bars = new QCPBars(plot->yAxis, plot->xAxis);
        bars->setName(verdict == QLatin1String("approve") ? tr("Approved") : tr("Denied"));
        bars->setBrush(colour(verdict));
        bars->setPen(QPen(colour(verdict).darker(130)));
        bars->setWidth(0.6);
        bars->setStackingGap(0);
        QHash<QString, qint64> counts;
        for (const DashboardPoint &p : data().requestsByTypeAndVerdict)
            if (p.key == verdict)
                counts.insert(p.bucket, p.value);
        for (int i = 0; i < types.size(); ++i)
            bars->addData(i + 1, double(counts.value(types.at(i))));
        if (below)
            bars->moveAbove(below);
        below = bars;
        addSeries(bars,
                  {[this, types, counts, verdict, totals](double key) {
                       const QString type = types.value(int(key) - 1);
                       return tr("%1, %2: %3 of %4\nClick or Enter: these requests in the queue")
                           .arg(DisplayNames::requestType(type),
                                verdict == QLatin1String("approve") ? tr("approved") : tr("denied"),
                                number(counts.value(type)), number(totals.value(type)));
                   },
                   [this, types, verdict](double key) {
                       QueueFilter f;
                       f.type = types.value(int(key) - 1);
                       f.statuses = {verdict == QLatin1String("approve")
                                         ? QStringLiteral("approved")
                                         : QStringLiteral("denied")};
                       f.slice.decidedFrom = data().range.from;
                       f.slice.decidedTo = data().range.to;
                       openQueue(f);
                   }});
    }
    for (const qint64 t : std::as_const(totals))
        widest = qMax(widest, double(t));
    plot->xAxis->setRange(0, widest > 0 ? widest * 1.1 : 1);
    QString top;
    qint64 most = 0;
    for (auto it = totals.cbegin(); it != totals.cend(); ++it)
        if (it.value() > most) {
            most = it.value();
            top = it.key();
        }
    setSummary(all == 0 ? QString()
                        : tr("%1 decided; most were %2 (%3)")
                              .arg(number(all), DisplayNames::requestType(top), number(most)));
    return types.isEmpty();
}
