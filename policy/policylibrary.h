#pragma once
// A company's own policy profiles as the desk and refundctl keep them: the JSON of a built-in
// profile or of a stored version, saving a draft as the next version (checked first, never
// over a built-in id, not again when nothing changed), and what changed between two versions.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

class Database;

struct ProfileChange
{
    QString path;   // e.g. respond_within_business_days, clauses.outage.quote
    QString before; // as JSON; empty with !hadBefore
    QString after;
    bool hadBefore = true;
    bool hasAfter = true;
};

class PolicyLibrary
{
public:
    explicit PolicyLibrary(Database &database) : m_db(database) {}

    // The JSON of a built-in profile (version 1) or of a stored version (0: the newest).
    // Sets `error` and returns nothing when there is no such profile or version.
    std::optional<QByteArray> json(const QString &name, int version, QString *error) const;
    // Built-in ids first, then the company profiles stored.
    QStringList names() const;

    struct Saved
    {
        QString id;
        int version = 0;
        bool unchanged = false; // the same as the newest version: nothing saved
    };
    // Saves a draft as its profile's next version, under `by` (on a team's database, the
    // signed-in login). Throws DatabaseError naming the first wrong field, a built-in id, or
    // what the database refused (on a team's database only a lead saves).
    Saved save(const QByteArray &json, const QString &by);

    // What changed from `a` to `b`, field by field (clauses by role), the version left out.
    static QList<ProfileChange> diff(const QByteArray &a, const QByteArray &b);

private:
    Database &m_db;
};
