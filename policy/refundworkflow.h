#pragma once
// The one module through which every decision and every credit movement reaches the database.

#include "casebuilder.h"
#include "models/payoutrepository.h"
#include "profilecatalog.h"
#include "rules/policyoutcome.h"

#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

class Database;
struct PurchaseRecord;

enum class ReviewAction
{
    Approve,
    Deny,
    Escalate
};

struct ReviewDecision
{
    qint64 requestId = 0;
    ReviewAction action = ReviewAction::Approve;
    QString reviewer;
    QString note;                      // the reason; required for an override
    std::optional<qint64> amountCents; // a lower money refund than recommended
    bool allowOverride = false;        // the reviewer confirmed deciding against the policy
};

struct DecisionResult
{
    enum class Status
    {
        Approved,
        Denied,
        Escalated,
        AwaitingApproval, // four-eyes: the first approval is written; a second lead's is needed
        AlreadyDecided,
        AlreadyCompensated, // rule 11: the purchase already got this, or all it can; `error` says
        Failed
    };
    Status status = Status::Failed;
    qint64 requestId = 0;
    QString decidedBy; // AlreadyDecided: who decided
    qint64 decidedAt = 0;
    QString error; // Failed: why, in words for the reviewer
    PolicyOutcome recommendation;
    Remedy remedy = Remedy::None;
    qint64 refundCents = 0;
    QString currency;   // of refundCents
    qint64 credits = 0; // restored (credit_restore) or taken back with the money (money_refund)
    qint64 creditsSpent = 0; // money_refund: the purchase's credits already gone, not taken back
    bool isOverride = false;

    bool processed() const
    {
        return status != Status::Failed && status != Status::AlreadyCompensated;
    }
};

// What a reversal moved back, and where the customer's case continues.
struct ReversalResult
{
    qint64 reopenedAs = 0;      // the new request, triaged
    qint64 creditsTaken = 0;    // credits the decision restored, taken back from the account
    qint64 creditsReturned = 0; // credits the decision took back (money refund), returned
};

struct TriageResult
{
    qint64 evaluated = 0;
    qint64 applied = 0; // automatic credit-backs decided by the system reviewer
    QStringList errors; // one line per request that could not be triaged
};

class RefundWorkflow
{
public:
    explicit RefundWorkflow(Database &database);

