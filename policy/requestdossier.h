#pragma once
// Everything a reviewer looks at for one request, read in one go: the request, the account and
// its history, what it refers to, what the policy says now, and what happened so far.

#include "models/accountrepository.h"
#include "models/approvalrepository.h"
#include "models/auditrepository.h"
#include "models/compensationrepository.h"
#include "models/decisionrepository.h"
#include "models/jobrepository.h"
#include "models/payoutrepository.h"
#include "models/purchaserepository.h"
#include "models/requestrepository.h"
#include "models/reversalrepository.h"
#include "rules/policyoutcome.h"
#include "rules/policyprofile.h"

#include <optional>

class RefundWorkflow;
class Database;

struct RequestDossier
{
    RequestRecord request;
    AccountRecord account;
    AccountSummary summary;
    std::optional<PurchaseRecord> purchase;
    qint64 refundableCents = 0;        // of the purchase: paid less refunds and lost chargebacks
    qint64 restorableCredits = 0;      // of the purchase: delivered x charges less credits restored
    PurchaseCompensation compensation; // what the purchase's other requests already got
    qint64 purchaseCreditsLeft = 0;    // of the purchase's own lot: what a money refund takes back
    qint64 purchaseCreditsGone = 0;    // of that lot: spent (or taken back) already
    std::optional<JobRecord> job;
    std::optional<PolicyOutcome> outcome; // none when the engine could not evaluate
    QString outcomeError;                 // why not
    std::optional<PolicyProfile> profile;
    QList<AuditRecord> history;
    QList<PayoutRecord> payouts; // the money on its way back, a retry after the one it retried
    // Four-eyes: the first approval a waiting request waits with.
    std::optional<ApprovalRecord> firstApproval;
    // Its decision, once decided (with the profile version it was made under).
    std::optional<DecisionRecord> decision;
    // A lead's reversal of its decision, when there is one.
    std::optional<ReversalRecord> reversal;

    // The currency amounts of this request are in.
    QString currency() const { return purchase ? purchase->currency : summary.currency; }

    // Reads the dossier. Throws DatabaseError (unknown id, lost connection).
    static RequestDossier load(Database &database, RefundWorkflow &workflow, qint64 requestId);
};
