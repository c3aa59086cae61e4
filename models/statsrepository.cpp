#include "statsrepository.h"

#include "sqlstatement.h"

DatabaseStats StatsRepository::collect() const
{
    auto count = [this](const QString &sql) {
        return SqlStatement::scalar(m_db, sql).toLongLong();
    };
    DatabaseStats s;
    s.accounts = count(QStringLiteral("SELECT COUNT(*) FROM accounts"));
    s.purchases = count(QStringLiteral("SELECT COUNT(*) FROM purchases"));
    s.jobs = count(QStringLiteral("SELECT COUNT(*) FROM jobs"));
    s.ledgerEntries = count(QStringLiteral("SELECT COUNT(*) FROM ledger_entries"));
    for (const char *status : {"new", "pending", "escalated", "approved", "denied"})
        s.requestsByStatus.insert(QString::fromLatin1(status), 0);
    SqlStatement byStatus(
        m_db, QStringLiteral("SELECT status, COUNT(*) FROM refund_requests GROUP BY status"));
    byStatus.exec();
    while (byStatus.next())
        s.requestsByStatus.insert(byStatus.value(0).toString(), byStatus.value(1).toLongLong());
    // Money that left (or is on its way back to) the customer's payment method.
    s.refundedCents = count(QStringLiteral(
        "SELECT COALESCE(SUM(amount_cents), 0) FROM payouts WHERE status <> 'failed'"));
    // Credits given back: job credit-backs and positive adjustments made for a request.
    s.creditsRestored = count(QStringLiteral(
        "SELECT COALESCE(SUM(credits), 0) FROM ledger_entries WHERE entry_type = 'job_credit_back'"
        " OR (entry_type = 'adjustment' AND credits > 0 AND request_id IS NOT NULL)"));
    return s;
}
