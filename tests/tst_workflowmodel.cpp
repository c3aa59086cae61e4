// A randomized sequence of workflow operations (purchases, usage, failures, requests, triage,
// decisions, chargebacks), compared after every step with a simple in-memory model of the
// ledger, with the invariant checker run after each. The seed is printed; rerun a failure with
// REFUNDDESK_TEST_SEED=N (REFUNDDESK_TEST_OPS=N for a longer or shorter run,
// REFUNDDESK_TEST_CHECK_EVERY=N to run the invariant checker every N steps instead of after
// each one).

#include "models/accountrepository.h"
#include "models/databaseerror.h"
#include "models/invariantchecker.h"
#include "models/sqlstatement.h"
#include "policy/refundworkflow.h"
#include "policy/rules/policyengine.h"
#include "support/testdatabase.h"

#include <QRandomGenerator>
#include <QTest>
#include <map>
#include <random>
#include <vector>

namespace {
struct MLot
{
    qint64 purchase; // 0: credits from no purchase
    qint64 total;
    qint64 remaining;
};
struct MAccount
{
    qint64 id = 0;
    QString profile;
    AccountStatus status = AccountStatus::Active;
    qint64 balance = 0;
    std::vector<MLot> lots; // in creation order, which is the order they are spent in
};
struct MPurchase
{
    qint64 id = 0, account = 0, at = 0, credits = 0, amount = 0, fee = 0;
    int chargeCount = 1;
    bool delivered = true, disputed = false, subscription = false;
    qint64 returned = 0; // refunded or charged back
    qint64 restored = 0; // credits restored for it
    quint16 granted = 0; // request types approved with a remedy (rule 11)
};
struct MJob
{
    qint64 id = 0, account = 0, at = 0, credits = 0;
    FailureCause failure = FailureCause::None;
    bool compensated = false;
};
struct MRequest
{
    qint64 id = 0, account = 0, purchase = 0, job = 0, at = 0;
    RequestType type = RequestType::FailedJob;
    QString status = QStringLiteral("new");
    std::optional<qint64> claimed;
    bool contacted = true;
    QString decidedBy;
};

class Model
{
public:
    std::map<qint64, MAccount> accounts;
    std::map<qint64, MPurchase> purchases;
    std::map<qint64, MJob> jobs;
    std::map<qint64, MRequest> requests;

    MLot *lotOf(const MPurchase &p)
    {
        for (MLot &lot : accounts[p.account].lots)
            if (lot.purchase == p.id)
                return &lot;
        return nullptr;
    }
    void addLot(MAccount &a, qint64 purchase, qint64 credits)
    {
        a.lots.push_back({purchase, credits, credits});
        a.balance += credits;
    }
    void consume(MAccount &a, qint64 credits)
    {
        a.balance -= credits;
        for (MLot &lot : a.lots) {
            const qint64 take = std::min(lot.remaining, credits);
            lot.remaining -= take;
            credits -= take;
        }
    }
    PolicyCase caseOf(const MRequest &r)
    {
        PolicyCase c;
        c.account.status = accounts[r.account].status;
        c.account.contactedSupportFirst = r.contacted;
        c.request.type = r.type;
        c.request.at = r.at;
        c.request.amountCents = r.claimed;
        if (r.purchase) {
            const MPurchase &p = purchases[r.purchase];
            CasePurchase cp;
            cp.id = QString::number(p.id);
            cp.at = p.at;
            cp.subscription = p.subscription;
            cp.credits = p.credits;
            const MLot *lot = lotOf(p);
            cp.creditsUsed = lot ? std::min(p.credits, lot->total - lot->remaining) : 0;
            cp.amountCents = p.amount;
            cp.feeCents = p.fee;
            cp.delivered = p.delivered;
            cp.chargeCount = p.chargeCount;
            cp.disputed = p.disputed;
            cp.granted = p.granted;
            cp.refundedCents = p.returned;
            cp.restoredCredits = p.restored;
            c.purchases << cp;
            c.request.purchase = 0;
        }
        if (r.job) {
            const MJob &j = jobs[r.job];
            CaseJob cj;
            cj.id = QString::number(j.id);
            cj.at = j.at;
            cj.credits = j.credits;
            cj.status = j.failure == FailureCause::None ? JobStatus::Succeeded : JobStatus::Failed;
            cj.failure = j.failure;
            cj.compensated = j.compensated;
            c.jobs << cj;
            c.request.job = 0;
        }
        return c;
    }
    PolicyOutcome recommend(const MRequest &r)
    {
        return PolicyEngine::evaluate(caseOf(r),
                                      *PolicyProfile::findBuiltIn(accounts[r.account].profile));
    }

