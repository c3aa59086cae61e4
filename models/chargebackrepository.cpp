#include "chargebackrepository.h"

#include "sqlstatement.h"

qint64 ChargebackRepository::create(const ChargebackRecord &c)
{
    SqlStatement st(m_db,
                    QStringLiteral("INSERT INTO chargebacks (purchase_id, account_id,"
                                   " request_id, opened_at, amount_cents, currency, reason,"
                                   " status, contacted_support_first, due_by)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id"));
    st.bindAll({c.purchaseId, c.accountId, SqlStatement::idOrNull(c.requestId), c.openedAt,
                c.amountCents, c.currency, c.reason, c.contactedSupportFirst,
                c.dueBy ? QVariant(c.dueBy) : QVariant()})
        .exec();
    st.next();
    return st.value(0).toLongLong();
}

std::optional<ChargebackRecord> ChargebackRepository::findWhere(const QString &column,
                                                                const QVariant &value) const
{
    SqlStatement st(m_db,
                    QStringLiteral("SELECT id, purchase_id, account_id, request_id,"
                                   " opened_at, amount_cents, currency, reason, status,"
                                   " resolved_at, contacted_support_first, due_by, dispute_ref"
                                   " FROM chargebacks"
                                   " WHERE %1 = ? ORDER BY id DESC")
                        .arg(column));
    st.bind(value).exec();
    if (!st.next())
        return std::nullopt;
    ChargebackRecord c;
    c.id = st.value(0).toLongLong();
    c.purchaseId = st.value(1).toLongLong();
    c.accountId = st.value(2).toLongLong();
    c.requestId = st.value(3).toLongLong();
    c.openedAt = st.value(4).toLongLong();
    c.amountCents = st.value(5).toLongLong();
    c.currency = st.value(6).toString();
    c.reason = st.value(7).toString();
    c.status = st.value(8).toString();
    c.resolvedAt = st.value(9).toLongLong();
    c.contactedSupportFirst = st.value(10).toBool();
    c.dueBy = st.value(11).toLongLong();
    c.disputeRef = st.value(12).toString();
    return c;
}

std::optional<ChargebackRecord> ChargebackRepository::find(qint64 id) const
{
    return findWhere(QStringLiteral("id"), id);
}

std::optional<ChargebackRecord> ChargebackRepository::findForRequest(qint64 requestId) const
{
    return findWhere(QStringLiteral("request_id"), requestId);
}

std::optional<ChargebackRecord> ChargebackRepository::findByDisputeRef(const QString &ref) const
{
    return findWhere(QStringLiteral("dispute_ref"), ref);
}

std::optional<ChargebackRecord> ChargebackRepository::findForPurchase(qint64 purchaseId) const
{
    return findWhere(QStringLiteral("purchase_id"), purchaseId);
}

void ChargebackRepository::setDisputeRef(qint64 id, const QString &ref)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE chargebacks SET dispute_ref = ? WHERE id = ?"));
    st.bindAll({ref, id}).exec();
}

bool ChargebackRepository::resolve(qint64 id, bool won, qint64 at)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE chargebacks SET status = ?, resolved_at = ?"
                                         " WHERE id = ? AND status = 'open'"));
    st.bindAll({won ? QStringLiteral("won") : QStringLiteral("lost"), at, id}).exec();
    return st.numRowsAffected() == 1;
}

qint64 ChargebackRepository::lostForPurchase(qint64 purchaseId) const
{
    return SqlStatement::scalar(m_db,
                                QStringLiteral("SELECT COALESCE(SUM(amount_cents), 0) FROM"
                                               " chargebacks WHERE purchase_id = ? AND"
                                               " status = 'lost'"),
                                {purchaseId})
        .toLongLong();
}
