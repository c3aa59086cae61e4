#pragma once
// The append-only audit trail: who did what to which request, under which profile.

#include <QList>
#include <QSqlDatabase>
#include <QString>

struct AuditRecord
{
    qint64 id = 0;
    qint64 at = 0;
    QString actor;
    QString action; // triage, approve, deny, escalate, assign, note, chargeback, ...
    qint64 accountId = 0;
    qint64 requestId = 0;
    QString profile;
    int profileVersion = 0;
    QString recommendation; // the engine's outcome as JSON
    QString note;
    QString details;   // what was written, as JSON
    QString actorRole; // read back: the desk role the database recorded (team databases)
};

class AuditRepository
{
public:
    explicit AuditRepository(const QSqlDatabase &db) : m_db(db) {}

    qint64 append(const AuditRecord &record);
    QList<AuditRecord> forRequest(qint64 requestId) const;
    // The PostgreSQL notification channel every appended row signals on.
    static QString changeChannel();

private:
    QSqlDatabase m_db;
};
