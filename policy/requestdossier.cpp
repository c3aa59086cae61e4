#include "requestdossier.h"

#include "models/chargebackrepository.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/payoutrepository.h"
#include "refundworkflow.h"

#include <QCoreApplication>

RequestDossier RequestDossier::load(Database &database, RefundWorkflow &workflow, qint64 requestId)
{
    const QSqlDatabase conn = database.connection();
    RequestDossier d;
    const auto request = RequestRepository(conn).find(requestId);
    if (!request)
        throw DatabaseError(
            QCoreApplication::translate("RequestDossier", "request %1 does not exist")
                .arg(requestId));
    d.request = *request;
    AccountRepository accounts(conn);
    if (const auto account = accounts.find(d.request.accountId))
        d.account = *account;
    d.summary = accounts.summary(d.request.accountId);
    if (d.request.purchaseId > 0) {
        d.purchase = PurchaseRepository(conn).find(d.request.purchaseId);
        if (d.purchase)
            d.refundableCents = d.purchase->amountCents * d.purchase->chargeCount -
                                PayoutRepository(conn).refundedForPurchase(d.purchase->id) -
                                ChargebackRepository(conn).lostForPurchase(d.purchase->id);
    }
    if (d.request.jobId > 0)
        d.job = JobRepository(conn).find(d.request.jobId);
    try {
        d.outcome = workflow.recommend(requestId);
        d.profile = workflow.profile(d.outcome->profile);
    } catch (const DatabaseError &e) {
        d.outcomeError = e.message();
    }
    d.history = AuditRepository(conn).forRequest(requestId);
    return d;
}
