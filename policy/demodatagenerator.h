#pragma once
// Fills a database with realistic, reproducible demo data (same seed and end date, same rows).

#include <QDate>
#include <QString>
#include <functional>

class Database;

struct DemoOptions
{
    int accounts = 200;
    quint64 seed = 1;
    QDate until; // data covers the 12 months before this UTC day; default today
};

struct DemoResult
{
    qint64 rows = 0;
    qint64 accounts = 0;
    qint64 ledgerEntries = 0;
    qint64 requests = 0;
    double seconds = 0;
};

class DemoDataGenerator
{
public:
    // done, total accounts; called on the caller's thread after each batch is written. The
    // call with done == total comes before the indexes are rebuilt and the load commits.
    using Progress = std::function<void(qint64 done, qint64 total)>;

    explicit DemoDataGenerator(Database &database) : m_db(database) {}
    // Writes everything in one transaction: on any error nothing is left behind. Throws
    // DatabaseError.
    DemoResult generate(const DemoOptions &options, const Progress &progress = {});

private:
    Database &m_db;
};
