#pragma once
// The refusals of an event that both ways of applying it (EventIntake's one by one, and
// BulkEventApplier's in bulk) give, word for word. Each throws EventProblem.

#include "models/externalidrepository.h"
#include "platformevents.h"

namespace IntakeProblems {
[[noreturn]] void raise(const QString &field, const QString &message);
// data.<field> names an id the desk has never been sent.
[[noreturn]] void unknownReference(ExternalIdRepository::Kind kind, const QString &externalId,
                                   const char *field, const char *sendFirst);
[[noreturn]] void unknownProfile(const QString &profile);
[[noreturn]] void emailTaken(const QString &email, const QString &ownerAccount);
[[noreturn]] void paymentRefTaken(const QString &paymentRef, const QString &ownerPurchase);
[[noreturn]] void notEnoughCredits(const QString &account, qint64 balance, qint64 credits);
} // namespace IntakeProblems
