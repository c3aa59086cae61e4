#pragma once
// The settings a whole desk shares, stored in its database (desk_settings): on a team's
// PostgreSQL only an admin changes them.

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <optional>
#include <utility>

class DeskSettings
{
public:
    explicit DeskSettings(const QSqlDatabase &db) : m_db(db) {}

    // The settings a person may change, each with its default: four_eyes_above_cents.
    static QStringList settable();
    static QString defaultValue(const QString &key);
    // Throws DatabaseError naming the settings when `key` is none of them.
    static void requireSettable(const QString &key);

    std::optional<QString> value(const QString &key) const;
    // Checks the key and the value (four_eyes_above_cents: a whole number of cents, 0 or
    // more). Throws DatabaseError, saying which and why.
    void set(const QString &key, const QString &value);
    // Every settable key with its stored value or its default, in key order.
    QList<std::pair<QString, QString>> all() const;

    // A money refund above this many cents, in the refund's currency, needs a second lead.
    qint64 fourEyesAboveCents() const;

private:
    QSqlDatabase m_db;
};
