// The review workflow on both backends: every decision path and its ledger effect, rollback
// of a decision that fails halfway, two processes deciding the same requests at once.

#include "models/accountrepository.h"
#include "models/auditrepository.h"
#include "models/chargebackrepository.h"
#include "models/databaseerror.h"
#include "models/decisionrepository.h"
#include "models/invariantchecker.h"
#include "models/jobrepository.h"
#include "models/payoutrepository.h"
#include "models/purchaserepository.h"
#include "models/requestrepository.h"
#include "models/sqlstatement.h"
#include "policy/casebuilder.h"
#include "policy/payoutbook.h"
#include "policy/refundworkflow.h"
#include "policy/rules/policycasejson.h"
#include "policy/rules/policyengine.h"
#include "support/queryvalues.h"
#include "support/refundctlrun.h"
#include "support/tablesdigest.h"
#include "support/testdatabase.h"
#include "support/workflowshop.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

namespace {
const QStringList allTables{QStringLiteral("accounts"),        QStringLiteral("purchases"),
                            QStringLiteral("credit_lots"),     QStringLiteral("jobs"),
                            QStringLiteral("refund_requests"), QStringLiteral("ledger_entries"),
                            QStringLiteral("decisions"),       QStringLiteral("payouts"),
                            QStringLiteral("chargebacks"),     QStringLiteral("audit_log")};
} // namespace

