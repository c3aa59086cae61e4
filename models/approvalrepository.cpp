#include "approvalrepository.h"

#include "sqlstatement.h"

namespace {
const QString columns = QStringLiteral("id, request_id, step, proposal_id, actor, at, verdict,"
                                       " refund_cents, currency, is_override, note");

ApprovalRecord read(const SqlStatement &st)
{
    ApprovalRecord a;
    a.id = st.value(0).toLongLong();
    a.requestId = st.value(1).toLongLong();
    a.step = st.value(2).toString();
    a.proposalId = st.value(3).toLongLong();
    a.actor = st.value(4).toString();
    a.at = st.value(5).toLongLong();
    a.verdict = st.value(6).toString();
    a.refundCents = st.value(7).toLongLong();
    a.currency = st.value(8).toString();
    a.isOverride = st.value(9).toBool();
    a.note = st.value(10).toString();
    return a;
}
} // namespace

qint64 ApprovalRepository::create(const ApprovalRecord &a)
{
    SqlStatement st(m_db, QStringLiteral("INSERT INTO approvals (request_id, step, proposal_id,"
                                         " actor, at, verdict, refund_cents, currency,"
                                         " is_override, note)"
                                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    st.bindAll({a.requestId, a.step, SqlStatement::idOrNull(a.proposalId), a.actor, a.at,
                SqlStatement::textOrNull(a.verdict), a.refundCents,
                SqlStatement::textOrNull(a.currency), a.isOverride, a.note})
        .exec();
    st.next();
    return st.value(0).toLongLong();
}

std::optional<ApprovalRecord> ApprovalRepository::openProposal(qint64 requestId) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM approvals p WHERE request_id = ?"
                                         " AND step = 'proposed' AND NOT EXISTS (SELECT 1"
                                         " FROM approvals a WHERE a.proposal_id = p.id)"
                                         " ORDER BY id DESC LIMIT 1")
                              .arg(columns));
    st.bind(requestId).exec();
    if (!st.next())
        return std::nullopt;
    return read(st);
}

QList<ApprovalRecord> ApprovalRepository::waiting() const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM approvals p WHERE step = 'proposed'"
                                         " AND NOT EXISTS (SELECT 1 FROM approvals a"
                                         "  WHERE a.proposal_id = p.id)"
                                         " AND EXISTS (SELECT 1 FROM refund_requests r"
                                         "  WHERE r.id = p.request_id"
                                         "  AND r.status = 'awaiting_approval')"
                                         " ORDER BY at, id")
                              .arg(columns));
    st.exec();
    QList<ApprovalRecord> out;
    while (st.next())
        out << read(st);
    return out;
}

QList<ApprovalRecord> ApprovalRepository::forRequest(qint64 requestId) const
{
    SqlStatement st(
        m_db,
        QStringLiteral("SELECT %1 FROM approvals WHERE request_id = ? ORDER BY id").arg(columns));
    st.bind(requestId).exec();
    QList<ApprovalRecord> out;
    while (st.next())
        out << read(st);
    return out;
}
