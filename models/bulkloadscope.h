#pragma once
// Bulk-load mode for a few tables inside one write transaction: their secondary indexes (and
// on PostgreSQL their foreign keys) are dropped first and rebuilt at the end, which checks the
// whole load at once instead of row by row; the rebuild still refuses duplicates and dangling
// references, so what commits is as consistent as row-by-row inserts would have left it.

#include "rollups.h"
#include "scopedsetting.h"

#include <QList>
#include <QSqlDatabase>
#include <QStringList>
#include <optional>

class Database;

class BulkLoadScope
{
public:
    // Call before the write transaction: SQLite switches foreign-key enforcement only outside
    // one. With `enabled` false the scope changes nothing (a small load into a big database is
    // faster with its indexes in place).
    explicit BulkLoadScope(Database &database, bool enabled = true);
    ~BulkLoadScope();
    BulkLoadScope(const BulkLoadScope &) = delete;
    BulkLoadScope &operator=(const BulkLoadScope &) = delete;

    // Inside the transaction, before the first insert; `tables` are those the load writes to.
    void begin(const QStringList &tables);
    // Inside the transaction, after the last insert: rebuilds what begin() dropped and checks
    // every foreign key. Throws DatabaseError naming the first violation.
    void finish();

private:
    struct Saved
    {
        QString table;
        QString name;
        QString definition;
        bool isConstraint = false;
    };
    QSqlDatabase m_db;
    QStringList m_tables;
    QList<Saved> m_saved;
    QList<Saved> m_keys; // primary keys dropped for the load (PostgreSQL)
    bool m_sqlite = false;
    QList<std::pair<Rollups::Spec, QString>> m_pausedRollups; // and SQLite's trigger SQL
    bool m_foreignKeysOff = false;
    bool m_enabled = true;
    std::optional<ScopedSetting> m_pageCache;
};
