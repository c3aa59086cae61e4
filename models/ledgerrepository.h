#pragma once
// Appends to the credit ledger (never changes or removes an entry) and reads balances.

#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <QString>
#include <QVariantList>

struct LedgerEntryRecord
{
    qint64 id = 0;
    qint64 accountId = 0;
    qint64 createdAt = 0;
    QString entryType; // purchase, usage, job_credit_back, refund, clawback, forfeiture, adjustment
    qint64 credits = 0; // signed: what the entry adds to the balance
    qint64 purchaseId = 0;
    qint64 jobId = 0;
    qint64 requestId = 0;
    qint64 reversesEntryId = 0;
    QString createdBy;
    QString note;
};

class LedgerRepository
{
public:
    explicit LedgerRepository(const QSqlDatabase &db) : m_db(db) {}

    // Appends the entry and moves the account's balance with it. Call inside a write
    // transaction; the database refuses a negative balance or a second credit-back of a job.
    qint64 append(const LedgerEntryRecord &entry);
    qint64 sumForAccount(qint64 accountId) const;
    // Has the job already been credited back (automatically or for a request)?
    bool hasCreditBack(qint64 jobId) const;
    // The jobs among those `jobIds` selects (an SQL subquery) that were credited back.
    QSet<qint64> creditedBack(const QString &jobIds, const QVariantList &values) const;
    // The entries a request's decision wrote (not those reversing them), oldest first.
    QList<LedgerEntryRecord> forRequest(qint64 requestId) const;

private:
    QSqlDatabase m_db;
};