class TestWorkflow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void usageSpendsOldestLotFirst()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("hummingbytes"));
        const qint64 p1 = shop.purchase(a, 300, 2000);
        shop.clock += day;
        const qint64 p2 = shop.purchase(a, 120, 1000);
        shop.clock += day;
        shop.workflow.recordJob(a, 350, QStringLiteral("video-v2"));
        QCOMPARE(shop.balance(a), 70);
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT credits_remaining FROM credit_lots WHERE"
                                       " purchase_id = ?"),
                        {p1}),
                 0);
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT credits_remaining FROM credit_lots WHERE"
                                       " purchase_id = ?"),
                        {p2}),
                 70);
        // More than the balance: refused, nothing written.
        const QByteArray before = tablesDigest(t.db(), allTables);
        try {
            shop.workflow.recordJob(a, 71, QStringLiteral("video-v2"));
            QFAIL("a job above the balance was recorded");
        } catch (const DatabaseError &e) {
            QVERIFY2(e.message().contains(QLatin1String("70 credits")), qPrintable(e.message()));
        }
        QCOMPARE(tablesDigest(t.db(), allTables), before);
        shop.expectInvariants();
    }

    void platformFailureCreditedBackOnce()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("aidancing"));
        shop.purchase(a, 300, 2000);
        const qint64 job = shop.workflow.recordJob(a, 40, QStringLiteral("video"));
        QCOMPARE(shop.balance(a), 260);
        QVERIFY(shop.workflow.reportJobFailure(job, FailureCause::Platform, QStringLiteral("GPU")));
        QCOMPARE(shop.balance(a), 300);
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError, shop.workflow.reportJobFailure(job, FailureCause::Platform, QString()));
        // The customer asks anyway: the engine sees the compensation and denies.
        const qint64 r = shop.request(a, QStringLiteral("failed_job"), 0, job);
        const TriageResult triage = shop.workflow.triage();
        QCOMPARE(triage.evaluated, 1);
        QCOMPARE(triage.applied, 0);
        QCOMPARE(shop.status(r), QStringLiteral("pending"));
        const auto rec = RequestRepository(t.db().connection()).find(r)->recommendation;
        QCOMPARE(rec.verdict, QStringLiteral("deny"));
        QCOMPARE(rec.clauses, QStringList{QStringLiteral("aidancing/failed-job-once")});
        // An override cannot pay twice either.
        const DecisionResult d =
            shop.decide(r, ReviewAction::Approve, QStringLiteral("customer insists"), {}, true);
        QCOMPARE(d.status, DecisionResult::Status::Failed);
        QVERIFY2(d.error.contains(QLatin1String("already credited back")), qPrintable(d.error));
        QCOMPARE(shop.balance(a), 300);
        shop.expectInvariants();
    }

    void triageAppliesMissedCreditBack()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("vysage"));
        shop.purchase(a, 300, 2000);
        const qint64 job = shop.workflow.recordJob(a, 40, QStringLiteral("image"));
        // The job's failure was stored without its credit-back (an older system, an outage).
        QVERIFY(JobRepository(t.db().connection())
                    .setFailed(job, QStringLiteral("platform"), QStringLiteral("timeout")));
        const qint64 r = shop.request(a, QStringLiteral("failed_job"), 0, job);
        const qint64 other = shop.request(a, QStringLiteral("dissatisfaction"), 0, 0);
        shop.clock += 60;
        const TriageResult triage = shop.workflow.triage();
        QCOMPARE(triage.evaluated, 2);
        QCOMPARE(triage.applied, 1);
        QVERIFY(triage.errors.isEmpty());
        QCOMPARE(shop.status(r), QStringLiteral("approved"));
        QCOMPARE(shop.status(other), QStringLiteral("pending"));
        QCOMPARE(shop.balance(a), 300);
        const auto decision = DecisionRepository(t.db().connection()).findForRequest(r);
        QVERIFY(decision);
        QCOMPARE(decision->reviewer, RefundWorkflow::systemReviewer());
        QCOMPARE(decision->remedy, QStringLiteral("credit_restore"));
        QCOMPARE(decision->credits, 40);
        QCOMPARE(decision->profile, QStringLiteral("vysage"));
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT COUNT(*) FROM ledger_entries WHERE"
                                       " entry_type = 'job_credit_back' AND request_id = ?"),
                        {r}),
                 1);
        // Triage again: nothing new.
        QCOMPARE(shop.workflow.triage().evaluated, 0);
        shop.expectInvariants();
    }

    void triageReportsBrokenRequestsAndGoesOn()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("vysage"));
        const qint64 p = shop.purchase(a, 300, 2000);
        const qint64 broken = shop.request(a, QStringLiteral("failed_job"), p, 0);
        const qint64 fine = shop.request(a, QStringLiteral("subscription"), p);
        const TriageResult triage = shop.workflow.triage();
        QCOMPARE(triage.evaluated, 1);
        QCOMPARE(triage.errors.size(), 1);
        QVERIFY2(
            triage.errors.first().contains(
                QStringLiteral("request %1: a failed_job request must name a job").arg(broken)),
            qPrintable(triage.errors.first()));
        QCOMPARE(shop.status(broken), QStringLiteral("new"));
        QCOMPARE(shop.status(fine), QStringLiteral("pending"));
        const DecisionResult d = shop.decide(broken, ReviewAction::Deny, QStringLiteral("no job"));
        QCOMPARE(d.status, DecisionResult::Status::Failed);
        QVERIFY2(d.error.contains(QLatin1String("must name a job")), qPrintable(d.error));
    }

    void approveUnusedCreditsRefundsMoneyAndTakesCreditsBack()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("hummingbytes"));
        const qint64 p = shop.purchase(a, 300, 2000, 88);
        shop.clock += 2 * day;
        const qint64 r = shop.request(a, QStringLiteral("unused_credits"), p);
        shop.workflow.triage();
        const auto stored = RequestRepository(t.db().connection()).find(r)->recommendation;
        QCOMPARE(stored.verdict, QStringLiteral("approve"));
        QCOMPARE(stored.refundCents, 1912);
        QCOMPARE(stored.profileVersion, 1);

        // Never above the recommendation.
        DecisionResult d = shop.decide(r, ReviewAction::Approve, {}, 1913);
        QCOMPARE(d.status, DecisionResult::Status::Failed);
        QVERIFY2(d.error.contains(QLatin1String("never raise")), qPrintable(d.error));

        shop.clock += 3600;
        d = shop.decide(r, ReviewAction::Approve, QStringLiteral("as the policy says"));
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(d.refundCents, 1912);
        QCOMPARE(d.credits, 300);
        QVERIFY(!d.isOverride);
        QCOMPARE(shop.balance(a), 0);
        const QList<PayoutRecord> payouts = PayoutRepository(t.db().connection()).list();
        QCOMPARE(payouts.size(), 1);
        QCOMPARE(payouts.first().amountCents, 1912);
        QCOMPARE(payouts.first().status, QStringLiteral("pending"));
        QCOMPARE(payouts.first().requestId, r);
        const QList<AuditRecord> audit = AuditRepository(t.db().connection()).forRequest(r);
        QCOMPARE(audit.size(), 2); // triage, approve
        QCOMPARE(audit.last().actor, QStringLiteral("alice"));
        QCOMPARE(audit.last().action, QStringLiteral("approve"));
        QCOMPARE(audit.last().profile, QStringLiteral("hummingbytes"));
        QCOMPARE(audit.last().at, shop.clock);
        QVERIFY(audit.last().recommendation.contains(QLatin1String("hummingbytes/unused-7-days")));
        QCOMPARE(audit.last().note, QStringLiteral("as the policy says"));

        // Deciding again: already decided, by whom.
        d = shop.decide(r, ReviewAction::Deny, QStringLiteral("second thoughts"));
        QCOMPARE(d.status, DecisionResult::Status::AlreadyDecided);
        QCOMPARE(d.decidedBy, QStringLiteral("alice"));
        QCOMPARE(d.decidedAt, shop.clock);

        // The purchase is never refunded twice: another type of request gets at most the fee
        // left (rule 11 caps the recommendation itself), the same type nothing at all.
        const qint64 again = shop.request(a, QStringLiteral("accidental_purchase"), p);
        shop.workflow.triage();
        d = shop.decide(again, ReviewAction::Approve, QStringLiteral("goodwill"), 89, true);
        QCOMPARE(d.status, DecisionResult::Status::Failed);
        QVERIFY2(d.error.contains(QStringLiteral("0.89 USD is more than the 0.88 USD still "
                                                 "refundable on purchase %1 (paid 20.00 USD): "
                                                 "purchase %1 was already refunded 19.12 USD by "
                                                 "request %2 (unused_credits)")
                                      .arg(p)
                                      .arg(r)),
                 qPrintable(d.error));
        d = shop.decide(again, ReviewAction::Approve, QStringLiteral("goodwill"), 88, true);
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QVERIFY(d.isOverride);
        QCOMPARE(d.credits, 0); // the first refund took the credits back already
        QVERIFY(DecisionRepository(t.db().connection()).findForRequest(again)->isOverride);
        const qint64 same = shop.request(a, QStringLiteral("unused_credits"), p);
        const qint64 another = shop.request(a, QStringLiteral("billing_error"), p, 0, 500);
        shop.workflow.triage();
        for (const qint64 id : {same, another}) {
            const auto rec = RequestRepository(t.db().connection()).find(id)->recommendation;
            QCOMPARE(rec.verdict, QStringLiteral("deny"));
            QCOMPARE(rec.clauses, QStringList{QStringLiteral("hummingbytes/already-compensated")});
            d = shop.decide(id, ReviewAction::Approve, QStringLiteral("review"), 1, true);
            QCOMPARE(d.status, DecisionResult::Status::AlreadyCompensated);
            QVERIFY2(d.error.contains(QStringLiteral("purchase %1 was already refunded 19.12 USD "
                                                     "by request %2 (unused_credits)")
                                          .arg(p)
                                          .arg(r)),
                     qPrintable(d.error));
            QCOMPARE(shop.status(id), QStringLiteral("pending"));
        }
        QVERIFY2(d.error.contains(QStringLiteral("refunded 0.88 USD by request %1 "
                                                 "(accidental_purchase)")
                                      .arg(again)),
                 qPrintable(d.error));
        QCOMPARE(shop.decide(same, ReviewAction::Deny).status, DecisionResult::Status::Denied);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT SUM(amount_cents) FROM payouts")), 2000);
        shop.expectInvariants();
    }

    // A lead corrects a decision by reversing it, never by UPDATE: the credits it moved move
    // back, the request reopens as a new one, and money that left is never pulled back.
    void reversalMovesCreditsBackAndReopens()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("aiimagestudio"));
        const qint64 p = shop.purchase(a, 300, 2000, 0, 1, false);
        const qint64 r = shop.request(a, QStringLiteral("not_delivered"), p);
        shop.workflow.triage();
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError, shop.workflow.reverse(r, QStringLiteral("lea"), QStringLiteral("x")));
        QCOMPARE(shop.decide(r, ReviewAction::Approve).credits, 300);
        QCOMPARE(shop.balance(a), 300);
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError, shop.workflow.reverse(r, QStringLiteral("lea"), QStringLiteral(" ")));
        shop.clock += 3600;
        const ReversalResult v =
            shop.workflow.reverse(r, QStringLiteral("lea"), QStringLiteral("delivered by hand"));
        QCOMPARE(v.creditsTaken, 300);
        QCOMPARE(v.creditsReturned, 0);
        QCOMPARE(shop.balance(a), 0);
        QCOMPARE(shop.status(r), QStringLiteral("approved")); // the decision stays on record
        const auto reopened = RequestRepository(t.db().connection()).find(v.reopenedAs);
        QCOMPARE(reopened->reopens, r);
        QCOMPARE(reopened->status, QStringLiteral("pending")); // triaged at once
        QCOMPARE(reopened->purchaseId, p);
        const QList<AuditRecord> audit = AuditRepository(t.db().connection()).forRequest(r);
        QCOMPARE(audit.last().action, QStringLiteral("reverse"));
        QCOMPARE(audit.last().actor, QStringLiteral("lea"));
        QCOMPARE(audit.last().note, QStringLiteral("delivered by hand"));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM outbox WHERE type ="
                                               " 'credits.revoked' AND data LIKE '%clawback%'")),
                 1);
        shop.expectInvariants();
        // Once.
        try {
            shop.workflow.reverse(r, QStringLiteral("lea"), QStringLiteral("again"));
            QFAIL("a decision was reversed twice");
        } catch (const DatabaseError &e) {
            QVERIFY2(e.message().contains(QLatin1String("already reversed")),
                     qPrintable(e.message()));
        }
        // The reversed decision gave nothing: the reopened request may give it again.
        QCOMPARE(shop.decide(v.reopenedAs, ReviewAction::Approve).credits, 300);
        QCOMPARE(shop.balance(a), 300);
        shop.expectInvariants();
        // Credits already spent are not taken back: refused, nothing moves.
        shop.workflow.recordJob(a, 250, QStringLiteral("video-xl"));
        try {
            shop.workflow.reverse(v.reopenedAs, QStringLiteral("lea"), QStringLiteral("oops"));
            QFAIL("spent credits were taken back");
        } catch (const DatabaseError &e) {
            QVERIFY2(e.message().contains(QLatin1String("already spent")), qPrintable(e.message()));
        }
        QCOMPARE(shop.balance(a), 50);

        // Money: refused while the payout may still reach the card; once it failed, the
        // credits the refund took back return, and no retry can pay it any more.
        const qint64 b = shop.account(QStringLiteral("hummingbytes"));
        const qint64 p2 = shop.purchase(b, 300, 2000, 88);
        shop.clock += 2 * day;
        const qint64 r2 = shop.request(b, QStringLiteral("unused_credits"), p2);
        shop.workflow.triage();
        const DecisionResult money = shop.decide(r2, ReviewAction::Approve);
        QVERIFY2(money.status == DecisionResult::Status::Approved, qPrintable(money.error));
        QCOMPARE(money.credits, 300);
        QCOMPARE(shop.balance(b), 0);
        try {
            shop.workflow.reverse(r2, QStringLiteral("lea"), QStringLiteral("wrong purchase"));
            QFAIL("a pending payout's decision was reversed");
        } catch (const DatabaseError &e) {
            QVERIFY2(e.message().contains(QLatin1String("pending")), qPrintable(e.message()));
        }
        PayoutBook book(t.db(), shop.workflow);
        const qint64 payout = PayoutRepository(t.db().connection()).forRequest(r2).first().id;
        book.markByHand(payout, false, {}, QStringLiteral("card closed"), QStringLiteral("ana"));
        const ReversalResult back =
            shop.workflow.reverse(r2, QStringLiteral("lea"), QStringLiteral("wrong purchase"));
        QCOMPARE(back.creditsReturned, 300);
        QCOMPARE(shop.balance(b), 300);
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError, book.retry(payout, QStringLiteral("again"), QStringLiteral("ana")));
        shop.expectInvariants();
        // A failed job's credit-back follows the failure: not reversed.
        const qint64 job = shop.workflow.recordJob(a, 20, QStringLiteral("image"));
        const qint64 r3 = shop.request(a, QStringLiteral("failed_job"), 0, job);
        shop.workflow.reportJobFailure(job, FailureCause::Unknown, QStringLiteral("timeout"));
        shop.workflow.triage();
        const DecisionResult credited =
            shop.decide(r3, ReviewAction::Approve, QStringLiteral("our fault"), {}, true);
        QVERIFY2(credited.processed(), qPrintable(credited.error));
        QCOMPARE(credited.credits, 20);
        try {
            shop.workflow.reverse(r3, QStringLiteral("lea"), QStringLiteral("x"));
            QFAIL("a job's credit-back was reversed");
        } catch (const DatabaseError &e) {
            QVERIFY2(e.message().contains(QLatin1String("credit-back")), qPrintable(e.message()));
        }
        shop.expectInvariants();
    }

    // The preview reads the facts of thousands of requests in a few statements: each case it
    // builds is the case the workflow builds one query at a time, decided requests, credited
    // jobs, refunds, restorations and outages included.
    void bulkFactsBuildTheSameCases()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        RefundctlRun run = runRefundctl({QStringLiteral("demo"), QStringLiteral("--accounts"),
                                         QStringLiteral("400"), QStringLiteral("--until"),
                                         QStringLiteral("2026-11-01"), QStringLiteral("--quiet"),
                                         QStringLiteral("--database"), t.url().toString()});
        QCOMPARE(run.exitCode, 0);
        t.db().open();
        RefundWorkflow workflow(t.db());
        workflow.triage();
        const QSqlDatabase conn = t.db().connection();
        const CaseFacts facts = CaseFacts::load(conn, QStringLiteral("id > ?"), {0});
        QVERIFY(facts.requests.size() > 40);
        QVERIFY(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM decisions")) > 5);
        const CaseBuilder builder(conn);
        int compared = 0;
        for (const RequestRecord &r : facts.requests) {
            const BuiltCase one = builder.build(r.id);
            const BuiltCase bulk = builder.build(r, facts);
            QCOMPARE(bulk.purchaseCreditsUsed, one.purchaseCreditsUsed);
            QCOMPARE(bulk.purchaseCreditsLeft, one.purchaseCreditsLeft);
            QCOMPARE(bulk.compensation.grants.size(), one.compensation.grants.size());
            QCOMPARE(bulk.compensation.returnedCents(), one.compensation.returnedCents());
            QCOMPARE(bulk.compensation.restoredCredits, one.compensation.restoredCredits);
            QCOMPARE(bulk.policyCase.outages.size(), one.policyCase.outages.size());
            const PolicyProfile &profile = workflow.profile(one.account.profile);
            const PolicyOutcome a = PolicyEngine::evaluate(one.policyCase, profile);
            const PolicyOutcome b = PolicyEngine::evaluate(bulk.policyCase, profile);
            QCOMPARE(PolicyCaseJson::outcomeToJson(b), PolicyCaseJson::outcomeToJson(a));
            ++compared;
        }
        QCOMPARE(compared, facts.requests.size());
    }

    void overrideNeedsConfirmationAndNote()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("aidancing"));
        const qint64 p = shop.purchase(a, 300, 2000, 88);
        const qint64 r = shop.request(a, QStringLiteral("unused_credits"), p);
        shop.workflow.triage();
        DecisionResult d =
            shop.decide(r, ReviewAction::Approve, QStringLiteral("nice customer"), 500);
        QCOMPARE(d.status, DecisionResult::Status::Failed);
        QVERIFY2(d.error.contains(QLatin1String("override")), qPrintable(d.error));
        d = shop.decide(r, ReviewAction::Approve, {}, 500, true);
        QCOMPARE(d.status, DecisionResult::Status::Failed);
        QVERIFY2(d.error.contains(QLatin1String("note")), qPrintable(d.error));
        QCOMPARE(shop.status(r), QStringLiteral("pending"));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM decisions")), 0);
        d = shop.decide(r, ReviewAction::Approve, QStringLiteral("goodwill, first purchase"), 500,
                        true);
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(d.refundCents, 500);
        // Money back, so the credits bought with it go back too, even on a goodwill refund.
        QCOMPARE(d.credits, 300);
        QCOMPARE(shop.balance(a), 0);
        const auto decision = DecisionRepository(t.db().connection()).findForRequest(r);
        QVERIFY(decision->isOverride);
        QCOMPARE(decision->recommendedVerdict, QStringLiteral("deny"));
        QCOMPARE(decision->note, QStringLiteral("goodwill, first purchase"));
        shop.expectInvariants();
    }

    void denyRecordsTheDecidingClause()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("aiimagestudio"));
        const qint64 p = shop.purchase(a, 120, 1000);
        const qint64 job = shop.workflow.recordJob(a, 20, QStringLiteral("img"));
        const qint64 r = shop.request(a, QStringLiteral("dissatisfaction"), 0, job);
        const qint64 billing = shop.request(a, QStringLiteral("billing_error"), p, 0, 300);
        shop.workflow.triage();
        DecisionResult d = shop.decide(r, ReviewAction::Deny);
        QCOMPARE(d.status, DecisionResult::Status::Denied);
        const auto decision = DecisionRepository(t.db().connection()).findForRequest(r);
        QCOMPARE(decision->verdict, QStringLiteral("deny"));
        QCOMPARE(decision->remedy, QStringLiteral("none"));
        QVERIFY2(decision->note.startsWith(QLatin1String("aiimagestudio/")),
                 qPrintable(decision->note));
        // A request the policy leaves to a person needs the reviewer's own reason to deny.
        d = shop.decide(billing, ReviewAction::Deny);
        QCOMPARE(d.status, DecisionResult::Status::Failed);
        QVERIFY2(d.error.contains(QLatin1String("reason")), qPrintable(d.error));
        d = shop.decide(billing, ReviewAction::Approve, QStringLiteral("charged 3.00 too much"));
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(d.refundCents, 300);
        QCOMPARE(shop.balance(a), 100); // a money refund of a billing error leaves credits alone
        shop.expectInvariants();
    }

    void escalateClearsTheAssignment()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("apiany"));
        const qint64 p = shop.purchase(a, 1000, 5000, 0, 2);
        const qint64 r = shop.request(a, QStringLiteral("duplicate_charge"), p);
        shop.workflow.triage();
        shop.workflow.assign(r, QStringLiteral("bob"), QStringLiteral("bob"));
        QCOMPARE(RequestRepository(t.db().connection()).find(r)->assignedTo, QStringLiteral("bob"));
        shop.workflow.addNote(r, QStringLiteral("bob"), QStringLiteral("Bank statement attached"));
        DecisionResult d =
            shop.decide(r, ReviewAction::Escalate, QStringLiteral("needs the billing lead"));
        QCOMPARE(d.status, DecisionResult::Status::Escalated);
        const auto after = RequestRepository(t.db().connection()).find(r);
        QCOMPARE(after->status, QStringLiteral("escalated"));
        QVERIFY(after->assignedTo.isEmpty());
        QStringList actions;
        for (const AuditRecord &row : AuditRepository(t.db().connection()).forRequest(r))
            actions << row.action;
        QCOMPARE(actions, (QStringList{QStringLiteral("triage"), QStringLiteral("assign"),
                                       QStringLiteral("note"), QStringLiteral("escalate")}));
        // The senior approves what apiany grants for a duplicate: credits, not money.
        d = shop.decide(r, ReviewAction::Approve, QStringLiteral("duplicate confirmed"));
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(d.remedy, Remedy::CreditRestore);
        QCOMPARE(d.credits, 1000);
        QCOMPARE(shop.balance(a), 2000);
        QCOMPARE(PayoutRepository(t.db().connection()).list().size(), 0);
        shop.expectInvariants();
    }

    void notDeliveredCreditsArrive()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("aiimagestudio"));
        const qint64 p = shop.purchase(a, 300, 2000, 0, 1, false);
        QCOMPARE(shop.balance(a), 0);
        const qint64 r = shop.request(a, QStringLiteral("not_delivered"), p);
        shop.workflow.triage();
        const DecisionResult d = shop.decide(r, ReviewAction::Approve);
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(d.credits, 300);
        QCOMPARE(shop.balance(a), 300);
        // The credits arrive as the purchase's own lot, so its use is counted from now on.
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT credits_total FROM credit_lots WHERE"
                                       " purchase_id = ?"),
                        {p}),
                 300);
        shop.expectInvariants();
    }

    void chargebackSuspendsClawsBackAndResolves()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("apiany"));
        const qint64 p = shop.purchase(a, 1000, 5000);
        shop.workflow.recordJob(a, 300, QStringLiteral("llm"));
        const qint64 r =
            shop.workflow.recordChargeback(p, QStringLiteral("fraudulent, \"not me\""), false);
        QCOMPARE(AccountRepository(t.db().connection()).find(a)->status,
                 QStringLiteral("suspended"));
        QCOMPARE(shop.balance(a), 0); // 700 left, all clawed back
        QVERIFY(PurchaseRepository(t.db().connection()).find(p)->disputed);
        const auto request = RequestRepository(t.db().connection()).find(r);
        QCOMPARE(request->status, QStringLiteral("pending"));
        QCOMPARE(request->recommendation.verdict, QStringLiteral("review"));
        QCOMPARE(
            request->recommendation.actions,
            (QStringList{QStringLiteral("suspend_account"), QStringLiteral("clawback_credits")}));
        QVERIFY_THROWS_EXCEPTION(DatabaseError,
                                 shop.workflow.recordChargeback(p, QStringLiteral("again"), false));

        // The bank sides with us: won, the dispute is over.
        DecisionResult d = shop.decide(r, ReviewAction::Deny, QStringLiteral("evidence accepted"));
        QCOMPARE(d.status, DecisionResult::Status::Denied);
        const auto cb = ChargebackRepository(t.db().connection()).findForRequest(r);
        QCOMPARE(cb->status, QStringLiteral("won"));
        QCOMPARE(cb->resolvedAt, shop.clock);
        QVERIFY(!PurchaseRepository(t.db().connection()).find(p)->disputed);

        // A second purchase disputed and lost: the money is gone, nothing left to refund.
        const qint64 b = shop.account(QStringLiteral("hummingbytes"));
        const qint64 p2 = shop.purchase(b, 300, 2000, 88);
        const qint64 r2 = shop.workflow.recordChargeback(p2, QStringLiteral("unknown"), true);
        d = shop.decide(r2, ReviewAction::Approve, QStringLiteral("bank ruled for the customer"));
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(ChargebackRepository(t.db().connection()).findForRequest(r2)->status,
                 QStringLiteral("lost"));
        const qint64 refund = shop.request(b, QStringLiteral("unused_credits"), p2);
        shop.workflow.triage();
        d = shop.decide(refund, ReviewAction::Approve, QStringLiteral("x"), 100, true);
        QCOMPARE(d.status, DecisionResult::Status::AlreadyCompensated);
        QVERIFY2(d.error.contains(QLatin1String("charged back 20.00 USD by the bank")),
                 qPrintable(d.error));
        shop.expectInvariants();
    }

    void failedDecisionLeavesNothingBehind()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("hummingbytes"));
        const qint64 p = shop.purchase(a, 300, 2000, 88);
        const qint64 r = shop.request(a, QStringLiteral("unused_credits"), p);
        shop.workflow.triage();
        // The last step of a decision (its audit row) fails: the payout, the ledger entry, the
        // decision and the status written before it must all roll back.
        const bool pg = t.db().dialect().isPostgres();
        if (pg) {
            SqlStatement::run(t.db().connection(),
                              QStringLiteral("CREATE FUNCTION fail_audit() RETURNS trigger"
                                             " LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION"
                                             " 'disk full (injected)'; END $$"));
            SqlStatement::run(t.db().connection(),
                              QStringLiteral("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log"
                                             " FOR EACH ROW EXECUTE FUNCTION fail_audit()"));
        } else {
            SqlStatement::run(t.db().connection(),
                              QStringLiteral("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log"
                                             " BEGIN SELECT RAISE(ABORT, 'disk full (injected)');"
                                             " END"));
        }
        const QByteArray before = tablesDigest(t.db(), allTables);
        DecisionResult d = shop.decide(r, ReviewAction::Approve, QStringLiteral("ok"));
        QCOMPARE(d.status, DecisionResult::Status::Failed);
        QVERIFY2(d.error.contains(QLatin1String("disk full (injected)")), qPrintable(d.error));
        QCOMPARE(tablesDigest(t.db(), allTables), before);
        QCOMPARE(shop.balance(a), 300);

        SqlStatement::run(t.db().connection(),
                          pg ? QStringLiteral("DROP TRIGGER fail_audit ON audit_log")
                             : QStringLiteral("DROP TRIGGER fail_audit"));
        d = shop.decide(r, ReviewAction::Approve, QStringLiteral("ok"));
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(shop.balance(a), 0);
        shop.expectInvariants();
    }

    void checkReportsViolations()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("vysage"));
        shop.purchase(a, 300, 2000);
        shop.expectInvariants();
        // A balance moved without a ledger entry is caught.
        SqlStatement::run(t.db().connection(),
                          QStringLiteral("UPDATE accounts SET balance_credits = 250"));
        const InvariantReport report = InvariantChecker(t.db().connection()).run();
        QVERIFY(!report.ok());
        QVERIFY2(
            report.violations.first().contains(
                QStringLiteral("account %1: balance 250 but its ledger entries sum to 300").arg(a)),
            qPrintable(report.violations.join(QLatin1Char('\n'))));
        const RefundctlRun run = runRefundctl(
            {QStringLiteral("check"), QStringLiteral("--database"), t.url().toString()});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains("balance 250"), run.out.constData());
    }

    void twoProcessesDecideTheSameRequests()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        QStringList ids;
        for (int i = 0; i < 300; ++i) {
            const qint64 a = shop.account(QStringLiteral("hummingbytes"));
            const qint64 p = shop.purchase(a, 300, 2000, 88);
            ids << QString::number(shop.request(a, QStringLiteral("unused_credits"), p));
        }
        shop.workflow.triage();
        QStringList reversed(ids.crbegin(), ids.crend());
        const auto [first, second] = approveConcurrently(t.url().toString(), ids, reversed);
        QCOMPARE(first.exitCode, 0);
        QCOMPARE(second.exitCode, 0);
        QVERIFY2(first.err.isEmpty() && second.err.isEmpty(), (first.err + second.err).constData());

        QHash<QString, QStringList> lines; // id -> what each process said
        for (const RefundctlRun *p : {&first, &second})
            for (const QByteArray &line : p->out.split('\n'))
                if (!line.isEmpty()) {
                    const QString text = QString::fromUtf8(line);
                    lines[text.section(QLatin1Char(' '), 0, 0)]
                        << text.section(QLatin1Char(' '), 1);
                }
        int wonByFirst = 0;
        for (const QString &id : ids) {
            const QStringList said = lines.value(id);
            QCOMPARE(said.size(), 2);
            const int approved = int(std::count_if(said.begin(), said.end(), [](const QString &s) {
                return s.startsWith(QLatin1String("approved: refund 19.12 USD, 300 credits taken "
                                                  "back"));
            }));
            QVERIFY2(approved == 1,
                     qPrintable(id + QLatin1String(": ") + said.join(QLatin1String(" | "))));
            const QString other = said.at(said.at(0).startsWith(QLatin1String("approved")) ? 1 : 0);
            QVERIFY2(other == QLatin1String("already-decided by p1") ||
                         other == QLatin1String("already-decided by p2"),
                     qPrintable(other));
            const QString winner = scalar(t.db(),
                                          QStringLiteral("SELECT COUNT(*) FROM decisions WHERE"
                                                         " request_id = ? AND reviewer = 'p1'"),
                                          {id.toLongLong()}) == 1
                                       ? QStringLiteral("p1")
                                       : QStringLiteral("p2");
            QCOMPARE(other, QStringLiteral("already-decided by %1").arg(winner));
            wonByFirst += winner == QLatin1String("p1");
        }
        qInfo("p1 decided %d of 300, p2 %d", wonByFirst, 300 - wonByFirst);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM decisions")), 300);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM payouts")), 300);
        const RefundctlRun check = runRefundctl(
            {QStringLiteral("check"), QStringLiteral("--database"), t.url().toString()});
        QCOMPARE(check.exitCode, 0);
        QVERIFY2(check.out.startsWith("ok: 300 accounts"), check.out.constData());
    }

    void cliDemoTriageDecideCheck()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        const QStringList db{QStringLiteral("--database"), t.url().toString()};
        auto ctl = [&](QStringList args) { return runRefundctl(args + db); };
        QCOMPARE(ctl({QStringLiteral("demo"), QStringLiteral("--accounts"), QStringLiteral("400"),
                      QStringLiteral("--until"), QStringLiteral("2026-11-01"),
                      QStringLiteral("--quiet")})
                     .exitCode,
                 0);
        RefundctlRun run = ctl({QStringLiteral("triage"), QStringLiteral("--quiet")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(QRegularExpression(QStringLiteral("^\\d+ requests evaluated, \\d+ applied "
                                                   "automatically, 0 failed\n$"))
                     .match(QString::fromUtf8(run.out))
                     .hasMatch(),
                 run.out.constData());
        run = ctl({QStringLiteral("requests"), QStringLiteral("--status"),
                   QStringLiteral("pending"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonArray pending = QJsonDocument::fromJson(run.out).array();
        QVERIFY(pending.size() > 10);
        QStringList approve, deny;
        for (const QJsonValue &v : pending) {
            const QJsonObject o = v.toObject();
            QVERIFY2(o.value(QStringLiteral("recommendation")).isObject(),
                     "a triaged request carries its recommendation");
            const QString verdict = o.value(QStringLiteral("recommendation"))
                                        .toObject()
                                        .value(QStringLiteral("verdict"))
                                        .toString();
            (verdict == QLatin1String("deny") ? deny : approve)
                << QString::number(o.value(QStringLiteral("id")).toInteger());
        }
        run = ctl(QStringList{QStringLiteral("decide"), QStringLiteral("--verdict"),
                              QStringLiteral("deny"), QStringLiteral("--reviewer"),
                              QStringLiteral("dana")} +
                  deny);
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out.count(" denied\n"), deny.size());
        run = ctl(QStringList{QStringLiteral("decide"), QStringLiteral("--verdict"),
                              QStringLiteral("approve"), QStringLiteral("--reviewer"),
                              QStringLiteral("dana"), QStringLiteral("--note"),
                              QStringLiteral("batch")} +
                  approve);
        // Some reviews name no amount (a billing error with no claim): those report an error.
        for (const QByteArray &line : run.out.split('\n'))
            QVERIFY2(line.isEmpty() || line.contains(" approved") || line.contains(" error: "),
                     line.constData());
        QVERIFY(run.out.count(" approved") > 0);
        run = ctl({QStringLiteral("check")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.startsWith("ok: 400 accounts"), run.out.constData());
        run =
            ctl({QStringLiteral("payouts"), QStringLiteral("--status"), QStringLiteral("pending")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.count('\n') > 1);
        run = ctl({QStringLiteral("decide"), QStringLiteral("1"), QStringLiteral("--verdict"),
                   QStringLiteral("maybe"), QStringLiteral("--reviewer"), QStringLiteral("x")});
        QCOMPARE(run.exitCode, 2);
    }

    void noCodeUpdatesOrDeletesLedgerEntries()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("a source scan; it does not depend on the backend");
        // Second line of defence after the database triggers: no source file even spells it.
        const QRegularExpression forbidden(
            QStringLiteral("(UPDATE\\s+(ledger_entries|decisions|audit_log)\\b|DELETE\\s+FROM\\s+"
                           "(ledger_entries|decisions|audit_log|payouts|refund_requests)\\b)"),
            QRegularExpression::CaseInsensitiveOption);
        // The schema alone completes an audit row's chain (its trigger, and the one-time upgrade
        // that chained the rows already there); it still never deletes one.
        const QRegularExpression forbiddenInSchema(
            QStringLiteral("(UPDATE\\s+(ledger_entries|decisions)\\b|DELETE\\s+FROM\\s+"
                           "(ledger_entries|decisions|audit_log|payouts|refund_requests)\\b)"),
            QRegularExpression::CaseInsensitiveOption);
        int scanned = 0;
        for (const char *folder : {"models", "policy", "ui", "app"}) {
            QDirIterator it(QStringLiteral(TESTS_SOURCE_DIR "/../") + QLatin1String(folder),
                            {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile f(it.next());
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QString text = QString::fromUtf8(f.readAll());
                ++scanned;
                const bool schema = f.fileName().endsWith(QLatin1String("models/schema.cpp"));
                QVERIFY2(!(schema ? forbiddenInSchema : forbidden).match(text).hasMatch(),
                         qPrintable(f.fileName()));
            }
        }
        QVERIFY(scanned > 40);
    }
};

QTEST_GUILESS_MAIN(TestWorkflow)
#include "tst_workflow.moc"
