#include "accounttablemodel.h"

#include "databaseerror.h"

#include "sqlerrortext.h"
#include <QDateTime>
#include <QSqlQuery>
#include <QSqlRecord>

AccountTableModel::AccountTableModel(QObject *parent) : QSqlQueryModel(parent) {}

void AccountTableModel::load(const QSqlDatabase &db, const QString &text)
{
    QSqlQuery query(db);
    QString sql = QStringLiteral("SELECT id, email, display_name, status, profile, balance_credits,"
                                 " created_at FROM accounts");
    if (!text.isEmpty())
        sql += QStringLiteral(" WHERE email LIKE ? OR display_name LIKE ?");
    sql += QStringLiteral(" ORDER BY id");
    query.prepare(sql);
    if (!text.isEmpty()) {
        const QString pattern = QLatin1Char('%') + text + QLatin1Char('%');
        query.addBindValue(pattern);
        query.addBindValue(pattern);
    }
    if (!query.exec())
        throw DatabaseError(tr("cannot read accounts: %1").arg(sqlErrorText(query.lastError())));
    setQuery(std::move(query));

    const QList<std::pair<QString, QString>> headers{
        {QStringLiteral("id"), tr("ID")},
        {QStringLiteral("email"), tr("Email")},
        {QStringLiteral("display_name"), tr("Name")},
        {QStringLiteral("status"), tr("Status")},
        {QStringLiteral("profile"), tr("Policy profile")},
        {QStringLiteral("balance_credits"), tr("Balance (credits)")},
        {QStringLiteral("created_at"), tr("Created")}};
    const QSqlRecord columns = record();
    for (const auto &[field, title] : headers)
        setHeaderData(columns.indexOf(field), Qt::Horizontal, title);
    m_nameColumn = columns.indexOf(QStringLiteral("display_name"));
    m_balanceColumn = columns.indexOf(QStringLiteral("balance_credits"));
    m_createdColumn = columns.indexOf(QStringLiteral("created_at"));
}

QVariant AccountTableModel::data(const QModelIndex &index, int role) const
{
    if (role == Qt::DisplayRole && index.column() == m_createdColumn) {
        const qint64 secs = QSqlQueryModel::data(index, role).toLongLong();
        return QLocale().toString(QDateTime::fromSecsSinceEpoch(secs).toLocalTime(),
                                  QLocale::ShortFormat);
    }
    if (role == Qt::DisplayRole && index.column() == m_nameColumn)
        return QSqlQueryModel::data(index, role)
            .toString()
            .replace(QLatin1Char('\n'), QLatin1Char(' '));
    if (role == Qt::TextAlignmentRole && (index.column() == m_balanceColumn || index.column() == 0))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return QSqlQueryModel::data(index, role);
}
