#pragma once
// What already went back to the customer for one purchase: the facts of rule 11 (POLICIES.md).

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <QVariantList>

struct PriorGrant
{
    qint64 requestId = 0;
    QString type;           // the request type that was granted
    QString remedy;         // money_refund or credit_restore
    qint64 refundCents = 0; // money returned for it (payouts that did not fail)
    qint64 credits = 0;     // credits restored (credit_restore) or taken back (money_refund)
};

struct PurchaseCompensation
{
    QList<PriorGrant> grants;       // approved decisions with a remedy, oldest first
    qint64 refundedCents = 0;       // our payouts that did not fail
    qint64 lostChargebackCents = 0; // what the bank took back for the customer
    qint64 restoredCredits = 0;     // credits restored for the purchase (adjustments)

    // Money already returned, rule 11's refunded_cents.
    qint64 returnedCents() const { return refundedCents + lostChargebackCents; }
    QStringList grantedTypes() const;
};

class CompensationRepository
{
public:
    explicit CompensationRepository(const QSqlDatabase &db) : m_db(db) {}

    // Read under the purchase's lock (PurchaseRepository::lock) when it decides anything.
    // What `exceptRequest` itself received is left out: a request is judged on what others got.
    PurchaseCompensation forPurchase(qint64 purchaseId, qint64 exceptRequest = 0) const;
    // The same for every purchase `purchaseIds` selects (an SQL subquery, values bound in
    // order), every request's grants included: leave out the one judged with withoutRequest().
    QHash<qint64, PurchaseCompensation> forPurchases(const QString &purchaseIds,
                                                     const QVariantList &values) const;
    static PurchaseCompensation withoutRequest(PurchaseCompensation c, qint64 requestId);

private:
    QSqlDatabase m_db;
};
