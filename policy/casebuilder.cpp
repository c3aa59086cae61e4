#include "casebuilder.h"

#include "models/chargebackrepository.h"
#include "models/creditlotrepository.h"
#include "models/databaseerror.h"
#include "models/ledgerrepository.h"
#include "models/outagerepository.h"

#include <QCoreApplication>
#include <limits>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("CaseBuilder", text);
}

template <typename T>
T known(const std::optional<T> &value, const QString &field, const QString &text, qint64 request)
{
    if (!value)
        throw DatabaseError(tr("request %1: %2 '%3' is not known").arg(request).arg(field, text));
    return *value;
}
} // namespace

BuiltCase CaseBuilder::build(qint64 requestId, bool lock) const
{
    BuiltCase b;
    if (lock) {
        // Purchase first, then request: a request's purchase never changes (a trigger keeps it).
        const std::optional<RequestRecord> unlocked = RequestRepository(m_db).find(requestId);
        if (unlocked && unlocked->purchaseId > 0)
            PurchaseRepository(m_db).lock(unlocked->purchaseId);
    }
    const std::optional<RequestRecord> request = RequestRepository(m_db).find(requestId, lock);
    if (!request)
        throw DatabaseError(tr("no refund request with id %1").arg(requestId));
    return buildFrom(*request);
}

BuiltCase CaseBuilder::buildDraft(const RequestRecord &draft) const
{
    return buildFrom(draft);
}

BuiltCase CaseBuilder::build(const RequestRecord &request, const CaseFacts &facts) const
{
    return buildFrom(request, &facts);
}

namespace {
template <typename T> std::optional<T> cached(const QHash<qint64, T> &facts, qint64 id)
{
    const auto it = facts.constFind(id);
    return it == facts.cend() ? std::nullopt : std::optional<T>(*it);
}
} // namespace

CaseFacts CaseFacts::load(const QSqlDatabase &db, const QString &condition,
                          const QVariantList &values)
{
    CaseFacts f;
    f.requests = RequestRepository(db).where(
        condition + QStringLiteral(" ORDER BY received_at, id"), values);
    const auto of = [&](const char *column) {
        return QStringLiteral("SELECT %1 FROM refund_requests WHERE %2")
            .arg(QLatin1String(column), condition);
    };
    for (const AccountRecord &a :
         AccountRepository(db).where(QStringLiteral("id IN (%1)").arg(of("account_id")), values))
        f.accounts.insert(a.id, a);
    for (const PurchaseRecord &p :
         PurchaseRepository(db).where(QStringLiteral("id IN (%1)").arg(of("purchase_id")), values))
        f.purchases.insert(p.id, p);
    f.lots = CreditLotRepository(db).ofPurchases(of("purchase_id"), values);
    f.compensation = CompensationRepository(db).forPurchases(of("purchase_id"), values);
    for (const JobRecord &j :
         JobRepository(db).where(QStringLiteral("id IN (%1)").arg(of("job_id")), values))
        f.jobs.insert(j.id, j);
    f.creditedBack = LedgerRepository(db).creditedBack(of("job_id"), values);
    f.outages = OutageRepository(db).overlapping(0, std::numeric_limits<qint64>::max());
    return f;
}

