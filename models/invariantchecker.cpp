#include "invariantchecker.h"

#include "auditchain.h"
#include "rollups.h"

#include "sqldialect.h"
#include "sqlstatement.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QSqlRecord>

namespace {
struct Check
{
    const char *id;   // stable name for --json and scripts
    const char *what; // a sentence with %1.. for the selected columns
    QString sql;
};

// The request types of POLICIES.md step 10: one remedy per purchase and type (rule 11).
const QString purchaseRequestTypes =
    QStringLiteral("('unused_credits', 'accidental_purchase', 'duplicate_charge',"
                   " 'billing_error', 'not_delivered', 'outage')");

QString tr(const char *text)
{
    return QCoreApplication::translate("InvariantChecker", text);
}

// Each rollup the dashboard reads, against a count of its facts: the groups they disagree on.
QString rollupDifferences(const SqlDialect &dialect)
{
    QStringList each;
    for (const Rollups::Spec &spec : Rollups::all(dialect))
        each << QStringLiteral("SELECT '%1' AS t, (%2) AS n")
                    .arg(spec.table, Rollups::differences(spec));
    return QStringLiteral("SELECT t, n FROM (%1) x WHERE n > 0 ORDER BY t")
        .arg(each.join(QStringLiteral(" UNION ALL ")));
}

QList<Check> checks(const SqlDialect &dialect, bool rollups = true)
{
    const QString requestIds = dialect.isSqlite()
                                   ? QStringLiteral("group_concat(r.id, ', ')")
                                   : QStringLiteral("string_agg(r.id::text, ', ' ORDER BY r.id)");
    // Amounts the remedy of a decision implies; anything else is a violation.
    QList<Check> list{
        {"balance-vs-ledger",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "account %1: balance %2 but its ledger entries sum to %3"),
         QStringLiteral("SELECT a.id, a.balance_credits, COALESCE(s.total, 0) FROM accounts a"
                        " LEFT JOIN (SELECT account_id, SUM(credits) AS total FROM ledger_entries"
                        " GROUP BY account_id) s ON s.account_id = a.id"
                        " WHERE a.balance_credits <> COALESCE(s.total, 0) ORDER BY a.id")},
        {"negative-balance",
         QT_TRANSLATE_NOOP("InvariantChecker", "account %1: negative balance %2"),
         QStringLiteral(
             "SELECT id, balance_credits FROM accounts WHERE balance_credits < 0 ORDER BY id")},
        {"running-balance",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "account %1: balance went negative (%2) at ledger entry %3"),
         QStringLiteral("SELECT account_id, running, id FROM (SELECT account_id, id, SUM(credits)"
                        " OVER (PARTITION BY account_id ORDER BY id) AS running"
                        " FROM ledger_entries) r WHERE running < 0 ORDER BY account_id, id")},
        {"balance-vs-lots",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "account %1: balance %2 but its credit lots hold %3"),
         QStringLiteral("SELECT a.id, a.balance_credits, COALESCE(l.remaining, 0) FROM accounts a"
                        " LEFT JOIN (SELECT account_id, SUM(credits_remaining) AS remaining"
                        " FROM credit_lots GROUP BY account_id) l ON l.account_id = a.id"
                        " WHERE a.balance_credits <> COALESCE(l.remaining, 0) ORDER BY a.id")},
        // Refunds we pay; a chargeback the bank decides against us is not ours to refuse, but
        // the workflow counts it so no refund follows it.
        // At the moment each refund was paid, what had gone back (our refunds so far and the
        // chargebacks lost before it) was at most what the purchase paid. A chargeback the
        // bank decides later is the bank's, not ours to refuse: it is not a violation.
        {"purchase-overpaid",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "purchase %1: %2 paid but %3 went back (our refunds and the "
                           "chargebacks lost before them)"),
         QStringLiteral(
             "SELECT p.id, p.amount_cents * p.charge_count, x.back FROM purchases p"
             " JOIN (SELECT po.purchase_id, MAX("
             "  (SELECT SUM(q.amount_cents) FROM payouts q WHERE q.purchase_id = po.purchase_id"
             "   AND q.status <> 'failed' AND q.id <= po.id)"
             "  + COALESCE((SELECT SUM(c.amount_cents) FROM chargebacks c"
             "   JOIN decisions cd ON cd.request_id = c.request_id"
             "   WHERE c.purchase_id = po.purchase_id AND c.status = 'lost'"
             "   AND cd.id < (SELECT pd.id FROM decisions pd"
             "    WHERE pd.request_id = po.request_id)), 0)) AS back"
             " FROM payouts po WHERE po.status <> 'failed' GROUP BY po.purchase_id) x"
             " ON x.purchase_id = p.id"
             " WHERE x.back > p.amount_cents * p.charge_count ORDER BY p.id")},
        {"purchase-overrestored",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "purchase %1: delivered %2 credits but %3 were restored for it"),
         QStringLiteral("SELECT p.id, p.credits * p.charge_count, r.total FROM purchases p"
                        " JOIN (SELECT purchase_id, SUM(credits) AS total FROM ledger_entries l"
                        " WHERE entry_type = 'adjustment' AND credits > 0"
                        " AND purchase_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
                        " ledger_entries v WHERE v.reverses_entry_id = l.id)"
                        " GROUP BY purchase_id) r"
                        " ON r.purchase_id = p.id"
                        " WHERE r.total > p.credits * p.charge_count ORDER BY p.id")},
        {"remedy-granted-twice",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "purchase %1: %2 granted %3 times (requests %4); a remedy is granted "
                           "once"),
         QStringLiteral("SELECT r.purchase_id, r.type, COUNT(*), %1 FROM decisions d"
                        " JOIN refund_requests r ON r.id = d.request_id"
                        " WHERE d.verdict = 'approve' AND d.remedy <> 'none'"
                        " AND r.purchase_id IS NOT NULL AND r.type IN %2"
                        " AND NOT EXISTS (SELECT 1 FROM reversals v WHERE v.decision_id = d.id)"
                        " GROUP BY r.purchase_id, r.type HAVING COUNT(*) > 1"
                        " ORDER BY r.purchase_id")
             .arg(requestIds, purchaseRequestTypes)},
        {"job-credited-twice",
         QT_TRANSLATE_NOOP("InvariantChecker", "job %1: credited back %2 times"),
         QStringLiteral("SELECT job_id, COUNT(*) FROM ledger_entries"
                        " WHERE entry_type = 'job_credit_back' GROUP BY job_id"
                        " HAVING COUNT(*) > 1 ORDER BY job_id")},
        {"credit-back-mismatch",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "job %1: credit-back of %2 credits for a %3 job of %4 credits"),
         QStringLiteral("SELECT j.id, l.credits, j.status, j.credits FROM ledger_entries l"
                        " JOIN jobs j ON j.id = l.job_id WHERE l.entry_type = 'job_credit_back'"
                        " AND (j.status <> 'failed' OR l.credits <> j.credits) ORDER BY j.id")},
        {"decided-without-decision",
         QT_TRANSLATE_NOOP("InvariantChecker", "request %1: %2 but no decision recorded"),
         QStringLiteral("SELECT r.id, r.status FROM refund_requests r"
                        " WHERE r.status IN ('approved', 'denied') AND NOT EXISTS"
                        " (SELECT 1 FROM decisions d WHERE d.request_id = r.id) ORDER BY r.id")},
        {"status-vs-decision",
         QT_TRANSLATE_NOOP("InvariantChecker", "request %1: status %2 but its decision is %3"),
         QStringLiteral("SELECT r.id, r.status, d.verdict FROM decisions d"
                        " JOIN refund_requests r ON r.id = d.request_id WHERE NOT"
                        " ((d.verdict = 'approve' AND r.status = 'approved')"
                        " OR (d.verdict = 'deny' AND r.status = 'denied')) ORDER BY r.id")},
        {"decision-vs-payouts",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "request %1: decision refunds %2 cents but its payouts hold %3"),
         QStringLiteral(
             "SELECT d.request_id, CASE WHEN d.verdict = 'approve' AND d.remedy = 'money_refund'"
             " THEN d.refund_cents ELSE 0 END AS due, COALESCE(p.total, 0) FROM decisions d"
             // A failed payout retried by a person is replaced by its retry: what counts is the
             // newest payout of each chain.
             " LEFT JOIN (SELECT request_id, SUM(amount_cents) AS total FROM payouts o"
             " WHERE request_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM payouts n"
             " WHERE n.retry_of = o.id) GROUP BY request_id) p ON p.request_id = d.request_id"
             " WHERE COALESCE(p.total, 0) <> CASE WHEN d.verdict = 'approve'"
             " AND d.remedy = 'money_refund' THEN d.refund_cents ELSE 0 END ORDER BY "
             "d.request_id")},
        {"decision-vs-ledger",
         QT_TRANSLATE_NOOP("InvariantChecker",
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
        {"remedy-not-approved",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "request %1 (%2): has a remedy (ledger entry %3) but is not approved"),
         QStringLiteral("SELECT r.id, r.status, l.id FROM ledger_entries l"
                        " JOIN refund_requests r ON r.id = l.request_id"
                        " WHERE l.entry_type IN ('job_credit_back', 'adjustment', 'refund')"
                        " AND r.status <> 'approved' ORDER BY r.id")},
        {"payout-not-approved",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "request %1 (%2): has payout %3 but is not approved"),
         QStringLiteral("SELECT r.id, r.status, p.id FROM payouts p"
                        " JOIN refund_requests r ON r.id = p.request_id"
                        " WHERE r.status <> 'approved' ORDER BY r.id")},
        // Every credit that moves has a cause on the same account: the purchase it was bought
        // with, the job it paid for or was credited back for, or the decided request (a
        // refund, a restoration, a chargeback's clawback) it carries out.
        {"entry-without-cause",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "ledger entry %1 (%2, %3 credits on account %4) has no cause on that "
                           "account: no matching purchase, job, chargeback or approved decision"),
         QStringLiteral(
             "SELECT e.id, e.entry_type, e.credits, e.account_id FROM ledger_entries e"
             " LEFT JOIN purchases p ON p.id = e.purchase_id"
             " LEFT JOIN jobs j ON j.id = e.job_id"
             " LEFT JOIN refund_requests r ON r.id = e.request_id"
             " LEFT JOIN decisions d ON d.request_id = e.request_id"
             // A reversing entry's cause is the lead's reversal of the entry it reverses.
             " LEFT JOIN ledger_entries t ON t.id = e.reverses_entry_id"
             " LEFT JOIN reversals v ON v.request_id = t.request_id"
             " WHERE NOT COALESCE(CASE WHEN e.reverses_entry_id IS NOT NULL THEN"
             "  t.account_id = e.account_id AND t.credits = -e.credits AND v.id IS NOT NULL"
             "  AND e.request_id IS NULL ELSE CASE e.entry_type"
             "  WHEN 'purchase' THEN p.account_id = e.account_id AND e.credits = p.credits"
             "  WHEN 'usage' THEN j.account_id = e.account_id AND e.credits = -j.credits"
             "  WHEN 'job_credit_back' THEN j.account_id = e.account_id"
             "   AND (e.request_id IS NULL OR r.account_id = e.account_id)"
             "  WHEN 'refund' THEN r.account_id = e.account_id AND d.verdict = 'approve'"
             "   AND d.remedy = 'money_refund' AND e.purchase_id = r.purchase_id"
             "  WHEN 'adjustment' THEN r.account_id = e.account_id AND d.verdict = 'approve'"
             "   AND d.remedy = 'credit_restore'"
             "   AND (e.purchase_id IS NULL OR e.purchase_id = r.purchase_id)"
             "  WHEN 'clawback' THEN r.account_id = e.account_id AND r.type = 'chargeback'"
             "   AND e.purchase_id = r.purchase_id"
             "  ELSE r.account_id = e.account_id END END, FALSE)"
             " ORDER BY e.id")},
        {"payout-without-decision",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "payout %1 (%2 minor units %3 on account %4, purchase %5) matches no "
                           "approved money refund of that account, purchase, currency and amount"),
         QStringLiteral(
             "SELECT po.id, po.amount_cents, po.currency, po.account_id, po.purchase_id"
             " FROM payouts po"
             " LEFT JOIN refund_requests r ON r.id = po.request_id"
             " LEFT JOIN decisions d ON d.request_id = po.request_id"
             " LEFT JOIN purchases p ON p.id = po.purchase_id"
             " WHERE NOT COALESCE(r.account_id = po.account_id AND p.account_id = po.account_id"
             "  AND r.purchase_id = po.purchase_id AND d.verdict = 'approve'"
             "  AND d.remedy = 'money_refund' AND d.currency = po.currency"
             "  AND p.currency = po.currency AND po.amount_cents <= d.refund_cents, FALSE)"
             " ORDER BY po.id")},
        {"decided-without-audit",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "request %1: %2 but its audit trail has no record of the decision"),
         QStringLiteral("SELECT r.id, r.status FROM refund_requests r"
                        " WHERE r.status IN ('approved', 'denied') AND NOT EXISTS"
                        " (SELECT 1 FROM audit_log a WHERE a.request_id = r.id"
                        " AND a.action IN ('approve', 'deny')) ORDER BY r.id")},
        {"payout-without-audit",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "payout %1 is %2 but its audit trail does not say how it got there"),
         QStringLiteral("SELECT o.id, o.status FROM payouts o WHERE o.request_id IS NOT NULL"
                        " AND ((o.status <> 'pending' AND NOT EXISTS (SELECT 1 FROM audit_log a"
                        "  WHERE a.request_id = o.request_id AND a.action IN ('payout_sent',"
                        "  'payout_paid', 'payout_failed')))"
                        " OR (o.status = 'succeeded' AND NOT EXISTS (SELECT 1 FROM audit_log a"
                        "  WHERE a.request_id = o.request_id AND a.action = 'payout_paid'))"
                        " OR (o.status = 'failed' AND NOT EXISTS (SELECT 1 FROM audit_log a"
                        "  WHERE a.request_id = o.request_id AND a.action = 'payout_failed')))"
                        " ORDER BY o.id")},
        {"credit-movement-without-audit",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "ledger entry %1 (%2, %3 credits) moves credits for request %4, whose "
                           "audit trail has no decision or chargeback"),
         QStringLiteral("SELECT l.id, l.entry_type, l.credits, l.request_id FROM ledger_entries l"
                        " WHERE l.request_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM audit_log a"
                        " WHERE a.request_id = l.request_id AND a.action IN ('approve',"
                        " 'chargeback')) ORDER BY l.id")},
        // A reversal moves back every credit its decision moved, and says so in the audit trail.
        {"reversal-incomplete",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "the decision of request %1 was reversed but its ledger entry %2 (%3 "
                           "credits) was not"),
         QStringLiteral("SELECT v.request_id, l.id, l.credits FROM reversals v"
                        " JOIN ledger_entries l ON l.request_id = v.request_id"
                        " WHERE NOT EXISTS (SELECT 1 FROM ledger_entries x"
                        " WHERE x.reverses_entry_id = l.id) ORDER BY l.id")},
        {"reversal-without-audit",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "the decision of request %1 was reversed by %2 but the audit trail "
                           "does not say so"),
         QStringLiteral("SELECT v.request_id, v.actor FROM reversals v WHERE NOT EXISTS"
                        " (SELECT 1 FROM audit_log a WHERE a.request_id = v.request_id"
                        " AND a.action = 'reverse') ORDER BY v.request_id")},
        // Four-eyes: a waiting request waits with one first approval; a decision that names a
        // second approver has that lead's approval row.
        {"awaiting-without-first-approval",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "request %1 waits for a second approval but has no first approval "
                           "waiting for an answer"),
         QStringLiteral("SELECT r.id FROM refund_requests r WHERE r.status = 'awaiting_approval'"
                        " AND NOT EXISTS (SELECT 1 FROM approvals p WHERE p.request_id = r.id"
                        " AND p.step = 'proposed' AND NOT EXISTS (SELECT 1 FROM approvals x"
                        " WHERE x.proposal_id = p.id)) ORDER BY r.id")},
        {"second-approval-without-record",
         QT_TRANSLATE_NOOP("InvariantChecker",
                           "decision %1 of request %2 names %3 as its second approver, who has no "
                           "approval of %4's first approval on record"),
         QStringLiteral("SELECT d.id, d.request_id, d.second_approver, d.reviewer FROM decisions d"
                        " WHERE d.second_approver IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
                        " approvals a JOIN approvals p ON p.id = a.proposal_id"
                        " WHERE a.request_id = d.request_id AND a.step = 'approved'"
                        " AND a.actor = d.second_approver AND p.actor = d.reviewer"
                        " AND p.actor <> a.actor) ORDER BY d.id")},
    };
    if (rollups)
        list.append({"rollups-vs-facts",
                     QT_TRANSLATE_NOOP("InvariantChecker",
                                       "%1: %2 group(s) differ from a count of the facts (the "
                                       "dashboard shows them; refundctl rollups rebuild counts "
                                       "them again)"),
                     rollupDifferences(dialect)});
    return list;
}

