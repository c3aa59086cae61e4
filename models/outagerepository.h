#pragma once
// Service outages: periods when customers could not use their credits.

#include <QList>
#include <QSqlDatabase>
#include <QString>

struct OutageRecord
{
    qint64 id = 0;
    qint64 startedAt = 0;
    qint64 endedAt = 0;
    QString description;
};

class OutageRepository
{
public:
    explicit OutageRepository(const QSqlDatabase &db) : m_db(db) {}

    qint64 create(const OutageRecord &outage);
    void update(const OutageRecord &outage);
    // Outages that overlap [from, to].
    QList<OutageRecord> overlapping(qint64 from, qint64 to) const;

private:
    QSqlDatabase m_db;
};
