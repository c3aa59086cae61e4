#include "payoutrepository.h"

#include "sqldialect.h"
#include "sqlstatement.h"

qint64 PayoutRepository::create(const PayoutRecord &p)
{
    SqlStatement st(m_db, QStringLiteral("INSERT INTO payouts (request_id, purchase_id, account_id,"
                                         " amount_cents, currency, status, gateway_ref, created_at,"
                                         " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                         " RETURNING id"));
    st.bindAll({SqlStatement::idOrNull(p.requestId), p.purchaseId, p.accountId, p.amountCents,
                p.currency, p.status, SqlStatement::textOrNull(p.gatewayRef), p.createdAt,
                p.updatedAt ? p.updatedAt : p.createdAt})
        .exec();
    st.next();
    return st.value(0).toLongLong();
}

namespace {
const QString payoutColumns =
    QStringLiteral("SELECT id, request_id, purchase_id, account_id, amount_cents, currency,"
                   " status, gateway_ref, created_at, updated_at FROM payouts");

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
    return p;
}
} // namespace

std::optional<PayoutRecord> PayoutRepository::lock(qint64 id) const
{
    SqlStatement st(m_db, payoutColumns + QStringLiteral(" WHERE id = ?") +
                              SqlDialect::of(m_db).forUpdate());
    st.bind(id).exec();
    if (!st.next())
        return std::nullopt;
    return readPayout(st);
}

void PayoutRepository::setStatus(qint64 id, const QString &status, const QString &gatewayRef,
                                 qint64 at)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE payouts SET status = ?,"
                                         " gateway_ref = COALESCE(?, gateway_ref),"
                                         " updated_at = ? WHERE id = ?"));
    st.bindAll({status, SqlStatement::textOrNull(gatewayRef), at, id}).exec();
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
