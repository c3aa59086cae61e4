#include "requestrepository.h"

#include <QDateTime>

#include "sqldialect.h"
#include "sqlstatement.h"

namespace {
const QString columns = QStringLiteral(
    "id, account_id, type, status, purchase_id, job_id, claimed_amount_cents, message,"
    " received_at, updated_at, assigned_to, triaged_at, decided_at, rec_verdict, rec_remedy,"
    " rec_refund_cents, rec_credits, rec_actions, rec_clauses, rec_respond_by, rec_explanation,"
    " rec_profile, rec_profile_version, reopens");

QStringList splitList(const QVariant &v)
{
    return v.toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
}

RequestRecord read(const SqlStatement &st)
{
    RequestRecord r;
    r.id = st.value(0).toLongLong();
    r.accountId = st.value(1).toLongLong();
    r.type = st.value(2).toString();
    r.status = st.value(3).toString();
    r.purchaseId = st.value(4).toLongLong();
    r.jobId = st.value(5).toLongLong();
    if (!st.value(6).isNull())
        r.claimedAmountCents = st.value(6).toLongLong();
    r.message = st.value(7).toString();
    r.receivedAt = st.value(8).toLongLong();
    r.updatedAt = st.value(9).toLongLong();
    r.assignedTo = st.value(10).toString();
    r.triagedAt = st.value(11).toLongLong();
    r.decidedAt = st.value(12).toLongLong();
    StoredRecommendation &rec = r.recommendation;
    rec.verdict = st.value(13).toString();
    rec.remedy = st.value(14).toString();
    rec.refundCents = st.value(15).toLongLong();
    rec.credits = st.value(16).toLongLong();
    rec.actions = splitList(st.value(17));
    rec.clauses = splitList(st.value(18));
    rec.respondBy = st.value(19).toString();
    rec.explanation = st.value(20).toString();
    rec.profile = st.value(21).toString();
    rec.profileVersion = st.value(22).toInt();
    r.reopens = st.value(23).toLongLong();
    return r;
}

} // namespace

qint64 RequestRepository::create(const RequestRecord &r)
{
    SqlStatement st(m_db, QStringLiteral("INSERT INTO refund_requests (account_id, type, status,"
                                         " purchase_id, job_id, claimed_amount_cents, message,"
                                         " received_at, updated_at, assigned_to, reopens)"
                                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                         " RETURNING id"));
    st.bindAll({r.accountId, r.type, r.status, SqlStatement::idOrNull(r.purchaseId),
                SqlStatement::idOrNull(r.jobId),
                r.claimedAmountCents ? QVariant(*r.claimedAmountCents) : QVariant(), r.message,
                r.receivedAt, r.updatedAt ? r.updatedAt : r.receivedAt,
                SqlStatement::textOrNull(r.assignedTo), SqlStatement::idOrNull(r.reopens)})
        .exec();
    st.next();
    return st.value(0).toLongLong();
}

QList<RequestRecord> RequestRepository::where(const QString &condition,
                                              const QVariantList &values) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM refund_requests WHERE ").arg(columns) +
                              condition);
    for (const QVariant &v : values)
        st.bind(v);
    st.exec();
    QList<RequestRecord> out;
    while (st.next())
        out << read(st);
    return out;
}

std::optional<RequestRecord> RequestRepository::find(qint64 id, bool lock) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM refund_requests WHERE id = ?%2")
                              .arg(columns, lock ? SqlDialect::of(m_db).forUpdate() : QString()));
    st.bind(id).exec();
    if (!st.next())
        return std::nullopt;
    return read(st);
}

