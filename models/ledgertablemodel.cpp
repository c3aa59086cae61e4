#include "ledgertablemodel.h"

#include "sqlfilterbuilder.h"

LedgerTableModel::LedgerTableModel(Database &database, Scope scope, QObject *parent)
    : SqlWindowModel(database, parent), m_scope(scope)
{
    using K = SqlColumn::Kind;
    // Sorting is offered on indexed columns only: the ledger has millions of rows.
    QList<SqlColumn> columns{
        {QStringLiteral("id"), QStringLiteral("l.id"), tr("Entry"), K::Integer},
        {QStringLiteral("created_at"), QStringLiteral("l.created_at"), tr("Time"), K::Timestamp},
        {QStringLiteral("account_id"), QStringLiteral("l.account_id"), tr("Account ID"),
         K::Integer},
        {QStringLiteral("email"), QStringLiteral("a.email"), tr("Account"), K::Text, false},
        {QStringLiteral("entry_type"), QStringLiteral("l.entry_type"), tr("Type"), K::Text, false},
        {QStringLiteral("credits"), QStringLiteral("l.credits"), tr("Credits"), K::Integer, false},
    };
    if (scope == Scope::OneAccount)
        columns << SqlColumn{QStringLiteral("balance"),
                             QStringLiteral("SUM(l.credits) OVER (ORDER BY l.id)"), tr("Balance"),
                             K::Integer, false};
    columns << SqlColumn{QStringLiteral("purchase_id"), QStringLiteral("l.purchase_id"),
                         tr("Purchase"), K::Integer, false}
            << SqlColumn{QStringLiteral("job_id"), QStringLiteral("l.job_id"), tr("Job"),
                         K::Integer, false}
            << SqlColumn{QStringLiteral("request_id"), QStringLiteral("l.request_id"),
                         tr("Request"), K::Integer, false}
            << SqlColumn{QStringLiteral("created_by"), QStringLiteral("l.created_by"), tr("By"),
                         K::Text, false}
            << SqlColumn{QStringLiteral("note"), QStringLiteral("l.note"), tr("Note"), K::Text,
                         false};
    setSource(QStringLiteral("ledger_entries l JOIN accounts a ON a.id = l.account_id"), columns,
              QStringLiteral("l.id"));
    // Every entry has its account: the join never changes the count.
    setCountSource(QStringLiteral("ledger_entries l"));
}

QStringList LedgerTableModel::kinds()
{
    return {QStringLiteral("purchase"),        QStringLiteral("usage"),
            QStringLiteral("job_credit_back"), QStringLiteral("refund"),
            QStringLiteral("clawback"),        QStringLiteral("forfeiture"),
            QStringLiteral("adjustment")};
}

void LedgerTableModel::setRecordFilter(const RecordFilter &filter)
{
    m_filter = filter;
    SqlFilterBuilder where;
    where.equalsId(QStringLiteral("l.account_id"), filter.accountId);
    if (m_scope == Scope::AllAccounts)
        where.equals(QStringLiteral("l.entry_type"), filter.kind)
            .dayRange(QStringLiteral("l.created_at"), filter.from, filter.to, filter.utcDays);
    if (m_scope == Scope::AllAccounts && !filter.profile.isEmpty())
        where.add(QStringLiteral("l.account_id IN (SELECT id FROM accounts WHERE profile = ?)"),
                  {filter.profile});
    const bool days = m_scope == Scope::AllAccounts && filter.hasDays();
    setDefaultOrder(days ? QStringLiteral("l.created_at") : QString());
    setFilter(where.condition(), where.values());
}
