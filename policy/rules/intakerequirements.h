#pragma once
// What a request must carry before the desk takes it in, by profile (POLICIES.md, "What each
// text also asks of the desk").

#include "policytypes.h"

#include <QStringList>

namespace IntakeRequirements {
struct Draft
{
    RequestType type = RequestType::FailedJob;
    bool hasPurchase = false;
    bool hasJob = false;
    bool hasMessage = false;
    bool hasAmount = false;
};

// The fields still missing, as keys: "purchase", "job", "purchase_or_job", "message",
// "amount". Empty when the draft carries all the profile asks for.
QStringList missing(const QString &profile, const Draft &draft);
} // namespace IntakeRequirements
