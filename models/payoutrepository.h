#pragma once
// Money on its way back to a customer's payment method, for a later gateway connector.

#include <QList>
#include <QSqlDatabase>
#include <QString>

struct PayoutRecord
{
    qint64 id = 0;
    qint64 requestId = 0;
    qint64 purchaseId = 0;
    qint64 accountId = 0;
    qint64 amountCents = 0;
    QString currency;
    QString status = QStringLiteral("pending"); // pending, sent, succeeded, failed, unknown
    QString gatewayRef;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

class PayoutRepository
{
public:
    explicit PayoutRepository(const QSqlDatabase &db) : m_db(db) {}

    qint64 create(const PayoutRecord &payout);
    // Oldest first; an empty status lists all.
    QList<PayoutRecord> list(const QString &status = {}) const;
    // Money returned or on its way back for a purchase (failed payouts returned nothing).
    qint64 refundedForPurchase(qint64 purchaseId) const;

private:
    QSqlDatabase m_db;
};
