#include "reversalrepository.h"

#include "sqlstatement.h"

qint64 ReversalRepository::create(const ReversalRecord &v)
{
    SqlStatement st(m_db,
                    QStringLiteral("INSERT INTO reversals (decision_id, request_id, actor, at,"
                                   " reason, reopened_as) VALUES (?, ?, ?, ?, ?, ?)"
                                   " RETURNING id"));
    st.bindAll({v.decisionId, v.requestId, v.actor, v.at, v.reason,
                SqlStatement::idOrNull(v.reopenedAs)})
        .exec();
    st.next();
    return st.value(0).toLongLong();
}

std::optional<ReversalRecord> ReversalRepository::findForRequest(qint64 requestId) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT id, decision_id, request_id, actor, at, reason,"
                                         " reopened_as FROM reversals WHERE request_id = ?"));
    st.bind(requestId).exec();
    if (!st.next())
        return std::nullopt;
    ReversalRecord v;
    v.id = st.value(0).toLongLong();
    v.decisionId = st.value(1).toLongLong();
    v.requestId = st.value(2).toLongLong();
    v.actor = st.value(3).toString();
    v.at = st.value(4).toLongLong();
    v.reason = st.value(5).toString();
    v.reopenedAs = st.value(6).toLongLong();
    return v;
}
