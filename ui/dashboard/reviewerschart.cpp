#include "reviewerschart.h"

#include "chartformat.h"
#include "ui/displaynames.h"

#include <qcustomplot.h>

using namespace ChartFormat;

bool ReviewersChart::draw()
{
    QCustomPlot *plot = this->plot();
    QStringList reviewers;
    for (const DashboardPoint &p : data().decisionsPerReviewer)
        if (!reviewers.contains(p.bucket))
            reviewers << p.bucket;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < reviewers.size(); ++i)
        ticker->addTick(i + 1, reviewers.at(i));
    plot->yAxis->setTicker(ticker);
    plot->yAxis->setRange(0.4, qMax(1, int(reviewers.size())) + 0.6);
    plot->yAxis->grid()->setVisible(false);
    plot->xAxis->setLabel(tr("Decisions"));
    countAxis(plot->xAxis);
    double widest = 0;
    const QHash<QString, qint64> decisions =
        byBucket(data().decisionsPerReviewer, QStringLiteral("decisions"));
    // Decisions and, beside them, the overrides among them.
    for (const QString &key : {QStringLiteral("decisions"), QStringLiteral("overrides")}) {
        QHash<QString, qint64> counts;
        for (const DashboardPoint &p : data().decisionsPerReviewer)
            if (p.key == key)
                counts.insert(p.bucket, p.value);
        auto *bars = new QCPBars(plot->yAxis, plot->xAxis);
        const bool overrides = key == QLatin1String("overrides");
        bars->setName(overrides ? tr("Overrides") : tr("Decisions"));
        bars->setBrush(colour(key));
        bars->setPen(Qt::NoPen);
        bars->setWidth(0.36);
        for (int i = 0; i < reviewers.size(); ++i) {
            const double n = double(counts.value(reviewers.at(i)));
            bars->addData(i + 1 + (overrides ? -0.19 : 0.19), n);
            widest = qMax(widest, n);
        }
        addSeries(bars,
                  {[this, reviewers, counts, decisions, overrides](double key) {
                       const QString who = reviewers.value(qRound(key) - 1);
                       const qint64 n = counts.value(who);
                       return overrides
                                  ? tr("%1: %2 override(s) of %3 decisions, %4\nClick or Enter: "
                                       "these requests")
                                        .arg(who, number(n), number(decisions.value(who)),
                                             percent(decisions.value(who) > 0
                                                         ? double(n) / double(decisions.value(who))
                                                         : 0))
                                  : tr("%1: %2 decision(s)\nClick or Enter: these requests")
                                        .arg(who, number(n));
                   },
                   [this, reviewers, overrides](double key) {
                       QueueFilter f;
                       f.statuses = {};
                       f.slice.decidedBy = reviewers.value(qRound(key) - 1);
                       f.slice.overridesOnly = overrides;
                       f.slice.decidedFrom = data().range.from;
                       f.slice.decidedTo = data().range.to;
                       openQueue(f);
                   }});
    }
    plot->xAxis->setRange(0, widest > 0 ? widest * 1.1 : 1);
    setSummary(reviewers.isEmpty() ? QString()
                                   : tr("%n reviewer(s)", nullptr, int(reviewers.size())));
    return reviewers.isEmpty();
}
