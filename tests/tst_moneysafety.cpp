// Money safety on both backends: no purchase is paid back twice under any interleaving, each
// remedy is granted once and capped at what was paid or delivered, a money refund takes its
// credits back, figures at their limits never wrap, facts are never rewritten, and every
// corruption that gets past the database is named by `refundctl check`.

#include "models/databaseerror.h"
#include "models/decisionrepository.h"
#include "models/invariantchecker.h"
#include "models/sqlstatement.h"
#include "policy/payoutbook.h"
#include "support/queryvalues.h"
#include "support/refundctlrun.h"
#include "support/testdatabase.h"
#include "support/workflowshop.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace {
// Runs one statement that the database must refuse; returns its error text.
QString refused(Database &db, const QString &sql)
{
    try {
        SqlStatement::run(db.connection(), sql);
    } catch (const DatabaseError &e) {
        return e.message();
    }
    return {};
}

void run(Database &db, const QString &sql)
{
    SqlStatement::run(db.connection(), sql);
}

// The lines of `check` that name a violation of `checkId`.
QStringList violations(Database &db, const QString &checkId)
{
    const InvariantReport report = InvariantChecker(db.connection()).run();
    QStringList lines;
    for (qsizetype i = 0; i < report.violations.size(); ++i)
        if (report.checks.value(i) == checkId)
            lines << report.violations.at(i);
    return lines;
}

// A decided money refund to build corruptions on: hummingbytes, 300 credits for 20.00 USD,
// unused and refunded within the week.
struct Refunded
{
    qint64 account = 0, purchase = 0, request = 0, payout = 0;
};

Refunded refunded(Shop &shop)
{
    Refunded r;
    r.account = shop.account(QStringLiteral("hummingbytes"));
    r.purchase = shop.purchase(r.account, 300, 2000, 88);
    shop.clock += day;
    r.request = shop.request(r.account, QStringLiteral("unused_credits"), r.purchase);
    shop.workflow.triage();
    const DecisionResult d = shop.decide(r.request, ReviewAction::Approve, QStringLiteral("ok"));
    if (d.status != DecisionResult::Status::Approved)
        qFatal("setup: %s", qPrintable(d.error));
    r.payout =
        scalar(shop.db, QStringLiteral("SELECT id FROM payouts WHERE request_id = ?"), {r.request});
    return r;
}
} // namespace

