#include "rollups.h"
#include "requestrepository.h"

#include "database.h"
#include "sqldialect.h"
#include "sqlstatement.h"
#include "writetransaction.h"

#include <QElapsedTimer>

namespace Rollups {

namespace {

QString on(QString text, const QString &alias)
{
    return text.replace(QLatin1String("%f"), alias);
}

QStringList names(const QStringList &declarations)
{
    QStringList out;
    for (const QString &d : declarations)
        out << d.section(QLatin1Char(' '), 0, 0);
    return out;
}

// The first key, then `profile`, then the rest: a rollup is read by day range first.
QStringList withProfile(QStringList keys, const QString &profile)
{
    keys.insert(1, profile);
    return keys;
}

// The columns that name a group: the rollup's primary key.
QStringList keyColumns(const Spec &s)
{
    return withProfile(names(s.keys), QStringLiteral("profile"));
}

QString onConflict(const Spec &s)
{
    QStringList sets;
    for (const QString &v : names(s.values))
        sets << QStringLiteral("%1 = %2.%1 + excluded.%1").arg(v, s.table);
    return QStringLiteral(" ON CONFLICT (%1) DO UPDATE SET %2")
        .arg(keyColumns(s).join(QStringLiteral(", ")), sets.join(QStringLiteral(", ")));
}

QString insertInto(const Spec &s)
{
    return QStringLiteral("INSERT INTO %1 (%2) ")
        .arg(s.table, columns(s).join(QStringLiteral(", ")));
}

// One fact row (NEW or OLD in a row trigger) as the row it adds to the rollup, times `sign`.
QString upsertRow(const Spec &s, const QString &alias, const QString &sign)
{
    QStringList select;
    for (const QString &k : s.keyExprs)
        select << on(k, alias);
    select = withProfile(select, QStringLiteral("a.profile"));
    for (const QString &v : s.valueExprs)
        select << QStringLiteral("%1 * (%2)").arg(sign, on(v, alias));
    QStringList from;
    QStringList where;
    for (const Join &j : s.joins) {
        from << j.table;
        where << on(j.on, alias);
    }
    from << QStringLiteral("accounts a");
    where << QStringLiteral("a.id = ") + on(s.account, alias);
    if (!s.counted.isEmpty())
        where << on(s.counted, alias);
    return insertInto(s) +
           QStringLiteral("SELECT %1 FROM %2 WHERE %3")
               .arg(select.join(QStringLiteral(", ")), from.join(QStringLiteral(", ")),
                    where.join(QStringLiteral(" AND "))) +
           onConflict(s);
}

// The facts in `factFrom` (aliased f) grouped as the rollup counts them, times `sign`.
// `profile` is what the profile column holds; without `joinAccount` the fact's own
// account_id finds it (bulky facts have no joins).
QString grouped(const Spec &s, const QString &factFrom, const QString &profile,
                const QString &extraWhere, const QString &sign, bool joinAccount = true)
{
    QStringList select;
    for (const QString &k : s.keyExprs)
        select << on(k, QStringLiteral("f"));
    select = withProfile(select, profile);
    for (qsizetype i = 0; i < s.valueExprs.size(); ++i)
        select << QStringLiteral("CAST(%1 * SUM(%2) AS %3)")
                      .arg(sign, on(s.valueExprs.at(i), QStringLiteral("f")),
                           s.values.at(i).section(QLatin1Char(' '), 1));
    const QStringList named = columns(s);
    for (qsizetype i = 0; i < select.size(); ++i)
        select[i] += QStringLiteral(" AS ") + named.at(i);
    QString from = factFrom;
    if (joinAccount) {
        for (const Join &j : s.joins)
            from += QStringLiteral(" JOIN %1 ON %2").arg(j.table, on(j.on, QStringLiteral("f")));
        from += QStringLiteral(" JOIN accounts a ON a.id = ") + on(s.account, QStringLiteral("f"));
    }
    QStringList where;
    if (!s.counted.isEmpty())
        where << on(s.counted, QStringLiteral("f"));
    if (!extraWhere.isEmpty())
        where << extraWhere;
    if (where.isEmpty())
        where << QStringLiteral("1 = 1");
    QStringList groups;
    for (int i = 1; i <= s.keys.size() + 1; ++i)
        groups << QString::number(i);
    return QStringLiteral("SELECT %1 FROM %2 WHERE %3 GROUP BY %4")
        .arg(select.join(QStringLiteral(", ")), from, where.join(QStringLiteral(" AND ")),
             groups.join(QStringLiteral(", ")));
}

QString factsOf(const Spec &s)
{
    return s.fact + QStringLiteral(" f");
}

// Every fact, grouped as the rollup counts it: what the rollup should hold.
QString allFactsGrouped(const Spec &s)
{
    return grouped(s, factsOf(s), QStringLiteral("a.profile"), QString(), QStringLiteral("1"));
}

// The groups of one account's facts, under the profile it had or has now.
QString moveAccount(const Spec &s, const QString &profile, const QString &sign)
{
    return insertInto(s) + grouped(s, factsOf(s), profile, QStringLiteral("a.id = NEW.id"), sign) +
           onConflict(s);
}

QString changed(const Spec &s, const SqlDialect &d)
{
    QStringList any;
    for (const QString &c : s.watched)
        any << d.changes(c);
    return any.join(QStringLiteral(" OR "));
}

QString name(const Spec &s, const char *what)
{
    return s.table + QLatin1Char('_') + QLatin1String(what);
}

} // namespace

QList<Spec> all(const SqlDialect &d)
{
    const QString day = QStringLiteral("day BIGINT");
    // Money sums as exact numbers beyond 64 bits: a purchase another program wrote past the
    // bounds (charges times amount over 2^63) is still recorded; only reading it fails.
    const QString money = QStringLiteral("cents NUMERIC");
    const auto dayOf = [](const char *column) {
        return QStringLiteral("%f.%1 / 86400").arg(QLatin1String(column));
    };
    const QString account = QStringLiteral("%f.account_id");
    const Join request{QStringLiteral("refund_requests r"), QStringLiteral("r.id = %f.request_id")};
    // How long a decision took, to the precision the dashboard shows it: minutes under an
    // hour, tenths of an hour under two days, tenths of a day beyond.
    const QString wait = QStringLiteral("%f.decided_at - r.received_at");
    const QString waitBucket = QStringLiteral("CASE WHEN %1 < 3600 THEN (%1) / 60 * 60"
                                              " WHEN %1 < 172800 THEN (%1) / 360 * 360"
                                              " ELSE (%1) / 8640 * 8640 END")
                                   .arg(wait);
    const QString onTime =
        QStringLiteral("CASE WHEN %1 <= %f.rec_respond_by THEN 'on_time' ELSE 'late' END")
            .arg(RequestRepository::answeredOnSql(d, QStringLiteral("%f")));
    return {
        // Jobs per status and failure (v16): the jobs figure.
        {QStringLiteral("rollup_jobs"),
         QStringLiteral("jobs"),
         {},
         account,
         {day, QStringLiteral("status TEXT"), QStringLiteral("failure TEXT")},
         {dayOf("created_at"), QStringLiteral("%f.status"),
          QStringLiteral("COALESCE(%f.failure, '')")},
         {QStringLiteral("jobs BIGINT")},
         {QStringLiteral("1")},
         QString(),
         {QStringLiteral("status"), QStringLiteral("failure")},
         true},
        // Ledger entries per type: credits restored (the tile and the figure).
        {QStringLiteral("rollup_ledger"),
         QStringLiteral("ledger_entries"),
         {},
         account,
         {day, QStringLiteral("entry_type TEXT")},
         {dayOf("created_at"), QStringLiteral("%f.entry_type")},
         {QStringLiteral("credits BIGINT"), QStringLiteral("entries BIGINT")},
         {QStringLiteral("%f.credits"), QStringLiteral("1")},
         QString(),
         {},
         true},
        // Purchases per currency: revenue.
        {QStringLiteral("rollup_purchases"),
         QStringLiteral("purchases"),
         {},
         account,
         {day, QStringLiteral("currency TEXT")},
         {dayOf("created_at"), QStringLiteral("%f.currency")},
         {money, QStringLiteral("purchases BIGINT")},
         {QStringLiteral("CAST(%f.amount_cents AS NUMERIC) * %f.charge_count"),
          QStringLiteral("1")},
         QString(),
         {},
         true},
        // Payouts that succeeded, on the day they did: money refunded.
        {QStringLiteral("rollup_payouts"),
         QStringLiteral("payouts"),
         {},
         account,
         {day, QStringLiteral("currency TEXT")},
         {dayOf("updated_at"), QStringLiteral("%f.currency")},
         {money, QStringLiteral("payouts BIGINT")},
         {QStringLiteral("%f.amount_cents"), QStringLiteral("1")},
         QStringLiteral("%f.status = 'succeeded'"),
         {QStringLiteral("status"), QStringLiteral("updated_at")},
         false},
        // Decisions per request type, verdict and reviewer, with the overrides among them.
        {QStringLiteral("rollup_decisions"),
         QStringLiteral("decisions"),
         {request},
         QStringLiteral("r.account_id"),
         {day, QStringLiteral("type TEXT"), QStringLiteral("verdict TEXT"),
          QStringLiteral("reviewer TEXT")},
         {dayOf("decided_at"), QStringLiteral("r.type"), QStringLiteral("%f.verdict"),
          QStringLiteral("%f.reviewer")},
         {QStringLiteral("overrides BIGINT"), QStringLiteral("decisions BIGINT")},
         {QStringLiteral("CASE WHEN %f.is_override THEN 1 ELSE 0 END"), QStringLiteral("1")},
         QString(),
         {},
         false},
        // Decisions per time taken (the median decision time).
        {QStringLiteral("rollup_decision_waits"),
         QStringLiteral("decisions"),
         {request},
         QStringLiteral("r.account_id"),
         {day, QStringLiteral("wait BIGINT")},
         {dayOf("decided_at"), waitBucket},
         {QStringLiteral("decisions BIGINT")},
         {QStringLiteral("1")},
         QString(),
         {},
         false},
        // Requests answered on time or late, on the day they were.
        {QStringLiteral("rollup_answers"),
         QStringLiteral("refund_requests"),
         {},
         account,
         {day, QStringLiteral("outcome TEXT")},
         {dayOf("decided_at"), onTime},
         {QStringLiteral("requests BIGINT")},
         {QStringLiteral("1")},
         QStringLiteral("%f.decided_at IS NOT NULL AND %f.rec_respond_by IS NOT NULL"),
         {QStringLiteral("decided_at"), QStringLiteral("rec_respond_by"),
          QStringLiteral("answered_on")},
         false},
        // Open requests now, per answer date ('' for none yet): open and overdue.
        {QStringLiteral("rollup_open_requests"),
         QStringLiteral("refund_requests"),
         {},
         account,
         {QStringLiteral("respond_by TEXT")},
         {QStringLiteral("COALESCE(%f.rec_respond_by, '')")},
         {QStringLiteral("requests BIGINT")},
         {QStringLiteral("1")},
         QStringLiteral("%f.status IN ('new', 'pending', 'escalated')"),
         {QStringLiteral("status"), QStringLiteral("rec_respond_by")},
         false},
        // Chargebacks per status, on the day they were opened.
        {QStringLiteral("rollup_chargebacks"),
         QStringLiteral("chargebacks"),
         {},
         account,
         {day, QStringLiteral("status TEXT")},
         {dayOf("opened_at"), QStringLiteral("%f.status")},
         {QStringLiteral("chargebacks BIGINT")},
         {QStringLiteral("1")},
         QString(),
         {QStringLiteral("status")},
         false},
    };
}

const Spec *find(const QList<Spec> &specs, const QString &table)
{
    for (const Spec &s : specs)
        if (s.table == table)
            return &s;
    return nullptr;
}

QStringList columns(const Spec &s)
{
    return keyColumns(s) + names(s.values);
}

QString createTable(const Spec &s)
{
    QStringList declarations;
    for (const QString &k : s.keys)
        declarations << k + QStringLiteral(" NOT NULL");
    declarations = withProfile(declarations, QStringLiteral("profile TEXT NOT NULL"));
    for (const QString &v : s.values)
        declarations << v + QStringLiteral(" NOT NULL");
    return QStringLiteral("CREATE TABLE %1 (%2, PRIMARY KEY (%3))")
        .arg(s.table, declarations.join(QStringLiteral(", ")),
             keyColumns(s).join(QStringLiteral(", ")));
}

QString insertTrigger(const Spec &s)
{
    return name(s, "inserted");
}

QStringList createTriggers(const Spec &s, const SqlDialect &d)
{
    Q_ASSERT(!s.bulky || s.joins.isEmpty());
    const QString inserted = upsertRow(s, QStringLiteral("NEW"), QStringLiteral("1"));
    const QString moved = upsertRow(s, QStringLiteral("OLD"), QStringLiteral("-1")) +
                          QStringLiteral("; ") +
                          upsertRow(s, QStringLiteral("NEW"), QStringLiteral("1"));
    const QString profileMoved =
        moveAccount(s, QStringLiteral("OLD.profile"), QStringLiteral("-1")) + QStringLiteral("; ") +
        moveAccount(s, QStringLiteral("NEW.profile"), QStringLiteral("1"));
    QStringList out;
    if (d.isSqlite()) {
        out << QStringLiteral("CREATE TRIGGER %1 AFTER INSERT ON %2 BEGIN %3; END")
                   .arg(insertTrigger(s), s.fact, inserted);
        if (!s.watched.isEmpty())
            out << QStringLiteral("CREATE TRIGGER %1 AFTER UPDATE OF %2 ON %3 WHEN %4"
                                  " BEGIN %5; END")
                       .arg(name(s, "moved"), s.watched.join(QStringLiteral(", ")), s.fact,
                            changed(s, d), moved);
        out << QStringLiteral("CREATE TRIGGER %1 AFTER UPDATE OF profile ON accounts"
                              " WHEN OLD.profile IS NOT NEW.profile BEGIN %2; END")
                   .arg(name(s, "profile"), profileMoved);
        return out;
    }
    // Functions run as the owner: no desk role writes a rollup itself.
    const auto definer = [&](const QString &function, const QString &body) {
        return QStringLiteral("CREATE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql SECURITY"
                              " DEFINER SET search_path = public AS $$ BEGIN %2;"
                              " RETURN NULL; END $$")
            .arg(function, body);
    };
    if (s.bulky) {
        // A statement's new rows at once (a COPY of a million is one upsert per group). The
        // profile by one index probe per row: a join let the planner, knowing nothing of the
        // transition table, scan every account for each batch.
        out << definer(insertTrigger(s),
                       insertInto(s) +
                           grouped(s, QStringLiteral("new_rows f"),
                                   QStringLiteral("COALESCE((SELECT a.profile FROM accounts a"
                                                  " WHERE a.id = f.account_id), '')"),
                                   QString(), QStringLiteral("1"), false) +
                           onConflict(s));
        out << QStringLiteral("CREATE TRIGGER %1 AFTER INSERT ON %2 REFERENCING NEW TABLE AS"
                              " new_rows FOR EACH STATEMENT EXECUTE FUNCTION %1()")
                   .arg(insertTrigger(s), s.fact);
    } else {
        out << definer(insertTrigger(s), inserted);
        out << QStringLiteral("CREATE TRIGGER %1 AFTER INSERT ON %2 FOR EACH ROW EXECUTE"
                              " FUNCTION %1()")
                   .arg(insertTrigger(s), s.fact);
    }
    if (!s.watched.isEmpty()) {
        out << definer(name(s, "moved"), moved);
        out << QStringLiteral("CREATE TRIGGER %1 AFTER UPDATE OF %2 ON %3 FOR EACH ROW WHEN"
                              " (%4) EXECUTE FUNCTION %1()")
                   .arg(name(s, "moved"), s.watched.join(QStringLiteral(", ")), s.fact,
                        changed(s, d));
    }
    out << definer(name(s, "profile"), profileMoved);
    out << QStringLiteral("CREATE TRIGGER %1 AFTER UPDATE OF profile ON accounts FOR EACH ROW"
                          " WHEN (OLD.profile IS DISTINCT FROM NEW.profile) EXECUTE FUNCTION"
                          " %1()")
               .arg(name(s, "profile"));
    return out;
}

QStringList dropTriggers(const Spec &s, const SqlDialect &d)
{
    QStringList out;
    const QList<std::pair<const char *, QString>> triggers{
        {"inserted", s.fact}, {"moved", s.fact}, {"profile", QStringLiteral("accounts")}};
    for (const auto &[what, table] : triggers) {
        if (d.isSqlite()) {
            out << QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(name(s, what));
        } else {
            out << QStringLiteral("DROP TRIGGER IF EXISTS %1 ON %2").arg(name(s, what), table);
            out << QStringLiteral("DROP FUNCTION IF EXISTS %1()").arg(name(s, what));
        }
    }
    return out;
}

QStringList recount(const Spec &s, const SqlDialect &d)
{
    const QString count = insertInto(s) + allFactsGrouped(s);
    if (d.isSqlite())
        return {QStringLiteral("DELETE FROM %1").arg(s.table), count};
    // PostgreSQL knows nothing of how many days an expression like created_at / 86400 yields
    // and guesses a group per row: it sorted the 10 million rows of a fresh load instead of
    // hashing a few thousand groups (8 s instead of 3).
    return {QStringLiteral("DELETE FROM %1").arg(s.table),
            QStringLiteral("SET LOCAL enable_sort = off"), count,
            QStringLiteral("RESET enable_sort")};
}

QString differences(const Spec &s)
{
    const QString facts = allFactsGrouped(s);
    // Groups whose sums came to zero (all their facts moved away) are no difference.
    QStringList zero;
    for (const QString &v : names(s.values))
        zero << v + QStringLiteral(" = 0");
    const QString rollup = QStringLiteral("SELECT %1 FROM %2 WHERE NOT (%3)")
                               .arg(columns(s).join(QStringLiteral(", ")), s.table,
                                    zero.join(QStringLiteral(" AND ")));
    // A group whose sums differ is on both sides: counted once, by its keys.
    const QString keys = keyColumns(s).join(QStringLiteral(", "));
    return QStringLiteral("SELECT COUNT(*) FROM (SELECT %3 FROM (SELECT * FROM (%1) x EXCEPT"
                          " SELECT * FROM (%2) y) d1 UNION SELECT %3 FROM (SELECT * FROM (%2) y"
                          " EXCEPT SELECT * FROM (%1) x) d2) d")
        .arg(facts, rollup, keys);
}

QList<Count> rebuild(Database &db)
{
    return WriteTransaction::run(db, [&db](const QSqlDatabase &conn) {
        const QList<Spec> specs = all(db.dialect());
        if (!db.dialect().isSqlite()) {
            QStringList tables;
            for (const Spec &s : specs)
                tables << s.table;
            SqlStatement::run(conn, QStringLiteral("LOCK TABLE %1 IN EXCLUSIVE MODE")
                                        .arg(tables.join(QStringLiteral(", "))));
        }
        QList<Count> counts;
        for (const Spec &s : specs) {
            QElapsedTimer timer;
            timer.start();
            for (const QString &statement : recount(s, db.dialect()))
                SqlStatement::run(conn, statement);
            counts << Count{
                s.table,
                SqlStatement::scalar(conn, QStringLiteral("SELECT COUNT(*) FROM %1").arg(s.table))
                    .toLongLong(),
                timer.elapsed()};
        }
        return counts;
    });
}

QList<Count> compare(const QSqlDatabase &db)
{
    QList<Count> counts;
    for (const Spec &s : all(SqlDialect::of(db))) {
        QElapsedTimer timer;
        timer.start();
        const qint64 n = SqlStatement::scalar(db, differences(s)).toLongLong();
        counts << Count{s.table, n, timer.elapsed()};
    }
    return counts;
}

} // namespace Rollups
