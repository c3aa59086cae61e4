#include "requestqueuemodel.h"
#include "requestrepository.h"

#include "sqldialect.h"
#include "sqlfilterbuilder.h"

RequestQueueModel::RequestQueueModel(Database &database, QObject *parent)
    : SqlWindowModel(database, parent)
{
    using K = SqlColumn::Kind;
    setSource(QStringLiteral("refund_requests r JOIN accounts a ON a.id = r.account_id"
                             " LEFT JOIN purchases p ON p.id = r.purchase_id"
                             " LEFT JOIN jobs j ON j.id = r.job_id"),
              {
                  {QStringLiteral("id"), QStringLiteral("r.id"), tr("Request"), K::Integer},
                  {QStringLiteral("received_at"), QStringLiteral("r.received_at"), tr("Received"),
                   K::Timestamp},
                  {QStringLiteral("type"), QStringLiteral("r.type"), tr("Type")},
                  {QStringLiteral("email"), QStringLiteral("a.email"), tr("Account")},
                  {QStringLiteral("amount_cents"),
                   QStringLiteral("CASE WHEN r.rec_remedy = 'money_refund' THEN r.rec_refund_cents"
                                  " ELSE COALESCE(r.claimed_amount_cents, p.amount_cents) END"),
                   tr("Amount"), K::Money, true, QStringLiteral("currency")},
                  {QStringLiteral("credits"),
                   QStringLiteral("CASE WHEN r.rec_remedy = 'credit_restore' THEN r.rec_credits"
                                  " ELSE j.credits END"),
                   tr("Credits"), K::Integer},
                  {QStringLiteral("recommendation"), QStringLiteral("r.rec_verdict"),
                   tr("Recommendation")},
                  {QStringLiteral("status"), QStringLiteral("r.status"), tr("Status")},
                  {QStringLiteral("assigned_to"), QStringLiteral("r.assigned_to"), tr("Assigned")},
                  {QStringLiteral("respond_by"), QStringLiteral("r.rec_respond_by"),
                   tr("Answer by"), K::Date},
                  {QStringLiteral("profile"), QStringLiteral("a.profile"), tr("Profile")},
                  {QStringLiteral("currency"), QStringLiteral("p.currency"), tr("Currency")},
                  {QStringLiteral("account_id"), QStringLiteral("r.account_id"), tr("Account ID"),
                   K::Integer},
                  {QStringLiteral("purchase_id"), QStringLiteral("r.purchase_id"), tr("Purchase"),
                   K::Integer},
                  {QStringLiteral("job_id"), QStringLiteral("r.job_id"), tr("Job"), K::Integer},
              },
              QStringLiteral("r.id"));
}

QStringList RequestQueueModel::openStatuses()
{
    return {QStringLiteral("new"), QStringLiteral("pending"), QStringLiteral("escalated"),
            QStringLiteral("awaiting_approval")};
}

void RequestQueueModel::setQueueFilter(const QueueFilter &filter)
{
    m_filter = filter;
    SqlFilterBuilder where;
    where.in(QStringLiteral("r.status"), filter.statuses)
        .equals(QStringLiteral("r.type"), filter.type)
        .equals(QStringLiteral("a.profile"), filter.profile)
        .equals(QStringLiteral("r.assigned_to"), filter.assignedTo)
        .equalsId(QStringLiteral("r.account_id"), filter.slice.accountId);
    where.dayRange(QStringLiteral("r.decided_at"), filter.slice.decidedFrom, filter.slice.decidedTo,
                   true);
    if (!filter.slice.decidedBy.isEmpty() || filter.slice.overridesOnly) {
        SqlFilterBuilder decision;
        decision.equals(QStringLiteral("d.reviewer"), filter.slice.decidedBy);
        if (filter.slice.overridesOnly)
            decision.add(QStringLiteral("d.is_override"));
        where.add(QStringLiteral("EXISTS (SELECT 1 FROM decisions d WHERE d.request_id = r.id AND"
                                 " %1)")
                      .arg(decision.condition()),
                  decision.values());
    }
    if (!filter.secondApprover.isEmpty())
        where.add(QStringLiteral("r.status = 'awaiting_approval' AND NOT EXISTS (SELECT 1"
                                 " FROM approvals p WHERE p.request_id = r.id"
                                 " AND p.step = 'proposed' AND p.actor = ? AND NOT EXISTS"
                                 " (SELECT 1 FROM approvals x WHERE x.proposal_id = p.id))"),
                  {filter.secondApprover});
    if (!filter.slice.answered.isEmpty()) {
        // As the dashboard counts it: answered on or before the answer date (days in the
        // profile's time zone).
        where.add(QStringLiteral("r.decided_at IS NOT NULL AND r.rec_respond_by IS NOT NULL AND"
                                 " %1 %2 r.rec_respond_by")
                      .arg(RequestRepository::answeredOnSql(dialect(), QStringLiteral("r")),
                           filter.slice.answered == QLatin1String("late") ? QStringLiteral(">")
                                                                          : QStringLiteral("<=")));
    }
    if (filter.overdueBefore.isValid()) {
        where.in(QStringLiteral("r.status"), openStatuses());
        where.add(QStringLiteral("r.rec_respond_by < ?"),
                  {filter.overdueBefore.toString(Qt::ISODate)});
    }
    QString search = filter.search.trimmed();
    if (search.startsWith(QLatin1Char('#')))
        search.remove(0, 1);
    bool isNumber = false;
    const qint64 number = search.toLongLong(&isNumber);
    if (isNumber && number > 0)
        where.add(
            QStringLiteral("r.id = ? OR r.purchase_id = ? OR r.job_id = ? OR r.account_id = ?"),
            {number, number, number, number});
    else
        where.contains({QStringLiteral("a.email"), QStringLiteral("a.display_name")}, search);
    setFilter(where.condition(), where.values());
}
