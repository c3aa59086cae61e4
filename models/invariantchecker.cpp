#include "invariantchecker.h"

#include "sqlstatement.h"

#include <QCoreApplication>
#include <QSqlRecord>

namespace {
struct Check
{
    const char *what; // a sentence with %1.. for the selected columns
    QString sql;
};

QString tr(const char *text)
{
    return QCoreApplication::translate("InvariantChecker", text);
}

const QList<Check> &checks()
{
    // Amounts the remedy of a decision implies; anything else is a violation.
    static const QList<Check> list{
        {QT_TRANSLATE_NOOP("InvariantChecker",
                           "account %1: balance %2 but its ledger entries sum to %3"),
         QStringLiteral("SELECT a.id, a.balance_credits, COALESCE(s.total, 0) FROM accounts a"
                        " LEFT JOIN (SELECT account_id, SUM(credits) AS total FROM ledger_entries"
                        " GROUP BY account_id) s ON s.account_id = a.id"
                        " WHERE a.balance_credits <> COALESCE(s.total, 0) ORDER BY a.id")},
        {QT_TRANSLATE_NOOP("InvariantChecker", "account %1: negative balance %2"),
         QStringLiteral(
             "SELECT id, balance_credits FROM accounts WHERE balance_credits < 0 ORDER BY id")},
        {QT_TRANSLATE_NOOP("InvariantChecker",
                           "account %1: balance went negative (%2) at ledger entry %3"),
         QStringLiteral("SELECT account_id, running, id FROM (SELECT account_id, id, SUM(credits)"
                        " OVER (PARTITION BY account_id ORDER BY id) AS running"
                        " FROM ledger_entries) r WHERE running < 0 ORDER BY account_id, id")},
        {QT_TRANSLATE_NOOP("InvariantChecker",
                           "account %1: balance %2 but its credit lots hold %3"),
         QStringLiteral("SELECT a.id, a.balance_credits, COALESCE(l.remaining, 0) FROM accounts a"
                        " LEFT JOIN (SELECT account_id, SUM(credits_remaining) AS remaining"
                        " FROM credit_lots GROUP BY account_id) l ON l.account_id = a.id"
                        " WHERE a.balance_credits <> COALESCE(l.remaining, 0) ORDER BY a.id")},
        // Refunds we pay; a chargeback the bank decides against us is not ours to refuse, but
        // the workflow counts it so no refund follows it.
        {QT_TRANSLATE_NOOP("InvariantChecker", "purchase %1: %2 paid but %3 refunded"),
         QStringLiteral("SELECT p.id, p.amount_cents * p.charge_count, po.total FROM purchases p"
                        " JOIN (SELECT purchase_id, SUM(amount_cents) AS total FROM payouts"
                        " WHERE status <> 'failed' GROUP BY purchase_id) po"
                        " ON po.purchase_id = p.id"
                        " WHERE po.total > p.amount_cents * p.charge_count ORDER BY p.id")},
        {QT_TRANSLATE_NOOP("InvariantChecker", "job %1: credited back %2 times"),
         QStringLiteral("SELECT job_id, COUNT(*) FROM ledger_entries"
                        " WHERE entry_type = 'job_credit_back' GROUP BY job_id"
                        " HAVING COUNT(*) > 1 ORDER BY job_id")},
        {QT_TRANSLATE_NOOP("InvariantChecker",
                           "job %1: credit-back of %2 credits for a %3 job of %4 credits"),
         QStringLiteral("SELECT j.id, l.credits, j.status, j.credits FROM ledger_entries l"
                        " JOIN jobs j ON j.id = l.job_id WHERE l.entry_type = 'job_credit_back'"
                        " AND (j.status <> 'failed' OR l.credits <> j.credits) ORDER BY j.id")},
        {QT_TRANSLATE_NOOP("InvariantChecker", "request %1: %2 but no decision recorded"),
         QStringLiteral("SELECT r.id, r.status FROM refund_requests r"
                        " WHERE r.status IN ('approved', 'denied') AND NOT EXISTS"
                        " (SELECT 1 FROM decisions d WHERE d.request_id = r.id) ORDER BY r.id")},
        {QT_TRANSLATE_NOOP("InvariantChecker", "request %1: status %2 but its decision is %3"),
         QStringLiteral("SELECT r.id, r.status, d.verdict FROM decisions d"
                        " JOIN refund_requests r ON r.id = d.request_id WHERE NOT"
                        " ((d.verdict = 'approve' AND r.status = 'approved')"
                        " OR (d.verdict = 'deny' AND r.status = 'denied')) ORDER BY r.id")},
        {QT_TRANSLATE_NOOP("InvariantChecker",
                           "request %1: decision refunds %2 cents but its payouts hold %3"),
         QStringLiteral(
             "SELECT d.request_id, CASE WHEN d.verdict = 'approve' AND d.remedy = 'money_refund'"
             " THEN d.refund_cents ELSE 0 END AS due, COALESCE(p.total, 0) FROM decisions d"
             " LEFT JOIN (SELECT request_id, SUM(amount_cents) AS total FROM payouts"
             " WHERE request_id IS NOT NULL GROUP BY request_id) p ON p.request_id = d.request_id"
             " WHERE COALESCE(p.total, 0) <> CASE WHEN d.verdict = 'approve'"
             " AND d.remedy = 'money_refund' THEN d.refund_cents ELSE 0 END ORDER BY "
             "d.request_id")},
        {QT_TRANSLATE_NOOP("InvariantChecker",
                           "request %1: decision restores %2 and takes back %3 credits but its "
                           "ledger entries restore %4 and take back %5"),
         QStringLiteral(
             "SELECT d.request_id,"
             " CASE WHEN d.verdict = 'approve' AND d.remedy = 'credit_restore' THEN d.credits"
             " ELSE 0 END AS restore,"
             " CASE WHEN d.verdict = 'approve' AND d.remedy = 'money_refund' THEN d.credits"
             " ELSE 0 END AS takeback,"
             " COALESCE(e.restored, 0), COALESCE(e.taken, 0) FROM decisions d"
             " LEFT JOIN (SELECT request_id,"
             " SUM(CASE WHEN entry_type IN ('job_credit_back', 'adjustment') THEN credits ELSE 0"
             " END) AS restored,"
             " SUM(CASE WHEN entry_type = 'refund' THEN -credits ELSE 0 END) AS taken"
             " FROM ledger_entries WHERE request_id IS NOT NULL GROUP BY request_id) e"
             " ON e.request_id = d.request_id"
             " WHERE COALESCE(e.restored, 0) <> CASE WHEN d.verdict = 'approve'"
             " AND d.remedy = 'credit_restore' THEN d.credits ELSE 0 END"
             " OR COALESCE(e.taken, 0) <> CASE WHEN d.verdict = 'approve'"
             " AND d.remedy = 'money_refund' THEN d.credits ELSE 0 END ORDER BY d.request_id")},
        {QT_TRANSLATE_NOOP("InvariantChecker",
                           "request %1 (%2): has a remedy (ledger entry %3) but is not approved"),
         QStringLiteral("SELECT r.id, r.status, l.id FROM ledger_entries l"
                        " JOIN refund_requests r ON r.id = l.request_id"
                        " WHERE l.entry_type IN ('job_credit_back', 'adjustment', 'refund')"
                        " AND r.status <> 'approved' ORDER BY r.id")},
        {QT_TRANSLATE_NOOP("InvariantChecker",
                           "request %1 (%2): has payout %3 but is not approved"),
         QStringLiteral("SELECT r.id, r.status, p.id FROM payouts p"
                        " JOIN refund_requests r ON r.id = p.request_id"
                        " WHERE r.status <> 'approved' ORDER BY r.id")},
    };
    return list;
}
} // namespace

InvariantReport InvariantChecker::run(int perCheck) const
{
    InvariantReport report;
    for (const Check &check : checks()) {
        SqlStatement st(m_db, check.sql);
        st.exec();
        const int columns = st.query().record().count();
        qint64 found = 0;
        while (st.next()) {
            if (++found > perCheck)
                continue;
            QString line = tr(check.what);
            for (int c = 0; c < columns; ++c)
                line = line.arg(st.value(c).toString());
            report.violations << line;
        }
        if (found > perCheck)
            report.violations << tr("... and %1 more like the above").arg(found - perCheck);
    }
    auto count = [this](const char *table) {
        return SqlStatement::scalar(
                   m_db, QStringLiteral("SELECT COUNT(*) FROM %1").arg(QLatin1String(table)))
            .toLongLong();
    };
    report.accounts = count("accounts");
    report.ledgerEntries = count("ledger_entries");
    report.decisions = count("decisions");
    return report;
}
