#include "dashboardrepository.h"

#include "sqldialect.h"
#include "sqlstatement.h"

#include <QDateTime>

QString DashboardRepository::bucket(const DashboardRange &range, const QString &column) const
{
    const SqlDialect d = SqlDialect::of(m_db);
    switch (range.granularity) {
    case DashboardRange::Granularity::Week:
        return d.utcWeek(column);
    case DashboardRange::Granularity::Month:
        return d.utcMonth(column);
    case DashboardRange::Granularity::Day:
        break;
    }
    return d.utcDate(column);
}

namespace {
constexpr qint64 daySeconds = 86400;

qint64 dayNumber(const QDate &date)
{
    return QDate(1970, 1, 1).daysTo(date);
}
} // namespace

QString DashboardRepository::rollupScope(const DashboardRange &range, QVariantList &values)
{
    Q_ASSERT(range.from.isValid() && range.to.isValid());
    QString sql = QStringLiteral("r.day >= ? AND r.day <= ?");
    values << dayNumber(range.from) << dayNumber(range.to);
    if (!range.profile.isEmpty()) {
        sql += QStringLiteral(" AND r.profile = ?");
        values << range.profile;
    }
    return sql;
}

QString DashboardRepository::perDay(const DashboardRange &range, const QString &rollup,
                                    const QString &key, const QString &value,
                                    const QString &condition, QVariantList &values)
{
    return QStringLiteral("SELECT r.day AS day, %1 AS k, r.%2 AS n FROM %3 r WHERE %4%5")
        .arg(key, value, rollup,
             condition.isEmpty() ? QString() : condition + QStringLiteral(" AND "),
             rollupScope(range, values));
}

QString DashboardRepository::perBucket(const DashboardRange &range, const QString &perDay) const
{
    // `perDay` yields (day, k, n), day counted from 1970-01-01 UTC: grouping rows by a number
    // is far cheaper than formatting each row's date; the few hundred days are formatted here.
    return QStringLiteral("SELECT %1, t.k, CAST(SUM(t.n) AS BIGINT) FROM (%2) t GROUP BY 1, 2"
                          " HAVING SUM(t.n) <> 0 ORDER BY 1, 2")
        .arg(bucket(range, QStringLiteral("t.day * %1").arg(daySeconds)), perDay);
}

QList<DashboardPoint> DashboardRepository::totals(const DashboardRange &range,
                                                  const QString &rollup, const QString &key,
                                                  const QString &value, const QString &count,
                                                  const QString &condition) const
{
    QVariantList v;
    return points(QStringLiteral("SELECT '', %1, CAST(SUM(r.%2) AS BIGINT) FROM %3 r WHERE %4%5"
                                 " GROUP BY 2 HAVING SUM(r.%6) <> 0 ORDER BY 2")
                      .arg(key, value, rollup,
                           condition.isEmpty() ? QString() : condition + QStringLiteral(" AND "),
                           rollupScope(range, v), count),
                  v);
}

QList<DashboardPoint> DashboardRepository::points(const QString &sql, const QVariantList &values,
                                                  bool extra) const
{
    SqlStatement st(m_db, sql);
    for (const QVariant &v : values)
        st.bind(v);
    st.exec();
    QList<DashboardPoint> result;
    while (st.next())
        result << DashboardPoint{st.value(0).toString(), st.value(1).toString(),
                                 st.value(2).toLongLong(), extra ? st.value(3).toLongLong() : 0};
    return result;
}

qint64 DashboardRepository::number(const QString &sql, const QVariantList &values) const
{
    return points(QStringLiteral("SELECT '', '', ") + sql, values).value(0).value;
}

DashboardData DashboardRepository::load(const DashboardRange &range, const QDate &today) const
{
    DashboardData d;
    d.range = range;
    d.today = today;
    d.kpis = kpis(range, today);
    d.refunds = refunds(range);
    d.creditsRestored = creditsRestored(range);
    d.requestsByTypeAndVerdict = requestsByTypeAndVerdict(range);
    d.jobsByCause = jobsByCause(range);
    d.answersOnTime = answersOnTime(range);
    d.chargebacks = chargebacks(range);
    d.decisionsPerReviewer = decisionsPerReviewer(range);
    return d;
}

