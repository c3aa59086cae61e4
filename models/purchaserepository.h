#pragma once
// Reads and writes credit purchases.

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <optional>

struct PurchaseRecord
{
    qint64 id = 0;
    qint64 accountId = 0;
    qint64 createdAt = 0;
    QString kind = QStringLiteral("credits"); // credits, subscription
    QString package;
    qint64 credits = 0;
    qint64 amountCents = 0;
    QString currency = QStringLiteral("USD");
    qint64 feeCents = 0;
    QString paymentRef;
    int chargeCount = 1;
    bool delivered = true;
    bool disputed = false;
};

class PurchaseRepository
{
public:
    explicit PurchaseRepository(const QSqlDatabase &db) : m_db(db) {}

    qint64 create(const PurchaseRecord &purchase);
    // The purchases a condition selects (values bound in order), for reading in bulk.
    QList<PurchaseRecord> where(const QString &condition, const QVariantList &values) const;
    std::optional<PurchaseRecord> find(qint64 id) const;
    // Reads the purchase and locks it for the rest of the write transaction: the purchase is
    // the unit of locking for every compensation of it (PostgreSQL: FOR UPDATE; SQLite's
    // write transaction already excludes every other writer).
    std::optional<PurchaseRecord> lock(qint64 id) const;
    QList<PurchaseRecord> forAccount(qint64 accountId) const;
    void setDisputed(qint64 id, bool disputed);
    // Marks an undelivered purchase delivered; false when it already was.
    bool setDelivered(qint64 id);
    std::optional<PurchaseRecord> findByPaymentRef(const QString &paymentRef) const;

private:
    QSqlDatabase m_db;
};
