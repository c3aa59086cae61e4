#pragma once
// API tokens of `refundctl serve`: shown once when made, stored only as SHA-256 hashes.

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <optional>

struct ApiToken
{
    QString name;
    QStringList scopes; // events:write, outbox:read
    qint64 createdAt = 0;
    qint64 revokedAt = 0; // 0: in force
};

class TokenRepository
{
public:
    explicit TokenRepository(const QSqlDatabase &db) : m_db(db) {}

    static const QStringList &knownScopes();
    // Makes a token and returns its secret, the only time it is seen. Throws DatabaseError
    // (a name in use).
    QString add(const QString &name, const QStringList &scopes, qint64 now);
    QList<ApiToken> list() const;
    // False when there is no such token in force.
    bool revoke(const QString &name, qint64 now);
    // The token in force whose secret this is; compared by hash, in constant time.
    std::optional<ApiToken> authenticate(const QByteArray &secret) const;

private:
    QSqlDatabase m_db;
};