DashboardKpis DashboardRepository::kpis(const DashboardRange &range, const QDate &today) const
{
    DashboardKpis k;
    // Money counts as refunded when its payout succeeded, on the day it did (a succeeded
    // payout never changes again).
    const QString currency = QStringLiteral("r.currency");
    for (const DashboardPoint &p : totals(range, QStringLiteral("rollup_payouts"), currency,
                                          QStringLiteral("cents"), QStringLiteral("payouts")))
        k.refundedCents.insert(p.key, p.value);
    for (const DashboardPoint &p : totals(range, QStringLiteral("rollup_purchases"), currency,
                                          QStringLiteral("cents"), QStringLiteral("purchases")))
        k.revenueCents.insert(p.key, p.value);
    for (const DashboardPoint &p :
         totals(range, QStringLiteral("rollup_ledger"), QStringLiteral("''"),
                QStringLiteral("credits"), QStringLiteral("entries"),
                QStringLiteral("r.entry_type = 'job_credit_back'")))
        k.creditsRestored = p.value;

    // Open and overdue: now, whatever the range.
    QVariantList v;
    QString open = QStringLiteral(
        "CAST(COALESCE(SUM(r.requests), 0) AS BIGINT) FROM rollup_open_requests r WHERE 1 = 1");
    if (!range.profile.isEmpty()) {
        open += QStringLiteral(" AND r.profile = ?");
        v << range.profile;
    }
    k.openRequests = number(open, v);
    k.overdueRequests =
        number(open + QStringLiteral(" AND r.respond_by <> '' AND r.respond_by < ?"),
               v + QVariantList{today.toString(Qt::ISODate)});
    // Payouts waiting: few, and whether one counts depends on another (its retry), so they are
    // read from the payouts themselves.
    v.clear();
    QString waiting = QStringLiteral("SELECT x.status, x.currency, CAST(COUNT(*) AS BIGINT),"
                                     " CAST(SUM(x.amount_cents) AS BIGINT) FROM payouts x"
                                     " WHERE x.status <> 'succeeded' AND NOT EXISTS (SELECT 1"
                                     " FROM payouts n WHERE n.retry_of = x.id)");
    if (!range.profile.isEmpty()) {
        waiting += QStringLiteral(" AND x.account_id IN (SELECT id FROM accounts WHERE"
                                  " profile = ?)");
        v << range.profile;
    }
    for (const DashboardPoint &p :
         points(waiting + QStringLiteral(" GROUP BY x.status, x.currency"), v, true)) {
        k.payoutsWaiting[p.bucket] += p.value;
        k.payoutsWaitingCents[p.key] += p.extra;
    }

    v.clear();
    const QList<DashboardPoint> decided =
        points(QStringLiteral("SELECT '', '', CAST(COALESCE(SUM(r.decisions), 0) AS BIGINT),"
                              " CAST(COALESCE(SUM(r.overrides), 0) AS BIGINT) FROM"
                              " rollup_decisions r WHERE %1")
                   .arg(rollupScope(range, v)),
               v, true);
    k.decisions = decided.value(0).value;
    k.overrides = decided.value(0).extra;
    if (k.decisions > 0) {
        // The median: the lower middle of the sorted waits, to the precision the rollup keeps
        // them (that of the dashboard's display).
        v.clear();
        qint64 before = 0;
        const qint64 middle = (k.decisions - 1) / 2;
        for (const DashboardPoint &p :
             points(QStringLiteral("SELECT '', '', r.wait, CAST(SUM(r.decisions) AS BIGINT) FROM"
                                   " rollup_decision_waits r WHERE %1 GROUP BY r.wait"
                                   " ORDER BY r.wait")
                        .arg(rollupScope(range, v)),
                    v, true)) {
            before += p.extra;
            if (before > middle) {
                k.medianDecisionSeconds = p.value;
                break;
            }
        }
    }
    return k;
}

QList<DashboardPoint> DashboardRepository::refunds(const DashboardRange &range) const
{
    QVariantList v;
    return points(perBucket(range, perDay(range, QStringLiteral("rollup_payouts"),
                                          QStringLiteral("r.currency"), QStringLiteral("cents"),
                                          QString(), v)),
                  v);
}

QList<DashboardPoint> DashboardRepository::creditsRestored(const DashboardRange &range) const
{
    QVariantList v;
    return points(perBucket(range, perDay(range, QStringLiteral("rollup_ledger"),
                                          QStringLiteral("''"), QStringLiteral("credits"),
                                          QStringLiteral("r.entry_type = 'job_credit_back'"), v)),
                  v);
}

QList<DashboardPoint>
DashboardRepository::requestsByTypeAndVerdict(const DashboardRange &range) const
{
    QVariantList v;
    return points(QStringLiteral("SELECT r.type, r.verdict, CAST(SUM(r.decisions) AS BIGINT) FROM"
                                 " rollup_decisions r WHERE %1 GROUP BY r.type, r.verdict"
                                 " HAVING SUM(r.decisions) <> 0 ORDER BY 1, 2")
                      .arg(rollupScope(range, v)),
                  v);
}

QList<DashboardPoint> DashboardRepository::jobsByCause(const DashboardRange &range) const
{
    QVariantList v;
    // (The union is written before its values are read: arguments have no order.)
    const QString sql = perDay(range, QStringLiteral("rollup_jobs"), QStringLiteral("'all'"),
                               QStringLiteral("jobs"), QString(), v) +
                        QStringLiteral(" UNION ALL ") +
                        perDay(range, QStringLiteral("rollup_jobs"), QStringLiteral("r.failure"),
                               QStringLiteral("jobs"), QStringLiteral("r.status = 'failed'"), v);
    return points(perBucket(range, sql), v);
}

QList<DashboardPoint> DashboardRepository::answersOnTime(const DashboardRange &range) const
{
    // The day answered and the answer date are both days in the profile's time zone.
    QVariantList v;
    return points(perBucket(range, perDay(range, QStringLiteral("rollup_answers"),
                                          QStringLiteral("r.outcome"), QStringLiteral("requests"),
                                          QString(), v)),
                  v);
}

QList<DashboardPoint> DashboardRepository::chargebacks(const DashboardRange &range) const
{
    QVariantList v;
    DashboardRange months = range;
    months.granularity = DashboardRange::Granularity::Month;
    return points(perBucket(months, perDay(range, QStringLiteral("rollup_chargebacks"),
                                           QStringLiteral("r.status"),
                                           QStringLiteral("chargebacks"), QString(), v)),
                  v);
}

QList<DashboardPoint> DashboardRepository::decisionsPerReviewer(const DashboardRange &range) const
{
    QVariantList v;
    const QString scoped = rollupScope(range, v);
    const auto per = [&](const char *figure) {
        return QStringLiteral("SELECT r.reviewer, '%1', CAST(SUM(r.%1) AS BIGINT) FROM"
                              " rollup_decisions r WHERE %2 GROUP BY r.reviewer"
                              " HAVING SUM(r.%1) <> 0")
            .arg(QLatin1String(figure), scoped);
    };
    return points(per("decisions") + QStringLiteral(" UNION ALL ") + per("overrides") +
                      QStringLiteral(" ORDER BY 1, 2"),
                  v + v);
}
