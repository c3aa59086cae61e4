#pragma once
// Corrections by reversal (schema v11): a lead reverses one decision with a reason, once; its
// credits move back and the request is reopened as a new one. Rows are only added.

#include <QSqlDatabase>
#include <QString>
#include <optional>

struct ReversalRecord
{
    qint64 id = 0;
    qint64 decisionId = 0;
    qint64 requestId = 0;
    QString actor;
    qint64 at = 0;
    QString reason;
    qint64 reopenedAs = 0; // the new request the customer's case continues in
};

class ReversalRepository
{
public:
    explicit ReversalRepository(const QSqlDatabase &db) : m_db(db) {}

    // Throws DatabaseError (a second reversal of one decision: UNIQUE decision_id; on a team's
    // database, a session that is no lead).
    qint64 create(const ReversalRecord &reversal);
    std::optional<ReversalRecord> findForRequest(qint64 requestId) const;

private:
    QSqlDatabase m_db;
};
