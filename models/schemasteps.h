#pragma once
// The schema's migration steps, shared by schema.cpp (versions 1 to 9) and schemateam.cpp (10
// on: four-eyes, reversals, the company's own profiles). Not for use outside models/.

#include "databaseerror.h"
#include "sqlstatement.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

class SqlDialect;

namespace SchemaSteps {
void runAll(const QSqlDatabase &db, const QStringList &statements);
// SQLite's CHECK lists spelt out as comparisons (see schema.cpp).
QString spellOutInLists(const QString &sql);
// Bumps SQLite's schema version after sqlite_schema was rewritten; the next statement on
// `table` fails when SQLite cannot read the new text back.
void reloadSqliteSchema(const QSqlDatabase &db, const QString &table);
// The audit chain's trigger (SQLite) and function (PostgreSQL); `withRole`: see
// AuditChain::canonicalSql().
QString auditChainSqlite(const SqlDialect &d, bool withRole);
QString auditChainPostgres(const SqlDialect &d, bool withRole);

// SQLite's schema text may be rewritten for a while (PRAGMA writable_schema), for the changes
// SQLite documents as safe that way: those that leave every stored row valid.
struct WritableSchema
{
    QSqlDatabase db;
    explicit WritableSchema(const QSqlDatabase &d) : db(d)
    {
        SqlStatement::run(db, QStringLiteral("PRAGMA writable_schema = ON"));
    }
    ~WritableSchema()
    {
        try {
            SqlStatement::run(db, QStringLiteral("PRAGMA writable_schema = OFF"));
        } catch (const DatabaseError &e) {
            qWarning("%s", qPrintable(e.message()));
        }
    }
};

void migrateToV10(const QSqlDatabase &db, const SqlDialect &d);
void migrateToV11(const QSqlDatabase &db, const SqlDialect &d);
QStringList migrateToV12(const SqlDialect &d);
QStringList migrateToV13(const SqlDialect &d);
QStringList migrateToV14(const SqlDialect &d);
QStringList migrateToV15(const SqlDialect &d);
QStringList migrateToV16(const SqlDialect &d);
QStringList migrateToV17(const SqlDialect &d);
} // namespace SchemaSteps