QList<RequestRecord> RequestRepository::list(const RequestFilter &f) const
{
    QString sql = QStringLiteral("SELECT %1 FROM refund_requests WHERE id > ?").arg(columns);
    if (!f.status.isEmpty())
        sql += QStringLiteral(" AND status = ?");
    if (!f.type.isEmpty())
        sql += QStringLiteral(" AND type = ?");
    sql += QStringLiteral(" ORDER BY id");
    if (f.limit > 0)
        sql += QStringLiteral(" LIMIT ?");
    SqlStatement st(m_db, sql);
    st.bind(f.afterId);
    if (!f.status.isEmpty())
        st.bind(f.status);
    if (!f.type.isEmpty())
        st.bind(f.type);
    if (f.limit > 0)
        st.bind(f.limit);
    st.exec();
    QList<RequestRecord> result;
    while (st.next())
        result << read(st);
    return result;
}

QList<qint64> RequestRepository::awaitingTriage(qint64 afterId, int limit) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT id FROM refund_requests WHERE id > ? AND"
                                         " (status = 'new' OR (status IN ('pending', 'escalated')"
                                         " AND rec_verdict IS NULL)) ORDER BY id LIMIT ?"));
    st.bindAll({afterId, limit}).exec();
    QList<qint64> ids;
    while (st.next())
        ids << st.value(0).toLongLong();
    return ids;
}

bool RequestRepository::storeRecommendation(qint64 id, const StoredRecommendation &rec, qint64 at,
                                            const QString &fromStatus, const QString &toStatus)
{
    SqlStatement st(m_db,
                    QStringLiteral("UPDATE refund_requests SET status = ?, triaged_at = ?,"
                                   " updated_at = ?, rec_verdict = ?, rec_remedy = ?,"
                                   " rec_refund_cents = ?, rec_credits = ?, rec_actions = ?,"
                                   " rec_clauses = ?, rec_respond_by = ?, rec_explanation = ?,"
                                   " rec_profile = ?, rec_profile_version = ?"
                                   " WHERE id = ? AND status = ?"));
    st.bindAll({toStatus, at, at, rec.verdict, rec.remedy, rec.refundCents, rec.credits,
                rec.actions.join(QLatin1Char(',')), rec.clauses.join(QLatin1Char(',')),
                SqlStatement::textOrNull(rec.respondBy), rec.explanation, rec.profile,
                rec.profileVersion, id, fromStatus})
        .exec();
    return st.numRowsAffected() == 1;
}

bool RequestRepository::transition(qint64 id, const QStringList &fromStatuses,
                                   const QString &toStatus, qint64 at, const QString &assignedTo,
                                   const QDate &answeredOn)
{
    const bool decided =
        toStatus == QLatin1String("approved") || toStatus == QLatin1String("denied");
    QStringList marks;
    for (qsizetype i = 0; i < fromStatuses.size(); ++i)
        marks << QStringLiteral("?");
    SqlStatement st(m_db, QStringLiteral("UPDATE refund_requests SET status = ?, updated_at = ?,"
                                         " decided_at = ?, answered_on = ?, assigned_to = ?"
                                         " WHERE id = ? AND status IN (%1)")
                              .arg(marks.join(QStringLiteral(", "))));
    const QDate answered =
        answeredOn.isValid() ? answeredOn : QDateTime::fromSecsSinceEpoch(at, Qt::UTC).date();
    st.bindAll({toStatus, at, decided ? QVariant(at) : QVariant(),
                decided ? QVariant(answered.toString(Qt::ISODate)) : QVariant(),
                SqlStatement::textOrNull(assignedTo), id});
    for (const QString &s : fromStatuses)
        st.bind(s);
    st.exec();
    return st.numRowsAffected() == 1;
}

bool RequestRepository::assign(qint64 id, const QString &reviewer, qint64 at)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE refund_requests SET assigned_to = ?,"
                                         " updated_at = ? WHERE id = ?"
                                         " AND status NOT IN ('approved', 'denied')"));
    st.bindAll({SqlStatement::textOrNull(reviewer), at, id}).exec();
    return st.numRowsAffected() == 1;
}

QString RequestRepository::answeredOnSql(const SqlDialect &d, const QString &alias)
{
    return QStringLiteral("COALESCE(%1.answered_on, %2)")
        .arg(alias, d.utcDate(alias + QStringLiteral(".decided_at")));
}
