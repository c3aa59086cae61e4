#pragma once
// Finds the policy profile an account is on: a built-in one, or a company's own from the database.

#include "rules/policyprofile.h"

#include <QHash>
#include <QSqlDatabase>
#include <QString>

class ProfileCatalog
{
public:
    // Returns the profile: a built-in one, or the newest stored version of a company's (loaded
    // again when a newer one was saved). Throws DatabaseError naming the profile when it is
    // neither built in nor stored, or when the stored one does not parse.
    const PolicyProfile &find(const QSqlDatabase &db, const QString &id);

private:
    QHash<QString, PolicyProfile> m_stored;
};
