#pragma once
// A fresh, empty database on one backend for one test, removed again afterwards.
// SQLite: a file in a temporary folder. PostgreSQL: a new database on the server named by
// $REFUNDDESK_TEST_PG_URL (./test.sh starts one and sets it).

#include "models/database.h"

#include <QTemporaryDir>
#include <memory>

class TestDatabase
{
public:
    // Adds the "backend" column and a row per backend, for initTestCase_data().
    static void addBackendRows();
    // The PostgreSQL server URL for tests, or empty when none was given.
    static QString postgresServerUrl();

    explicit TestDatabase(const QString &backend);
    ~TestDatabase();

    bool isAvailable() const { return m_available; }
    QString skipReason() const { return m_skipReason; }
    DatabaseUrl url() const { return m_url; }
    Database &db() { return *m_db; }
    // A second, independent Database on the same data (another process's view).
    std::unique_ptr<Database> openAnother() const;

private:
    bool m_available = false;
    QString m_skipReason;
    QTemporaryDir m_dir;
    DatabaseUrl m_url;
    QString m_pgName;
    std::unique_ptr<Database> m_db;
};

// In a test slot: a fresh database for the current global "backend" row, or skip.
#define REFUNDDESK_FRESH_DATABASE(var)                                                             \
    QFETCH_GLOBAL(QString, backend);                                                               \
    TestDatabase var(backend);                                                                     \
    if (!var.isAvailable())                                                                        \
        QSKIP(qPrintable(var.skipReason()));
