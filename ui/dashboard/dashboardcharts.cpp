// The dashboard's six charts, drawn from the figures DashboardRepository computed; each
// point says what it counts and opens the slice behind it.

#include "chartformat.h"
#include "ui/dashboardview.h"
#include "ui/displaynames.h"

#include <QLabel>
#include <QLocale>
#include <qcustomplot.h>

using namespace ChartFormat;

void DashboardView::useDateAxis(QCustomPlot *plot, const QList<Bucket> &list,
                                DashboardRange::Granularity g)
{
    QSharedPointer<QCPAxisTickerDateTime> ticker(new QCPAxisTickerDateTime);
    ticker->setDateTimeSpec(Qt::UTC);
    ticker->setDateTimeFormat(g == DashboardRange::Granularity::Month ? QStringLiteral("MMM yyyy")
                                                                      : QStringLiteral("d MMM"));
    ticker->setTickCount(g == DashboardRange::Granularity::Month ? 6 : 7);
    plot->xAxis->setTicker(ticker);
    if (!list.isEmpty())
        plot->xAxis->setRange(list.first().x - list.first().width / 2,
                              list.last().x + list.last().width / 2);
}

void DashboardView::drawMoney(QCustomPlot *plot)
{
    prepare(plot);
    const auto g = m_data.range.granularity;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(plot, list, g);
    const bool dots = list.size() <= 62;
    double top = 0;
    QStringList summary;
    const QList<QColor> currencyColours{colour(QStringLiteral("money")), QColor(0x2a, 0x9d, 0x8f),
                                        QColor(0x9b, 0x59, 0xb6), QColor(0x7f, 0x8c, 0x3d)};
    const QStringList currencies = keysOf(m_data.refunds);
    for (const QString &currency : currencies) {
        const QHash<QString, qint64> cents = byBucket(m_data.refunds, currency);
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

    const qint64 creditTotal = addCreditsRestored(plot, list, dots);
    summary << tr("%1 credits restored").arg(number(creditTotal));
    m_subtitles.value(Chart::Money)->setText(summary.join(QStringLiteral(" · ")));
    finish(plot, m_data.refunds.isEmpty() && m_data.creditsRestored.isEmpty());
}

qint64 DashboardView::addCreditsRestored(QCustomPlot *plot, const QList<Bucket> &list, bool dots)
{
    const auto g = m_data.range.granularity;
    const QHash<double, Bucket> at = byMiddle(list);
    const QHash<QString, qint64> credits = byBucket(m_data.creditsRestored, QString());
    QCPGraph *restored = plot->addGraph(plot->xAxis, plot->yAxis2);
    restored->setName(tr("Credits restored"));
    restored->setPen(QPen(colour(QStringLiteral("credits")), 2, Qt::DashLine));
    if (dots)
        restored->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, 6));
    qint64 top = 0;
    qint64 total = 0;
    for (const Bucket &b : list) {
        const qint64 value = credits.value(b.key);
        restored->addData(b.x, double(value));
        top = qMax(top, value);
        total += value;
    }
    addSeries(restored,
              {[this, at, credits, g](double key) {
                   const Bucket b = at.value(key);
                   return tr("%1\nCredits restored: %2\nClick or Enter: those ledger entries")
                       .arg(bucketName(b, g), number(credits.value(b.key)));
               },
               [this, at](double key) {
                   RecordFilter f;
                   f.kind = QStringLiteral("job_credit_back");
                   openRecords(Records::Ledger, f, at.value(key));
               }});
    plot->yAxis2->setVisible(true);
    plot->yAxis2->setLabel(tr("Credits restored"));
    plot->yAxis2->setRange(0, top > 0 ? double(top) * 1.2 : 1);
    return total;
}