    // What the workflow must do with a decision: the expected status, and the model updated.
    DecisionResult::Status decide(MRequest &r, const ReviewDecision &d)
    {
        using S = DecisionResult::Status;
        if (r.status == QLatin1String("approved") || r.status == QLatin1String("denied"))
            return S::AlreadyDecided;
        const PolicyOutcome rec = recommend(r);
        if (d.action == ReviewAction::Escalate) {
            r.status = QStringLiteral("escalated");
            return S::Escalated;
        }
        const bool approve = d.action == ReviewAction::Approve;
        const auto profile = PolicyProfile::findBuiltIn(accounts[r.account].profile);
        // Rule 11 first: a purchase never gets the same remedy twice, nor more than it paid.
        if (approve && r.purchase &&
            ((PolicyEngine::isPurchaseRequest(r.type) &&
              (purchases[r.purchase].granted & (1u << unsigned(r.type)))) ||
             (rec.verdict == Verdict::Deny &&
              rec.clauses.value(0) == profile->clause(ClauseRole::AlreadyCompensated).id)))
            return S::AlreadyCompensated;
        const bool against = (approve && rec.verdict == Verdict::Deny) ||
                             (!approve && rec.verdict == Verdict::Approve);
        if (against && (!d.allowOverride || d.note.trimmed().isEmpty()))
            return S::Failed;
        if (!approve && d.note.trimmed().isEmpty() && rec.verdict != Verdict::Deny)
            return S::Failed;
        MAccount &a = accounts[r.account];
        MPurchase *p = r.purchase ? &purchases[r.purchase] : nullptr;
        MJob *job = r.job ? &jobs[r.job] : nullptr;
        if (r.type == RequestType::Chargeback) {
            if (d.amountCents)
                return S::Failed;
            if (approve)
                p->returned += p->amount;
            else
                p->disputed = false;
        } else if (approve) {
            Remedy remedy = rec.remedy;
            if (remedy == Remedy::None) {
                if (d.amountCents && p)
                    remedy = Remedy::MoneyRefund;
                else if (job && !d.amountCents && job->failure != FailureCause::None)
                    remedy = Remedy::CreditRestore;
                else
                    return S::Failed;
            }
            if (remedy == Remedy::MoneyRefund) {
                if (!p)
                    return S::Failed;
                const qint64 refundable =
                    std::max<qint64>(0, p->amount * p->chargeCount - p->returned);
                if (refundable == 0)
                    return S::AlreadyCompensated;
                const qint64 recommended = rec.remedy == Remedy::MoneyRefund ? rec.refundCents : 0;
                if (d.amountCents && recommended > 0 && *d.amountCents > recommended)
                    return S::Failed;
                const qint64 amount = d.amountCents.value_or(recommended);
                if (amount <= 0 || amount > refundable)
                    return S::Failed;
                // Every money refund but a duplicate charge or billing error takes back what
                // is left of the purchase's credits.
                MLot *lot = lotOf(*p);
                const qint64 taken = lot && r.type != RequestType::DuplicateCharge &&
                                             r.type != RequestType::BillingError
                                         ? lot->remaining
                                         : 0;
                if (lot)
                    lot->remaining -= taken;
                a.balance -= taken;
                p->returned += amount;
                p->granted |= quint16(1u << unsigned(r.type));
            } else {
                if (d.amountCents)
                    return S::Failed;
                const qint64 credits = rec.remedy == Remedy::CreditRestore && rec.credits > 0
                                           ? rec.credits
                                       : job ? job->credits
                                             : 0;
                if (credits <= 0)
                    return S::Failed;
                if ((r.type == RequestType::FailedJob && job) || (job && !p)) {
                    if (job->failure == FailureCause::None || job->compensated)
                        return S::Failed;
                    job->compensated = true;
                    addLot(a, 0, credits);
                } else {
                    if (p) {
                        const qint64 restorable =
                            std::max<qint64>(0, p->credits * p->chargeCount - p->restored);
                        if (restorable == 0)
                            return S::AlreadyCompensated;
                        if (credits > restorable)
                            return S::Failed;
                        p->restored += credits;
                    }
                    addLot(a, p && !lotOf(*p) ? p->id : 0, credits);
                }
                if (p)
                    p->granted |= quint16(1u << unsigned(r.type));
            }
        }
        r.status = approve ? QStringLiteral("approved") : QStringLiteral("denied");
        r.decidedBy = d.reviewer;
        return approve ? S::Approved : S::Denied;
    }
};

const char *const profiles[] = {"aidancing", "vysage", "apiany", "aiimagestudio", "hummingbytes"};
const RequestType requestTypes[] = {RequestType::FailedJob,
                                    RequestType::UnusedCredits,
                                    RequestType::AccidentalPurchase,
                                    RequestType::DuplicateCharge,
                                    RequestType::BillingError,
                                    RequestType::NotDelivered,
                                    RequestType::Outage,
                                    RequestType::Dissatisfaction,
                                    RequestType::Subscription,
                                    RequestType::Legal};
} // namespace

class TestWorkflowModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void randomOperationsMatchTheModel()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const quint64 seed = qEnvironmentVariableIsSet("REFUNDDESK_TEST_SEED")
                                 ? qEnvironmentVariable("REFUNDDESK_TEST_SEED").toULongLong()
                                 : QRandomGenerator::global()->generate64();
        const int operations = qEnvironmentVariableIsSet("REFUNDDESK_TEST_OPS")
                                   ? qEnvironmentVariableIntValue("REFUNDDESK_TEST_OPS")
                                   : 10000;
        qInfo("seed %llu, %d operations (rerun with REFUNDDESK_TEST_SEED=%llu)", seed, operations,
              seed);
        std::mt19937_64 rng(seed);
        auto below = [&](qint64 n) { return qint64(rng() % quint64(std::max<qint64>(1, n))); };
        auto chance = [&](int percent) { return below(100) < percent; };
        auto pickKey = [&](const auto &map) {
            auto it = map.begin();
            std::advance(it, below(qint64(map.size())));
            return it->first;
        };

        Model model;
        qint64 clock = 1'760'000'000;
        RefundWorkflow workflow(t.db());
        workflow.setClock([&] { return clock; });
        const QSqlDatabase conn = t.db().connection();
        int counts[8] = {};
        const int checkEvery = qEnvironmentVariableIsSet("REFUNDDESK_TEST_CHECK_EVERY")
                                   ? qEnvironmentVariableIntValue("REFUNDDESK_TEST_CHECK_EVERY")
                                   : 1;
        int checks = 0;

        for (int step = 0; step < operations; ++step) {
            clock += 1 + below(6 * 3600);
            const QString where = QStringLiteral("seed %1, step %2").arg(seed).arg(step);
            const qint64 op = model.accounts.empty() ? 0 : below(100);
            if (op < 4) { // a new customer
                AccountRecord a;
                a.email = QStringLiteral("c%1@example.com").arg(step);
                a.displayName = QStringLiteral("Customer %1").arg(step);
                a.profile = QLatin1String(profiles[below(5)]);
                a.createdAt = clock;
                const qint64 id = AccountRepository(conn).create(a);
                model.accounts[id] = MAccount{id, a.profile, AccountStatus::Active, 0, {}};
                ++counts[0];
            } else if (op < 18) { // a purchase
                static const qint64 packs[][2] = {
                    {50, 500}, {120, 1000}, {300, 2000}, {1000, 5000}};
                const auto &pack = packs[below(4)];
                MPurchase p;
                p.account = pickKey(model.accounts);
                p.at = clock;
                p.credits = pack[0];
                p.amount = pack[1];
                p.fee = below(pack[1] / 10);
                p.chargeCount = chance(5) ? 2 : 1;
                p.delivered = !chance(4);
                p.subscription = chance(3);
                PurchaseRecord rec;
                rec.accountId = p.account;
                rec.createdAt = p.at;
                rec.kind =
                    p.subscription ? QStringLiteral("subscription") : QStringLiteral("credits");
                rec.credits = p.credits;
                rec.amountCents = p.amount;
                rec.feeCents = p.fee;
                rec.paymentRef = QStringLiteral("pay_%1").arg(step);
                rec.chargeCount = p.chargeCount;
                rec.delivered = p.delivered;
                p.id = workflow.recordPurchase(rec);
                if (p.delivered)
                    model.addLot(model.accounts[p.account], p.id, p.credits);
                model.purchases[p.id] = p;
                ++counts[1];
            } else if (op < 48) { // a generation job
                MAccount &a = model.accounts[pickKey(model.accounts)];
                const qint64 credits = 1 + below(60);
                try {
                    const qint64 id = workflow.recordJob(a.id, credits, QStringLiteral("gen"));
                    QVERIFY2(a.balance >= credits, qPrintable(where));
                    model.consume(a, credits);
                    model.jobs[id] = MJob{id, a.id, clock, credits, FailureCause::None, false};
                } catch (const DatabaseError &e) {
                    QVERIFY2(a.balance < credits,
                             qPrintable(where + QLatin1String(": ") + e.message()));
                }
                ++counts[2];
            } else if (op < 56) { // a job fails
                if (model.jobs.empty())
                    continue;
                MJob &j = model.jobs[pickKey(model.jobs)];
                const FailureCause cause = FailureCause(1 + below(3));
                try {
                    const bool credited =
                        workflow.reportJobFailure(j.id, cause, QStringLiteral("x"));
                    QVERIFY2(j.failure == FailureCause::None, qPrintable(where));
                    j.failure = cause;
                    const bool expect = cause == FailureCause::Platform && !j.compensated;
                    QCOMPARE(credited, expect);
                    if (expect) {
                        j.compensated = true;
                        model.addLot(model.accounts[j.account], 0, j.credits);
                    }
                } catch (const DatabaseError &e) {
                    QVERIFY2(j.failure != FailureCause::None,
                             qPrintable(where + QLatin1String(": ") + e.message()));
                }
                ++counts[3];
            } else if (op < 76) { // a customer asks
                MRequest r;
                r.account = pickKey(model.accounts);
                r.type = requestTypes[below(10)];
                r.at = clock;
                std::vector<qint64> ownPurchases, ownJobs;
                for (const auto &[id, p] : model.purchases)
                    if (p.account == r.account)
                        ownPurchases.push_back(id);
                for (const auto &[id, j] : model.jobs)
                    if (j.account == r.account && (r.type != RequestType::FailedJob ||
                                                   j.failure != FailureCause::None || chance(10)))
                        ownJobs.push_back(id);
                const bool wantsJob =
                    r.type == RequestType::FailedJob || r.type == RequestType::Dissatisfaction;
                if (wantsJob) {
                    if (ownJobs.empty())
                        continue;
                    r.job = ownJobs[size_t(below(qint64(ownJobs.size())))];
                } else {
                    if (ownPurchases.empty())
                        continue;
                    r.purchase = ownPurchases[size_t(below(qint64(ownPurchases.size())))];
                }
                if (r.type == RequestType::BillingError && chance(80))
                    r.claimed = below(model.purchases[r.purchase].amount + 1);
                RequestRecord rec;
                rec.accountId = r.account;
                rec.type = PolicyNames::requestType(r.type);
                rec.purchaseId = r.purchase;
                rec.jobId = r.job;
                rec.claimedAmountCents = r.claimed;
                rec.message = QStringLiteral("please");
                r.id = workflow.submitRequest(rec);
                model.requests[r.id] = r;
                ++counts[4];
            } else if (op < 82) { // triage
                qint64 evaluated = 0, applied = 0;
                for (auto &[id, r] : model.requests) {
                    if (r.status != QLatin1String("new"))
                        continue;
                    ++evaluated;
                    const PolicyOutcome rec = model.recommend(r);
                    if (r.type == RequestType::FailedJob && rec.verdict == Verdict::Approve &&
                        rec.remedy == Remedy::CreditRestore) {
                        MJob &j = model.jobs[r.job];
                        j.compensated = true;
                        model.addLot(model.accounts[r.account], 0, rec.credits);
                        r.status = QStringLiteral("approved");
                        r.decidedBy = RefundWorkflow::systemReviewer();
                        ++applied;
                    } else {
                        r.status = QStringLiteral("pending");
                    }
                }
                const TriageResult result = workflow.triage();
                QVERIFY2(result.errors.isEmpty(),
                         qPrintable(where + result.errors.join(QLatin1Char('\n'))));
                QCOMPARE(result.evaluated, evaluated);
                QCOMPARE(result.applied, applied);
                ++counts[5];
            } else if (op < 97) { // a reviewer decides
                if (model.requests.empty())
                    continue;
                MRequest &r = model.requests[pickKey(model.requests)];
                ReviewDecision d;
                d.requestId = r.id;
                const qint64 roll = below(100);
                d.action = roll < 50   ? ReviewAction::Approve
                           : roll < 80 ? ReviewAction::Deny
                                       : ReviewAction::Escalate;
                d.reviewer = chance(50) ? QStringLiteral("ann") : QStringLiteral("ben");
                d.note = chance(70) ? QStringLiteral("checked") : QString();
                d.allowOverride = chance(50);
                if (d.action == ReviewAction::Approve && r.purchase && chance(30))
                    d.amountCents = 1 + below(model.purchases[r.purchase].amount *
                                              model.purchases[r.purchase].chargeCount);
                const QString before = r.status;
                const QString decidedBefore = r.decidedBy;
                const DecisionResult::Status expected = model.decide(r, d);
                const DecisionResult got = workflow.decide(d);
                QVERIFY2(
                    got.status == expected,
                    qPrintable(QStringLiteral("%1: request %2 (%3, %4, %5): expected status %6, "
                                              "got %7 %8")
                                   .arg(where)
                                   .arg(r.id)
                                   .arg(PolicyNames::requestType(r.type), before,
                                        model.accounts[r.account].profile)
                                   .arg(int(expected))
                                   .arg(int(got.status))
                                   .arg(got.error)));
                if (expected == DecisionResult::Status::AlreadyDecided)
                    QCOMPARE(got.decidedBy, decidedBefore);
                ++counts[6];
            } else { // the bank reports a chargeback
                if (model.purchases.empty())
                    continue;
                MPurchase &p = model.purchases[pickKey(model.purchases)];
                const bool contacted = chance(50);
                try {
                    const qint64 id =
                        workflow.recordChargeback(p.id, QStringLiteral("fraud"), contacted);
                    QVERIFY2(!p.disputed, qPrintable(where));
                    p.disputed = true;
                    MRequest r;
                    r.id = id;
                    r.account = p.account;
                    r.purchase = p.id;
                    r.type = RequestType::Chargeback;
                    r.status = QStringLiteral("pending");
                    r.at = clock;
                    r.contacted = contacted;
                    const PolicyOutcome rec = model.recommend(r);
                    MAccount &a = model.accounts[p.account];
                    if ((rec.actions & SuspendAccount) && a.status == AccountStatus::Active)
                        a.status = AccountStatus::Suspended;
                    if (rec.actions & ClawbackCredits)
                        model.consume(a, std::min(a.balance, p.credits));
                    model.requests[id] = r;
                } catch (const DatabaseError &e) {
                    QVERIFY2(p.disputed, qPrintable(where + QLatin1String(": ") + e.message()));
                }
                ++counts[7];
            }

            // The database and the model agree on every balance, account status and request.
            SqlStatement accounts(conn, QStringLiteral("SELECT id, balance_credits, status FROM"
                                                       " accounts ORDER BY id"));
            accounts.exec();
            qsizetype seen = 0;
            while (accounts.next()) {
                const MAccount &a = model.accounts[accounts.value(0).toLongLong()];
                ++seen;
                QVERIFY2(accounts.value(1).toLongLong() == a.balance,
                         qPrintable(QStringLiteral("%1: account %2 has %3 credits, the model %4")
                                        .arg(where)
                                        .arg(a.id)
                                        .arg(accounts.value(1).toLongLong())
                                        .arg(a.balance)));
                QCOMPARE(accounts.value(2).toString(), PolicyNames::accountStatus(a.status));
            }
            QCOMPARE(seen, qsizetype(model.accounts.size()));
            SqlStatement requests(conn, QStringLiteral("SELECT id, status FROM refund_requests"
                                                       " ORDER BY id"));
            requests.exec();
            while (requests.next()) {
                const MRequest &r = model.requests[requests.value(0).toLongLong()];
                QVERIFY2(requests.value(1).toString() == r.status,
                         qPrintable(QStringLiteral("%1: request %2 is %3, the model says %4")
                                        .arg(where)
                                        .arg(r.id)
                                        .arg(requests.value(1).toString(), r.status)));
            }
            // REFUNDDESK_TEST_CHECK_EVERY=N checks every N steps for quick local runs.
            if (step % checkEvery == 0 || step == operations - 1) {
                // The audit chain reads every audit row: every 250 steps and at the end.
                const InvariantReport report =
                    InvariantChecker(conn).run(20, step % 250 == 0 || step == operations - 1);
                QVERIFY2(report.ok(), qPrintable(where + QLatin1Char('\n') +
                                                 report.violations.join(QLatin1Char('\n'))));
                ++checks;
            }
        }
        qInfo("invariant checks: %d", checks);
        qInfo("accounts %d, purchases %d, jobs %d, failures %d, requests %d, triages %d, "
              "decisions %d, chargebacks %d",
              counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6],
              counts[7]);
        QVERIFY(counts[6] > operations / 20);
    }
};

QTEST_GUILESS_MAIN(TestWorkflowModel)
#include "tst_workflowmodel.moc"
