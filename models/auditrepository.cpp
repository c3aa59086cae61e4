#include "auditrepository.h"

#include "sqldialect.h"
#include "sqlstatement.h"

qint64 AuditRepository::append(const AuditRecord &a)
{
    const QString insert = QStringLiteral("INSERT INTO audit_log (at, actor, action, account_id,"
                                          " request_id, profile, profile_version, recommendation,"
                                          " note, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                          " RETURNING id");
    // Other reviewers' windows listen for this; PostgreSQL delivers it at commit, and not at
    // all when the transaction rolls back (sent with the row: one round trip). SQLite readers
    // notice the commit by themselves.
    const bool notify = SqlDialect::of(m_db).isPostgres();
    SqlStatement st(m_db, notify ? QStringLiteral("WITH a AS (%1) SELECT id, pg_notify(?, ?)"
                                                  " FROM a")
                                       .arg(insert)
                                 : insert);
    st.bindAll({a.at, a.actor, a.action, SqlStatement::idOrNull(a.accountId),
                SqlStatement::idOrNull(a.requestId), SqlStatement::textOrNull(a.profile),
                SqlStatement::idOrNull(a.profileVersion),
                SqlStatement::textOrNull(a.recommendation), a.note, a.details});
    if (notify)
        st.bind(changeChannel()).bind(QString::number(a.requestId));
    st.exec();
    st.next();
    return st.value(0).toLongLong();
}

QString AuditRepository::changeChannel()
{
    return QStringLiteral("refunddesk_changes");
}

QList<AuditRecord> AuditRepository::forRequest(qint64 requestId) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT id, at, actor, action, account_id, request_id,"
                                         " profile, profile_version, recommendation, note, details,"
                                         " actor_role FROM audit_log WHERE request_id = ?"
                                         " ORDER BY id"));
    st.bind(requestId).exec();
    QList<AuditRecord> result;
    while (st.next()) {
        AuditRecord a;
        a.id = st.value(0).toLongLong();
        a.at = st.value(1).toLongLong();
        a.actor = st.value(2).toString();
        a.action = st.value(3).toString();
        a.accountId = st.value(4).toLongLong();
        a.requestId = st.value(5).toLongLong();
        a.profile = st.value(6).toString();
        a.profileVersion = st.value(7).toInt();
        a.recommendation = st.value(8).toString();
        a.note = st.value(9).toString();
        a.details = st.value(10).toString();
        a.actorRole = st.value(11).toString();
        result << a;
    }
    return result;
}
