#pragma once
// Publishes what the platform must mirror (INTEGRATION.md, section 2) in the caller's write
// transaction: whatever commits is published, whatever rolls back never was.

#include <QSqlDatabase>
#include <QString>

struct PayoutRecord;

class OutboxPublisher
{
public:
    explicit OutboxPublisher(const QSqlDatabase &conn) : m_db(conn) {}

    // `reason`: job_credit_back, not_delivered, duplicate_charge, billing_error, outage,
    // goodwill. A 0 id is left out.
    void creditsRestored(qint64 at, qint64 account, qint64 credits, const QString &reason,
                         qint64 job, qint64 purchase, qint64 request);
    // `reason`: refunded, clawback, forfeiture.
    void creditsRevoked(qint64 at, qint64 account, qint64 credits, const QString &reason,
                        qint64 purchase, qint64 request);
    void accountSuspended(qint64 at, qint64 account, const QString &reason);
    void accountReinstated(qint64 at, qint64 account, const QString &reason);
    void requestDecided(qint64 at, qint64 request, qint64 account, const QString &verdict,
                        const QString &remedy, qint64 refundCents, const QString &currency,
                        qint64 credits, const QString &reply);
    void refundUpdated(qint64 at, const PayoutRecord &payout);
    // The same with the platform's ids of its purchase and request already known.
    void refundUpdated(qint64 at, const PayoutRecord &payout, const QString &purchaseRef,
                       const QString &requestRef);

    // The reason of a credit restoration for a request of this type.
    static QString restoreReason(const QString &requestType);

private:
    QSqlDatabase m_db;
};
