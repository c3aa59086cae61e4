#include "purchasetablemodel.h"

#include "sqlfilterbuilder.h"

PurchaseTableModel::PurchaseTableModel(Database &database, QObject *parent)
    : SqlWindowModel(database, parent)
{
    using K = SqlColumn::Kind;
    const QString money = QStringLiteral("currency");
    setSource(
        QStringLiteral("purchases p JOIN accounts a ON a.id = p.account_id"),
        {
            {QStringLiteral("id"), QStringLiteral("p.id"), tr("Purchase"), K::Integer},
            {QStringLiteral("created_at"), QStringLiteral("p.created_at"), tr("Time"),
             K::Timestamp},
            {QStringLiteral("account_id"), QStringLiteral("p.account_id"), tr("Account ID"),
             K::Integer},
            {QStringLiteral("email"), QStringLiteral("a.email"), tr("Account"), K::Text, false},
            {QStringLiteral("package"), QStringLiteral("p.package"), tr("Package"), K::Text, false},
            {QStringLiteral("credits"), QStringLiteral("p.credits"), tr("Credits"), K::Integer,
             false},
            {QStringLiteral("amount_cents"), QStringLiteral("p.amount_cents"), tr("Amount"),
             K::Money, false, money},
            {QStringLiteral("fee_cents"), QStringLiteral("p.fee_cents"), tr("Fee"), K::Money, false,
             money},
            {QStringLiteral("charge_count"), QStringLiteral("p.charge_count"), tr("Charges"),
             K::Integer, false},
            {QStringLiteral("refunded_cents"),
             QStringLiteral("(SELECT SUM(x.amount_cents) FROM payouts x"
                            " WHERE x.purchase_id = p.id)"),
             tr("Refunded"), K::Money, false, money},
            {QStringLiteral("delivered"),
             QStringLiteral("CASE WHEN p.delivered THEN 'yes' ELSE 'no' END"), tr("Delivered"),
             K::Text, false},
            {QStringLiteral("disputed"),
             QStringLiteral("CASE WHEN p.disputed THEN 'yes' ELSE 'no' END"), tr("Disputed"),
             K::Text, false},
            {QStringLiteral("payment_ref"), QStringLiteral("p.payment_ref"), tr("Payment"), K::Text,
             false},
            {QStringLiteral("currency"), QStringLiteral("p.currency"), tr("Currency"), K::Text,
             false},
        },
        QStringLiteral("p.id"));
}

QStringList PurchaseTableModel::kinds()
{
    return {QStringLiteral("disputed"),       QStringLiteral("undelivered"),
            QStringLiteral("duplicate"),      QStringLiteral("chargeback_open"),
            QStringLiteral("chargeback_won"), QStringLiteral("chargeback_lost")};
}

void PurchaseTableModel::setRecordFilter(const RecordFilter &filter)
{
    m_filter = filter;
    SqlFilterBuilder where;
    where.equalsId(QStringLiteral("p.account_id"), filter.accountId)
        .equals(QStringLiteral("a.profile"), filter.profile);
    const QLatin1String chargeback("chargeback_");
    if (filter.kind.startsWith(chargeback)) {
        // Purchases with a chargeback in this state, the dates being when it was opened.
        SqlFilterBuilder opened;
        opened.dayRange(QStringLiteral("c.opened_at"), filter.from, filter.to, filter.utcDays);
        where.add(
            QStringLiteral("EXISTS (SELECT 1 FROM chargebacks c WHERE c.purchase_id = p.id"
                           " AND c.status = ?%1)")
                .arg(opened.isEmpty() ? QString() : QStringLiteral(" AND ") + opened.condition()),
            QVariantList{filter.kind.mid(chargeback.size())} + opened.values());
    } else {
        where.dayRange(QStringLiteral("p.created_at"), filter.from, filter.to, filter.utcDays);
    }
    if (filter.kind == QLatin1String("disputed"))
        where.add(QStringLiteral("p.disputed"));
    else if (filter.kind == QLatin1String("undelivered"))
        where.add(QStringLiteral("NOT p.delivered"));
    else if (filter.kind == QLatin1String("duplicate"))
        where.add(QStringLiteral("p.charge_count > 1"));
    setDefaultOrder(filter.hasDays() ? QStringLiteral("p.created_at") : QString());
    setCountSource(filter.profile.isEmpty() ? QStringLiteral("purchases p") : QString());
    setFilter(where.condition(), where.values());
}
