#pragma once
// Gathers the facts of one refund request from the database into a case for the engine.

#include "models/accountrepository.h"
#include "models/compensationrepository.h"
#include "models/jobrepository.h"
#include "models/purchaserepository.h"
#include "models/requestrepository.h"
#include "rules/policycase.h"

#include <QSqlDatabase>
#include <optional>

struct BuiltCase
{
    PolicyCase policyCase;
    RequestRecord request;
    AccountRecord account;
    std::optional<PurchaseRecord> purchase;
    std::optional<JobRecord> job;
    qint64 purchaseCreditsUsed = 0;
    qint64 purchaseCreditsLeft = 0;    // what is left of the purchase's own lot
    PurchaseCompensation compensation; // what others already got for the purchase (rule 11)
};

class CaseBuilder
{
public:
    explicit CaseBuilder(const QSqlDatabase &db) : m_db(db) {}

    // Reads the request and what it refers to, with the facts of rule 11 about its purchase.
    // With `lock` (inside a write transaction), the purchase is locked first and then the
    // request, so everything read after is what no one else can change until the commit: the
    // purchase is the unit of locking, taken in the same order everywhere. Throws DatabaseError
    // when the request is unknown or its data is inconsistent or out of bounds.
    BuiltCase build(qint64 requestId, bool lock = false) const;
    // The case of a request not stored yet (a ticket typed into the desk), to preview what
    // the policy would recommend. Throws DatabaseError as build() does.
    BuiltCase buildDraft(const RequestRecord &draft) const;

private:
    BuiltCase buildFrom(const RequestRecord &request) const;
    QSqlDatabase m_db;
};