void DashboardView::drawRequests(QCustomPlot *plot)
{
    prepare(plot);
    // Types down the side, so their names stay readable; approve and deny stacked.
    QStringList types;
    for (const DashboardPoint &p : m_data.requestsByTypeAndVerdict)
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
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);

    QCPBars *below = nullptr;
    double widest = 0;
    QHash<QString, qint64> totals; // per type, both verdicts
    qint64 all = 0;
    for (const DashboardPoint &p : m_data.requestsByTypeAndVerdict) {
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
        for (const DashboardPoint &p : m_data.requestsByTypeAndVerdict)
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
                       f.slice.decidedFrom = m_data.range.from;
                       f.slice.decidedTo = m_data.range.to;
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
    m_subtitles.value(Chart::Requests)
        ->setText(all == 0 ? QString()
                           : tr("%1 decided; most were %2 (%3)")
                                 .arg(number(all), DisplayNames::requestType(top), number(most)));
    finish(plot, types.isEmpty());
}

void DashboardView::drawJobs(QCustomPlot *plot)
{
    prepare(plot);
    const auto g = m_data.range.granularity;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(plot, list, g);
    const QHash<QString, qint64> all = byBucket(m_data.jobsByCause, QStringLiteral("all"));
    QCPBars *below = nullptr;
    double top = 0;
    QHash<double, double> stacked;
    qint64 jobs = 0;
    for (const qint64 n : all)
        jobs += n;
    QStringList causes;
    for (const QString &cause :
         {QStringLiteral("platform"), QStringLiteral("user"), QStringLiteral("unknown")}) {
        const QHash<QString, qint64> failed = byBucket(m_data.jobsByCause, cause);
        auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(tr("Failed: %1").arg(DisplayNames::value(cause)));
        bars->setBrush(colour(cause));
        bars->setPen(Qt::NoPen);
        bars->setStackingGap(0);
        qint64 total = 0;
        for (const Bucket &b : list) {
            const qint64 n = all.value(b.key);
            const double rate = n > 0 ? 100.0 * double(failed.value(b.key)) / double(n) : 0;
            bars->addData(b.x, rate);
            bars->setWidth(b.width * 0.8);
            stacked[b.x] += rate;
            top = qMax(top, stacked.value(b.x));
            total += failed.value(b.key);
        }
        if (below)
            bars->moveAbove(below);
        below = bars;
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
                       openRecords(Records::Jobs, f, at.value(key));
                   }});
    }
    plot->yAxis->setLabel(tr("Failure rate (%)"));
    plot->yAxis->setRange(0, top > 0 ? top * 1.2 : 1);

    addCreditsRestored(plot, list, false);

    // How the rate moved: the first bucket against the last one.
    QString trend;
    if (list.size() >= 2) {
        auto rate = [&](const Bucket &b) {
            const qint64 n = all.value(b.key);
            return n > 0 ? stacked.value(b.x) : -1.0;
        };
        const double first = rate(list.first());
        const double last = rate(list.last());
        if (first >= 0 && last >= 0)
            trend = tr("; %1 in %2, %3 in %4")
                        .arg(percent(first / 100), bucketName(list.first(), g), percent(last / 100),
                             bucketName(list.last(), g));
    }
    m_subtitles.value(Chart::Jobs)
        ->setText(jobs == 0 ? QString()
                            : tr("%1 jobs, failed: %2%3")
                                  .arg(number(jobs), causes.join(QStringLiteral(", ")), trend));
    finish(plot, jobs == 0);
}

