#pragma once
// Money on its way back to a customer's payment method, for a later gateway connector.

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <optional>

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
    // The payout, locked until the transaction ends (PostgreSQL; SQLite's write transaction
    // holds everything already); nothing when there is none with this id.
    std::optional<PayoutRecord> lock(qint64 id) const;
    // Moves the payout to `status` (and records the processor's reference when given). The
    // database's guard refuses any move that is not forward.
    void setStatus(qint64 id, const QString &status, const QString &gatewayRef, qint64 at);
    // Money returned or on its way back for a purchase (failed payouts returned nothing).
    qint64 refundedForPurchase(qint64 purchaseId) const;

private:
    QSqlDatabase m_db;
};
