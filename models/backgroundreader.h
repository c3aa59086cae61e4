#pragma once
// Runs read-only queries on a thread with its own connection, so a slow COUNT(*) or aggregate
// never freezes the window; each result comes back on the thread that asked for it.

#include <QObject>
#include <QSqlDatabase>
#include <QThread>
#include <QVariant>
#include <functional>

class Database;

class BackgroundReader : public QObject
{
    Q_OBJECT
public:
    // Runs on the reader's thread; may throw DatabaseError.
    using Work = std::function<QVariant(const QSqlDatabase &)>;
    // Runs on this object's thread; `error` is empty when the work succeeded.
    using Done = std::function<void(const QVariant &result, const QString &error)>;

    explicit BackgroundReader(Database &database, QObject *parent = nullptr);
    ~BackgroundReader() override;

    // Queues `work`; `done` follows unless `context` was destroyed meanwhile.
    void run(QObject *context, Work work, Done done);
    // Reads queued or running.
    int pending() const { return m_pending; }

signals:
    void idle();

private:
    Database &m_database;
    QThread m_thread;
    QObject *m_worker; // lives on m_thread
    int m_pending = 0;
};
