#include "decisionrepository.h"

#include "sqlstatement.h"

qint64 DecisionRepository::create(const DecisionRecord &d)
{
    SqlStatement st(m_db, QStringLiteral("INSERT INTO decisions (request_id, verdict, remedy,"
                                         " refund_cents, credits, currency, reviewer, decided_at,"
                                         " profile, profile_version, rec_verdict, is_override,"
                                         " note, second_approver)"
                                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                         " RETURNING id"));
    st.bindAll({d.requestId, d.verdict, d.remedy, d.refundCents, d.credits,
                SqlStatement::textOrNull(d.currency), d.reviewer, d.decidedAt, d.profile,
                d.profileVersion, SqlStatement::textOrNull(d.recommendedVerdict), d.isOverride,
                d.note, SqlStatement::textOrNull(d.secondApprover)})
        .exec();
    st.next();
    return st.value(0).toLongLong();
}

std::optional<DecisionRecord> DecisionRepository::findForRequest(qint64 requestId) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT id, request_id, verdict, remedy, refund_cents,"
                                         " credits, currency, reviewer, decided_at, profile,"
                                         " profile_version, rec_verdict, is_override, note,"
                                         " second_approver FROM decisions WHERE request_id = ?"));
    st.bind(requestId).exec();
    if (!st.next())
        return std::nullopt;
    DecisionRecord d;
    d.id = st.value(0).toLongLong();
    d.requestId = st.value(1).toLongLong();
    d.verdict = st.value(2).toString();
    d.remedy = st.value(3).toString();
    d.refundCents = st.value(4).toLongLong();
    d.credits = st.value(5).toLongLong();
    d.currency = st.value(6).toString();
    d.reviewer = st.value(7).toString();
    d.decidedAt = st.value(8).toLongLong();
    d.profile = st.value(9).toString();
    d.profileVersion = st.value(10).toInt();
    d.recommendedVerdict = st.value(11).toString();
    d.isOverride = st.value(12).toBool();
    d.note = st.value(13).toString();
    d.secondApprover = st.value(14).toString();
    return d;
}
