#pragma once
// Money on its way back to a customer's payment method (INTEGRATION.md section 4).

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
    qint64 sentAt = 0;     // when it first left for the processor; 0 before
    QString failureReason; // the processor's (or a person's) reason, when failed or unknown
    qint64 retryOf = 0;    // the failed payout a person retried with this one

    bool isSettled() const
    {
        return status == QLatin1String("succeeded") || status == QLatin1String("failed");
    }
};

// A payout with what its moves publish and send: the purchase's payment reference and the
// platform's ids of its purchase and request (our numbers as text when they came from
// elsewhere), read with the payout in one statement.
struct PayoutContext
{
    PayoutRecord payout;
    QString paymentRef;
    QString purchaseRef;
    QString requestRef; // empty without a request
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
    // The same, with its context.
    std::optional<PayoutContext> lockWithContext(qint64 id) const;
    // Moves a payout from `from` to `status` only if it is still in `from`; sets the
    // reference, the reason and (once) the time it was sent. False when it had moved meanwhile.
    bool move(qint64 id, const QString &from, const QString &status, qint64 at,
              const QString &gatewayRef = {}, const QString &failureReason = {});
    // The payouts waiting to be sent, oldest first.
    QList<qint64> pendingIds(int limit) const;
    // Payouts whose outcome is not known: `unknown` ones, and `sent` ones sent before
    // `sentBefore` and not yet answered (a worker stopped between sending and recording).
    QList<PayoutRecord> unresolved(qint64 sentBefore, int limit) const;
    // The payout with this processor reference.
    std::optional<PayoutRecord> findByGatewayRef(const QString &gatewayRef) const;
    std::optional<PayoutRecord> find(qint64 id) const;
    // The retry of a failed payout, when a person made one.
    std::optional<PayoutRecord> retryOf(qint64 failedId) const;
    // A request's payouts, the first first (a retry follows the payout it retried).
    QList<PayoutRecord> forRequest(qint64 requestId) const;

    // Money returned or on its way back for a purchase (failed payouts returned nothing).
    qint64 refundedForPurchase(qint64 purchaseId) const;

private:
    QSqlDatabase m_db;
};
