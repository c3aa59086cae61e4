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

namespace {
const QString accountColumns =
    QStringLiteral("id, email, display_name, status, profile, balance_credits, created_at");

AccountRecord readAccount(const SqlStatement &st)
{
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
} // namespace

std::optional<AccountRecord> AccountRepository::findWhere(const QString &condition,
                                                          const QVariant &value) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM accounts WHERE ").arg(accountColumns) +
                              condition);
    st.bind(value).exec();
    if (!st.next())
        return std::nullopt;
    return readAccount(st);
}

QList<AccountRecord> AccountRepository::where(const QString &condition,
                                              const QVariantList &values) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM accounts WHERE ").arg(accountColumns) +
                              condition);
    for (const QVariant &v : values)
        st.bind(v);
    st.exec();
    QList<AccountRecord> out;
    while (st.next())
        out << readAccount(st);
    return out;
}

std::optional<AccountRecord> AccountRepository::find(qint64 id) const
{
    return findWhere(QStringLiteral("id = ?"), id);
}

std::optional<AccountRecord> AccountRepository::findByEmail(const QString &email) const
{
    return findWhere(QStringLiteral("email = ?"), email);
}

QStringList AccountRepository::emailsStartingWith(const QString &prefix, int limit) const
{
    // A range on the unique email index: lower(email) would not use it.
    SqlStatement st(m_db, QStringLiteral("SELECT email FROM accounts WHERE email >= ? AND email < ?"
                                         " ORDER BY email LIMIT ?"));
    const QString from = prefix.toLower();
    st.bindAll({from, from + QChar(0xFFFF), limit}).exec();
    QStringList emails;
    while (st.next())
        emails << st.value(0).toString();
    return emails;
}

void AccountRepository::update(const AccountRecord &a)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE accounts SET email = ?, display_name = ?,"
                                         " profile = ?, status = ? WHERE id = ?"));
    st.bindAll({a.email, a.displayName, a.profile, a.status, a.id}).exec();
}

void AccountRepository::setStatus(qint64 id, const QString &status)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE accounts SET status = ? WHERE id = ?"));
    st.bindAll({status, id}).exec();
    if (st.numRowsAffected() != 1)
        throw DatabaseError(
            QCoreApplication::translate("AccountRepository", "no account with id %1").arg(id));
}

qint64 AccountRepository::setProfile(const QString &profile, qint64 accountId, const QString &from)
{
    SqlStatement st(
        m_db, accountId > 0 ? QStringLiteral("UPDATE accounts SET profile = ? WHERE id = ?")
                            : QStringLiteral("UPDATE accounts SET profile = ? WHERE profile = ?"));
    st.bindAll({profile, accountId > 0 ? QVariant(accountId) : QVariant(from)}).exec();
    return st.numRowsAffected();
}

qint64 AccountRepository::countOnProfile(const QString &profile) const
{
    return SqlStatement::scalar(
               m_db, QStringLiteral("SELECT COUNT(*) FROM accounts WHERE profile = ?"), {profile})
        .toLongLong();
}

QList<AccountRecord> AccountRepository::onProfile(const QString &profile, int limit) const
{
    return where(QStringLiteral("profile = ? ORDER BY id LIMIT ?"), {profile, limit});
}

qint64 AccountRepository::count() const
{
    return SqlStatement::scalar(m_db, QStringLiteral("SELECT COUNT(*) FROM accounts")).toLongLong();
}

AccountSummary AccountRepository::summary(qint64 id) const
{
    SqlStatement st(
        m_db, QStringLiteral(
                  "SELECT (SELECT COUNT(*) FROM purchases WHERE account_id = ?),"
                  " (SELECT COALESCE(SUM(amount_cents * charge_count), 0) FROM purchases"
                  "  WHERE account_id = ?),"
                  " (SELECT COALESCE(SUM(amount_cents), 0) FROM payouts WHERE account_id = ?),"
                  " (SELECT currency FROM purchases WHERE account_id = ? ORDER BY id DESC LIMIT 1),"
                  " (SELECT COUNT(*) FROM ledger_entries WHERE account_id = ?"
                  "  AND entry_type = 'job_credit_back'),"
                  " (SELECT COALESCE(SUM(credits), 0) FROM ledger_entries WHERE account_id = ?"
                  "  AND entry_type = 'job_credit_back'),"
                  " (SELECT COUNT(*) FROM refund_requests WHERE account_id = ?),"
                  " (SELECT COUNT(*) FROM chargebacks WHERE account_id = ? AND status = 'open')"));
    st.bindAll({id, id, id, id, id, id, id, id}).exec();
    AccountSummary s;
    if (!st.next())
        return s;
    s.purchases = st.value(0).toLongLong();
    s.purchasedCents = st.value(1).toLongLong();
    s.refundedCents = st.value(2).toLongLong();
    s.currency = st.value(3).toString();
    s.creditBacks = st.value(4).toLongLong();
    s.creditBackCredits = st.value(5).toLongLong();
    s.requests = st.value(6).toLongLong();
    s.openChargebacks = st.value(7).toLongLong();
    return s;
}
