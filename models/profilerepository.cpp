#include "profilerepository.h"

#include "sqlstatement.h"

namespace {
StoredProfile read(const SqlStatement &st, const QString &profile)
{
    StoredProfile p;
    p.profile = profile;
    p.version = st.value(0).toInt();
    p.body = st.value(1).toString().toUtf8();
    p.company = st.value(2).toString();
    p.createdAt = st.value(3).toLongLong();
    p.createdBy = st.value(4).toString();
    return p;
}
} // namespace

std::optional<StoredProfile> ProfileRepository::latest(const QString &profile) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT version, body, company, created_at, created_by"
                                         " FROM policy_profiles WHERE profile = ?"
                                         " ORDER BY version DESC LIMIT 1"));
    st.bind(profile).exec();
    if (!st.next())
        return std::nullopt;
    return read(st, profile);
}

std::optional<StoredProfile> ProfileRepository::version(const QString &profile, int version) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT version, body, company, created_at, created_by"
                                         " FROM policy_profiles WHERE profile = ?"
                                         " AND version = ?"));
    st.bindAll({profile, version}).exec();
    if (!st.next())
        return std::nullopt;
    return read(st, profile);
}

int ProfileRepository::latestVersion(const QString &profile) const
{
    return SqlStatement::scalar(m_db,
                                QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM"
                                               " policy_profiles WHERE profile = ?"),
                                {profile})
        .toInt();
}

QList<StoredProfile> ProfileRepository::versions(const QString &profile) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT version, '', company, created_at, created_by"
                                         " FROM policy_profiles WHERE profile = ?"
                                         " ORDER BY version"));
    st.bind(profile).exec();
    QList<StoredProfile> out;
    while (st.next())
        out << read(st, profile);
    return out;
}

int ProfileRepository::store(const QString &profile, const QString &company, const QByteArray &body,
                             qint64 at, const QString &by)
{
    const int version =
        SqlStatement::scalar(m_db,
                             QStringLiteral("SELECT COALESCE(MAX(version), 0) + 1"
                                            " FROM policy_profiles WHERE profile = ?"),
                             {profile})
            .toInt();
    SqlStatement st(m_db,
                    QStringLiteral("INSERT INTO policy_profiles (profile, version, company,"
                                   " body, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)"));
    st.bindAll({profile, version, company, QString::fromUtf8(body), at, by}).exec();
    return version;
}
