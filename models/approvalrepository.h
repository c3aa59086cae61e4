#pragma once
// The steps of a four-eyes decision (schema v10): a first approval ("proposed": the verdict and
// amount someone decided), then one answer to it, a second lead's approval or a sending back.
// Rows are only added.

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <optional>

struct ApprovalRecord
{
    qint64 id = 0;
    qint64 requestId = 0;
    QString step;          // proposed, approved, sent_back
    qint64 proposalId = 0; // an answer: the first approval it answers
    QString actor;
    qint64 at = 0;
    QString verdict;        // proposed: approve or deny
    qint64 refundCents = 0; // proposed: the money it pays (0: none)
    QString currency;
    bool isOverride = false;
    QString note;
};

class ApprovalRepository
{
public:
    explicit ApprovalRepository(const QSqlDatabase &db) : m_db(db) {}

    // Throws DatabaseError (a second answer to one proposal: UNIQUE proposal_id; on a team's
    // database, a step the session's role may not take).
    qint64 create(const ApprovalRecord &approval);
    // The request's newest first approval that has no answer yet.
    std::optional<ApprovalRecord> openProposal(qint64 requestId) const;
    // The first approvals still waiting for their answer, oldest first.
    QList<ApprovalRecord> waiting() const;
    // Every step of the request, oldest first.
    QList<ApprovalRecord> forRequest(qint64 requestId) const;

private:
    QSqlDatabase m_db;
};