BuiltCase CaseBuilder::buildFrom(const RequestRecord &request, const CaseFacts *facts) const
{
    BuiltCase b;
    b.request = request;
    const RequestRecord &r = b.request;
    const std::optional<AccountRecord> account =
        facts ? cached(facts->accounts, r.accountId) : AccountRepository(m_db).find(r.accountId);
    if (!account)
        throw DatabaseError(tr("request %1: account %2 does not exist").arg(r.id).arg(r.accountId));
    b.account = *account;

    PolicyCase &c = b.policyCase;
    c.account.status = known(PolicyNames::toAccountStatus(b.account.status),
                             QStringLiteral("account status"), b.account.status, r.id);
    c.request.type =
        known(PolicyNames::toRequestType(r.type), QStringLiteral("request type"), r.type, r.id);
    c.request.at = r.receivedAt;
    c.request.amountCents = r.claimedAmountCents;

    if (r.purchaseId > 0) {
        b.purchase = facts ? cached(facts->purchases, r.purchaseId)
                           : PurchaseRepository(m_db).find(r.purchaseId);
        if (!b.purchase)
            throw DatabaseError(
                tr("request %1: purchase %2 does not exist").arg(r.id).arg(r.purchaseId));
        const PurchaseRecord &p = *b.purchase;
        if (facts) {
            const auto lot = facts->lots.value(p.id, {0, 0});
            b.purchaseCreditsUsed = lot.first;
            b.purchaseCreditsLeft = lot.second;
            b.compensation =
                CompensationRepository::withoutRequest(facts->compensation.value(p.id), r.id);
        } else {
            const CreditLotRepository lots(m_db);
            b.purchaseCreditsUsed = lots.usedOfPurchase(p.id).value_or(0);
            b.purchaseCreditsLeft = lots.leftOfPurchase(p.id);
            b.compensation = CompensationRepository(m_db).forPurchase(p.id, r.id);
        }
        CasePurchase cp;
        cp.id = QString::number(p.id);
        cp.at = p.createdAt;
        cp.subscription = p.kind == QLatin1String("subscription");
        cp.credits = p.credits;
        cp.creditsUsed = std::min(b.purchaseCreditsUsed, p.credits);
        cp.amountCents = p.amountCents;
        cp.currency = p.currency;
        cp.feeCents = p.feeCents;
        cp.delivered = p.delivered;
        cp.chargeCount = p.chargeCount;
        cp.disputed = p.disputed;
        for (const PriorGrant &g : b.compensation.grants)
            if (const auto type = PolicyNames::toRequestType(g.type))
                cp.grant(*type);
        cp.refundedCents = b.compensation.returnedCents();
        cp.restoredCredits = b.compensation.restoredCredits;
        c.purchases << cp;
        c.request.purchase = 0;
    }
    if (r.jobId > 0) {
        b.job = facts ? cached(facts->jobs, r.jobId) : JobRepository(m_db).find(r.jobId);
        if (!b.job)
            throw DatabaseError(tr("request %1: job %2 does not exist").arg(r.id).arg(r.jobId));
        const JobRecord &j = *b.job;
        CaseJob cj;
        cj.id = QString::number(j.id);
        cj.at = j.createdAt;
        cj.credits = j.credits;
        cj.status =
            known(PolicyNames::toJobStatus(j.status), QStringLiteral("job status"), j.status, r.id);
        cj.failure = j.failure.isEmpty() ? FailureCause::None
                                         : known(PolicyNames::toFailureCause(j.failure),
                                                 QStringLiteral("failure cause"), j.failure, r.id);
        cj.compensated =
            facts ? facts->creditedBack.contains(j.id) : LedgerRepository(m_db).hasCreditBack(j.id);
        c.jobs << cj;
        c.request.job = 0;
    }
    if (const QString outOfBounds = c.boundsError(); !outOfBounds.isEmpty())
        throw DatabaseError(tr("request %1: its facts are outside what the policy can weigh (%2)")
                                .arg(r.id)
                                .arg(outOfBounds));
    const QString missing = c.missingReference();
    if (!missing.isEmpty())
        throw DatabaseError(
            tr("request %1: a %2 request must name a %3, this one names none")
                .arg(r.id)
                .arg(r.type, missing == QLatin1String("job_id") ? tr("job") : tr("purchase")));
    if (c.request.type == RequestType::Outage && b.purchase) {
        const QList<OutageRecord> outages =
            facts ? facts->outages
                  : OutageRepository(m_db).overlapping(b.purchase->createdAt, r.receivedAt);
        for (const OutageRecord &o : outages)
            if (o.endedAt >= b.purchase->createdAt && o.startedAt <= r.receivedAt)
                c.outages << CaseOutage{o.startedAt, o.endedAt};
    }
    if (c.request.type == RequestType::Chargeback) {
        if (const auto cb = ChargebackRepository(m_db).findForRequest(r.id))
            c.account.contactedSupportFirst = cb->contactedSupportFirst;
    }
    return b;
}
