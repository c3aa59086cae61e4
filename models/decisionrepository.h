#pragma once
// Records the one decision a request gets, and reads it back.

#include <QSqlDatabase>
#include <QString>
#include <optional>

struct DecisionRecord
{
    qint64 id = 0;
    qint64 requestId = 0;
    QString verdict; // approve, deny
    QString remedy;  // money_refund, credit_restore, none
    qint64 refundCents = 0;
    qint64 credits = 0;
    QString currency;
    QString reviewer;
    qint64 decidedAt = 0;
    QString profile;
    int profileVersion = 0;
    QString recommendedVerdict; // what the engine said: approve, deny, review
    bool isOverride = false;
    QString note;
    QString secondApprover; // four-eyes: the lead who approved it second (empty: none needed)
};

class DecisionRepository
{
public:
    explicit DecisionRepository(const QSqlDatabase &db) : m_db(db) {}

    // The database refuses a second decision for a request (UNIQUE request_id).
    qint64 create(const DecisionRecord &decision);
    std::optional<DecisionRecord> findForRequest(qint64 requestId) const;

private:
    QSqlDatabase m_db;
};
