#include "desksettings.h"

#include "databaseerror.h"
#include "sqlstatement.h"

#include <QCoreApplication>

namespace {
const QString fourEyes = QStringLiteral("four_eyes_above_cents");
}

QStringList DeskSettings::settable()
{
    return {fourEyes};
}

QString DeskSettings::defaultValue(const QString &key)
{
    return key == fourEyes ? QStringLiteral("10000") : QString();
}

std::optional<QString> DeskSettings::value(const QString &key) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT value FROM desk_settings WHERE key = ?"));
    st.bind(key).exec();
    if (!st.next())
        return std::nullopt;
    return st.value(0).toString();
}

void DeskSettings::requireSettable(const QString &key)
{
    if (!settable().contains(key))
        throw DatabaseError(
            QCoreApplication::translate("DeskSettings", "no setting \"%1\"; the settings are: %2")
                .arg(key, settable().join(QStringLiteral(", "))));
}

void DeskSettings::set(const QString &key, const QString &value)
{
    requireSettable(key);
    bool ok = false;
    const qint64 cents = value.trimmed().toLongLong(&ok);
    if (!ok || cents < 0)
        throw DatabaseError(QCoreApplication::translate("DeskSettings",
                                                        "%1 is a whole number of cents, 0 or "
                                                        "more, not \"%2\"")
                                .arg(key, value));
    SqlStatement st(m_db,
                    QStringLiteral("INSERT INTO desk_settings (key, value) VALUES (?, ?)"
                                   " ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    st.bindAll({key, QString::number(cents)}).exec();
}

QList<std::pair<QString, QString>> DeskSettings::all() const
{
    QList<std::pair<QString, QString>> out;
    for (const QString &key : settable())
        out.append({key, value(key).value_or(defaultValue(key))});
    return out;
}

qint64 DeskSettings::fourEyesAboveCents() const
{
    return value(fourEyes).value_or(defaultValue(fourEyes)).toLongLong();
}
