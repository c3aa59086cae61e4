#include "accounttablemodel.h"

#include "sqlfilterbuilder.h"

AccountTableModel::AccountTableModel(Database &database, QObject *parent)
    : SqlWindowModel(database, parent)
{
    using K = SqlColumn::Kind;
    setSource(
        QStringLiteral("accounts a"),
        {
            {QStringLiteral("id"), QStringLiteral("a.id"), tr("Account ID"), K::Integer},
            {QStringLiteral("email"), QStringLiteral("a.email"), tr("Email")},
            {QStringLiteral("display_name"), QStringLiteral("a.display_name"), tr("Name"), K::Text,
             false},
            {QStringLiteral("status"), QStringLiteral("a.status"), tr("Status"), K::Text, false},
            {QStringLiteral("profile"), QStringLiteral("a.profile"), tr("Profile"), K::Text, false},
            {QStringLiteral("balance_credits"), QStringLiteral("a.balance_credits"), tr("Balance"),
             K::Integer, false},
            {QStringLiteral("created_at"), QStringLiteral("a.created_at"), tr("Created"),
             K::Timestamp, false},
        },
        QStringLiteral("a.id"));
}

QStringList AccountTableModel::kinds()
{
    return {QStringLiteral("active"), QStringLiteral("suspended"), QStringLiteral("terminated")};
}

void AccountTableModel::setRecordFilter(const RecordFilter &filter)
{
    m_filter = filter;
    SqlFilterBuilder where;
    where.equals(QStringLiteral("a.status"), filter.kind)
        .equals(QStringLiteral("a.profile"), filter.profile)
        .equalsId(QStringLiteral("a.id"), filter.accountId);
    QString search = filter.search.trimmed();
    if (search.startsWith(QLatin1Char('#')))
        search.remove(0, 1);
    bool isNumber = false;
    const qint64 id = search.toLongLong(&isNumber);
    if (isNumber && id > 0)
        where.add(QStringLiteral("a.id = ?"), {id});
    else
        where.contains({QStringLiteral("a.email"), QStringLiteral("a.display_name")}, search);
    setFilter(where.condition(), where.values());
}
