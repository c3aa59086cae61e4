#include "payouttablemodel.h"

#include "sqlfilterbuilder.h"

#include <QDateTime>

PayoutTableModel::PayoutTableModel(Database &database, QObject *parent)
    : SqlWindowModel(database, parent)
{
    using K = SqlColumn::Kind;
    const QString money = QStringLiteral("currency");
    setSource(
        QStringLiteral("payouts o JOIN accounts a ON a.id = o.account_id"),
        {
            {QStringLiteral("rank"),
             QStringLiteral("CASE o.status WHEN 'failed' THEN 0 WHEN 'unknown' THEN 1 WHEN"
                            " 'pending' THEN 2 WHEN 'sent' THEN 3 ELSE 4 END"),
             tr("Attention"), K::Integer},
            {QStringLiteral("id"), QStringLiteral("o.id"), tr("Payout"), K::Integer},
            {QStringLiteral("status"), QStringLiteral("o.status"), tr("Status"), K::Text},
            {QStringLiteral("amount_cents"), QStringLiteral("o.amount_cents"), tr("Amount"),
             K::Money, true, money},
            {QStringLiteral("age"), QStringLiteral("o.created_at"), tr("Age"), K::Integer},
            {QStringLiteral("purchase_id"), QStringLiteral("o.purchase_id"), tr("Purchase"),
             K::Integer, false},
            {QStringLiteral("request_id"), QStringLiteral("o.request_id"), tr("Request"),
             K::Integer, false},
            {QStringLiteral("email"), QStringLiteral("a.email"), tr("Account"), K::Text, false},
            {QStringLiteral("gateway_ref"), QStringLiteral("o.gateway_ref"), tr("Processor ref"),
             K::Text, false},
            {QStringLiteral("updated_at"), QStringLiteral("o.updated_at"), tr("Last change"),
             K::Timestamp},
            {QStringLiteral("retry_of"), QStringLiteral("o.retry_of"), tr("Retry of"), K::Integer,
             false},
            {QStringLiteral("failure_reason"), QStringLiteral("o.failure_reason"),
             tr("Failure reason"), K::Text, false},
            {QStringLiteral("retried"),
             QStringLiteral("(SELECT COUNT(*) FROM payouts r WHERE r.retry_of = o.id)"),
             tr("Retried"), K::Integer, false},
            {QStringLiteral("currency"), QStringLiteral("o.currency"), tr("Currency"), K::Text,
             false},
        },
        QStringLiteral("o.id"));
    sort(rankColumn(), Qt::AscendingOrder);
}

QStringList PayoutTableModel::kinds()
{
    return {QStringLiteral("attention"), QStringLiteral("pending"), QStringLiteral("sent"),
            QStringLiteral("unknown"),   QStringLiteral("failed"),  QStringLiteral("succeeded")};
}

QVariant PayoutTableModel::data(const QModelIndex &index, int role) const
{
    if (role == Qt::DisplayRole && index.column() == fieldIndex(QStringLiteral("age"))) {
        // How long the customer has waited since the approval: what a reviewer acts on.
        const qint64 since =
            QDateTime::currentSecsSinceEpoch() - SqlWindowModel::data(index, role).toLongLong();
        if (since < 3600)
            return tr("%n min", nullptr, int(std::max<qint64>(0, since / 60)));
        if (since < 2 * 86400)
            return tr("%n h", nullptr, int(since / 3600));
        return tr("%n d", nullptr, int(since / 86400));
    }
    return SqlWindowModel::data(index, role);
}

void PayoutTableModel::setRecordFilter(const RecordFilter &filter)
{
    m_filter = filter;
    SqlFilterBuilder where;
    where.equalsId(QStringLiteral("o.account_id"), filter.accountId)
        .equals(QStringLiteral("a.profile"), filter.profile);
    where.dayRange(QStringLiteral("o.created_at"), filter.from, filter.to, filter.utcDays);
    if (filter.kind == QLatin1String("attention"))
        where.add(QStringLiteral("(o.status = 'failed' OR o.status = 'unknown')"));
    else if (!filter.kind.isEmpty())
        where.equals(QStringLiteral("o.status"), filter.kind);
    setCountSource(filter.profile.isEmpty() ? QStringLiteral("payouts o") : QString());
    setFilter(where.condition(), where.values());
}
