#include "purchaserepository.h"

#include "sqldialect.h"
#include "sqlstatement.h"

namespace {
const QString columns = QStringLiteral(
    "id, account_id, created_at, kind, package, credits, amount_cents, currency, fee_cents,"
    " payment_ref, charge_count, delivered, disputed");

PurchaseRecord read(const SqlStatement &st)
{
    PurchaseRecord p;
    p.id = st.value(0).toLongLong();
    p.accountId = st.value(1).toLongLong();
    p.createdAt = st.value(2).toLongLong();
    p.kind = st.value(3).toString();
    p.package = st.value(4).toString();
    p.credits = st.value(5).toLongLong();
    p.amountCents = st.value(6).toLongLong();
    p.currency = st.value(7).toString();
    p.feeCents = st.value(8).toLongLong();
    p.paymentRef = st.value(9).toString();
    p.chargeCount = st.value(10).toInt();
    p.delivered = st.value(11).toBool();
    p.disputed = st.value(12).toBool();
    return p;
}
} // namespace

qint64 PurchaseRepository::create(const PurchaseRecord &p)
{
    SqlStatement st(m_db,
                    QStringLiteral("INSERT INTO purchases (account_id, created_at, kind, package,"
                                   " credits, amount_cents, currency, fee_cents, payment_ref,"
                                   " charge_count, delivered, disputed)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    st.bindAll({p.accountId, p.createdAt, p.kind, p.package, p.credits, p.amountCents, p.currency,
                p.feeCents, p.paymentRef, p.chargeCount, p.delivered, p.disputed})
        .exec();
    st.next();
    return st.value(0).toLongLong();
}

QList<PurchaseRecord> PurchaseRepository::where(const QString &condition,
                                                const QVariantList &values) const
{
    SqlStatement st(m_db,
                    QStringLiteral("SELECT %1 FROM purchases WHERE ").arg(columns) + condition);
    for (const QVariant &v : values)
        st.bind(v);
    st.exec();
    QList<PurchaseRecord> out;
    while (st.next())
        out << read(st);
    return out;
}

std::optional<PurchaseRecord> PurchaseRepository::find(qint64 id) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM purchases WHERE id = ?").arg(columns));
    st.bind(id).exec();
    if (!st.next())
        return std::nullopt;
    return read(st);
}

std::optional<PurchaseRecord> PurchaseRepository::lock(qint64 id) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM purchases WHERE id = ?%2")
                              .arg(columns, SqlDialect::of(m_db).forUpdate()));
    st.bind(id).exec();
    if (!st.next())
        return std::nullopt;
    return read(st);
}

QList<PurchaseRecord> PurchaseRepository::forAccount(qint64 accountId) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM purchases WHERE account_id = ?"
                                         " ORDER BY created_at, id")
                              .arg(columns));
    st.bind(accountId).exec();
    QList<PurchaseRecord> result;
    while (st.next())
        result << read(st);
    return result;
}

bool PurchaseRepository::setDelivered(qint64 id)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE purchases SET delivered = ? WHERE id = ?"
                                         " AND delivered = ?"));
    st.bindAll({true, id, false}).exec();
    return st.numRowsAffected() == 1;
}

std::optional<PurchaseRecord> PurchaseRepository::findByPaymentRef(const QString &paymentRef) const
{
    SqlStatement st(m_db,
                    QStringLiteral("SELECT %1 FROM purchases WHERE payment_ref = ?").arg(columns));
    st.bind(paymentRef).exec();
    if (!st.next())
        return std::nullopt;
    return read(st);
}

void PurchaseRepository::setDisputed(qint64 id, bool disputed)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE purchases SET disputed = ? WHERE id = ?"));
    st.bindAll({disputed, id}).exec();
}
