#pragma once
// Reads and writes generation jobs.

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <optional>

struct JobRecord
{
    qint64 id = 0;
    qint64 accountId = 0;
    qint64 createdAt = 0;
    QString model;
    qint64 credits = 0;
    QString status = QStringLiteral("succeeded"); // queued, running, succeeded, failed
    QString failure;                              // platform, user, unknown; empty unless failed
    QString errorDetail;
};

class JobRepository
{
public:
    explicit JobRepository(const QSqlDatabase &db) : m_db(db) {}

    qint64 create(const JobRecord &job);
    // The jobs a condition selects (values bound in order), for reading in bulk.
    QList<JobRecord> where(const QString &condition, const QVariantList &values) const;
    std::optional<JobRecord> find(qint64 id) const;
    // The account's latest jobs, newest first.
    QList<JobRecord> recentForAccount(qint64 accountId, int limit) const;
    // Marks a queued, running or succeeded job as failed; false when it had already failed.
    bool setFailed(qint64 id, const QString &failure, const QString &errorDetail);

private:
    QSqlDatabase m_db;
};
