#pragma once
// Company-defined policy profiles stored in the database, versioned.

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <optional>

struct StoredProfile
{
    QString profile;
    int version = 0;
    QByteArray body; // the profile as JSON
    QString company;
    qint64 createdAt = 0;
    QString createdBy;
};

class ProfileRepository
{
public:
    explicit ProfileRepository(const QSqlDatabase &db) : m_db(db) {}

    std::optional<StoredProfile> latest(const QString &profile) const;
    std::optional<StoredProfile> version(const QString &profile, int version) const;
    // The newest version's number, 0 when the profile is not stored (one index lookup).
    int latestVersion(const QString &profile) const;
    // Every version, oldest first (bodies left out).
    QList<StoredProfile> versions(const QString &profile) const;
    // Stores `body` as the next version of the profile and returns that version.
    int store(const QString &profile, const QString &company, const QByteArray &body, qint64 at,
              const QString &by);

private:
    QSqlDatabase m_db;
};
