#pragma once
// Disputes the bank reports against a purchase, and how they ended.

#include <QSqlDatabase>
#include <QString>
#include <QVariant>
#include <optional>

struct ChargebackRecord
{
    qint64 id = 0;
    qint64 purchaseId = 0;
    qint64 accountId = 0;
    qint64 requestId = 0;
    qint64 openedAt = 0;
    qint64 amountCents = 0;
    QString currency;
    QString reason;
    QString status = QStringLiteral("open"); // open, won, lost
    qint64 resolvedAt = 0;
    bool contactedSupportFirst = false;
    qint64 dueBy = 0;   // the card network's answer date, UTC seconds; 0 when not known
    QString disputeRef; // the processor's dispute id (dp_...), when it came by webhook
};

class ChargebackRepository
{
public:
    explicit ChargebackRepository(const QSqlDatabase &db) : m_db(db) {}

    qint64 create(const ChargebackRecord &chargeback);
    std::optional<ChargebackRecord> find(qint64 id) const;
    std::optional<ChargebackRecord> findForRequest(qint64 requestId) const;
    std::optional<ChargebackRecord> findByDisputeRef(const QString &ref) const;
    // The newest chargeback of a purchase.
    std::optional<ChargebackRecord> findForPurchase(qint64 purchaseId) const;
    // Names the processor's dispute a chargeback stands for (once: the index is unique).
    void setDisputeRef(qint64 id, const QString &ref);
    // Closes an open chargeback; false when it was not open.
    bool resolve(qint64 id, bool won, qint64 at);
    // Money the bank took back from us for a purchase (lost chargebacks).
    qint64 lostForPurchase(qint64 purchaseId) const;

private:
    std::optional<ChargebackRecord> findWhere(const QString &column, const QVariant &value) const;
    QSqlDatabase m_db;
};
