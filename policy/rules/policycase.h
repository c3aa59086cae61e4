#pragma once
// The facts the engine decides on: plain values, times as UTC seconds since the epoch.

#include "policytypes.h"

#include <QList>
#include <QString>
#include <optional>

// The bounds of every figure a case may hold (POLICIES.md, "The case format"). Within them no
// figure the engine computes can overflow: 1000 charges of 10^15 is 10^18 < 2^63.
namespace PolicyBounds {
constexpr qint64 maxFigure = 1'000'000'000'000'000; // money in minor units, credits
constexpr qint64 maxChargeCount = 1000;
// Empty when min <= value <= max, else what is wrong, in words for the field's error line.
QString check(qint64 value, qint64 min, qint64 max);
} // namespace PolicyBounds

struct CaseAccount
{
    AccountStatus status = AccountStatus::Active;
    bool contactedSupportFirst = true;
};

struct CasePurchase
{
    QString id;
    qint64 at = 0;
    bool subscription = false; // kind: credits or subscription
    qint64 credits = 0;
    qint64 creditsUsed = 0;
    qint64 amountCents = 0;
    QString currency = QStringLiteral("USD");
    qint64 feeCents = 0;
    bool delivered = true;
    int chargeCount = 1;
    bool disputed = false;
    // Rule 11, prior compensation: what was already granted on this purchase.
    quint16 granted = 0;        // one bit per RequestType already granted
    qint64 refundedCents = 0;   // money already returned: refunds and lost chargebacks
    qint64 restoredCredits = 0; // credits already restored for it

    bool isGranted(RequestType t) const { return granted & (1u << unsigned(t)); }
    void grant(RequestType t) { granted = quint16(granted | (1u << unsigned(t))); }
};
static_assert(unsigned(RequestType::Chargeback) < 16, "CasePurchase::granted holds 16 types");

struct CaseJob
{
    QString id;
    qint64 at = 0;
    qint64 credits = 0;
    JobStatus status = JobStatus::Succeeded;
    FailureCause failure = FailureCause::None;
    bool compensated = false;
};

struct CaseOutage
{
    qint64 from = 0;
    qint64 to = 0;
};

struct CaseRequest
{
    RequestType type = RequestType::FailedJob;
    qint64 at = 0;
    int purchase = -1;                 // index into PolicyCase::purchases, -1 when none is named
    int job = -1;                      // index into PolicyCase::jobs
    std::optional<qint64> amountCents; // what the customer claims (billing errors)
};

struct PolicyCase
{
    CaseAccount account;
    QList<CasePurchase> purchases;
    QList<CaseJob> jobs;
    QList<CaseOutage> outages;
    CaseRequest request;

    const CasePurchase *purchase() const
    {
        return request.purchase >= 0 ? &purchases.at(request.purchase) : nullptr;
    }
    const CaseJob *job() const { return request.job >= 0 ? &jobs.at(request.job) : nullptr; }

    // The first figure outside PolicyBounds (or an inconsistent pair: fees above the amount,
    // more credits used than bought), as "field: what is wrong"; empty when all are in bounds.
    QString boundsError() const;

    // What the request type must refer to (POLICIES.md, "refers to") and the case lacks:
    // "job_id", "purchase_id", or empty when nothing is missing. The engine needs it.
    QString missingReference() const
    {
        switch (request.type) {
        case RequestType::FailedJob:
            return request.job < 0 ? QStringLiteral("job_id") : QString();
        case RequestType::Dissatisfaction:
        case RequestType::Legal:
            return {};
        default:
            return request.purchase < 0 ? QStringLiteral("purchase_id") : QString();
        }
    }
};
