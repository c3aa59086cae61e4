#include "policyengine.h"

#include "money.h"

namespace {
constexpr qint64 hour = 3600;
constexpr qint64 day = 24 * hour;

// The outcome of the request's own rules (steps 7 to 10), before the account and dispute
// checks that may send it to a person instead.
struct Decision
{
    Verdict verdict;
    Remedy remedy;
    qint64 refundCents;
    qint64 credits;
    ClauseRole clause;
};

Decision decide(Verdict v, Remedy r, ClauseRole clause, qint64 cents = 0, qint64 credits = 0)
{
    return {v, r, cents, credits, clause};
}

// Whether one continuous downtime longer than the threshold overlaps [from, to].
bool qualifyingOutage(const QList<CaseOutage> &outages, qint64 from, qint64 to, qint64 longerThan)
{
    // Outages that touch or overlap form one continuous interval; the list is short.
    QList<CaseOutage> sorted = outages;
    std::sort(sorted.begin(), sorted.end(),
              [](const CaseOutage &a, const CaseOutage &b) { return a.from < b.from; });
    qsizetype i = 0;
    while (i < sorted.size()) {
        qint64 start = sorted[i].from;
        qint64 end = sorted[i].to;
        ++i;
        while (i < sorted.size() && sorted[i].from <= end) {
            end = std::max(end, sorted[i].to);
            ++i;
        }
        if (end - start > longerThan && start <= to && end >= from)
            return true;
    }
    return false;
}

Decision failedJob(const PolicyCase &c)
{
    const CaseJob &job = *c.job();
    if (job.compensated)
        return decide(Verdict::Deny, Remedy::None, ClauseRole::JobCompensated);
    if (job.status == JobStatus::Succeeded)
        return decide(Verdict::Deny, Remedy::None, ClauseRole::JobSucceeded);
    if (job.status == JobStatus::Failed && job.failure == FailureCause::Platform)
        return decide(Verdict::Approve, Remedy::CreditRestore, ClauseRole::JobPlatform, 0,
                      job.credits);
    if (job.status == JobStatus::Failed && job.failure == FailureCause::User)
        return decide(Verdict::Deny, Remedy::None, ClauseRole::JobUser);
    // Unknown cause, or a job still queued or running: a person verifies the failure.
    return decide(Verdict::Review, Remedy::CreditRestore, ClauseRole::JobUnknown, 0, job.credits);
}

// What the request type's own rule of step 10 grants, before rule 11's caps.
Decision purchaseRule(const PolicyCase &c, const PolicyProfile &p)
{
    const CasePurchase &purchase = *c.purchase();
    const qint64 age = c.request.at - purchase.at;
    switch (c.request.type) {
    case RequestType::UnusedCredits:
    case RequestType::AccidentalPurchase:
        if (p.unusedRefundWindowDays && purchase.creditsUsed == 0 &&
            age <= *p.unusedRefundWindowDays * day)
            return decide(Verdict::Approve, Remedy::MoneyRefund, ClauseRole::UnusedRefund,
                          purchase.amountCents - purchase.feeCents, purchase.credits);
        return decide(Verdict::Deny, Remedy::None, ClauseRole::PurchasesFinal);
    case RequestType::DuplicateCharge: {
        if (purchase.chargeCount < 2)
            return decide(Verdict::Review, Remedy::None, ClauseRole::DuplicateUnconfirmed);
        const qint64 extra = purchase.chargeCount - 1;
        if (p.duplicateChargeRemedy == Remedy::CreditRestore)
            return decide(p.duplicateChargeVerdict, Remedy::CreditRestore,
                          ClauseRole::DuplicateCharge, 0, Checked::mul(extra, purchase.credits));
        return decide(p.duplicateChargeVerdict, Remedy::MoneyRefund, ClauseRole::DuplicateCharge,
                      Checked::mul(extra, purchase.amountCents));
    }
    case RequestType::BillingError:
        if (p.billingErrorRemedy == Remedy::CreditRestore)
            return decide(Verdict::Review, Remedy::CreditRestore, ClauseRole::BillingError);
        return decide(
            Verdict::Review, Remedy::MoneyRefund, ClauseRole::BillingError,
            std::min(c.request.amountCents.value_or(purchase.amountCents), purchase.amountCents));
    case RequestType::NotDelivered:
        if (purchase.delivered)
            return decide(Verdict::Review, Remedy::None, ClauseRole::DeliveredClaim);
        return decide(p.notDeliveredVerdict, Remedy::CreditRestore, ClauseRole::NotDelivered, 0,
                      purchase.credits);
    case RequestType::Outage: {
        switch (p.outageRule) {
        case PolicyProfile::OutageRule::Deny:
            return decide(Verdict::Deny, Remedy::None, ClauseRole::OutageNotQualifying);
        case PolicyProfile::OutageRule::ReviewCreditRestore:
            return decide(Verdict::Review, Remedy::CreditRestore, ClauseRole::Outage);
        case PolicyProfile::OutageRule::ReviewUnusedShare:
            if (!qualifyingOutage(c.outages, purchase.at, c.request.at,
                                  p.outageMinimumHours * hour))
                return decide(Verdict::Deny, Remedy::None, ClauseRole::OutageNotQualifying);
            // Exact integer arithmetic, rounded down: never a fraction of a cent, and the
            // product (up to 10^30) taken in 128 bits so it cannot wrap.
            return decide(Verdict::Review, Remedy::MoneyRefund, ClauseRole::Outage,
                          purchase.credits > 0
                              ? Checked::mulDiv(purchase.amountCents,
                                                purchase.credits - purchase.creditsUsed,
                                                purchase.credits)
                              : 0);
        }
        break;
    }
    default:
        break;
    }
    return decide(Verdict::Review, Remedy::None, ClauseRole::PurchasesFinal);
}

// Rule 11: a remedy per purchase and request type, and never more back than was paid or
// delivered. A figure above 0 that the cap takes to 0 is no remedy at all.
Decision capped(const Decision &d, const CasePurchase &purchase)
{
    const Decision already = decide(Verdict::Deny, Remedy::None, ClauseRole::AlreadyCompensated);
    auto cap = [&](qint64 figure, qint64 total, qint64 given) -> std::optional<qint64> {
        const qint64 left = std::max<qint64>(0, Checked::sub(total, given));
        if (figure <= left)
            return figure;
        if (left == 0)
            return std::nullopt;
        return left;
    };
    Decision out = d;
    if (d.remedy == Remedy::MoneyRefund) {
        const auto cents =
            cap(d.refundCents, Checked::mul(purchase.amountCents, purchase.chargeCount),
                purchase.refundedCents);
        if (!cents)
            return already;
        out.refundCents = *cents;
    } else if (d.remedy == Remedy::CreditRestore) {
        const auto credits = cap(d.credits, Checked::mul(purchase.credits, purchase.chargeCount),
                                 purchase.restoredCredits);
        if (!credits)
            return already;
        out.credits = *credits;
    }
    return out;
}

Decision purchaseRequest(const PolicyCase &c, const PolicyProfile &p)
{
    const CasePurchase &purchase = *c.purchase();
    const qint64 age = c.request.at - purchase.at;
    if (p.purchaseRequestWindowDays && age > *p.purchaseRequestWindowDays * day)
        return decide(Verdict::Deny, Remedy::None, ClauseRole::PurchaseWindow);
    if (purchase.isGranted(c.request.type))
        return decide(Verdict::Deny, Remedy::None, ClauseRole::AlreadyCompensated);
    return capped(purchaseRule(c, p), purchase);
}

// Steps 4 and 7 to 10: what the request itself earns.
Decision requestRules(const PolicyCase &c, const PolicyProfile &p)
{
    switch (c.request.type) {
    case RequestType::Legal:
        if (const CasePurchase *purchase = c.purchase())
            return decide(Verdict::Review, Remedy::MoneyRefund, ClauseRole::Legal,
                          purchase->amountCents);
        return decide(Verdict::Review, Remedy::None, ClauseRole::Legal);
    case RequestType::FailedJob:
        return failedJob(c);
    case RequestType::Dissatisfaction:
        return decide(Verdict::Deny, Remedy::None, ClauseRole::Dissatisfaction);
    case RequestType::Subscription:
        return decide(Verdict::Deny, Remedy::None, ClauseRole::Subscription);
    case RequestType::Chargeback:
        return decide(Verdict::Review, Remedy::None, ClauseRole::Chargeback);
    default:
        return purchaseRequest(c, p);
    }
}

// A person decides; the remedy shown is what approving would grant.
Decision toReview(const Decision &d, ClauseRole clause)
{
    if (d.verdict == Verdict::Deny)
        return decide(Verdict::Review, Remedy::None, clause);
    return {Verdict::Review, d.remedy, d.refundCents, d.credits, clause};
}
} // namespace