    // The reviewer name of decisions the workflow takes by itself.
    static QString systemReviewer();
    // Seconds since the epoch (UTC) used as "now"; tests pin it.
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }
    qint64 now() const { return m_clock(); }
    // The note of an automatic credit-back's ledger entry.
    static QString creditBackNote();

    // What the engine recommends for a request now, without writing anything.
    PolicyOutcome recommend(qint64 requestId);
    // What it would recommend for a request not stored yet. Throws DatabaseError (an unknown
    // account or purchase, a request that lacks what its type refers to).
    PolicyOutcome recommendDraft(const RequestRecord &draft);
    // The profile with this id (built in or stored). Throws DatabaseError when unknown.
    const PolicyProfile &profile(const QString &id);
    // What has gone back to the payer of a purchase: our refunds and lost chargebacks.
    static qint64 returnedCents(const QSqlDatabase &conn, qint64 purchaseId);
    // Whether a money refund for this kind of request takes back what is left of the
    // purchase's credits (the money they were bought with goes back): all but duplicate
    // charges and billing errors, whose credits were paid for once and stay.
    static bool moneyRefundRevokesCredits(RequestType type);

    // Evaluates every new request (and open ones without a stored recommendation), stores the
    // recommendation, and applies the automatic credit-back of platform-failed jobs at once.
    TriageResult triage(const std::function<void(qint64 done)> &progress = {});

    // Approves, denies or escalates one request in one transaction. Never throws: a failure is
    // reported in the result and leaves the database as it was. On a team's database a money
    // refund above the desk's four-eyes threshold and every override are only a first
    // approval: the request waits (AwaitingApproval) for a second lead.
    DecisionResult decide(const ReviewDecision &decision);
    // The second approval of a request waiting for one, by a lead other than the first
    // approver: the first approval's decision is written and carried out, as decide() would.
    // Never throws.
    DecisionResult approveSecond(qint64 requestId, const QString &approver);
    // Corrects a decision, never by UPDATE: a lead reverses it with a reason. The credits it
    // moved move back (ledger entries naming the entries they reverse), and the request is
    // reopened as a new one, triaged at once, which a reviewer decides afresh. Money that left
    // for the card is not reversed: a decision with a payout that did not fail is refused, and
    // so is a failed job's credit-back (it follows the job's failure) and a chargeback case.
    // One transaction; throws DatabaseError saying why nothing was done.
    ReversalResult reverse(qint64 requestId, const QString &lead, const QString &reason);
    // Puts one account (or, with accountId 0, every account on `from`) on a policy profile,
    // built in or stored, in one transaction with its audit row. Later recommendations follow
    // the new profile; decisions made keep theirs. Returns how many accounts moved. Throws
    // DatabaseError (an unknown profile or account; on a team's database, no lead).
    qint64 assignProfile(const QString &profile, qint64 accountId, const QString &from,
                         const QString &actor);
    // Sends a waiting request back to the queue with a note (a lead, or the first approver
    // withdrawing it). Throws DatabaseError.
    void sendBack(qint64 requestId, const QString &actor, const QString &note);

    // Assigns an open request to a reviewer (empty: unassigns). Throws DatabaseError.
    void assign(qint64 requestId, const QString &reviewer, const QString &actor);
    // Adds an internal note to a request's history. Throws DatabaseError.
    void addNote(qint64 requestId, const QString &author, const QString &note);

    // Ledger operations; each is one transaction and throws DatabaseError on failure.
    // A purchase: its credits arrive as a lot (unless not delivered). Returns its id.
    qint64 recordPurchase(const PurchaseRecord &purchase);
    // A generation job that spends credits from the oldest lots. Returns the job id.
    qint64 recordJob(qint64 accountId, qint64 credits, const QString &model);
    // A job failed; a platform failure is credited back once, at once. Returns whether it was.
    bool reportJobFailure(qint64 jobId, FailureCause cause, const QString &detail);
    // A customer's refund request, waiting for triage. Returns the request id.
    qint64 submitRequest(const RequestRecord &request);
    // The bank reports a dispute: the purchase is marked disputed, the profile's actions
    // (suspension, clawback) are applied and a chargeback case opens in the queue. Approving
    // that case records the chargeback as lost, denying it as won. Returns the request id.
    qint64 recordChargeback(qint64 purchaseId, const QString &reason, bool contactedSupportFirst);

    // The same, inside the caller's write transaction (the event intake applies a whole batch
    // in one): each throws DatabaseError and leaves the rollback to the caller.
    qint64 recordPurchase(const QSqlDatabase &conn, const PurchaseRecord &purchase);
    // The credits of an undelivered purchase arrive, once; false when they already had.
    bool deliverPurchase(const QSqlDatabase &conn, qint64 purchaseId);
    // `job` names the account, credits, model and time (0: now); it is recorded as succeeded.
    qint64 recordJob(const QSqlDatabase &conn, const JobRecord &job);
    bool reportJobFailure(const QSqlDatabase &conn, qint64 jobId, FailureCause cause,
                          const QString &detail);
    qint64 submitRequest(const QSqlDatabase &conn, const RequestRecord &request);
    // `dueBy`: the card network's answer date (UTC seconds), 0 when not given.
    qint64 recordChargeback(const QSqlDatabase &conn, qint64 purchaseId, const QString &reason,
                            bool contactedSupportFirst, qint64 dueBy);
    // The bank closed the dispute of a chargeback case: the case is decided (won: denied,
    // lost: approved) by `actor` with `note`, as a reviewer's decision would be.
    DecisionResult settleChargebackCase(const QSqlDatabase &conn, qint64 requestId, bool won,
                                        const QString &actor, const QString &note);
    // Evaluates one new request now and stores the recommendation (and applies an automatic
    // credit-back), as triage() does for each.
    void triageRequest(const QSqlDatabase &conn, qint64 requestId);

private:
    // Whether a decision needs a second approval, and whose it is.
    struct FourEyes
    {
        bool applies = false;   // a desk person's session on a team's database
        qint64 aboveCents = 0;  // a money refund above this needs it
        QString secondApprover; // carrying out a first approval: the lead approving it
    };
    template <typename F> auto inTransaction(F &&work);
    // A desk person on a team's database acts as their login, whatever name is given: sets
    // `person` to it and returns the four-eyes rule that applies to them.
    FourEyes signIn(const QSqlDatabase &conn, QString &person) const;
    // Runs a decision step: `work(conn, person, fourEyes)` with the session's person on a
    // team's database (else `name`), in one transaction, its failures as a DecisionResult.
    template <typename F> DecisionResult deciding(qint64 requestId, const QString &name, F &&work);
    DecisionResult decideLocked(const QSqlDatabase &conn, const ReviewDecision &d,
                                const FourEyes &fourEyes);
    DecisionResult apply(const QSqlDatabase &conn, const BuiltCase &b, const PolicyProfile &profile,
                         const PolicyOutcome &rec, const ReviewDecision &d,
                         const FourEyes &fourEyes);
    DecisionResult holdForSecondApproval(const QSqlDatabase &conn, const BuiltCase &b,
                                         const PolicyProfile &profile, const PolicyOutcome &rec,
                                         const ReviewDecision &d, const QString &note,
                                         DecisionResult result);
    void triageOne(const QSqlDatabase &conn, qint64 requestId, TriageResult &result);

    Database &m_db;
    ProfileCatalog m_profiles;
    std::function<qint64()> m_clock;
};
