#include "audittablemodel.h"

AuditTableModel::AuditTableModel(Database &database, QObject *parent)
    : SqlWindowModel(database, parent)
{
    using K = SqlColumn::Kind;
    setSource(
        QStringLiteral("audit_log a"),
        {
            {QStringLiteral("at"), QStringLiteral("a.at"), tr("Time"), K::Timestamp},
            {QStringLiteral("actor"), QStringLiteral("a.actor"), tr("Who"), K::Text, false},
            {QStringLiteral("actor_role"), QStringLiteral("a.actor_role"), tr("Role"), K::Text,
             false},
            {QStringLiteral("action"), QStringLiteral("a.action"), tr("What"), K::Text, false},
            {QStringLiteral("request_id"), QStringLiteral("a.request_id"), tr("Request"),
             K::Integer, false},
            {QStringLiteral("profile"), QStringLiteral("a.profile"), tr("Profile"), K::Text, false},
            {QStringLiteral("note"), QStringLiteral("a.note"), tr("Note"), K::Text, false},
            {QStringLiteral("chain_seq"), QStringLiteral("a.chain_seq"), tr("Chain position"),
             K::Integer, false},
            {QStringLiteral("hash"), QStringLiteral("a.hash"), tr("Hash"), K::Text, false},
        },
        QStringLiteral("a.id"));
    sort(0, Qt::DescendingOrder);
}

void AuditTableModel::setAccount(qint64 accountId)
{
    setFilter(QStringLiteral("a.account_id = ?"), {accountId});
}
