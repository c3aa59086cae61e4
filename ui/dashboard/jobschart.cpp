#include "jobschart.h"

#include "chartformat.h"
#include "ui/displaynames.h"

#include <qcustomplot.h>

using namespace ChartFormat;

bool JobsChart::draw()
{
    QCustomPlot *plot = this->plot();
    const auto g = data().range.granularity;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(list, g);
    const QHash<QString, qint64> all = byBucket(data().jobsByCause, QStringLiteral("all"));
    BarStack stack(plot);
    qint64 jobs = 0;
    for (const qint64 n : all)
        jobs += n;
    QStringList causes;
    for (const QString &cause :
         {QStringLiteral("platform"), QStringLiteral("user"), QStringLiteral("unknown")}) {
        const QHash<QString, qint64> failed = byBucket(data().jobsByCause, cause);
        QCPBars *bars = stack.layer(tr("Failed: %1").arg(DisplayNames::value(cause)), cause);
        qint64 total = 0;
        for (const Bucket &b : list) {
            const qint64 n = all.value(b.key);
            const double rate = n > 0 ? 100.0 * double(failed.value(b.key)) / double(n) : 0;
            stack.add(bars, b, rate, 0.8);
            total += failed.value(b.key);
        }
        if (jobs > 0)
            causes << tr("%1 %2").arg(DisplayNames::value(cause),
                                      percent(double(total) / double(jobs)));
        addSeries(bars,
                  {[this, at, failed, all, cause, g](double key) {
                       const Bucket b = at.value(key);
                       const qint64 n = all.value(b.key);
                       const qint64 f = failed.value(b.key);
                       return tr("%1\nFailed (%2): %3 of %4 jobs, %5\nClick or Enter: these jobs")
                           .arg(bucketName(b, g), DisplayNames::value(cause), number(f), number(n),
                                percent(n > 0 ? double(f) / double(n) : 0));
                   },
                   [this, at, cause](double key) {
                       RecordFilter f;
                       f.kind = QStringLiteral("failed");
                       f.cause = cause;
                       openRecords(DashboardView::Records::Jobs, f, at.value(key));
                   }});
    }
    plot->yAxis->setLabel(tr("Failure rate (%)"));
    stack.fitValueAxis();

    addCreditsRestored(list, false);

    // How the rate moved: the first bucket against the last one.
    QString trend;
    if (list.size() >= 2) {
        auto rate = [&](const Bucket &b) {
            const qint64 n = all.value(b.key);
            return n > 0 ? stack.height(b.x) : -1.0;
        };
        const double first = rate(list.first());
        const double last = rate(list.last());
        if (first >= 0 && last >= 0)
            trend = tr("; %1 in %2, %3 in %4")
                        .arg(percent(first / 100), bucketName(list.first(), g), percent(last / 100),
                             bucketName(list.last(), g));
    }
    setSummary(jobs == 0 ? QString()
                         : tr("%1 jobs, failed: %2%3")
                               .arg(number(jobs), causes.join(QStringLiteral(", ")), trend));
    return jobs == 0;
}
