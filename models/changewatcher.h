#pragma once
// Notices writes made elsewhere (another reviewer, refundctl in cron) and a lost connection:
// PostgreSQL notifications through the driver, a cheap PRAGMA data_version check on SQLite,
// and a periodic probe that reconnects when the server comes back.

#include <QObject>
#include <QPointer>
#include <QSqlDriver>
#include <QString>

class Database;
class QTimer;

class ChangeWatcher : public QObject
{
    Q_OBJECT
public:
    explicit ChangeWatcher(Database &database, QObject *parent = nullptr);

    // Milliseconds between probes (default 2000).
    void setInterval(int ms);
    void start();
    bool isConnected() const { return m_connected; }
    // Probes now instead of at the next tick.
    void check();

signals:
    // Something was written by another connection; `requestId` is 0 when unknown.
    void changed(qint64 requestId);
    void connectionLost(const QString &message);
    void connectionRestored();

private:
    void subscribe();
    void onNotification(const QString &name, int source, const QVariant &payload);
    void lose(const QString &message);

    Database &m_database;
    QTimer *m_timer;
    QPointer<QSqlDriver> m_driver;
    bool m_connected = true;
    bool m_subscribed = false;
    qint64 m_dataVersion = -1;
};
