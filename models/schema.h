#pragma once
// The schema as data: numbered upgrade steps, each run in its own transaction.

#include <QStringList>

class SqlDialect;

class Schema
{
public:
    static int latestVersion();
    // The statements that take a database from version `version - 1` to `version`.
    static QStringList upgradeStep(int version, const SqlDialect &dialect);
};
