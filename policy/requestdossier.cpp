#include "requestdossier.h"

#include "casebuilder.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "refundworkflow.h"
#include "rules/policyengine.h"

#include <QCoreApplication>

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
    }
    d.summary = AccountRepository(conn).summary(d.request.accountId);
    if (d.purchase)
        d.refundableCents = d.purchase->amountCents * d.purchase->chargeCount -
                            RefundWorkflow::returnedCents(conn, d.purchase->id);
    d.history = AuditRepository(conn).forRequest(requestId);
    return d;
}
