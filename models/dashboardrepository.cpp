#include "dashboardrepository.h"
#include "requestrepository.h"

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

QString DashboardRepository::scope(const DashboardRange &range, const QString &timeColumn,
                                   const QString &accountColumn, QVariantList &values)
{
    Q_ASSERT(range.from.isValid() && range.to.isValid());
    QString sql = QStringLiteral("%1 >= ? AND %1 < ?").arg(timeColumn);
    values << dayNumber(range.from) * daySeconds << (dayNumber(range.to) + 1) * daySeconds;
    if (!range.profile.isEmpty()) {
        // A list of ids rather than a join: the planner may then walk the (account, time)
        // index of the profile's accounts instead of looking up the account of every row.
        sql += QStringLiteral(" AND %1 IN (SELECT id FROM accounts WHERE profile = ?)")
                   .arg(accountColumn);
        values << range.profile;
    }
    return sql;
}

QString DashboardRepository::perDay(const DashboardRange &range, const QString &table,
                                    const QString &timeColumn, const QString &key,
                                    const QString &aggregate, const QString &condition,
                                    QVariantList &values)
{
    const QString alias = table.section(QLatin1Char(' '), 1);
    const QString where = scope(range, timeColumn, alias + QStringLiteral(".account_id"), values);
    return QStringLiteral(
               "SELECT %1 / %2 AS day, %3 AS k, %4 AS n FROM %5 WHERE %6%7 GROUP BY 1, 2")
        .arg(timeColumn)
        .arg(daySeconds)
        .arg(key, aggregate, table,
             condition.isEmpty() ? QString() : condition + QStringLiteral(" AND "), where);
}

QString DashboardRepository::perBucket(const DashboardRange &range, const QString &perDay,
                                       const QString &with) const
{
    // `perDay` yields (day, k, n), day counted from 1970-01-01 UTC: grouping rows by a number
    // is far cheaper than formatting each row's date; the few hundred days are formatted here.
    return QStringLiteral("%1SELECT %2, t.k, CAST(SUM(t.n) AS BIGINT) FROM (%3) t GROUP BY 1, 2"
                          " HAVING SUM(t.n) <> 0 ORDER BY 1, 2")
        .arg(with, bucket(range, QStringLiteral("t.day * %1").arg(daySeconds)), perDay);
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
    QVariantList v;
    // Money counts as refunded when its payout succeeded, on the day it did (a succeeded
    // payout never changes again).
    const QString payouts =
        scope(range, QStringLiteral("x.updated_at"), QStringLiteral("x.account_id"), v);
    for (const DashboardPoint &p :
         points(QStringLiteral("SELECT '', x.currency, CAST(SUM(x.amount_cents) AS BIGINT) FROM"
                               " payouts x WHERE x.status = 'succeeded' AND %1 GROUP BY"
                               " x.currency")
                    .arg(payouts),
                v))
        k.refundedCents.insert(p.key, p.value);
    v.clear();
    const QString purchases =
        scope(range, QStringLiteral("p.created_at"), QStringLiteral("p.account_id"), v);
    for (const DashboardPoint &p :
         points(QStringLiteral("SELECT '', p.currency, CAST(SUM(p.amount_cents * p.charge_count)"
                               " AS BIGINT) FROM purchases p WHERE %1 GROUP BY p.currency")
                    .arg(purchases),
                v))
        k.revenueCents.insert(p.key, p.value);
    v.clear();
    k.creditsRestored = number(
        QStringLiteral("CAST(COALESCE(SUM(l.credits), 0) AS BIGINT) FROM ledger_entries l"
                       " WHERE l.entry_type = 'job_credit_back' AND %1")
            .arg(scope(range, QStringLiteral("l.created_at"), QStringLiteral("l.account_id"), v)),
        v);

    // Open and overdue: now, whatever the range.
    DashboardRange now = range;
    now.from = QDate(1970, 1, 1);
    now.to = QDate(9999, 12, 31);
    v.clear();
    const QString open =
        QStringLiteral("COUNT(*) FROM refund_requests r WHERE r.status IN ('new', 'pending',"
                       " 'escalated') AND ") +
        scope(now, QStringLiteral("r.received_at"), QStringLiteral("r.account_id"), v);
    k.openRequests = number(open, v);
    v.clear();
    for (const DashboardPoint &p :
         points(QStringLiteral("SELECT x.status, x.currency, CAST(COUNT(*) AS BIGINT),"
                               " CAST(SUM(x.amount_cents) AS BIGINT) FROM payouts x"
                               " WHERE x.status <> 'succeeded' AND NOT EXISTS (SELECT 1 FROM"
                               " payouts n WHERE n.retry_of = x.id) AND %1"
                               " GROUP BY x.status, x.currency")
                    .arg(scope(now, QStringLiteral("x.created_at"), QStringLiteral("x.account_id"),
                               v)),
                v, true)) {
        k.payoutsWaiting[p.bucket] += p.value;
        k.payoutsWaitingCents[p.key] += p.extra;
    }
    k.overdueRequests = number(open + QStringLiteral(" AND r.rec_respond_by < ?"),
                               v + QVariantList{today.toString(Qt::ISODate)});

    v.clear();
    const QString decided =
        QStringLiteral(" FROM decisions d JOIN refund_requests r ON r.id ="
                       " d.request_id WHERE ") +
        scope(range, QStringLiteral("d.decided_at"), QStringLiteral("r.account_id"), v);
    k.decisions = number(QStringLiteral("COUNT(*)") + decided, v);
    k.overrides =
        number(QStringLiteral("COUNT(*)") + decided + QStringLiteral(" AND d.is_override"), v);
    if (k.decisions > 0) {
        // The median in plain SQL both databases speak: the middle row of the sorted times.
        k.medianDecisionSeconds =
            number(QStringLiteral("d.decided_at - r.received_at") + decided +
                       QStringLiteral(" ORDER BY 3 LIMIT 1 OFFSET %1").arg((k.decisions - 1) / 2),
                   v);
    }
    return k;
}

