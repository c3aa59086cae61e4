#pragma once
// A first draft of the answer to the customer, built from the outcome and the quoted clause.

#include "policyoutcome.h"
#include "policyprofile.h"

#include <QString>

namespace ReplyDraft {
// `customer` is the name to greet; `currency` the purchase's (empty when none).
QString compose(const PolicyOutcome &outcome, const PolicyProfile &profile, const QString &customer,
                const QString &currency);
// The clause of `profile` with this id, or nullptr.
const PolicyClause *findClause(const PolicyProfile &profile, const QString &id);
} // namespace ReplyDraft
