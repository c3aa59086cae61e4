#include "tokenrepository.h"

#include "sqlstatement.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace {
QByteArray hashOf(const QByteArray &secret)
{
    return QCryptographicHash::hash(secret, QCryptographicHash::Sha256).toHex();
}

// Every byte compared whatever the first difference: the time says nothing of the secret.
bool sameBytes(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}
} // namespace

const QStringList &TokenRepository::knownScopes()
{
    static const QStringList scopes{QStringLiteral("events:write"), QStringLiteral("outbox:read")};
    return scopes;
}

QString TokenRepository::add(const QString &name, const QStringList &scopes, qint64 now)
{
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(random.data()),
                                         reinterpret_cast<quint32 *>(random.data() + 32));
    const QByteArray secret =
        "rdt_" + random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    SqlStatement st(m_db, QStringLiteral("INSERT INTO api_tokens (name, token_hash, scopes,"
                                         " created_at) VALUES (?, ?, ?, ?)"));
    st.bindAll({name, QString::fromLatin1(hashOf(secret)), scopes.join(QLatin1Char(',')), now})
        .exec();
    return QString::fromLatin1(secret);
}

QList<ApiToken> TokenRepository::list() const
{
    SqlStatement st(m_db, QStringLiteral("SELECT name, scopes, created_at, revoked_at FROM"
                                         " api_tokens ORDER BY name"));
    st.exec();
    QList<ApiToken> tokens;
    while (st.next())
        tokens << ApiToken{st.value(0).toString(),
                           st.value(1).toString().split(QLatin1Char(','), Qt::SkipEmptyParts),
                           st.value(2).toLongLong(), st.value(3).toLongLong()};
    return tokens;
}

bool TokenRepository::revoke(const QString &name, qint64 now)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE api_tokens SET revoked_at = ? WHERE name = ?"
                                         " AND revoked_at IS NULL"));
    st.bindAll({now, name}).exec();
    return st.numRowsAffected() == 1;
}

std::optional<ApiToken> TokenRepository::authenticate(const QByteArray &secret) const
{
    if (secret.isEmpty() || secret.size() > 200)
        return std::nullopt;
    const QByteArray hash = hashOf(secret);
    SqlStatement st(m_db,
                    QStringLiteral("SELECT name, scopes, created_at, token_hash FROM"
                                   " api_tokens WHERE token_hash = ? AND revoked_at IS NULL"));
    st.bind(QString::fromLatin1(hash)).exec();
    if (!st.next() || !sameBytes(st.value(3).toString().toLatin1(), hash))
        return std::nullopt;
    return ApiToken{st.value(0).toString(),
                    st.value(1).toString().split(QLatin1Char(','), Qt::SkipEmptyParts),
                    st.value(2).toLongLong(), 0};
}
