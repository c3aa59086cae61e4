#pragma once
// Counts across the whole database, for `refundctl stats` and health checks.

#include <QMap>
#include <QSqlDatabase>
#include <QString>

struct DatabaseStats
{
    qint64 accounts = 0;
    qint64 purchases = 0;
    qint64 jobs = 0;
    qint64 ledgerEntries = 0;
    QMap<QString, qint64> requestsByStatus;
    qint64 refundedCents = 0;
    qint64 creditsRestored = 0;
};

class StatsRepository
{
public:
    explicit StatsRepository(const QSqlDatabase &db) : m_db(db) {}
    DatabaseStats collect() const;

private:
    QSqlDatabase m_db;
};
