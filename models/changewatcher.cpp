#include "changewatcher.h"

#include "auditrepository.h"
#include "database.h"
#include "databaseerror.h"
#include "sqlstatement.h"

#include <QSqlDriver>
#include <QTimer>

ChangeWatcher::ChangeWatcher(Database &database, QObject *parent)
    : QObject(parent), m_database(database), m_timer(new QTimer(this))
{
    m_timer->setInterval(2000);
    connect(m_timer, &QTimer::timeout, this, &ChangeWatcher::check);
}

void ChangeWatcher::setInterval(int ms)
{
    m_timer->setInterval(ms);
}

void ChangeWatcher::start()
{
    subscribe();
    check();
    m_timer->start();
}

void ChangeWatcher::subscribe()
{
    if (m_subscribed || !m_database.dialect().isPostgres())
        return;
    try {
        QSqlDriver *driver = m_database.connection().driver();
        if (driver != m_driver) {
            m_driver = driver;
            connect(
                driver, &QSqlDriver::notification, this,
                [this](const QString &name, QSqlDriver::NotificationSource source,
                       const QVariant &payload) { onNotification(name, int(source), payload); });
        }
        m_subscribed = driver->subscribeToNotification(AuditRepository::changeChannel());
    } catch (const DatabaseError &) {
        m_subscribed = false; // the probe reports it
    }
}

void ChangeWatcher::onNotification(const QString &name, int source, const QVariant &payload)
{
    // Our own writes refresh the window that made them.
    if (name != AuditRepository::changeChannel() || source == QSqlDriver::SelfSource)
        return;
    emit changed(payload.toString().toLongLong());
}

void ChangeWatcher::lose(const QString &message)
{
    m_subscribed = false;
    m_database.reconnect();
    if (m_connected) {
        m_connected = false;
        emit connectionLost(message);
    }
}

void ChangeWatcher::check()
{
    try {
        const QSqlDatabase db = m_database.connection();
        if (m_database.dialect().isSqlite()) {
            // Changes whenever another connection commits to the file.
            const qint64 version =
                SqlStatement::scalar(db, QStringLiteral("PRAGMA data_version")).toLongLong();
            const bool changedElsewhere = m_dataVersion >= 0 && version != m_dataVersion;
            m_dataVersion = version;
            if (changedElsewhere)
                emit changed(0);
        } else {
            SqlStatement::scalar(db, QStringLiteral("SELECT 1"));
            subscribe();
        }
        if (!m_connected) {
            m_connected = true;
            emit connectionRestored();
            emit changed(0); // what happened meanwhile is unknown
        }
    } catch (const DatabaseError &e) {
        lose(e.message());
    }
}
