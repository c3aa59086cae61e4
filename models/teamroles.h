#pragma once
// The desk's people on PostgreSQL (a team's shared database): four group roles and what each
// may do, and the login roles of the people in them. Roles belong to the server, so setting
// them up needs a login allowed to create roles (the owner, or a DBA); SQLite is one person's
// file and has none of this.

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

struct TeamMember
{
    QString name;
    QString role; // viewer, reviewer, lead or admin
    bool canLogin = true;
};

class TeamRoles
{
public:
    explicit TeamRoles(const QSqlDatabase &db) : m_db(db) {}

    // viewer, reviewer, lead, admin: the short names; the group roles are refunddesk_<name>.
    static QStringList roles();
    static QString groupRole(const QString &role) { return QStringLiteral("refunddesk_") + role; }

    // Creates the group roles that are missing and grants each what it may do on this
    // database's tables (again after an upgrade: safe to run twice). Throws DatabaseError.
    void setUp();
    // A person: a login role in exactly one group role. Throws DatabaseError (a taken name,
    // no right to create roles).
    void add(const QString &name, const QString &role, const QString &password);
    void setRole(const QString &name, const QString &role);
    // The person can no longer sign in (their history stays theirs).
    void disable(const QString &name);
    QList<TeamMember> members() const;
    // This session's login and its desk role (empty when it is no desk person), in one query.
    struct Session
    {
        QString user;
        QString role;
    };
    Session session() const;
    QString sessionRole() const { return session().role; }

private:
    void run(const QString &sql);
    QSqlDatabase m_db;
};
