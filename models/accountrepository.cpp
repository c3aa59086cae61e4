#include "accountrepository.h"

#include "databaseerror.h"
#include "sqlstatement.h"

#include <QCoreApplication>

qint64 AccountRepository::create(const AccountRecord &a)
{
    SqlStatement st(m_db,
                    QStringLiteral("INSERT INTO accounts (email, display_name, status, profile,"
                                   " balance_credits, created_at) VALUES (?, ?, ?, ?, 0, ?)"
                                   " RETURNING id"));
    st.bindAll({a.email, a.displayName, a.status, a.profile, a.createdAt}).exec();
    st.next();
    return st.value(0).toLongLong();
}

std::optional<AccountRecord> AccountRepository::findWhere(const QString &condition,
                                                          const QVariant &value) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT id, email, display_name, status, profile,"
                                         " balance_credits, created_at FROM accounts WHERE ") +
                              condition);
    st.bind(value).exec();
    if (!st.next())
        return std::nullopt;
    AccountRecord a;
    a.id = st.value(0).toLongLong();
    a.email = st.value(1).toString();
    a.displayName = st.value(2).toString();
    a.status = st.value(3).toString();
    a.profile = st.value(4).toString();
    a.balanceCredits = st.value(5).toLongLong();
    a.createdAt = st.value(6).toLongLong();
    return a;
}

std::optional<AccountRecord> AccountRepository::find(qint64 id) const
{
    return findWhere(QStringLiteral("id = ?"), id);
}

std::optional<AccountRecord> AccountRepository::findByEmail(const QString &email) const
{
    return findWhere(QStringLiteral("email = ?"), email);
}

void AccountRepository::setStatus(qint64 id, const QString &status)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE accounts SET status = ? WHERE id = ?"));
    st.bindAll({status, id}).exec();
    if (st.numRowsAffected() != 1)
        throw DatabaseError(
            QCoreApplication::translate("AccountRepository", "no account with id %1").arg(id));
}

qint64 AccountRepository::count() const
{
    return SqlStatement::scalar(m_db, QStringLiteral("SELECT COUNT(*) FROM accounts")).toLongLong();
}
