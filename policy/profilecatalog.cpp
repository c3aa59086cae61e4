#include "profilecatalog.h"

#include "models/databaseerror.h"
#include "models/profilerepository.h"

#include <QCoreApplication>

const PolicyProfile &ProfileCatalog::find(const QSqlDatabase &db, const QString &id)
{
    for (const PolicyProfile &p : PolicyProfile::builtIn())
        if (p.id == id)
            return p;
    // A lead may have saved a newer version meanwhile: one index lookup says whether the one
    // kept here is still the newest.
    const ProfileRepository repository(db);
    const auto cached = m_stored.constFind(id);
    if (cached != m_stored.cend() && cached->version == repository.latestVersion(id))
        return *cached;
    const std::optional<StoredProfile> stored = repository.latest(id);
    if (!stored)
        throw DatabaseError(QCoreApplication::translate("ProfileCatalog",
                                                        "policy profile '%1' is neither built in "
                                                        "nor stored in the database")
                                .arg(id));
    QString error;
    std::optional<PolicyProfile> profile = PolicyProfile::fromJson(stored->body, &error);
    if (!profile)
        throw DatabaseError(QCoreApplication::translate("ProfileCatalog",
                                                        "stored policy profile '%1' version %2: %3")
                                .arg(id)
                                .arg(stored->version)
                                .arg(error));
    profile->version = stored->version;
    return *m_stored.insert(id, *profile);
}
