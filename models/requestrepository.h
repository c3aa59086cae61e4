#pragma once
// Reads and writes refund requests, including the recommendation stored at triage.

#include <QDate>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <optional>

// The engine's recommendation as stored on the request, so the queue need not recompute it.
class SqlDialect;

struct StoredRecommendation
{
    QString verdict; // approve, deny, review; empty when not yet triaged
    QString remedy;  // money_refund, credit_restore, none
    qint64 refundCents = 0;
    qint64 credits = 0;
    QStringList actions;
    QStringList clauses;
    QString respondBy; // YYYY-MM-DD, empty when the profile states no answer time
    QString explanation;
    QString profile;
    int profileVersion = 0;

    bool isSet() const { return !verdict.isEmpty(); }
};

struct RequestRecord
{
    qint64 id = 0;
    qint64 accountId = 0;
    QString type;
    QString status = QStringLiteral("new"); // new, pending, escalated, approved, denied
    qint64 purchaseId = 0;
    qint64 jobId = 0;
    std::optional<qint64> claimedAmountCents;
    QString message;
    qint64 receivedAt = 0;
    qint64 updatedAt = 0;
    QString assignedTo;
    qint64 reopens = 0; // the request whose reversed decision this one reopens
    qint64 triagedAt = 0;
    qint64 decidedAt = 0;
    StoredRecommendation recommendation;

    bool isDecided() const
    {
        return status == QLatin1String("approved") || status == QLatin1String("denied");
    }
};

struct RequestFilter
{
    QString status; // empty: any
    QString type;   // empty: any
    qint64 afterId = 0;
    int limit = 0; // 0: no limit
};

class RequestRepository
{
public:
    explicit RequestRepository(const QSqlDatabase &db) : m_db(db) {}

    qint64 create(const RequestRecord &request);
    // With `lock`, the row stays locked until the transaction ends (PostgreSQL), so two
    // reviewers deciding one request are serialised on it.
    // The requests a condition selects (values bound in order), for reading in bulk.
    QList<RequestRecord> where(const QString &condition, const QVariantList &values) const;
    std::optional<RequestRecord> find(qint64 id, bool lock = false) const;
    QList<RequestRecord> list(const RequestFilter &filter) const;
    // Open requests triage should evaluate: new ones, and open ones without a recommendation.
    QList<qint64> awaitingTriage(qint64 afterId, int limit) const;

    // Stores the recommendation; moves the request from `fromStatus` to `toStatus` when it is
    // still in `fromStatus`. Returns false when it was not (someone else got there first).
    bool storeRecommendation(qint64 id, const StoredRecommendation &rec, qint64 at,
                             const QString &fromStatus, const QString &toStatus);
    // Moves the request from one of `fromStatuses` to `toStatus`; a decided status also sets
    // decided_at and answered_on, the day of `at` in the profile's time zone (the UTC day when
    // none is given). An empty `assignedTo` clears the assignment. False when the status
    // differed.
    bool transition(qint64 id, const QStringList &fromStatuses, const QString &toStatus, qint64 at,
                    const QString &assignedTo, const QDate &answeredOn = {});
    bool assign(qint64 id, const QString &reviewer, qint64 at);

    // SQL for the day request `alias` was answered, in its profile's time zone (answered_on);
    // for requests decided before schema version 15, the UTC day of decided_at.
    static QString answeredOnSql(const SqlDialect &d, const QString &alias);

private:
    QSqlDatabase m_db;
};
