#pragma once
// The one policy engine: a pure function from a case and a profile to an outcome.

#include "policycase.h"
#include "policyoutcome.h"
#include "policyprofile.h"

class PolicyEngine
{
public:
    // Evaluates a validated case (see PolicyCaseJson) in the order POLICIES.md gives.
    static PolicyOutcome evaluate(const PolicyCase &c, const PolicyProfile &profile);
    // The day by which an approved money refund must reach the payment method, if the
    // profile states one.
    static QDate refundDueDate(const PolicyProfile &profile, qint64 approvedAtUtc);
    // The purchase requests of step 10, to which rule 11 (one remedy per purchase and type)
    // applies.
    static bool isPurchaseRequest(RequestType type);
};
