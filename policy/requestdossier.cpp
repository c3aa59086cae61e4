#include "requestdossier.h"

#include "casebuilder.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "refundworkflow.h"
#include "rules/policyengine.h"

#include <QCoreApplication>
#include <algorithm>
#include <limits>

RequestDossier RequestDossier::load(Database &database, RefundWorkflow &workflow, qint64 requestId)
{
    const QSqlDatabase conn = database.connection();
    RequestDossier d;
    // The case the engine evaluates already holds the request, the account and what the
    // request names: read it once. Only when it cannot be built is the rest read piecewise.
    try {
        const BuiltCase b = CaseBuilder(conn).build(requestId);
        d.request = b.request;
        d.account = b.account;
        d.purchase = b.purchase;
        d.job = b.job;
        d.compensation = b.compensation;
        d.purchaseCreditsLeft = b.purchaseCreditsLeft;
        d.purchaseCreditsGone = b.purchaseCreditsUsed;
        d.profile = workflow.profile(b.account.profile);
        d.outcome = PolicyEngine::evaluate(b.policyCase, *d.profile);
    } catch (const DatabaseError &e) {
        const auto request = RequestRepository(conn).find(requestId);
        if (!request)
            throw DatabaseError(
                QCoreApplication::translate("RequestDossier", "request %1 does not exist")
                    .arg(requestId));
        d.request = *request;
        if (const auto account = AccountRepository(conn).find(d.request.accountId))
            d.account = *account;
        if (d.request.purchaseId > 0)
            d.purchase = PurchaseRepository(conn).find(d.request.purchaseId);
        if (d.request.jobId > 0)
            d.job = JobRepository(conn).find(d.request.jobId);
        d.outcome.reset();
        d.profile.reset();
        d.outcomeError = e.message();
        if (d.purchase)
            d.compensation = CompensationRepository(conn).forPurchase(d.purchase->id, d.request.id);
    }
    d.summary = AccountRepository(conn).summary(d.request.accountId);
    if (d.purchase) {
        // Wide enough for any stored figure: a dossier is read, never refused.
        const auto left = [](qint64 total, qint64 count, qint64 given) {
            const __int128 l = __int128(total) * count - given;
            return qint64(std::clamp<__int128>(l, 0, std::numeric_limits<qint64>::max()));
        };
        d.refundableCents =
            left(d.purchase->amountCents, d.purchase->chargeCount, d.compensation.returnedCents());
        d.restorableCredits =
            left(d.purchase->credits, d.purchase->chargeCount, d.compensation.restoredCredits);
    }
    d.history = AuditRepository(conn).forRequest(requestId);
    d.payouts = PayoutRepository(conn).forRequest(requestId);
    if (d.request.status == QLatin1String("awaiting_approval"))
        d.firstApproval = ApprovalRepository(conn).openProposal(requestId);
    if (d.request.isDecided()) {
        d.decision = DecisionRepository(conn).findForRequest(requestId);
        d.reversal = ReversalRepository(conn).findForRequest(requestId);
    }
    return d;
}
