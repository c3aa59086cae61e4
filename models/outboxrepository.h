#pragma once
// What the platform must mirror of the desk's changes, in commit order (INTEGRATION.md, 2).

#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

struct OutboxEvent
{
    qint64 seq = 0;
    QString type; // credits.restored, credits.revoked, account.suspended, request.decided, ...
    qint64 at = 0;
    QJsonObject data;

    QString id() const { return QStringLiteral("rd-%1").arg(seq); }
    // One line of NDJSON: {"seq", "id", "type", "at", "data"}.
    QByteArray toJson() const;
    QJsonObject toJsonObject() const;
};

class OutboxRepository
{
public:
    explicit OutboxRepository(const QSqlDatabase &db) : m_db(db) {}

    // Appends an event in the caller's write transaction: its sequence number is the next one,
    // gap-free, in commit order (the head row stays locked until the commit).
    qint64 append(const QString &type, qint64 at, const QJsonObject &data);
    // At most `limit` events after `seq`, oldest first.
    QList<OutboxEvent> after(qint64 seq, int limit) const;
    qint64 lastSeq() const;

private:
    QSqlDatabase m_db;
};
