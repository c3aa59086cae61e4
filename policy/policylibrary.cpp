#include "policylibrary.h"

#include "models/database.h"
#include "models/databaseerror.h"
#include "models/profilerepository.h"
#include "models/sqlstatement.h"
#include "models/teamroles.h"
#include "models/writetransaction.h"
#include "rules/policyprofile.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("PolicyLibrary", text);
}

// A profile's JSON flattened to path -> value, for a diff people read.
void flatten(const QJsonValue &v, const QString &path, QMap<QString, QString> &out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            flatten(it.value(), path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key(),
                    out);
    } else if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            flatten(a.at(i), path + QStringLiteral("[%1]").arg(i), out);
        if (a.isEmpty())
            out.insert(path, QStringLiteral("[]"));
    } else {
        // A scalar as JSON spells it: "text" quoted, numbers, true, null.
        out.insert(path,
                   QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                       .mid(1)
                       .chopped(1));
    }
}
} // namespace

std::optional<QByteArray> PolicyLibrary::json(const QString &name, int version,
                                              QString *error) const
{
    if (PolicyProfile::findBuiltIn(name)) {
        if (version > 1) {
            *error = tr("built-in profile '%1' has only version 1").arg(name);
            return std::nullopt;
        }
        QFile file(QStringLiteral(":/profiles/%1.json").arg(name));
        if (file.open(QIODevice::ReadOnly))
            return file.readAll();
    }
    const ProfileRepository repository(m_db.connection());
    const auto stored = version > 0 ? repository.version(name, version) : repository.latest(name);
    if (!stored) {
        *error = version > 0 ? tr("profile '%1' has no version %2").arg(name).arg(version)
                             : tr("no profile '%1', built in or stored").arg(name);
        return std::nullopt;
    }
    return stored->body;
}

QStringList PolicyLibrary::names() const
{
    QStringList names;
    for (const PolicyProfile &p : PolicyProfile::builtIn())
        names << p.id;
    SqlStatement st(
        m_db.connection(),
        QStringLiteral("SELECT DISTINCT profile FROM policy_profiles ORDER BY profile"));
    st.exec();
    while (st.next())
        names << st.value(0).toString();
    return names;
}

PolicyLibrary::Saved PolicyLibrary::save(const QByteArray &json, const QString &by)
{
    QString error;
    const std::optional<PolicyProfile> profile = PolicyProfile::fromJson(json, &error);
    if (!profile)
        throw DatabaseError(error);
    if (PolicyProfile::findBuiltIn(profile->id))
        throw DatabaseError(tr("id: '%1' is a built-in profile; a company's own profile takes an "
                               "id of its own")
                                .arg(profile->id));
    return WriteTransaction::run(m_db, [&](const QSqlDatabase &conn) {
        QString author = by;
        if (m_db.dialect().isPostgres()) {
            const TeamRoles::Session session = TeamRoles(conn).session();
            if (!session.role.isEmpty())
                author = session.user;
        }
        ProfileRepository repository(conn);
        Saved saved;
        saved.id = profile->id;
        // The same profile again (an export imported back) is not a new version.
        if (const auto newest = repository.latest(profile->id)) {
            QJsonObject before = QJsonDocument::fromJson(newest->body).object();
            QJsonObject now = QJsonDocument::fromJson(json).object();
            before.remove(QStringLiteral("version"));
            now.remove(QStringLiteral("version"));
            if (before == now) {
                saved.version = newest->version;
                saved.unchanged = true;
                return saved;
            }
        }
        saved.version = repository.store(profile->id, profile->company, json,
                                         QDateTime::currentSecsSinceEpoch(), author);
        return saved;
    });
}

QList<ProfileChange> PolicyLibrary::diff(const QByteArray &a, const QByteArray &b)
{
    QMap<QString, QString> left, right;
    flatten(QJsonDocument::fromJson(a).object(), {}, left);
    flatten(QJsonDocument::fromJson(b).object(), {}, right);
    left.remove(QStringLiteral("version"));
    right.remove(QStringLiteral("version"));
    QStringList keys = left.keys() + right.keys();
    keys.removeDuplicates();
    std::sort(keys.begin(), keys.end());
    QList<ProfileChange> changes;
    for (const QString &k : std::as_const(keys)) {
        const auto l = left.constFind(k), r = right.constFind(k);
        if (l != left.cend() && r != right.cend() && *l == *r)
            continue;
        ProfileChange c;
        c.path = k;
        c.hadBefore = l != left.cend();
        c.hasAfter = r != right.cend();
        c.before = c.hadBefore ? *l : QString();
        c.after = c.hasAfter ? *r : QString();
        changes << c;
    }
    return changes;
}