class TestMoneySafety : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void twoRequestsAboutOnePurchaseRace()
    {
        // 300 purchases with two requests each, approved by two processes in opposite orders.
        // Whatever the interleaving, each purchase is paid back once; the only refusals are
        // "already decided" and "already compensated".
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        QStringList order;
        QHash<qint64, qint64> paidFor; // purchase -> what its one refund must be
        for (int i = 0; i < 300; ++i) {
            const bool duplicate = i % 2 == 1;
            const qint64 a = shop.account(duplicate ? QStringLiteral("aiimagestudio")
                                                    : QStringLiteral("hummingbytes"));
            const qint64 p =
                duplicate ? shop.purchase(a, 120, 1000, 0, 2) : shop.purchase(a, 300, 2000, 88);
            const QString type =
                duplicate ? QStringLiteral("duplicate_charge") : QStringLiteral("unused_credits");
            order << QString::number(shop.request(a, type, p))
                  << QString::number(shop.request(a, type, p));
            paidFor.insert(p, duplicate ? 1000 : 1912);
        }
        const TriageResult triaged = shop.workflow.triage();
        QVERIFY2(triaged.errors.isEmpty(), qPrintable(triaged.errors.join(QLatin1Char('\n'))));
        // The second process takes each pair the other way round: both reach every purchase
        // at the same moment, each through a different request.
        QStringList reversed;
        for (qsizetype i = 0; i < order.size(); i += 2)
            reversed << order.at(i + 1) << order.at(i);
        const auto [first, second] = approveConcurrently(t.url().toString(), order, reversed);
        int approvals = 0, compensated = 0;
        for (const RefundctlRun *p : {&first, &second}) {
            QVERIFY(p->exitCode == 0 || p->exitCode == 1); // 1: some were already compensated
            QVERIFY2(p->err.isEmpty(), p->err.constData());
            for (const QByteArray &raw : p->out.split('\n')) {
                if (raw.isEmpty())
                    continue;
                const QString line = QString::fromUtf8(raw);
                const QString said = line.section(QLatin1Char(' '), 1);
                if (said.startsWith(QLatin1String("approved: refund ")))
                    ++approvals;
                else if (said.startsWith(QLatin1String("already-compensated: purchase ")))
                    ++compensated;
                else
                    QVERIFY2(said.startsWith(QLatin1String("already-decided by p")),
                             qPrintable(line));
            }
        }
        qInfo("%d approvals, %d refused as already compensated", approvals, compensated);
        QCOMPARE(approvals, 300);
        QVERIFY(compensated >= 300); // every second request, at least once
        // Exactly one refund per purchase, of exactly what it was owed.
        SqlStatement st(t.db().connection(),
                        QStringLiteral("SELECT purchase_id, COUNT(*), SUM(amount_cents) FROM"
                                       " payouts GROUP BY purchase_id"));
        st.exec();
        int purchases = 0;
        while (st.next()) {
            ++purchases;
            const qint64 p = st.value(0).toLongLong();
            QCOMPARE(st.value(1).toLongLong(), 1);
            QCOMPARE(st.value(2).toLongLong(), paidFor.value(p));
        }
        QCOMPARE(purchases, 300);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM decisions")), 300);
        const RefundctlRun check = runRefundctl(
            {QStringLiteral("check"), QStringLiteral("--database"), t.url().toString()});
        QCOMPARE(check.exitCode, 0);
    }

    void repeatedNotDeliveredRestoresOnce()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("aiimagestudio"));
        const qint64 p = shop.purchase(a, 120, 1000, 0, 1, false);
        QList<qint64> requests;
        for (int i = 0; i < 3; ++i)
            requests << shop.request(a, QStringLiteral("not_delivered"), p);
        shop.workflow.triage();
        QCOMPARE(shop.decide(requests[0], ReviewAction::Approve).status,
                 DecisionResult::Status::Approved);
        QCOMPARE(shop.balance(a), 120);
        for (const qint64 r : {requests[1], requests[2]}) {
            // Recommended deny now, and an override cannot restore them again either.
            QCOMPARE(shop.workflow.recommend(r).clauses,
                     QStringList{QStringLiteral("aiimagestudio/already-compensated")});
            const DecisionResult d =
                shop.decide(r, ReviewAction::Approve, QStringLiteral("again?"), {}, true);
            QCOMPARE(d.status, DecisionResult::Status::AlreadyCompensated);
            QVERIFY2(d.error.contains(QStringLiteral("purchase %1 was already restored 120 "
                                                     "credits by request %2 (not_delivered)")
                                          .arg(p)
                                          .arg(requests[0])),
                     qPrintable(d.error));
            QCOMPARE(shop.decide(r, ReviewAction::Deny).status, DecisionResult::Status::Denied);
        }
        QCOMPARE(shop.balance(a), 120);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT SUM(credits) FROM ledger_entries WHERE"
                                               " entry_type = 'adjustment'")),
                 120);
        shop.expectInvariants();
    }

    void moneyRefundTakesTheRightCreditsBack()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        // Demo request 274's case: a denied unused-credits refund overridden to 20.00 EUR. The
        // 300 credits bought with it go back with the money, what was spent stays spent.
        const qint64 a = shop.account(QStringLiteral("aidancing"));
        const qint64 p = shop.purchase(a, 300, 2000, 88);
        const qint64 other = shop.purchase(a, 50, 500);        // a later lot: not touched
        shop.workflow.recordJob(a, 40, QStringLiteral("gen")); // spends 40 of the first lot
        const qint64 r = shop.request(a, QStringLiteral("unused_credits"), p);
        shop.workflow.triage();
        DecisionResult d =
            shop.decide(r, ReviewAction::Approve, QStringLiteral("goodwill"), 2000, true);
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(d.refundCents, 2000);
        QCOMPARE(d.credits, 260);
        QCOMPARE(d.creditsSpent, 40);
        QCOMPARE(shop.balance(a), 50);
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT credits FROM ledger_entries WHERE request_id = ?"
                                       " AND entry_type = 'refund'"),
                        {r}),
                 -260);
        QCOMPARE(scalar(t.db(),
                        QStringLiteral(
                            "SELECT credits_remaining FROM credit_lots WHERE purchase_id = ?"),
                        {other}),
                 50);

        // A duplicate charge goes back without the credits: they were paid for once.
        const qint64 b = shop.account(QStringLiteral("aiimagestudio"));
        const qint64 dup = shop.purchase(b, 120, 1000, 0, 2);
        const qint64 rd = shop.request(b, QStringLiteral("duplicate_charge"), dup);
        shop.workflow.triage();
        d = shop.decide(rd, ReviewAction::Approve);
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(d.refundCents, 1000);
        QCOMPARE(d.credits, 0);
        QCOMPARE(shop.balance(b), 120);

        // A statutory claim refunds and revokes; the lot never goes below zero.
        const qint64 c = shop.account(QStringLiteral("vysage"));
        const qint64 lp = shop.purchase(c, 100, 900);
        shop.workflow.recordJob(c, 100, QStringLiteral("gen")); // all spent
        const qint64 rl = shop.request(c, QStringLiteral("legal"), lp);
        shop.workflow.triage();
        d = shop.decide(rl, ReviewAction::Approve, QStringLiteral("consumer law"), 900);
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(d.credits, 0);
        QCOMPARE(d.creditsSpent, 100);
        QCOMPARE(shop.balance(c), 0);
        shop.expectInvariants();
    }

    // Manual payout handling (no processor configured): each payout moves forward once, even
    // when two people mark it at the same moment; a refusal changes nothing; each move is one
    // audit row and one refund.updated in the outbox.
    void payoutMarkedByHandOnceEvenAtOnce()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("aiimagestudio"));
        QList<qint64> payouts;
        for (int i = 0; i < 12; ++i) {
            const qint64 dup = shop.purchase(a, 120, 1000 + i, 0, 2);
            const qint64 r = shop.request(a, QStringLiteral("duplicate_charge"), dup);
            shop.workflow.triage();
            QCOMPARE(shop.decide(r, ReviewAction::Approve).status,
                     DecisionResult::Status::Approved);
            payouts << scalar(t.db(), QStringLiteral("SELECT id FROM payouts WHERE request_id = ?"),
                              {r});
        }
        const QString url = t.url().toString();
        auto mark = [&](qint64 id, const QStringList &how) {
            return QStringList{QStringLiteral("payouts"), QStringLiteral("mark"),
                               QString::number(id), QStringLiteral("--database"), url} +
                   how;
        };
        const QStringList paid{QStringLiteral("--paid"), QStringLiteral("--ref"),
                               QStringLiteral("TR-1"), QStringLiteral("--note"),
                               QStringLiteral("bank transfer")};
        // Refusals: nothing moves.
        RefundctlRun r =
            runRefundctl(mark(payouts[0], {QStringLiteral("--paid"), QStringLiteral("--note"),
                                           QStringLiteral("sent")}));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--ref"), r.err.constData());
        r = runRefundctl(mark(payouts[0], {QStringLiteral("--failed")}));
        QCOMPARE(r.exitCode, 1);
        r = runRefundctl(mark(999999, paid));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no payout with id 999999"), r.err.constData());
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM payouts WHERE status <>"
                                               " 'pending'")),
                 0);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM outbox WHERE type ="
                                               " 'refund.updated' AND data LIKE '%succeeded%'")),
                 0);

        // Two people at once, one saying paid and the other failed: exactly one of them wins.
        for (const qint64 id : std::as_const(payouts)) {
            QProcess one, two;
            one.start(QStringLiteral(REFUNDCTL_PATH), mark(id, paid));
            two.start(QStringLiteral(REFUNDCTL_PATH),
                      mark(id, {QStringLiteral("--failed"), QStringLiteral("--note"),
                                QStringLiteral("bounced")}));
            QVERIFY(one.waitForFinished(60000) && two.waitForFinished(60000));
            QCOMPARE(one.exitCode() + two.exitCode(), 1);
            const QByteArray loser =
                one.exitCode() ? one.readAllStandardError() : two.readAllStandardError();
            QVERIFY2(loser.contains("is already"), loser.constData());
        }
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM payouts WHERE status IN"
                                               " ('succeeded', 'failed')")),
                 payouts.size());
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action IN"
                                               " ('payout_paid', 'payout_failed')")),
                 payouts.size());
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM outbox WHERE type ="
                                               " 'refund.updated' AND (data LIKE '%succeeded%'"
                                               " OR data LIKE '%\"failed\"%')")),
                 payouts.size());
        // A paid one carries its reference; a settled payout never moves again.
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM payouts WHERE status ="
                                               " 'succeeded' AND gateway_ref <> 'TR-1'")),
                 0);
        QCOMPARE(runRefundctl(mark(payouts[0], paid)).exitCode, 1);
        shop.expectInvariants();
    }

    void capLeavesExactlyOneThenZero()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        // Paid twice 10.00 USD: 20.00 USD can go back, and not one cent more.
        const qint64 a = shop.account(QStringLiteral("aiimagestudio"));
        const qint64 p = shop.purchase(a, 120, 1000, 0, 2);
        const qint64 dup = shop.request(a, QStringLiteral("duplicate_charge"), p);
        const qint64 billing = shop.request(a, QStringLiteral("billing_error"), p, 0, 999);
        const qint64 legal = shop.request(a, QStringLiteral("legal"), p);
        const qint64 billing2 = shop.request(a, QStringLiteral("accidental_purchase"), p);
        shop.workflow.triage();
        QCOMPARE(shop.decide(dup, ReviewAction::Approve).refundCents, 1000);
        QCOMPARE(shop.workflow.recommend(billing).refundCents, 999);
        QCOMPARE(
            shop.decide(billing, ReviewAction::Approve, QStringLiteral("wrong amount")).refundCents,
            999);
        // 1 cent left: the statutory claim may have it, not more.
        DecisionResult d = shop.decide(legal, ReviewAction::Approve, QStringLiteral("law"), 2);
        QCOMPARE(d.status, DecisionResult::Status::Failed);
        QVERIFY2(d.error.contains(QLatin1String("0.02 USD is more than the 0.01 USD still "
                                                "refundable")),
                 qPrintable(d.error));
        d = shop.decide(legal, ReviewAction::Approve, QStringLiteral("law"), 1);
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(d.refundCents, 1);
        // 0 left: nothing more, whatever is confirmed.
        d = shop.decide(billing2, ReviewAction::Approve, QStringLiteral("please"), 1, true);
        QCOMPARE(d.status, DecisionResult::Status::AlreadyCompensated);
        QVERIFY2(d.error.contains(QStringLiteral("refunded 10.00 USD by request %1 "
                                                 "(duplicate_charge), refunded 9.99 USD by "
                                                 "request %2 (billing_error), refunded 0.01 USD "
                                                 "by request %3 (legal)")
                                      .arg(dup)
                                      .arg(billing)
                                      .arg(legal)),
                 qPrintable(d.error));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT SUM(amount_cents) FROM payouts")), 2000);
        // A failed payout gives its money back to the cap.
        PayoutBook(t.db(), shop.workflow)
            .markByHand(scalar(t.db(),
                               QStringLiteral("SELECT id FROM payouts WHERE request_id = ?"),
                               {legal}),
                        false, {}, QStringLiteral("the card was closed"), QStringLiteral("bob"));
        QCOMPARE(RefundWorkflow::returnedCents(t.db().connection(), p), 1999);
        shop.expectInvariants();
    }

    void figuresOutOfBoundsAreRefusedNotWrapped()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("aiimagestudio"));
        // The largest purchase in bounds: 1000 charges of 10^15 minor units.
        const qint64 big = shop.purchase(a, 1'000'000'000'000'000, 1'000'000'000'000'000, 0, 1000);
        const qint64 r = shop.request(a, QStringLiteral("duplicate_charge"), big);
        shop.workflow.triage();
        const DecisionResult d = shop.decide(r, ReviewAction::Approve);
        QCOMPARE(d.status, DecisionResult::Status::Approved);
        QCOMPARE(d.refundCents, 999'000'000'000'000'000);
        // One written past the bounds (by another program): an error naming the field, never
        // a negative refund.
        const qint64 wild = shop.purchase(a, 100, 9'000'000'000'000'000, 0, 2000);
        const qint64 r2 = shop.request(a, QStringLiteral("duplicate_charge"), wild);
        const TriageResult triaged = shop.workflow.triage();
        QCOMPARE(triaged.errors.size(), 1);
        QVERIFY2(triaged.errors.first().contains(QLatin1String(
                     "purchases[0].amount_cents: must be a whole number from 0 to 10^15")),
                 qPrintable(triaged.errors.first()));
        const DecisionResult d2 =
            shop.decide(r2, ReviewAction::Approve, QStringLiteral("x"), {}, true);
        QCOMPARE(d2.status, DecisionResult::Status::Failed);
        QVERIFY2(d2.error.contains(QLatin1String("outside what the policy can weigh")),
                 qPrintable(d2.error));
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT COUNT(*) FROM payouts WHERE purchase_id = ?"),
                        {wild}),
                 0);
    }

    void factsAreNeverRewritten()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const Refunded f = refunded(shop);
        Database &db = t.db();
        const QString id = QString::number(f.payout);
        // A decision is append-only, so is the audit trail: raising a decision (with its
        // payout) is refused, and so is removing the record of it.
        for (const QString &sql :
             {QStringLiteral("UPDATE decisions SET refund_cents = 2000"),
              QStringLiteral("DELETE FROM decisions"),
              QStringLiteral("DELETE FROM audit_log WHERE request_id = %1").arg(f.request)}) {
            const QString e = refused(db, sql);
            QVERIFY2(e.contains(QLatin1String("append-only")),
                     qPrintable(sql + QLatin1String(": ") + e));
        }
        // A payout's amount, account, currency and purchase never change; it is never deleted.
        const qint64 elsewhere = shop.account(QStringLiteral("hummingbytes"));
        for (const QString &sql :
             {QStringLiteral("UPDATE payouts SET amount_cents = 2000 WHERE id = %1").arg(id),
              QStringLiteral("UPDATE payouts SET account_id = %1 WHERE id = %2")
                  .arg(elsewhere)
                  .arg(id),
              QStringLiteral("UPDATE payouts SET currency = 'EUR' WHERE id = %1").arg(id),
              QStringLiteral("DELETE FROM payouts WHERE id = %1").arg(id)}) {
            const QString e = refused(db, sql);
            QVERIFY2(e.contains(QLatin1String("payouts:")),
                     qPrintable(sql + QLatin1String(": ") + e));
        }
        // Its status moves forward only.
        QVERIFY(!refused(db, QStringLiteral("UPDATE payouts SET status = 'succeeded' WHERE id = %1")
                                 .arg(id))
                     .isEmpty()); // pending cannot skip sent
        run(db, QStringLiteral("UPDATE payouts SET status = 'sent', gateway_ref = 're_1' WHERE"
                               " id = %1")
                    .arg(id));
        QVERIFY(
            !refused(db,
                     QStringLiteral("UPDATE payouts SET status = 'pending' WHERE id = %1").arg(id))
                 .isEmpty());
        QVERIFY(!refused(db, QStringLiteral("UPDATE payouts SET gateway_ref = 're_2' WHERE id = %1")
                                 .arg(id))
                     .isEmpty());
        run(db, QStringLiteral("UPDATE payouts SET status = 'unknown' WHERE id = %1").arg(id));
        run(db, QStringLiteral("UPDATE payouts SET status = 'succeeded' WHERE id = %1").arg(id));
        QVERIFY(
            !refused(db,
                     QStringLiteral("UPDATE payouts SET status = 'failed' WHERE id = %1").arg(id))
                 .isEmpty());
        // A decided request stays decided, and what the customer asked stays what they asked.
        QVERIFY(refused(db, QStringLiteral("UPDATE refund_requests SET status = 'pending',"
                                           " decided_at = NULL WHERE id = %1")
                                .arg(f.request))
                    .contains(QLatin1String("refund_requests:")));
        const qint64 open = shop.request(f.account, QStringLiteral("billing_error"), f.purchase);
        QVERIFY(refused(db, QStringLiteral("UPDATE refund_requests SET purchase_id = NULL WHERE"
                                           " id = %1")
                                .arg(open))
                    .contains(QLatin1String("refund_requests:")));
        // A purchase is a fact: its amount and charges never change.
        QVERIFY(refused(db, QStringLiteral("UPDATE purchases SET amount_cents = 99999 WHERE"
                                           " id = %1")
                                .arg(f.purchase))
                    .contains(QLatin1String("purchases:")));
        QVERIFY(refused(db, QStringLiteral("UPDATE purchases SET charge_count = 2 WHERE id = %1")
                                .arg(f.purchase))
                    .contains(QLatin1String("purchases:")));
        // A lot only shrinks.
        QVERIFY(refused(db, QStringLiteral("UPDATE credit_lots SET credits_remaining ="
                                           " credits_total"))
                    .contains(QLatin1String("credit_lots:")));
        // The payout was moved by plain SQL above (to try the guard), round PayoutBook: check
        // says its history is missing, and nothing else.
        const InvariantReport report = InvariantChecker(db.connection()).run();
        QCOMPARE(report.checks, QStringList{QStringLiteral("payout-without-audit")});
    }

    void checkNamesEveryCorruption()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        const Refunded f = refunded(shop);
        Database &db = t.db();
        const bool pg = db.dialect().isPostgres();
        shop.expectInvariants();

        // +1,000,000 credits with a matching lot and balance, but no request: no cause.
        run(db, QStringLiteral("INSERT INTO credit_lots (account_id, created_at, credits_total,"
                               " credits_remaining) VALUES (%1, %2, 1000000, 1000000)")
                    .arg(f.account)
                    .arg(t0));
        run(db, QStringLiteral("INSERT INTO ledger_entries (account_id, created_at, entry_type,"
                               " credits, created_by) VALUES (%1, %2, 'adjustment', 1000000,"
                               " 'mallory')")
                    .arg(f.account)
                    .arg(t0));
        run(db, QStringLiteral("UPDATE accounts SET balance_credits = balance_credits + 1000000"
                               " WHERE id = %1")
                    .arg(f.account));
        QStringList lines = violations(db, QStringLiteral("entry-without-cause"));
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().contains(
                     QStringLiteral("(adjustment, 1000000 credits on account %1) has no cause")
                         .arg(f.account)),
                 qPrintable(lines.first()));

        // A credit-back of one account's failed job paid to another account.
        const qint64 b = shop.account(QStringLiteral("vysage"));
        shop.purchase(b, 100, 1000);
        const qint64 job = shop.workflow.recordJob(b, 30, QStringLiteral("gen"));
        shop.workflow.reportJobFailure(job, FailureCause::User, QStringLiteral("bad prompt"));
        run(db, QStringLiteral("INSERT INTO ledger_entries (account_id, created_at, entry_type,"
                               " credits, job_id, created_by) VALUES (%1, %2, 'job_credit_back',"
                               " 30, %3, 'mallory')")
                    .arg(f.account)
                    .arg(t0)
                    .arg(job));
        lines = violations(db, QStringLiteral("entry-without-cause"));
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines.last().contains(
                     QStringLiteral("(job_credit_back, 30 credits on account %1)").arg(f.account)),
                 qPrintable(lines.last()));

        // A payout with no decision; one on another account; one in another currency (failed
        // ones: the database itself refuses a second live payout for a request).
        const qint64 other = shop.account(QStringLiteral("hummingbytes"));
        run(db, QStringLiteral("INSERT INTO payouts (purchase_id, account_id, amount_cents,"
                               " currency, created_at, updated_at) VALUES (%1, %2, 500, 'USD',"
                               " %3, %3)")
                    .arg(f.purchase)
                    .arg(f.account)
                    .arg(t0));
        run(db, QStringLiteral("INSERT INTO payouts (request_id, purchase_id, account_id,"
                               " amount_cents, currency, status, created_at, updated_at) VALUES"
                               " (%1, %2, %3, 1, 'USD', 'failed', %4, %4)")
                    .arg(f.request)
                    .arg(f.purchase)
                    .arg(other)
                    .arg(t0));
        run(db, QStringLiteral("INSERT INTO payouts (request_id, purchase_id, account_id,"
                               " amount_cents, currency, status, created_at, updated_at) VALUES"
                               " (%1, %2, %3, 1, 'EUR', 'failed', %4, %4)")
                    .arg(f.request)
                    .arg(f.purchase)
                    .arg(f.account)
                    .arg(t0));
        lines = violations(db, QStringLiteral("payout-without-decision"));
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines.at(0).contains(
                     QStringLiteral("(500 minor units USD on account %1").arg(f.account)),
                 qPrintable(lines.at(0)));
        QVERIFY2(lines.at(1).contains(QStringLiteral("on account %1").arg(other)),
                 qPrintable(lines.at(1)));
        QVERIFY2(lines.at(2).contains(QLatin1String("1 minor units EUR")), qPrintable(lines.at(2)));
        // Together they pay back more than the purchase paid.
        lines = violations(db, QStringLiteral("purchase-overpaid"));
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().contains(
                     QStringLiteral("purchase %1: 2000 paid but 2412 went back (our refunds")
                         .arg(f.purchase)),
                 qPrintable(lines.first()));

        // The audit record of a decided request removed (by someone who could disable the
        // append-only trigger, as a database owner can): named.
        run(db, pg ? QStringLiteral("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
                   : QStringLiteral("DROP TRIGGER audit_log_no_delete"));
        run(db, QStringLiteral("DELETE FROM audit_log WHERE request_id = %1 AND action ="
                               " 'approve'")
                    .arg(f.request));
        lines = violations(db, QStringLiteral("decided-without-audit"));
        QCOMPARE(lines, QStringList{QStringLiteral("request %1: approved but its audit trail has "
                                                   "no record of the decision")
                                        .arg(f.request)});

        // The same remedy granted twice on one purchase, and more credits restored than the
        // purchase delivered (written around the workflow).
        const qint64 c = shop.account(QStringLiteral("aiimagestudio"));
        const qint64 p = shop.purchase(c, 120, 1000, 0, 1, false);
        for (int i = 0; i < 2; ++i) {
            const qint64 r = shop.request(c, QStringLiteral("not_delivered"), p);
            run(db, QStringLiteral("INSERT INTO decisions (request_id, verdict, remedy, credits,"
                                   " reviewer, decided_at, profile, profile_version) VALUES (%1,"
                                   " 'approve', 'credit_restore', 120, 'mallory', %2,"
                                   " 'aiimagestudio', 1)")
                        .arg(r)
                        .arg(t0));
            run(db, QStringLiteral("INSERT INTO ledger_entries (account_id, created_at,"
                                   " entry_type, credits, purchase_id, request_id, created_by)"
                                   " VALUES (%1, %2, 'adjustment', 120, %3, %4, 'mallory')")
                        .arg(c)
                        .arg(t0)
                        .arg(p)
                        .arg(r));
        }
        lines = violations(db, QStringLiteral("remedy-granted-twice"));
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.first().startsWith(
                     QStringLiteral("purchase %1: not_delivered granted 2 times").arg(p)),
                 qPrintable(lines.first()));
        lines = violations(db, QStringLiteral("purchase-overrestored"));
        QCOMPARE(lines, QStringList{QStringLiteral("purchase %1: delivered 120 credits but 240 "
                                                   "were restored for it")
                                        .arg(p)});

        // And the command line says the same, as text and as JSON, exit 1.
        const RefundctlRun text = runRefundctl(
            {QStringLiteral("check"), QStringLiteral("--database"), t.url().toString()});
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(text.out.contains("has no cause on that account"), text.out.constData());
        const RefundctlRun json = runRefundctl({QStringLiteral("check"), QStringLiteral("--json"),
                                                QStringLiteral("--database"), t.url().toString()});
        QCOMPARE(json.exitCode, 1);
        const QJsonObject o = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(o.value(QStringLiteral("ok")).toBool(true), false);
        QStringList named;
        for (const QJsonValue v : o.value(QStringLiteral("violations")).toArray())
            named << v.toObject().value(QStringLiteral("check")).toString();
        for (const char *id :
             {"entry-without-cause", "payout-without-decision", "purchase-overpaid",
              "decided-without-audit", "remedy-granted-twice", "purchase-overrestored"})
            QVERIFY2(named.contains(QLatin1String(id)), id);
        QVERIFY(o.value(QStringLiteral("checks")).toArray().size() >= 18);
    }

    void checkReadsOneSnapshotAndWritesNothing()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        refunded(shop);
        const qint64 version = scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM audit_log"));
        const InvariantReport report = InvariantChecker(t.db().connection()).run();
        QVERIFY(report.ok());
        QCOMPARE(report.payouts, 1);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM audit_log")), version);
        // The connection is usable for writing afterwards: the snapshot was closed.
        shop.account(QStringLiteral("vysage"));
    }
};

QTEST_GUILESS_MAIN(TestMoneySafety)
#include "tst_moneysafety.moc"
