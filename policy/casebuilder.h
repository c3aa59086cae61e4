#pragma once
// Gathers the facts of one refund request from the database into a case for the engine.

#include "models/accountrepository.h"
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
};

class CaseBuilder
{
public:
    explicit CaseBuilder(const QSqlDatabase &db) : m_db(db) {}

    // Reads the request (locking it when `lock`, see RequestRepository::find) and what it
    // refers to. Throws DatabaseError when the request is unknown or its data is inconsistent.
    BuiltCase build(qint64 requestId, bool lock = false) const;

private:
    QSqlDatabase m_db;
};