void DashboardView::drawAnswers(QCustomPlot *plot)
{
    prepare(plot);
    const auto g = m_data.range.granularity;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(plot, list, g);
    QCPBars *below = nullptr;
    QHash<double, double> stacked;
    double top = 0;
    qint64 onTime = 0;
    qint64 late = 0;
    for (const QString &key : {QStringLiteral("on_time"), QStringLiteral("late")}) {
        const QHash<QString, qint64> counts = byBucket(m_data.answersOnTime, key);
        auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(DisplayNames::value(key));
        bars->setBrush(colour(key));
        bars->setPen(Qt::NoPen);
        bars->setStackingGap(0);
        for (const Bucket &b : list) {
            const qint64 n = counts.value(b.key);
            bars->addData(b.x, double(n));
            bars->setWidth(b.width * 0.8);
            stacked[b.x] += double(n);
            top = qMax(top, stacked.value(b.x));
            (key == QLatin1String("late") ? late : onTime) += n;
        }
        if (below)
            bars->moveAbove(below);
        below = bars;
        addSeries(bars, {[this, at, counts, key, g](double x) {
                             const Bucket b = at.value(x);
                             return tr("%1\n%2: %3 answer(s)\nClick or Enter: these requests")
                                 .arg(bucketName(b, g), DisplayNames::value(key),
                                      number(counts.value(b.key)));
                         },
                         [this, at, key](double x) {
                             const Bucket b = at.value(x);
                             QueueFilter f;
                             f.slice.decidedFrom = b.start;
                             f.slice.decidedTo = b.end;
                             f.slice.answered = key;
                             openQueue(f);
                         }});
    }
    plot->yAxis->setLabel(tr("Answers"));
    countAxis(plot->yAxis);
    plot->yAxis->setRange(0, top > 0 ? top * 1.2 : 1);
    const qint64 answers = onTime + late;
    m_subtitles.value(Chart::Answers)
        ->setText(answers == 0 ? QString()
                               : tr("%Ln answer(s): %1 on time, %2 late", nullptr, int(answers))
                                     .arg(percent(double(onTime) / double(answers)), number(late)));
    finish(plot, answers == 0);
}

void DashboardView::drawChargebacks(QCustomPlot *plot)
{
    prepare(plot);
    const auto g = DashboardRange::Granularity::Month;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(plot, list, g);
    plot->xAxis->ticker().dynamicCast<QCPAxisTickerDateTime>()->setTickCount(
        qMin(6, qMax(1, int(list.size()))));
    QCPBars *below = nullptr;
    QHash<double, double> stacked;
    double top = 0;
    QStringList summary;
    for (const QString &status :
         {QStringLiteral("lost"), QStringLiteral("won"), QStringLiteral("open")}) {
        const QHash<QString, qint64> counts = byBucket(m_data.chargebacks, status);
        auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(DisplayNames::value(status));
        bars->setBrush(colour(status));
        bars->setPen(Qt::NoPen);
        bars->setStackingGap(0);
        qint64 total = 0;
        for (const Bucket &b : list) {
            const qint64 n = counts.value(b.key);
            bars->addData(b.x, double(n));
            bars->setWidth(b.width * 0.6);
            stacked[b.x] += double(n);
            top = qMax(top, stacked.value(b.x));
            total += n;
        }
        if (below)
            bars->moveAbove(below);
        below = bars;
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
                             openRecords(Records::Purchases, f, at.value(x));
                         }});
    }
    plot->yAxis->setLabel(tr("Chargebacks"));
    countAxis(plot->yAxis);
    plot->yAxis->setRange(0, top > 0 ? top * 1.2 : 1);
    m_subtitles.value(Chart::Chargebacks)
        ->setText(m_data.chargebacks.isEmpty() ? QString() : summary.join(QStringLiteral(", ")));
    finish(plot, m_data.chargebacks.isEmpty());
}

void DashboardView::drawReviewers(QCustomPlot *plot)
{
    prepare(plot);
    QStringList reviewers;
    for (const DashboardPoint &p : m_data.decisionsPerReviewer)
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
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    double widest = 0;
    const QHash<QString, qint64> decisions =
        byBucket(m_data.decisionsPerReviewer, QStringLiteral("decisions"));
    // Decisions and, beside them, the overrides among them.
    for (const QString &key : {QStringLiteral("decisions"), QStringLiteral("overrides")}) {
        QHash<QString, qint64> counts;
        for (const DashboardPoint &p : m_data.decisionsPerReviewer)
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
                       f.slice.decidedFrom = m_data.range.from;
                       f.slice.decidedTo = m_data.range.to;
                       openQueue(f);
                   }});
    }
    plot->xAxis->setRange(0, widest > 0 ? widest * 1.1 : 1);
    m_subtitles.value(Chart::Reviewers)
        ->setText(reviewers.isEmpty() ? QString()
                                      : tr("%n reviewer(s)", nullptr, int(reviewers.size())));
    finish(plot, reviewers.isEmpty());
}
