#pragma once
// Gathers the facts of one refund request from the database into a case for the engine.

#include "models/accountrepository.h"
#include "models/compensationrepository.h"
#include "models/jobrepository.h"
#include "models/outagerepository.h"
#include "models/purchaserepository.h"
#include "models/requestrepository.h"
#include "rules/policycase.h"

#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <optional>
#include <utility>

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

// The facts of many requests read in bulk, a few statements in all (the policy preview):
// what build() reads one query at a time for one request.
struct CaseFacts
{
    QList<RequestRecord> requests; // in received order
    QHash<qint64, AccountRecord> accounts;
    QHash<qint64, PurchaseRecord> purchases;
    QHash<qint64, std::pair<qint64, qint64>> lots;    // purchase -> credits used, left
    QHash<qint64, PurchaseCompensation> compensation; // every request's grants included
    QHash<qint64, JobRecord> jobs;
    QSet<qint64> creditedBack; // jobs
    QList<OutageRecord> outages;

    // The requests `condition` selects (on refund_requests, values bound in order) and
    // everything their cases refer to. Throws DatabaseError.
    static CaseFacts load(const QSqlDatabase &db, const QString &condition,
                          const QVariantList &values);
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
    // A request's case from facts read in bulk: the same case build() gives.
    BuiltCase build(const RequestRecord &request, const CaseFacts &facts) const;

private:
    BuiltCase buildFrom(const RequestRecord &request, const CaseFacts *facts = nullptr) const;
    QSqlDatabase m_db;
};
