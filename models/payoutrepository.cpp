#include "payoutrepository.h"

#include "sqldialect.h"
#include "sqlstatement.h"

qint64 PayoutRepository::create(const PayoutRecord &p)
{
    SqlStatement st(m_db, QStringLiteral("INSERT INTO payouts (request_id, purchase_id, account_id,"
                                         " amount_cents, currency, status, gateway_ref, created_at,"
                                         " updated_at, retry_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                         " ?)"
                                         " RETURNING id"));
    st.bindAll({SqlStatement::idOrNull(p.requestId), p.purchaseId, p.accountId, p.amountCents,
                p.currency, p.status, SqlStatement::textOrNull(p.gatewayRef), p.createdAt,
                p.updatedAt ? p.updatedAt : p.createdAt, SqlStatement::idOrNull(p.retryOf)})
        .exec();
    st.next();
    return st.value(0).toLongLong();
}

namespace {
const QString payoutColumns =
    QStringLiteral("SELECT id, request_id, purchase_id, account_id, amount_cents, currency,"
                   " status, gateway_ref, created_at, updated_at, sent_at, failure_reason,"
                   " retry_of FROM payouts");

PayoutRecord readPayout(const SqlStatement &st)
{
    PayoutRecord p;
    p.id = st.value(0).toLongLong();
    p.requestId = st.value(1).toLongLong();
    p.purchaseId = st.value(2).toLongLong();
    p.accountId = st.value(3).toLongLong();
    p.amountCents = st.value(4).toLongLong();
    p.currency = st.value(5).toString();
    p.status = st.value(6).toString();
    p.gatewayRef = st.value(7).toString();
    p.createdAt = st.value(8).toLongLong();
    p.updatedAt = st.value(9).toLongLong();
    p.sentAt = st.value(10).toLongLong();
    p.failureReason = st.value(11).toString();
    p.retryOf = st.value(12).toLongLong();
    return p;
}

std::optional<PayoutRecord> one(const QSqlDatabase &db, const QString &where, const QVariant &value,
                                const QString &suffix = {})
{
    SqlStatement st(db, payoutColumns + QStringLiteral(" WHERE ") + where + suffix);
    st.bind(value).exec();
    if (!st.next())
        return std::nullopt;
    return readPayout(st);
}

QList<qint64> ids(SqlStatement &st)
{
    st.exec();
    QList<qint64> result;
    while (st.next())
        result << st.value(0).toLongLong();
    return result;
}
} // namespace

std::optional<PayoutRecord> PayoutRepository::lock(qint64 id) const
{
    return one(m_db, QStringLiteral("id = ?"), id, SqlDialect::of(m_db).forUpdate());
}

std::optional<PayoutContext> PayoutRepository::lockWithContext(qint64 id) const
{
    const bool postgres = SqlDialect::of(m_db).isPostgres();
    SqlStatement st(
        m_db,
        QStringLiteral("SELECT o.id, o.request_id, o.purchase_id, o.account_id, o.amount_cents,"
                       " o.currency, o.status, o.gateway_ref, o.created_at, o.updated_at,"
                       " o.sent_at, o.failure_reason, o.retry_of, p.payment_ref, xp.external_id,"
                       " xr.external_id FROM payouts o JOIN purchases p ON p.id = o.purchase_id"
                       " LEFT JOIN external_ids xp ON xp.kind = 'purchase'"
                       " AND xp.internal_id = o.purchase_id"
                       " LEFT JOIN external_ids xr ON xr.kind = 'request'"
                       " AND xr.internal_id = o.request_id WHERE o.id = ?%1")
            .arg(postgres ? QStringLiteral(" FOR UPDATE OF o") : QString()));
    st.bind(id).exec();
    if (!st.next())
        return std::nullopt;
    PayoutContext c;
    c.payout = readPayout(st);
    c.paymentRef = st.value(13).toString();
    c.purchaseRef =
        st.value(14).isNull() ? QString::number(c.payout.purchaseId) : st.value(14).toString();
    if (c.payout.requestId)
        c.requestRef =
            st.value(15).isNull() ? QString::number(c.payout.requestId) : st.value(15).toString();
    return c;
}

std::optional<PayoutRecord> PayoutRepository::find(qint64 id) const
{
    return one(m_db, QStringLiteral("id = ?"), id);
}

std::optional<PayoutRecord> PayoutRepository::findByGatewayRef(const QString &gatewayRef) const
{
    return one(m_db, QStringLiteral("gateway_ref = ? ORDER BY id"), gatewayRef);
}

std::optional<PayoutRecord> PayoutRepository::retryOf(qint64 failedId) const
{
    return one(m_db, QStringLiteral("retry_of = ?"), failedId);
}

QList<PayoutRecord> PayoutRepository::forRequest(qint64 requestId) const
{
    SqlStatement st(m_db, payoutColumns + QStringLiteral(" WHERE request_id = ? ORDER BY id"));
    st.bind(requestId).exec();
    QList<PayoutRecord> result;
    while (st.next())
        result << readPayout(st);
    return result;
}

bool PayoutRepository::move(qint64 id, const QString &from, const QString &status, qint64 at,
                            const QString &gatewayRef, const QString &failureReason)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE payouts SET status = ?,"
                                         " gateway_ref = COALESCE(gateway_ref, ?),"
                                         " failure_reason = ?,"
                                         " sent_at = COALESCE(sent_at, ?),"
                                         " updated_at = ? WHERE id = ? AND status = ?"));
    st.bindAll(
          {status, SqlStatement::textOrNull(gatewayRef), failureReason,
           status == QLatin1String("sent") ? QVariant(at) : QVariant(QMetaType::fromType<qint64>()),
           at, id, from})
        .exec();
    return st.numRowsAffected() == 1;
}

QList<qint64> PayoutRepository::pendingIds(int limit) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT id FROM payouts WHERE status = 'pending'"
                                         " ORDER BY created_at, id LIMIT ?"));
    st.bind(limit);
    return ids(st);
}

QList<PayoutRecord> PayoutRepository::unresolved(qint64 sentBefore, int limit) const
{
    SqlStatement st(m_db, payoutColumns + QStringLiteral(" WHERE status = 'unknown'"
                                                         " OR (status = 'sent' AND sent_at <= ?)"
                                                         " ORDER BY id LIMIT ?"));
    st.bindAll({sentBefore, limit}).exec();
    QList<PayoutRecord> result;
    while (st.next())
        result << readPayout(st);
    return result;
}

QList<PayoutRecord> PayoutRepository::list(const QString &status) const
{
    QString sql = payoutColumns;
    if (!status.isEmpty())
        sql += QStringLiteral(" WHERE status = ?");
    sql += QStringLiteral(" ORDER BY created_at, id");
    SqlStatement st(m_db, sql);
    if (!status.isEmpty())
        st.bind(status);
    st.exec();
    QList<PayoutRecord> result;
    while (st.next())
        result << readPayout(st);
    return result;
}

qint64 PayoutRepository::refundedForPurchase(qint64 purchaseId) const
{
    return SqlStatement::scalar(m_db,
                                QStringLiteral("SELECT COALESCE(SUM(amount_cents), 0) FROM payouts"
                                               " WHERE purchase_id = ? AND status <> 'failed'"),
                                {purchaseId})
        .toLongLong();
}
