#include "creditlotrepository.h"

#include "databaseerror.h"
#include "sqlstatement.h"

#include <QCoreApplication>
#include <QList>
#include <utility>

qint64 CreditLotRepository::add(qint64 accountId, qint64 purchaseId, qint64 at, qint64 credits)
{
    SqlStatement st(m_db, QStringLiteral("INSERT INTO credit_lots (account_id, purchase_id,"
                                         " created_at, credits_total, credits_remaining)"
                                         " VALUES (?, ?, ?, ?, ?) RETURNING id"));
    st.bindAll({accountId, SqlStatement::idOrNull(purchaseId), at, credits, credits}).exec();
    st.next();
    return st.value(0).toLongLong();
}

DatabaseError CreditLotRepository::shortOfCredits(qint64 accountId, qint64 missing, qint64 wanted)
{
    return DatabaseError(QCoreApplication::translate("CreditLotRepository",
                                                     "account %1 has %2 credits fewer than the "
                                                     "%3 to be taken")
                             .arg(accountId)
                             .arg(missing)
                             .arg(wanted));
}

void CreditLotRepository::consumeOldestFirst(qint64 accountId, qint64 credits)
{
    SqlStatement lots(m_db, QStringLiteral("SELECT id, credits_remaining FROM credit_lots"
                                           " WHERE account_id = ? AND credits_remaining > 0"
                                           " ORDER BY created_at, id"));
    lots.bind(accountId).exec();
    QList<std::pair<qint64, qint64>> takes;
    qint64 left = credits;
    while (left > 0 && lots.next()) {
        const qint64 take = std::min(left, lots.value(1).toLongLong());
        takes.append({lots.value(0).toLongLong(), take});
        left -= take;
    }
    if (left > 0)
        throw shortOfCredits(accountId, left, credits);
    SqlStatement update(m_db, QStringLiteral("UPDATE credit_lots SET credits_remaining ="
                                             " credits_remaining - ? WHERE id = ?"));
    for (const auto &[lot, take] : takes)
        update.bindAll({take, lot}).exec();
}

qint64 CreditLotRepository::takeFromPurchase(qint64 purchaseId, qint64 maxCredits)
{
    const qint64 take = std::min(leftOfPurchase(purchaseId), maxCredits);
    if (take > 0) {
        SqlStatement st(m_db, QStringLiteral("UPDATE credit_lots SET credits_remaining ="
                                             " credits_remaining - ? WHERE purchase_id = ?"));
        st.bindAll({take, purchaseId}).exec();
    }
    return take;
}

std::optional<qint64> CreditLotRepository::usedOfPurchase(qint64 purchaseId) const
{
    const QVariant used = SqlStatement::scalar(
        m_db,
        QStringLiteral(
            "SELECT credits_total - credits_remaining FROM credit_lots WHERE purchase_id = ?"),
        {purchaseId});
    if (used.isNull())
        return std::nullopt;
    return used.toLongLong();
}

qint64 CreditLotRepository::leftOfPurchase(qint64 purchaseId) const
{
    return SqlStatement::scalar(
               m_db,
               QStringLiteral("SELECT credits_remaining FROM credit_lots WHERE purchase_id = ?"),
               {purchaseId}, 0)
        .toLongLong();
}

QHash<qint64, std::pair<qint64, qint64>>
CreditLotRepository::ofPurchases(const QString &purchaseIds, const QVariantList &values) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT purchase_id, credits_total - credits_remaining,"
                                         " credits_remaining FROM credit_lots"
                                         " WHERE purchase_id IN (%1)")
                              .arg(purchaseIds));
    for (const QVariant &v : values)
        st.bind(v);
    st.exec();
    QHash<qint64, std::pair<qint64, qint64>> out;
    while (st.next())
        out.insert(st.value(0).toLongLong(), {st.value(1).toLongLong(), st.value(2).toLongLong()});
    return out;
}
