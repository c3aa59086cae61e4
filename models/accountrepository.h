#pragma once
// Reads and writes accounts.

#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <optional>

struct AccountRecord
{
    qint64 id = 0;
    QString email;
    QString displayName;
    QString status = QStringLiteral("active"); // active, suspended, terminated
    QString profile;
    qint64 balanceCredits = 0;
    qint64 createdAt = 0; // UTC seconds since the epoch
};

// What a reviewer wants to know of an account at a glance.
struct AccountSummary
{
    qint64 purchases = 0;
    qint64 purchasedCents = 0; // lifetime, in `currency`
    qint64 refundedCents = 0;  // payouts of refunds
    QString currency;          // of the latest purchase; empty when none
    qint64 creditBacks = 0;    // jobs credited back
    qint64 creditBackCredits = 0;
    qint64 requests = 0;
    qint64 openChargebacks = 0;
};

class AccountRepository
{
public:
    explicit AccountRepository(const QSqlDatabase &db) : m_db(db) {}

    qint64 create(const AccountRecord &account);
    std::optional<AccountRecord> find(qint64 id) const;
    std::optional<AccountRecord> findByEmail(const QString &email) const;
    // Emails beginning with `prefix` (case-insensitive), for completion.
    QStringList emailsStartingWith(const QString &prefix, int limit) const;
    void setStatus(qint64 id, const QString &status);
    // What the platform says of an account now: email, name, profile and status.
    void update(const AccountRecord &account);
    qint64 count() const;
    // The policy profile of one account (0: of every account on `from`). Returns how many moved.
    qint64 setProfile(const QString &profile, qint64 accountId, const QString &from = {});
    // How many accounts are on the profile, and the first `limit` of them by id.
    qint64 countOnProfile(const QString &profile) const;
    // The accounts a condition selects (values bound in order), for reading in bulk.
    QList<AccountRecord> where(const QString &condition, const QVariantList &values) const;
    QList<AccountRecord> onProfile(const QString &profile, int limit) const;
    AccountSummary summary(qint64 id) const;

private:
    std::optional<AccountRecord> findWhere(const QString &condition, const QVariant &value) const;
    QSqlDatabase m_db;
};
