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

QString DashboardRepository::scope(const DashboardRange &range, const QString &timeColumn,
                                   QVariantList &values) const
{
    QString sql = QStringLiteral("%1 >= ? AND %1 < ?").arg(timeColumn);
    values << (range.from.isValid() ? QDateTime(range.from, QTime(0, 0), Qt::UTC).toSecsSinceEpoch()
                                    : std::numeric_limits<qint64>::min() / 2)
           << (range.to.isValid()
                   ? QDateTime(range.to.addDays(1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch()
                   : std::numeric_limits<qint64>::max() / 2);
    if (!range.profile.isEmpty()) {
        sql += QStringLiteral(" AND a.profile = ?");
        values << range.profile;
    }
    return sql;
}

QList<DashboardPoint> DashboardRepository::points(const QString &sql,
                                                  const QVariantList &values) const
{
    SqlStatement st(m_db, sql);
    for (const QVariant &v : values)
        st.bind(v);
    st.exec();
    QList<DashboardPoint> result;
    while (st.next())
        result << DashboardPoint{st.value(0).toString(), st.value(1).toString(),
                                 st.value(2).toLongLong()};
    return result;
}

DashboardKpis DashboardRepository::kpis(const DashboardRange &range, const QDate &today) const
{
    DashboardKpis k;
    QVariantList v;
    for (const DashboardPoint &p :
         points(QStringLiteral(
                    "SELECT '', x.currency, CAST(SUM(x.amount_cents) AS BIGINT) FROM payouts x JOIN"
                    " accounts a ON a.id = x.account_id WHERE %1 GROUP BY x.currency")
                    .arg(scope(range, QStringLiteral("x.created_at"), v)),
                v))
        k.refundedCents.insert(p.key, p.value);
    v.clear();
    for (const DashboardPoint &p : points(
             QStringLiteral(
                 "SELECT '', p.currency, CAST(SUM(p.amount_cents * p.charge_count) AS BIGINT) FROM"
                 " purchases p JOIN accounts a ON a.id = p.account_id WHERE %1"
                 " GROUP BY p.currency")
                 .arg(scope(range, QStringLiteral("p.created_at"), v)),
             v))
        k.revenueCents.insert(p.key, p.value);
    v.clear();
    k.creditsRestored =
        points(
            QStringLiteral(
                "SELECT '', '', CAST(COALESCE(SUM(l.credits), 0) AS BIGINT) FROM ledger_entries l"
                " JOIN accounts a ON a.id = l.account_id WHERE"
                " l.entry_type = 'job_credit_back' AND %1")
                .arg(scope(range, QStringLiteral("l.created_at"), v)),
            v)
            .value(0)
            .value;
    const QString profile =
        range.profile.isEmpty() ? QString() : QStringLiteral(" AND a.profile = ?");
    QVariantList open;
    if (!range.profile.isEmpty())
        open << range.profile;
    k.openRequests = points(QStringLiteral("SELECT '', '', COUNT(*) FROM refund_requests r JOIN"
                                           " accounts a ON a.id = r.account_id WHERE r.status IN"
                                           " ('new', 'pending', 'escalated')") +
                                profile,
                            open)
                         .value(0)
                         .value;
    QVariantList overdue{today.toString(Qt::ISODate)};
    overdue << open;
    k.overdueRequests = points(QStringLiteral("SELECT '', '', COUNT(*) FROM refund_requests r JOIN"
                                              " accounts a ON a.id = r.account_id WHERE r.status"
                                              " IN ('new', 'pending', 'escalated') AND"
                                              " r.rec_respond_by < ?") +
                                   profile,
                               overdue)
                            .value(0)
                            .value;
    v.clear();
    const QString decided = scope(range, QStringLiteral("d.decided_at"), v);
    const QString from = QStringLiteral(" FROM decisions d JOIN refund_requests r ON r.id ="
                                        " d.request_id JOIN accounts a ON a.id = r.account_id"
                                        " WHERE ") +
                         decided;
    const QList<DashboardPoint> counts =
        points(QStringLiteral("SELECT '', '', COUNT(*)") + from, v);
    k.decisions = counts.value(0).value;
    k.overrides = points(QStringLiteral("SELECT '', '', COUNT(*)") + from +
                             QStringLiteral(" AND d.is_override"),
                         v)
                      .value(0)
                      .value;
    if (k.decisions > 0) {
        // The median in plain SQL both databases speak: the middle row of the sorted times.
        const QList<DashboardPoint> median =
            points(QStringLiteral("SELECT '', '', d.decided_at - r.received_at") + from +
                       QStringLiteral(" ORDER BY 3 LIMIT 1 OFFSET %1").arg((k.decisions - 1) / 2),
                   v);
        k.medianDecisionSeconds = median.value(0).value;
    }
    return k;
}

QList<DashboardPoint> DashboardRepository::refunds(const DashboardRange &range) const
{
    QVariantList v;
    const QString b = bucket(range, QStringLiteral("x.created_at"));
    return points(
        QStringLiteral(
            "SELECT %1, x.currency, CAST(SUM(x.amount_cents) AS BIGINT) FROM payouts x JOIN"
            " accounts a ON a.id = x.account_id WHERE %2 GROUP BY %1,"
            " x.currency ORDER BY 1, 2")
            .arg(b, scope(range, QStringLiteral("x.created_at"), v)),
        v);
}

QList<DashboardPoint> DashboardRepository::creditsRestored(const DashboardRange &range) const
{
    QVariantList v;
    const QString b = bucket(range, QStringLiteral("l.created_at"));
    return points(
        QStringLiteral("SELECT %1, '', CAST(SUM(l.credits) AS BIGINT) FROM ledger_entries l JOIN"
                       " accounts a ON a.id = l.account_id WHERE l.entry_type ="
                       " 'job_credit_back' AND %2 GROUP BY %1 ORDER BY 1")
            .arg(b, scope(range, QStringLiteral("l.created_at"), v)),
        v);
}

QList<DashboardPoint>
DashboardRepository::requestsByTypeAndVerdict(const DashboardRange &range) const
{
    QVariantList v;
    return points(QStringLiteral("SELECT r.type, d.verdict, COUNT(*) FROM decisions d JOIN"
                                 " refund_requests r ON r.id = d.request_id JOIN accounts a ON"
                                 " a.id = r.account_id WHERE %1 GROUP BY r.type, d.verdict"
                                 " ORDER BY 1, 2")
                      .arg(scope(range, QStringLiteral("d.decided_at"), v)),
                  v);
}

QList<DashboardPoint> DashboardRepository::jobsByCause(const DashboardRange &range) const
{
    QVariantList v;
    const QString b = bucket(range, QStringLiteral("j.created_at"));
    const QString s = scope(range, QStringLiteral("j.created_at"), v);
    QVariantList twice = v + v;
    return points(QStringLiteral("SELECT %1, 'all', COUNT(*) FROM jobs j JOIN accounts a ON a.id ="
                                 " j.account_id WHERE %2 GROUP BY %1 UNION ALL SELECT %1,"
                                 " j.failure, COUNT(*) FROM jobs j JOIN accounts a ON a.id ="
                                 " j.account_id WHERE j.status = 'failed' AND %2 GROUP BY %1,"
                                 " j.failure ORDER BY 1, 2")
                      .arg(b, s),
                  twice);
}

QList<DashboardPoint> DashboardRepository::answersOnTime(const DashboardRange &range) const
{
    QVariantList v;
    const SqlDialect d = SqlDialect::of(m_db);
    const QString b = bucket(range, QStringLiteral("r.decided_at"));
    return points(QStringLiteral("SELECT %1, CASE WHEN %2 <= r.rec_respond_by THEN 'on_time' ELSE"
                                 " 'late' END, COUNT(*) FROM refund_requests r JOIN accounts a ON"
                                 " a.id = r.account_id WHERE r.decided_at IS NOT NULL AND"
                                 " r.rec_respond_by IS NOT NULL AND %3 GROUP BY 1, 2 ORDER BY 1, 2")
                      .arg(b, d.utcDate(QStringLiteral("r.decided_at")),
                           scope(range, QStringLiteral("r.decided_at"), v)),
                  v);
}

QList<DashboardPoint> DashboardRepository::chargebacks(const DashboardRange &range) const
{
    QVariantList v;
    const SqlDialect d = SqlDialect::of(m_db);
    return points(QStringLiteral("SELECT %1, c.status, COUNT(*) FROM chargebacks c JOIN accounts a"
                                 " ON a.id = c.account_id WHERE %2 GROUP BY 1, 2 ORDER BY 1, 2")
                      .arg(d.utcMonth(QStringLiteral("c.opened_at")),
                           scope(range, QStringLiteral("c.opened_at"), v)),
                  v);
}

QList<DashboardPoint> DashboardRepository::decisionsPerReviewer(const DashboardRange &range) const
{
    QVariantList v;
    const QString s = scope(range, QStringLiteral("d.decided_at"), v);
    return points(QStringLiteral("SELECT d.reviewer, 'decisions', COUNT(*) FROM decisions d JOIN"
                                 " refund_requests r ON r.id = d.request_id JOIN accounts a ON"
                                 " a.id = r.account_id WHERE %1 GROUP BY d.reviewer UNION ALL"
                                 " SELECT d.reviewer, 'overrides', COUNT(*) FROM decisions d JOIN"
                                 " refund_requests r ON r.id = d.request_id JOIN accounts a ON"
                                 " a.id = r.account_id WHERE d.is_override AND %1 GROUP BY"
                                 " d.reviewer ORDER BY 1, 2")
                      .arg(s),
                  v + v);
}