PolicyOutcome PolicyEngine::evaluate(const PolicyCase &c, const PolicyProfile &p)
{
    Decision d;
    quint8 actions = NoAction;
    const CasePurchase *purchase = c.purchase();
    const RequestType type = c.request.type;

    if (c.account.status == AccountStatus::Terminated) {
        d = p.terminatedAccount == Verdict::Deny
                ? decide(Verdict::Deny, Remedy::None, ClauseRole::Terminated)
                : toReview(requestRules(c, p), ClauseRole::Terminated);
    } else if (c.account.status == AccountStatus::Suspended) {
        d = toReview(requestRules(c, p), ClauseRole::Suspended);
    } else if (type == RequestType::Legal) {
        d = requestRules(c, p);
    } else if (type == RequestType::Chargeback) {
        d = decide(Verdict::Review, Remedy::None, ClauseRole::Chargeback);
        actions = p.chargebackActions;
        if (p.suspendOnlyWithoutSupportContact && c.account.contactedSupportFirst)
            actions &= quint8(~SuspendAccount);
    } else if (purchase && purchase->disputed) {
        // Paying while the bank reverses the same charge would pay twice.
        d = toReview(requestRules(c, p), ClauseRole::Disputed);
    } else {
        d = requestRules(c, p);
    }

    PolicyOutcome o;
    o.verdict = d.verdict;
    o.remedy = d.remedy;
    o.refundCents = d.remedy == Remedy::MoneyRefund ? d.refundCents : 0;
    o.credits = d.credits;
    o.actions = actions;
    const PolicyClause &clause = p.clause(d.clause);
    o.clauses = QStringList{clause.id};
    o.explanation = clause.explanation;
    if (p.respondWithinBusinessDays && type != RequestType::Chargeback)
        o.respondBy = p.calendar.addBusinessDays(p.calendar.localDate(c.request.at),
                                                 *p.respondWithinBusinessDays);
    o.profile = p.id;
    o.profileVersion = p.version;
    return o;
}

QDate PolicyEngine::refundDueDate(const PolicyProfile &profile, qint64 approvedAtUtc)
{
    if (!profile.refundDueBusinessDays)
        return {};
    return profile.calendar.addBusinessDays(profile.calendar.localDate(approvedAtUtc),
                                            *profile.refundDueBusinessDays);
}

bool PolicyEngine::isPurchaseRequest(RequestType type)
{
    switch (type) {
    case RequestType::UnusedCredits:
    case RequestType::AccidentalPurchase:
    case RequestType::DuplicateCharge:
    case RequestType::BillingError:
    case RequestType::NotDelivered:
    case RequestType::Outage:
        return true;
    default:
        return false;
    }
}