// The audit trail's hash chain, checked with the rest (not SQL: AuditChain recomputes it).
const char *const auditChainCheck = "audit-chain";

// One read-only snapshot for every check: a write committed while check runs is either seen
// by all of them or by none, so two checks never disagree about one moment.
class ReadSnapshot
{
public:
    ReadSnapshot(const QSqlDatabase &db, const SqlDialect &d) : m_db(db)
    {
        SqlStatement::run(m_db, d.isSqlite()
                                    ? QStringLiteral("BEGIN DEFERRED")
                                    : QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ "
                                                     "READ ONLY"));
    }
    ~ReadSnapshot()
    {
        QSqlQuery rollback(m_db);
        rollback.exec(QStringLiteral("ROLLBACK")); // nothing was written
    }
    ReadSnapshot(const ReadSnapshot &) = delete;
    ReadSnapshot &operator=(const ReadSnapshot &) = delete;

private:
    QSqlDatabase m_db;
};
} // namespace

InvariantReport InvariantChecker::run(int perCheck, bool thorough) const
{
    InvariantReport report;
    QElapsedTimer timer;
    timer.start();
    const SqlDialect dialect = SqlDialect::of(m_db);
    const ReadSnapshot snapshot(m_db, dialect);
    for (const Check &check : checks(dialect, thorough)) {
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
            report.checks << QString::fromLatin1(check.id);
        }
        if (found > perCheck) {
            report.violations << tr("... and %1 more like the above").arg(found - perCheck);
            report.checks << QString::fromLatin1(check.id);
        }
    }
    const AuditChain::Result chain = thorough ? AuditChain::verify(m_db) : AuditChain::Result{};
    if (!chain.ok) {
        report.violations << chain.problem;
        report.checks << QString::fromLatin1(auditChainCheck);
    }
    auto count = [this](const char *table) {
        return SqlStatement::scalar(
                   m_db, QStringLiteral("SELECT COUNT(*) FROM %1").arg(QLatin1String(table)))
            .toLongLong();
    };
    report.accounts = count("accounts");
    report.ledgerEntries = count("ledger_entries");
    report.decisions = count("decisions");
    report.payouts = count("payouts");
    report.milliseconds = timer.elapsed();
    return report;
}

QStringList InvariantChecker::checkIds()
{
    QStringList ids;
    for (const Check &c : checks(SqlDialect(SqlDialect::Kind::Sqlite)))
        ids << QString::fromLatin1(c.id);
    ids << QString::fromLatin1(auditChainCheck);
    return ids;
}
