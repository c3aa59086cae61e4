#include "teamroles.h"

#include "databaseerror.h"
#include "sqlstatement.h"

#include <QCoreApplication>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("TeamRoles", text);
}

// Tables only the schema's owner writes (or no one, through the program).
const QStringList ownerOnly{QStringLiteral("schema_version"), QStringLiteral("audit_head")};
// Append-only tables: rows are added, never changed (their triggers say so too).
const QStringList appendOnly{QStringLiteral("audit_log"),        QStringLiteral("decisions"),
                             QStringLiteral("ledger_entries"),   QStringLiteral("outbox"),
                             QStringLiteral("external_ids"),     QStringLiteral("ingested_events"),
                             QStringLiteral("processor_events"), QStringLiteral("approvals"),
                             QStringLiteral("reversals"),        QStringLiteral("policy_profiles")};
// Tables a lead writes beyond a reviewer; an admin beyond a lead.
const QStringList leadTables{QStringLiteral("policy_profiles")};
const QStringList adminTables{QStringLiteral("api_tokens"), QStringLiteral("desk_settings")};
} // namespace

QStringList TeamRoles::roles()
{
    return {QStringLiteral("viewer"), QStringLiteral("reviewer"), QStringLiteral("lead"),
            QStringLiteral("admin")};
}

void TeamRoles::run(const QString &sql)
{
    SqlStatement::run(m_db, sql); // utility statements (roles, grants) cannot be prepared
}

void TeamRoles::setUp()
{
    // Group roles: no login, each a member of the one below, so a lead can do what a reviewer
    // can. Created once per server; a concurrent creation is not an error.
    QString previous;
    for (const QString &role : roles()) {
        const QString group = groupRole(role);
        run(QStringLiteral("DO $$ BEGIN CREATE ROLE %1 NOLOGIN; EXCEPTION WHEN duplicate_object"
                           " THEN NULL; WHEN unique_violation THEN NULL; END $$")
                .arg(group));
        if (!previous.isEmpty())
            run(QStringLiteral("GRANT %1 TO %2").arg(previous, group));
        previous = group;
    }
    QStringList tables;
    {
        SqlStatement st(m_db, QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname ="
                                             " current_schema() ORDER BY tablename"));
        st.exec();
        while (st.next())
            tables << st.value(0).toString();
    }
    const QString schema =
        SqlStatement::scalar(m_db, QStringLiteral("SELECT current_schema()")).toString();
    const QString viewer = groupRole(QStringLiteral("viewer"));
    const QString reviewer = groupRole(QStringLiteral("reviewer"));
    const QString lead = groupRole(QStringLiteral("lead"));
    const QString admin = groupRole(QStringLiteral("admin"));
    run(QStringLiteral("GRANT USAGE ON SCHEMA %1 TO %2").arg(schema, viewer));
    for (const QString &t : std::as_const(tables)) {
        // Nobody but the owner deletes, truncates, alters or disables a trigger: privileges
        // are granted table by table, and never those.
        run(QStringLiteral("REVOKE ALL ON %1 FROM %2, %3, %4, %5")
                .arg(t, viewer, reviewer, lead, admin));
        run(QStringLiteral("GRANT SELECT ON %1 TO %2").arg(t, viewer));
        // The rollups are written by their triggers, which run as the owner.
        if (ownerOnly.contains(t) || t.startsWith(QLatin1String("rollup_")))
            continue;
        const QString writer = adminTables.contains(t)  ? admin
                               : leadTables.contains(t) ? lead
                                                        : reviewer;
        run(QStringLiteral("GRANT %1 ON %2 TO %3")
                .arg(appendOnly.contains(t) ? QStringLiteral("INSERT")
                                            : QStringLiteral("INSERT, UPDATE"),
                     t, writer));
    }
    run(QStringLiteral("GRANT USAGE ON ALL SEQUENCES IN SCHEMA %1 TO %2").arg(schema, reviewer));
}

void TeamRoles::add(const QString &name, const QString &role, const QString &password)
{
    if (!roles().contains(role))
        throw DatabaseError(
            tr("a role is one of %1, not \"%2\"").arg(roles().join(QStringLiteral(", ")), role));
    if (name.isEmpty() || name.size() > 63)
        throw DatabaseError(tr("a user name has 1 to 63 characters"));
    // format() quotes the name and the password as PostgreSQL reads them.
    const QString create =
        password.isEmpty()
            ? SqlStatement::scalar(
                  m_db, QStringLiteral("SELECT format('CREATE ROLE %I LOGIN', ?::text)"), {name})
                  .toString()
            : SqlStatement::scalar(m_db,
                                   QStringLiteral("SELECT format('CREATE ROLE %I LOGIN PASSWORD"
                                                  " %L', ?::text, ?::text)"),
                                   {name, password})
                  .toString();
    run(create);
    setRole(name, role);
}

void TeamRoles::setRole(const QString &name, const QString &role)
{
    if (!roles().contains(role))
        throw DatabaseError(
            tr("a role is one of %1, not \"%2\"").arg(roles().join(QStringLiteral(", ")), role));
    const QString quoted =
        SqlStatement::scalar(m_db, QStringLiteral("SELECT quote_ident(?::text)"), {name})
            .toString();
    SqlStatement current(m_db, QStringLiteral("SELECT r.rolname FROM pg_auth_members m"
                                              " JOIN pg_roles r ON r.oid = m.roleid"
                                              " JOIN pg_roles u ON u.oid = m.member"
                                              " WHERE u.rolname = ?::text"
                                              " AND r.rolname LIKE 'refunddesk\\_%'"));
    current.bind(name).exec();
    QStringList held;
    while (current.next())
        held << current.value(0).toString();
    for (const QString &r : std::as_const(held))
        run(QStringLiteral("REVOKE %1 FROM %2").arg(r, quoted));
    run(QStringLiteral("GRANT %1 TO %2").arg(groupRole(role), quoted));
}

void TeamRoles::disable(const QString &name)
{
    const QString quoted =
        SqlStatement::scalar(m_db, QStringLiteral("SELECT quote_ident(?::text)"), {name})
            .toString();
    run(QStringLiteral("ALTER ROLE %1 NOLOGIN").arg(quoted));
}

QList<TeamMember> TeamRoles::members() const
{
    SqlStatement st(m_db, QStringLiteral("SELECT u.rolname, refunddesk_role_of(u.rolname),"
                                         " u.rolcanlogin FROM pg_roles u"
                                         " WHERE refunddesk_role_of(u.rolname) IS NOT NULL"
                                         " AND u.rolname NOT LIKE 'refunddesk\\_%'"
                                         " ORDER BY u.rolname"));
    st.exec();
    QList<TeamMember> list;
    while (st.next())
        list << TeamMember{st.value(0).toString(),
                           st.value(1).toString().mid(QStringLiteral("refunddesk_").size()),
                           st.value(2).toBool()};
    return list;
}

TeamRoles::Session TeamRoles::session() const
{
    SqlStatement st(m_db, QStringLiteral("SELECT session_user::text,"
                                         " refunddesk_role_of(session_user::text)"));
    st.exec();
    st.next();
    return {st.value(0).toString(),
            st.value(1).toString().mid(QStringLiteral("refunddesk_").size())};
}
