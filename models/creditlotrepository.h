#pragma once
// Credit lots: what is left of each grant of credits, spent oldest first.

#include "databaseerror.h"

#include <QHash>
#include <QSqlDatabase>
#include <QVariantList>
#include <optional>
#include <utility>

class CreditLotRepository
{
public:
    explicit CreditLotRepository(const QSqlDatabase &db) : m_db(db) {}

    // A new lot; `purchaseId` 0 for credits that came from no purchase (credit-backs).
    qint64 add(qint64 accountId, qint64 purchaseId, qint64 at, qint64 credits);
    // Takes `credits` from the account's lots, oldest first. Throws DatabaseError when the
    // lots hold fewer credits than that.
    void consumeOldestFirst(qint64 accountId, qint64 credits);
    // The refusal when an account's lots hold `missing` credits fewer than the `wanted` ones.
    static DatabaseError shortOfCredits(qint64 accountId, qint64 missing, qint64 wanted);
    // Takes up to `maxCredits` from the purchase's own lot; returns what it took.
    qint64 takeFromPurchase(qint64 purchaseId, qint64 maxCredits);
    // Credits of the purchase's lot that are gone (spent or taken back); nullopt when the
    // purchase has no lot (its credits were never delivered).
    std::optional<qint64> usedOfPurchase(qint64 purchaseId) const;
    // Credits still left in the purchase's own lot; 0 when it has none.
    qint64 leftOfPurchase(qint64 purchaseId) const;
    // Credits used and left of the lots of every purchase `purchaseIds` selects (an SQL
    // subquery, values bound in order).
    QHash<qint64, std::pair<qint64, qint64>> ofPurchases(const QString &purchaseIds,
                                                         const QVariantList &values) const;

private:
    QSqlDatabase m_db;
};
