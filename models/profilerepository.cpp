#include "profilerepository.h"

#include "sqlstatement.h"

std::optional<StoredProfile> ProfileRepository::latest(const QString &profile) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT version, body FROM policy_profiles"
                                         " WHERE profile = ? ORDER BY version DESC LIMIT 1"));
    st.bind(profile).exec();
    if (!st.next())
        return std::nullopt;
    return StoredProfile{profile, st.value(0).toInt(), st.value(1).toString().toUtf8()};
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
