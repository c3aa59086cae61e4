#pragma once
// The rollup tables the dashboard reads instead of the facts (issue 19; rollup_jobs since
// schema v16, the rest since v17): small tables of sums per UTC day (days since 1970-01-01),
// account profile and whatever else a figure groups by. Triggers keep each one in the
// transaction that writes its facts, whoever writes them (ingest, triage, decisions, payouts,
// the demo); a fact whose counted columns change, or an account moving to another profile,
// moves its sums. A bulk load pauses the insert triggers of the tables it fills and counts
// once at the end. `refundctl rollups rebuild` counts every rollup again; `refundctl check`
// compares each with its facts.
//
// Every rollup is described once, by a Spec; the tables, triggers, recounts and comparisons
// are all written from it.

#include <QList>
#include <QString>
#include <QStringList>

class Database;
class QSqlDatabase;
class SqlDialect;

namespace Rollups {

struct Join
{
    QString table; // "refund_requests r"
    QString on;    // "r.id = %f.request_id"; %f is the fact row (f, NEW or OLD)
};

struct Spec
{
    QString table;     // rollup_ledger
    QString fact;      // ledger_entries
    QList<Join> joins; // from the fact towards its account, which is always "accounts a"
    QString account;   // the account's id, e.g. "%f.account_id"
    QStringList keys;  // "day BIGINT", "entry_type TEXT": the groups, beside a.profile
    QStringList keyExprs;
    QStringList values;     // summed columns ("cents NUMERIC"); the last one counts rows
    QStringList valueExprs; // one row's value of each
    QString counted;        // which facts count (empty: all)
    QStringList watched;    // fact columns whose change moves a row from one group to another
    bool bulky = false;     // millions of rows: PostgreSQL counts a statement's rows at once
};

// Every rollup, in the order the schema creates them.
QList<Spec> all(const SqlDialect &d);
const Spec *find(const QList<Spec> &specs, const QString &table);

// The columns: the first key, profile, the other keys, then the values.
QStringList columns(const Spec &s);
QString createTable(const Spec &s);
// The triggers (and on PostgreSQL their functions) that keep the rollup: <table>_inserted on
// the fact, <table>_moved when `watched` is not empty, <table>_profile on accounts.
QStringList createTriggers(const Spec &s, const SqlDialect &d);
QStringList dropTriggers(const Spec &s, const SqlDialect &d);
QString insertTrigger(const Spec &s);
// Empties the rollup and counts every fact into it.
QStringList recount(const Spec &s, const SqlDialect &d);
// A query of one number: how many groups the rollup and a count of the facts disagree on.
QString differences(const Spec &s);

// What rebuild() and compare() report per rollup.
struct Count
{
    QString table;
    qint64 value = 0; // groups after a rebuild; groups that differ after a compare
    qint64 milliseconds = 0;
};

// Counts every rollup again from its facts, in one write transaction. On PostgreSQL the
// rollups are locked against writes first, so what is written meanwhile waits and is counted
// after, once; readers go on reading the old sums until the commit.
QList<Count> rebuild(Database &db);
// How many groups of each rollup differ from a count of its facts (all zero when they agree).
QList<Count> compare(const QSqlDatabase &db);

} // namespace Rollups
