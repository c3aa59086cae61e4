#pragma once
// The schema as data: numbered upgrade steps, each run in its own transaction.

#include <QSqlDatabase>
#include <QString>

class SqlDialect;

class Schema
{
public:
    static int latestVersion();
    // Takes the database from version `version - 1` to `version`, inside the caller's
    // transaction. Throws DatabaseError.
    static void upgrade(int version, const QSqlDatabase &db, const SqlDialect &dialect);
    // How v4 respells an IN list of a CHECK constraint on SQLite; for tests.
    static QString spellOutInListsForTest(const QString &sql);
};
