#pragma once
// Checks, in SQL over the whole database, the invariants users trust the ledger with.

#include <QSqlDatabase>
#include <QStringList>

struct InvariantReport
{
    QStringList violations; // one line each; empty when every invariant holds
    qint64 accounts = 0;
    qint64 ledgerEntries = 0;
    qint64 decisions = 0;
    bool ok() const { return violations.isEmpty(); }
};

class InvariantChecker
{
public:
    explicit InvariantChecker(const QSqlDatabase &db) : m_db(db) {}

    // Lists at most `perCheck` violations of each invariant (and how many more there are).
    InvariantReport run(int perCheck = 20) const;

private:
    QSqlDatabase m_db;
};
