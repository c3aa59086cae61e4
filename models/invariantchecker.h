#pragma once
// Checks, in SQL over the whole database, the invariants users trust the ledger with.

#include <QSqlDatabase>
#include <QStringList>

struct InvariantReport
{
    QStringList violations; // one line each; empty when every invariant holds
    QStringList checks;     // for each line, the id of the check that found it
    qint64 accounts = 0;
    qint64 ledgerEntries = 0;
    qint64 decisions = 0;
    qint64 payouts = 0;
    qint64 milliseconds = 0;
    bool ok() const { return violations.isEmpty(); }
};

class InvariantChecker
{
public:
    explicit InvariantChecker(const QSqlDatabase &db) : m_db(db) {}

    // Lists at most `perCheck` violations of each invariant (and how many more there are).
    // Reads in one read-only snapshot and writes nothing; the connection must not be inside a
    // transaction.
    // `thorough`: also recompute the audit trail's hash chain and count every rollup again
    // (they read every row; a caller checking after every step may do it less often).
    InvariantReport run(int perCheck = 20, bool thorough = true) const;
    // The ids of every check, in the order they run.
    static QStringList checkIds();

private:
    QSqlDatabase m_db;
};
