#include "bulkloadscope.h"
#include "rollups.h"

#include "database.h"
#include "databaseerror.h"
#include "sqldialect.h"
#include "sqlstatement.h"

#include <QCoreApplication>

BulkLoadScope::BulkLoadScope(Database &database, bool enabled)
    : m_db(database.connection()), m_sqlite(database.dialect().isSqlite()), m_enabled(enabled)
{
    if (m_sqlite && m_enabled) {
        // Checked once, in bulk, by finish(); the pragma is a no-op inside a transaction.
        SqlStatement::run(m_db, QStringLiteral("PRAGMA foreign_keys = OFF"));
        m_foreignKeysOff = true;
        // A bigger page cache for the load and its index sorts.
        m_pageCache.emplace(m_db, ScopedSetting::BigPageCache{});
    }
}

BulkLoadScope::~BulkLoadScope()
{
    if (m_sqlite && m_enabled) {
        try {
            if (m_foreignKeysOff)
                SqlStatement::run(m_db, QStringLiteral("PRAGMA foreign_keys = ON"));
        } catch (const DatabaseError &e) {
            qWarning("%s", qPrintable(e.message()));
        }
    }
}

void BulkLoadScope::begin(const QStringList &tables)
{
    // audit_chain_seq stays on both backends: what appends to the audit chain reads the newest
    // row by it for every row (PostgreSQL's trigger does), and without it each audit row
    // scanned the whole log: a 290,000-account demo on PostgreSQL slowed with every batch
    // (69,000 rows/s; 292,000 with the index).
    if (!m_enabled)
        return;
    m_tables = tables;
    for (const QString &table : m_tables) {
        if (m_sqlite) {
            // Indexes from CREATE INDEX have their SQL; those behind UNIQUE columns do not and
            // stay (they are few and the load needs them to refuse duplicates).
            SqlStatement st(m_db, QStringLiteral("SELECT name, sql FROM sqlite_master WHERE"
                                                 " type = 'index' AND tbl_name = ?"
                                                 " AND sql IS NOT NULL"
                                                 " AND name <> 'audit_chain_seq'"));
            st.bind(table).exec();
            while (st.next())
                m_saved.append({table, st.value(0).toString(), st.value(1).toString(), false});
        } else {
            SqlStatement fks(m_db, QStringLiteral("SELECT conname, pg_get_constraintdef(oid)"
                                                  " FROM pg_constraint WHERE contype = 'f'"
                                                  " AND conrelid = to_regclass(?)"));
            fks.bind(table).exec();
            while (fks.next())
                m_saved.append({table, fks.value(0).toString(), fks.value(1).toString(), true});
            // The primary keys of the two biggest tables too: nothing reads them by id while
            // loading, and a key built once at the end costs less than 20 million inserts
            // into it. Only when no table outside the load refers to them.
            if (table == QLatin1String("jobs") || table == QLatin1String("ledger_entries")) {
                SqlStatement pk(m_db,
                                QStringLiteral("SELECT c.conname, pg_get_constraintdef(c.oid)"
                                               " FROM pg_constraint c WHERE c.contype = 'p'"
                                               " AND c.conrelid = to_regclass(?) AND NOT"
                                               " EXISTS (SELECT 1 FROM pg_constraint f"
                                               " WHERE f.contype = 'f' AND f.confrelid ="
                                               " c.conrelid AND NOT (f.conrelid::regclass::text"
                                               " = ANY (?::text[])))"));
                pk.bind(table).bind(QStringLiteral("{%1}").arg(tables.join(QLatin1Char(','))));
                pk.exec();
                if (pk.next())
                    m_keys.append({table, pk.value(0).toString(), pk.value(1).toString(), true});
            }
            SqlStatement idx(m_db, QStringLiteral("SELECT i.indexname, i.indexdef FROM pg_indexes i"
                                                  " WHERE i.schemaname = current_schema() AND"
                                                  " i.tablename = ? AND i.indexname <>"
                                                  " 'audit_chain_seq' AND NOT EXISTS (SELECT 1 FROM"
                                                  " pg_constraint c WHERE c.conname = i.indexname"
                                                  " AND c.contype IN ('p', 'u', 'x'))"));
            idx.bind(table).exec();
            while (idx.next())
                m_saved.append({table, idx.value(0).toString(), idx.value(1).toString(), false});
        }
    }
    // The rollups of the big tables are counted once at the end, from all their rows, instead
    // of by their triggers for every row or batch the load writes (on PostgreSQL that made a
    // large load several times slower: every batch rewrote the same groups again within one
    // transaction). Both happen in the load's transaction.
    const SqlDialect dialect = SqlDialect::of(m_db);
    for (const Rollups::Spec &spec : Rollups::all(dialect)) {
        if (!spec.bulky || !m_tables.contains(spec.fact))
            continue;
        const QString trigger = Rollups::insertTrigger(spec);
        QString definition;
        if (m_sqlite) {
            definition = SqlStatement::scalar(m_db,
                                              QStringLiteral("SELECT sql FROM sqlite_master WHERE"
                                                             " type = 'trigger' AND name = ?"),
                                              {trigger})
                             .toString();
            SqlStatement::run(m_db, QStringLiteral("DROP TRIGGER %1").arg(trigger));
        } else {
            SqlStatement::run(
                m_db, QStringLiteral("ALTER TABLE %1 DISABLE TRIGGER %2").arg(spec.fact, trigger));
        }
        m_pausedRollups.append({spec, definition});
    }
    // Foreign keys first (some refer to the keys), then the keys and indexes.
    for (const Saved &s : std::as_const(m_saved))
        if (s.isConstraint)
            SqlStatement::run(
                m_db, QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT %2").arg(s.table, s.name));
    for (const Saved &s : std::as_const(m_keys))
        SqlStatement::run(m_db,
                          QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT %2").arg(s.table, s.name));
    for (const Saved &s : std::as_const(m_saved))
        if (!s.isConstraint)
            SqlStatement::run(m_db, QStringLiteral("DROP INDEX %1").arg(s.name));
}

void BulkLoadScope::finish()
{
    if (!m_enabled)
        return;
    // Statistics of what was loaded first: without them PostgreSQL planned the foreign-key
    // checks and the rollups' counts for empty tables (a rollup of 10 million rows took 8 s
    // instead of 3).
    // And room to hash the keys a foreign key checks in memory, for this transaction only.
    // (Not on SQLite: there statistics made the ledger filtered by type sort its 200,000
    // credit-backs by id instead of reading them in id order, 1 ms -> 230 ms.)
    if (!m_sqlite) {
        SqlStatement::run(m_db, QStringLiteral("ANALYZE ") + m_tables.join(QStringLiteral(", ")));
        SqlStatement::run(m_db, QStringLiteral("SET LOCAL work_mem = '256MB'"));
    }
    // The keys first: the foreign keys refer to them.
    for (const Saved &s : std::as_const(m_keys))
        SqlStatement::run(m_db, QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 %3")
                                    .arg(s.table, s.name, s.definition));
    m_keys.clear();
    for (const Saved &s : std::as_const(m_saved)) {
        if (s.isConstraint)
            SqlStatement::run(m_db, QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 %3")
                                        .arg(s.table, s.name, s.definition));
        else
            SqlStatement::run(m_db, s.definition);
    }
    m_saved.clear();
    for (const auto &[spec, definition] : std::as_const(m_pausedRollups)) {
        for (const QString &statement : Rollups::recount(spec, SqlDialect::of(m_db)))
            SqlStatement::run(m_db, statement);
        SqlStatement::run(m_db, m_sqlite ? definition
                                         : QStringLiteral("ALTER TABLE %1 ENABLE TRIGGER %2")
                                               .arg(spec.fact, Rollups::insertTrigger(spec)));
    }
    m_pausedRollups.clear();
    if (m_sqlite) {
        for (const QString &table : std::as_const(m_tables)) {
            SqlStatement st(m_db, QStringLiteral("PRAGMA foreign_key_check(%1)").arg(table));
            st.exec();
            if (st.next())
                throw DatabaseError(
                    QCoreApplication::translate("BulkLoadScope",
                                                "row %1 of %2 refers to a missing row of %3")
                        .arg(st.value(1).toString(), table, st.value(2).toString()));
        }
    }
}
