#include "reportcatalog.h"
#include "requestrepository.h"

#include <QCoreApplication>
#include <QDateTime>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("ReportCatalog", text);
}

using K = ReportColumn::Kind;
// Column headers are identifiers, the same in every language: spreadsheets and scripts
// downstream read them by name. The descriptions are translated.

// Every report filters on one time column (UTC days) and on the account's profile.
QString scope(const QString &timeColumn, const ReportParameters &p, QVariantList &values)
{
    QStringList parts{QStringLiteral("1 = 1")};
    if (p.from.isValid()) {
        parts << timeColumn + QStringLiteral(" >= ?");
        values << QDateTime(p.from, QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    }
    if (p.to.isValid()) {
        parts << timeColumn + QStringLiteral(" < ?");
        values << QDateTime(p.to.addDays(1), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
    }
    if (!p.profile.isEmpty()) {
        parts << QStringLiteral("a.profile = ?");
        values << p.profile;
    }
    return QLatin1Char(' ') + parts.join(QStringLiteral(" AND "));
}
} // namespace

QStringList ReportCatalog::names()
{
    return {QStringLiteral("transactions"), QStringLiteral("purchases"),
            QStringLiteral("requests"),     QStringLiteral("refunds"),
            QStringLiteral("failed-jobs"),  QStringLiteral("chargebacks"),
            QStringLiteral("sla"),          QStringLiteral("monthly-summary")};
}

std::optional<Report> ReportCatalog::find(const QString &name, const SqlDialect &d,
                                          const ReportParameters &p)
{
    Report r;
    r.name = name;
    if (name == QLatin1String("transactions")) {
        r.description = tr("every ledger entry: purchases, usage, credit-backs, refunds");
        r.columns = {{QStringLiteral("entry_id"), K::Integer},
                     {QStringLiteral("time_utc"), K::Timestamp},
                     {QStringLiteral("account_id"), K::Integer},
                     {QStringLiteral("email"), K::Text},
                     {QStringLiteral("entry_type"), K::Text},
                     {QStringLiteral("credits"), K::Integer},
                     {QStringLiteral("purchase_id"), K::Integer},
                     {QStringLiteral("job_id"), K::Integer},
                     {QStringLiteral("request_id"), K::Integer},
                     {QStringLiteral("created_by"), K::Text},
                     {QStringLiteral("note"), K::Text}};
        r.sql = QStringLiteral("SELECT l.id, l.created_at, l.account_id, a.email, l.entry_type,"
                               " l.credits, l.purchase_id, l.job_id, l.request_id, l.created_by,"
                               " l.note FROM ledger_entries l JOIN accounts a ON a.id ="
                               " l.account_id WHERE") +
                scope(QStringLiteral("l.created_at"), p, r.values) +
                QStringLiteral(" ORDER BY l.id");
    } else if (name == QLatin1String("purchases")) {
        r.description = tr("purchases with what was paid, refunded and disputed");
        r.columns = {{QStringLiteral("purchase_id"), K::Integer},
                     {QStringLiteral("time_utc"), K::Timestamp},
                     {QStringLiteral("account_id"), K::Integer},
                     {QStringLiteral("email"), K::Text},
                     {QStringLiteral("package"), K::Text},
                     {QStringLiteral("credits"), K::Integer},
                     {QStringLiteral("amount"), K::Money},
                     {QStringLiteral("fee"), K::Money},
                     {QStringLiteral("currency"), K::Text},
                     {QStringLiteral("charge_count"), K::Integer},
                     {QStringLiteral("refunded"), K::Money},
                     {QStringLiteral("delivered"), K::Boolean},
                     {QStringLiteral("disputed"), K::Boolean},
                     {QStringLiteral("payment_ref"), K::Text}};
        r.sql = QStringLiteral("SELECT p.id, p.created_at, p.account_id, a.email, p.package,"
                               " p.credits, p.amount_cents, p.fee_cents, p.currency,"
                               " p.charge_count, (SELECT COALESCE(SUM(x.amount_cents), 0) FROM"
                               " payouts x WHERE x.purchase_id = p.id), p.delivered, p.disputed,"
                               " p.payment_ref FROM purchases p JOIN accounts a ON a.id ="
                               " p.account_id WHERE") +
                scope(QStringLiteral("p.created_at"), p, r.values) +
                QStringLiteral(" ORDER BY p.id");
    } else if (name == QLatin1String("requests")) {
        r.description = tr("refund requests with the policy's recommendation");
        r.columns = {{QStringLiteral("request_id"), K::Integer},
                     {QStringLiteral("received_utc"), K::Timestamp},
                     {QStringLiteral("account_id"), K::Integer},
                     {QStringLiteral("email"), K::Text},
                     {QStringLiteral("name"), K::Text},
                     {QStringLiteral("profile"), K::Text},
                     {QStringLiteral("type"), K::Text},
                     {QStringLiteral("status"), K::Text},
                     {QStringLiteral("recommendation"), K::Text},
                     {QStringLiteral("remedy"), K::Text},
                     {QStringLiteral("amount"), K::Money},
                     {QStringLiteral("currency"), K::Text},
                     {QStringLiteral("credits"), K::Integer},
                     {QStringLiteral("respond_by"), K::Text},
                     {QStringLiteral("assigned_to"), K::Text},
                     {QStringLiteral("decided_utc"), K::Timestamp},
                     {QStringLiteral("message"), K::Text}};
        r.sql = QStringLiteral("SELECT r.id, r.received_at, r.account_id, a.email, a.display_name,"
                               " a.profile, r.type, r.status, r.rec_verdict, r.rec_remedy,"
                               " r.rec_refund_cents, p.currency, r.rec_credits, r.rec_respond_by,"
                               " r.assigned_to, r.decided_at, r.message FROM refund_requests r"
                               " JOIN accounts a ON a.id = r.account_id LEFT JOIN purchases p ON"
                               " p.id = r.purchase_id WHERE") +
                scope(QStringLiteral("r.received_at"), p, r.values) +
                QStringLiteral(" ORDER BY r.id");
    } else if (name == QLatin1String("refunds")) {
        r.description = tr("decided requests with the amounts, credits and remedies granted");
        r.columns = {{QStringLiteral("request_id"), K::Integer},
                     {QStringLiteral("decided_utc"), K::Timestamp},
                     {QStringLiteral("account_id"), K::Integer},
                     {QStringLiteral("email"), K::Text},
                     {QStringLiteral("name"), K::Text},
                     {QStringLiteral("profile"), K::Text},
                     {QStringLiteral("type"), K::Text},
                     {QStringLiteral("verdict"), K::Text},
                     {QStringLiteral("remedy"), K::Text},
                     {QStringLiteral("amount"), K::Money},
                     {QStringLiteral("currency"), K::Text},
                     {QStringLiteral("credits"), K::Integer},
                     {QStringLiteral("reviewer"), K::Text},
                     {QStringLiteral("override"), K::Boolean},
                     {QStringLiteral("recommended"), K::Text},
                     {QStringLiteral("note"), K::Text}};
        r.sql =
            QStringLiteral("SELECT d.request_id, d.decided_at, r.account_id, a.email,"
                           " a.display_name, a.profile, r.type, d.verdict, d.remedy,"
                           " d.refund_cents, d.currency, d.credits, d.reviewer, d.is_override,"
                           " d.rec_verdict, d.note FROM decisions d JOIN refund_requests r ON"
                           " r.id = d.request_id JOIN accounts a ON a.id = r.account_id WHERE") +
            scope(QStringLiteral("d.decided_at"), p, r.values) + QStringLiteral(" ORDER BY d.id");
    } else if (name == QLatin1String("failed-jobs")) {
        r.description = tr("failed generation jobs and whether they were credited back");
        r.columns = {{QStringLiteral("job_id"), K::Integer},
                     {QStringLiteral("time_utc"), K::Timestamp},
                     {QStringLiteral("account_id"), K::Integer},
                     {QStringLiteral("email"), K::Text},
                     {QStringLiteral("model"), K::Text},
                     {QStringLiteral("credits"), K::Integer},
                     {QStringLiteral("cause"), K::Text},
                     {QStringLiteral("detail"), K::Text},
                     {QStringLiteral("credited_back"), K::Boolean},
                     {QStringLiteral("credited_back_utc"), K::Timestamp}};
        r.sql = QStringLiteral("SELECT j.id, j.created_at, j.account_id, a.email, j.model,"
                               " j.credits, j.failure, j.error_detail, c.id IS NOT NULL,"
                               " c.created_at FROM jobs j JOIN accounts a ON a.id = j.account_id"
                               " LEFT JOIN ledger_entries c ON c.job_id = j.id AND c.entry_type ="
                               " 'job_credit_back' WHERE j.status = 'failed' AND") +
                scope(QStringLiteral("j.created_at"), p, r.values) +
                QStringLiteral(" ORDER BY j.id");
    } else if (name == QLatin1String("chargebacks")) {
        r.description = tr("chargebacks the banks reported and how they ended");
        r.columns = {{QStringLiteral("chargeback_id"), K::Integer},
                     {QStringLiteral("opened_utc"), K::Timestamp},
                     {QStringLiteral("purchase_id"), K::Integer},
                     {QStringLiteral("account_id"), K::Integer},
                     {QStringLiteral("email"), K::Text},
                     {QStringLiteral("amount"), K::Money},
                     {QStringLiteral("currency"), K::Text},
                     {QStringLiteral("reason"), K::Text},
                     {QStringLiteral("status"), K::Text},
                     {QStringLiteral("resolved_utc"), K::Timestamp},
                     {QStringLiteral("contacted_support_first"), K::Boolean},
                     {QStringLiteral("request_id"), K::Integer}};
        r.sql = QStringLiteral("SELECT c.id, c.opened_at, c.purchase_id, c.account_id, a.email,"
                               " c.amount_cents, c.currency, c.reason, c.status, c.resolved_at,"
                               " c.contacted_support_first, c.request_id FROM chargebacks c JOIN"
                               " accounts a ON a.id = c.account_id WHERE") +
                scope(QStringLiteral("c.opened_at"), p, r.values) +
                QStringLiteral(" ORDER BY c.id");
    } else if (name == QLatin1String("sla")) {
        r.description = tr("each request's answer date and when it was answered");
        r.columns = {{QStringLiteral("request_id"), K::Integer},
                     {QStringLiteral("received_utc"), K::Timestamp},
                     {QStringLiteral("profile"), K::Text},
                     {QStringLiteral("type"), K::Text},
                     {QStringLiteral("status"), K::Text},
                     {QStringLiteral("respond_by"), K::Text},
                     {QStringLiteral("decided_utc"), K::Timestamp},
                     {QStringLiteral("answered_on"), K::Text},
                     {QStringLiteral("on_time"), K::Text}};
        // Both dates are days in the profile's time zone (answered_on is written with the
        // decision).
        r.sql = QStringLiteral("SELECT r.id, r.received_at, a.profile, r.type, r.status,"
                               " r.rec_respond_by, r.decided_at, %1, CASE WHEN r.decided_at IS"
                               " NULL OR r.rec_respond_by IS NULL THEN '' WHEN %1 <="
                               " r.rec_respond_by THEN 'yes' ELSE 'no' END FROM refund_requests r"
                               " JOIN accounts a ON a.id = r.account_id WHERE")
                    .arg(RequestRepository::answeredOnSql(d, QStringLiteral("r"))) +
                scope(QStringLiteral("r.received_at"), p, r.values) +
                QStringLiteral(" ORDER BY r.id");
    } else if (name == QLatin1String("monthly-summary")) {
        r.description = tr("per month and currency: revenue, refunds and their share");
        r.columns = {
            {QStringLiteral("month"), K::Text},        {QStringLiteral("currency"), K::Text},
            {QStringLiteral("purchases"), K::Integer}, {QStringLiteral("revenue"), K::Money},
            {QStringLiteral("refunds"), K::Integer},   {QStringLiteral("refunded"), K::Money}};
        // Two aggregates over indexed time columns, merged by month and currency.
        r.sql = QStringLiteral("SELECT month, currency, SUM(purchases), SUM(revenue), SUM(refunds),"
                               " SUM(refunded) FROM (SELECT %1 AS month, p.currency AS currency,"
                               " COUNT(*) AS purchases, SUM(p.amount_cents * p.charge_count) AS"
                               " revenue, 0 AS refunds, 0 AS refunded FROM purchases p JOIN"
                               " accounts a ON a.id = p.account_id WHERE")
                    .arg(d.utcMonth(QStringLiteral("p.created_at"))) +
                scope(QStringLiteral("p.created_at"), p, r.values) +
                QStringLiteral(" GROUP BY 1, 2 UNION ALL SELECT %1, x.currency, 0, 0, COUNT(*),"
                               " SUM(x.amount_cents) FROM payouts x JOIN accounts a ON a.id ="
                               " x.account_id WHERE")
                    .arg(d.utcMonth(QStringLiteral("x.created_at"))) +
                scope(QStringLiteral("x.created_at"), p, r.values) +
                QStringLiteral(" GROUP BY 1, 2) m GROUP BY month, currency ORDER BY month,"
                               " currency");
    } else {
        return std::nullopt;
    }
    return r;
}