QList<DashboardPoint> DashboardRepository::refunds(const DashboardRange &range) const
{
    QVariantList v;
    return points(
        perBucket(range, perDay(range, QStringLiteral("payouts x"), QStringLiteral("x.updated_at"),
                                QStringLiteral("x.currency"), QStringLiteral("SUM(x.amount_cents)"),
                                QStringLiteral("x.status = 'succeeded'"), v)),
        v);
}

QList<DashboardPoint> DashboardRepository::creditsRestored(const DashboardRange &range) const
{
    QVariantList v;
    return points(perBucket(range, perDay(range, QStringLiteral("ledger_entries l"),
                                          QStringLiteral("l.created_at"), QStringLiteral("''"),
                                          QStringLiteral("SUM(l.credits)"),
                                          QStringLiteral("l.entry_type = 'job_credit_back'"), v)),
                  v);
}

QList<DashboardPoint>
DashboardRepository::requestsByTypeAndVerdict(const DashboardRange &range) const
{
    QVariantList v;
    return points(
        QStringLiteral("SELECT r.type, d.verdict, COUNT(*) FROM decisions d JOIN"
                       " refund_requests r ON r.id = d.request_id WHERE %1 GROUP BY"
                       " r.type, d.verdict ORDER BY 1, 2")
            .arg(scope(range, QStringLiteral("d.decided_at"), QStringLiteral("r.account_id"), v)),
        v);
}

QList<DashboardPoint> DashboardRepository::jobsByCause(const DashboardRange &range) const
{
    // From the rollup the jobs' triggers keep (schema v16): a few rows per day, not a count of
    // millions of jobs.
    QString where = QStringLiteral("r.day >= ? AND r.day <= ?");
    QVariantList scope{dayNumber(range.from), dayNumber(range.to)};
    if (!range.profile.isEmpty()) {
        where += QStringLiteral(" AND r.profile = ?");
        scope << range.profile;
    }
    const QString all =
        QStringLiteral("SELECT r.day AS day, 'all' AS k, r.jobs AS n FROM rollup_jobs r WHERE %1")
            .arg(where);
    const QString failed = QStringLiteral("SELECT r.day AS day, r.failure AS k, r.jobs AS n FROM"
                                          " rollup_jobs r WHERE r.status = 'failed' AND %1")
                               .arg(where);
    return points(perBucket(range, all + QStringLiteral(" UNION ALL ") + failed, QString()),
                  scope + scope); // once for each half of the union
}

QList<DashboardPoint> DashboardRepository::answersOnTime(const DashboardRange &range) const
{
    QVariantList v;
    // The day answered and the answer date are both days in the profile's time zone.
    const QString onTime =
        QStringLiteral("CASE WHEN %1 <= r.rec_respond_by THEN 'on_time' ELSE 'late' END")
            .arg(RequestRepository::answeredOnSql(SqlDialect::of(m_db), QStringLiteral("r")));
    return points(
        perBucket(range, perDay(range, QStringLiteral("refund_requests r"),
                                QStringLiteral("r.decided_at"), onTime, QStringLiteral("COUNT(*)"),
                                QStringLiteral("r.decided_at IS NOT NULL AND"
                                               " r.rec_respond_by IS NOT NULL"),
                                v)),
        v);
}

QList<DashboardPoint> DashboardRepository::chargebacks(const DashboardRange &range) const
{
    QVariantList v;
    DashboardRange months = range;
    months.granularity = DashboardRange::Granularity::Month;
    return points(
        perBucket(months,
                  perDay(range, QStringLiteral("chargebacks c"), QStringLiteral("c.opened_at"),
                         QStringLiteral("c.status"), QStringLiteral("COUNT(*)"), QString(), v)),
        v);
}

QList<DashboardPoint> DashboardRepository::decisionsPerReviewer(const DashboardRange &range) const
{
    QVariantList v;
    const QString from =
        QStringLiteral(" FROM decisions d JOIN refund_requests r ON r.id ="
                       " d.request_id WHERE ") +
        scope(range, QStringLiteral("d.decided_at"), QStringLiteral("r.account_id"), v);
    return points(QStringLiteral("SELECT d.reviewer, 'decisions', COUNT(*)%1 GROUP BY d.reviewer"
                                 " UNION ALL SELECT d.reviewer, 'overrides', COUNT(*)%1 AND"
                                 " d.is_override GROUP BY d.reviewer ORDER BY 1, 2")
                      .arg(from),
                  v + v);
}
