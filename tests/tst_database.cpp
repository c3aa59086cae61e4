// The data layer on both backends: migrations, constraints, transactions, concurrent writers.

#include "models/accountrepository.h"
#include "models/auditchain.h"
#include "models/auditrepository.h"
#include "models/bulkloadscope.h"
#include "models/databaseerror.h"
#include "models/jobrepository.h"
#include "models/ledgerrepository.h"
#include "models/purchaserepository.h"
#include "models/reportcatalog.h"
#include "models/rollups.h"
#include "models/schema.h"
#include "models/sqldialect.h"
#include "models/sqlstatement.h"
#include "models/writetransaction.h"
#include "support/testdatabase.h"

#include <QSqlRecord>
#include <QTest>
#include <QThread>

namespace {
qint64 makeAccount(Database &db, const QString &email = QStringLiteral("a@example.com"))
{
    AccountRecord a;
    a.email = email;
    a.displayName = QStringLiteral("Zoë \"Z\" O'Brien, Ltd");
    a.profile = QStringLiteral("hummingbytes");
    a.createdAt = 1'700'000'000;
    return AccountRepository(db.connection()).create(a);
}

qint64 count(Database &db, const QString &table)
{
    return SqlStatement::scalar(db.connection(),
                                QStringLiteral("SELECT COUNT(*) FROM %1").arg(table))
        .toLongLong();
}

struct Fixture
{
    qint64 account = 0;
    qint64 purchase = 0;
    qint64 job = 0;
};

Fixture purchaseAndFailedJob(Database &db)
{
    Fixture f;
    WriteTransaction tx(db);
    f.account = makeAccount(db);
    PurchaseRecord p;
    p.accountId = f.account;
    p.createdAt = 1'700'000'100;
    p.credits = 300;
    p.amountCents = 2000;
    p.feeCents = 88;
    p.paymentRef = QStringLiteral("pay_1");
    f.purchase = PurchaseRepository(db.connection()).create(p);
    LedgerRepository ledger(db.connection());
    ledger.append({0,
                   f.account,
                   p.createdAt,
                   QStringLiteral("purchase"),
                   300,
                   f.purchase,
                   0,
                   0,
                   0,
                   QStringLiteral("system"),
                   {}});
    JobRecord j;
    j.accountId = f.account;
    j.createdAt = 1'700'000'200;
    j.credits = 40;
    j.status = QStringLiteral("failed");
    j.failure = QStringLiteral("platform");
    f.job = JobRepository(db.connection()).create(j);
    ledger.append({0,
                   f.account,
                   j.createdAt,
                   QStringLiteral("usage"),
                   -40,
                   0,
                   f.job,
                   0,
                   0,
                   QStringLiteral("system"),
                   {}});
    tx.commit();
    return f;
}

LedgerEntryRecord creditBack(const Fixture &f)
{
    return {0,
            f.account,
            1'700'000'300,
            QStringLiteral("job_credit_back"),
            40,
            0,
            f.job,
            0,
            0,
            QStringLiteral("system"),
            QStringLiteral("automatic")};
}
} // namespace

class TestDatabase_ : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void migrateFromEmpty()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        QCOMPARE(t.db().schemaVersion(), 0);
        t.db().open();
        QCOMPARE(t.db().schemaVersion(), Schema::latestVersion());
        const QStringList tables = t.db().connection().tables();
        for (const char *table : {"accounts", "purchases", "credit_lots", "ledger_entries", "jobs",
                                  "outages", "refund_requests", "decisions", "payouts",
                                  "chargebacks", "audit_log", "policy_profiles", "schema_version"})
            QVERIFY2(tables.contains(QLatin1String(table)), table);
        // Idempotent: a second run changes nothing.
        t.db().migrate();
        QCOMPARE(count(t.db(), QStringLiteral("schema_version")), qint64(Schema::latestVersion()));
    }

    // Version 15 adds the day a request was answered in its profile's time zone. A decided
    // request never changes, so those decided before keep it empty and are measured by the
    // UTC day of their decision, as before; the upgrade does not touch them.
    void decidedRequestsSurviveTheAnsweredOnUpgrade()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open(Database::Migrate::No);
        t.db().migrate(14);
        const qint64 account = makeAccount(t.db());
        const qint64 decidedAt =
            QDateTime(QDate(2026, 3, 5), QTime(3, 0), Qt::UTC).toSecsSinceEpoch();
        SqlStatement::run(t.db().connection(),
                          QStringLiteral("INSERT INTO refund_requests (account_id, type, status,"
                                         " received_at, updated_at, decided_at, rec_respond_by)"
                                         " VALUES (%1, 'dissatisfaction', 'denied', %2, %2, %2,"
                                         " '2026-03-04')")
                              .arg(account)
                              .arg(decidedAt));
        auto other = t.openAnother();
        other->open();
        QCOMPARE(other->schemaVersion(), Schema::latestVersion());
        const auto report =
            ReportCatalog::find(QStringLiteral("sla"), SqlDialect::of(other->connection()), {});
        QVERIFY(report.has_value());
        SqlStatement rows(other->connection(), report->sql);
        for (const QVariant &v : report->values)
            rows.bind(v);
        rows.exec();
        QVERIFY(rows.next());
        QCOMPARE(rows.value(6).toLongLong(), decidedAt);
        QCOMPARE(rows.value(7).toString(), QStringLiteral("2026-03-05")); // its UTC day
        QCOMPARE(rows.value(8).toString(), QStringLiteral("no"));
        QVERIFY(SqlStatement::scalar(other->connection(),
                                     QStringLiteral("SELECT answered_on FROM refund_requests"))
                    .isNull());
    }

    // Version 17 counts what a database already holds into the new rollups as it upgrades:
    // the dashboard then shows the same figures as before.
    void theRollupsUpgradeCountsWhatIsThere()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open(Database::Migrate::No);
        t.db().migrate(16);
        const qint64 account = makeAccount(t.db());
        for (const QString &sql :
             {QStringLiteral("INSERT INTO purchases (account_id, created_at, credits, amount_cents,"
                             " currency, payment_ref) VALUES (%1, 86400, 100, 1000, 'USD', 'p1'),"
                             " (%1, 2 * 86400, 50, 500, 'EUR', 'p2')"),
              QStringLiteral("INSERT INTO jobs (account_id, created_at, credits, status, failure)"
                             " VALUES (%1, 86400, 5, 'failed', 'platform')"),
              QStringLiteral("INSERT INTO ledger_entries (account_id, created_at, entry_type,"
                             " credits, created_by, job_id) SELECT %1, 86400 + 60,"
                             " 'job_credit_back', 5, 'x', id FROM jobs"),
              QStringLiteral("INSERT INTO refund_requests (account_id, type, received_at,"
                             " updated_at, rec_respond_by) VALUES (%1, 'dissatisfaction', 86400,"
                             " 86400, '1970-01-05')")})
            SqlStatement::run(t.db().connection(), sql.arg(account));
        auto other = t.openAnother();
        other->open();
        QCOMPARE(other->schemaVersion(), Schema::latestVersion());
        for (const Rollups::Count &c : Rollups::compare(other->connection()))
            QVERIFY2(c.value == 0, qPrintable(c.table));
        const auto total = [&](const char *sql) {
            return SqlStatement::scalar(other->connection(), QLatin1String(sql)).toLongLong();
        };
        QCOMPARE(total("SELECT SUM(purchases) FROM rollup_purchases"), qint64(2));
        QCOMPARE(total("SELECT SUM(cents) FROM rollup_purchases WHERE currency = 'USD'"),
                 qint64(1000));
        QCOMPARE(total("SELECT SUM(credits) FROM rollup_ledger WHERE entry_type ="
                       " 'job_credit_back'"),
                 qint64(5));
        QCOMPARE(total("SELECT SUM(jobs) FROM rollup_jobs WHERE failure = 'platform'"), qint64(1));
        QCOMPARE(total("SELECT SUM(requests) FROM rollup_open_requests WHERE respond_by ="
                       " '1970-01-05'"),
                 qint64(1));
    }

    void migrateFromV1()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open(Database::Migrate::No);
        t.db().migrate(1);
        QCOMPARE(t.db().schemaVersion(), 1);
        QVERIFY(!t.db().connection().tables().contains(QStringLiteral("policy_profiles")));
        const qint64 id = makeAccount(t.db());

        // Another program opening the older database upgrades it, keeping the data.
        auto other = t.openAnother();
        other->open();
        QCOMPARE(other->schemaVersion(), Schema::latestVersion());
        QVERIFY(other->connection().tables().contains(QStringLiteral("policy_profiles")));
        const auto account = AccountRepository(other->connection()).find(id);
        QVERIFY(account.has_value());
        QCOMPARE(account->displayName, QStringLiteral("Zoë \"Z\" O'Brien, Ltd"));

        // The first connection, opened before the upgrade, reads the new schema: its checks
        // still refuse a bad value and take a good one.
        const auto insertJob = [&](const char *status) {
            SqlStatement::run(t.db().connection(),
                              QStringLiteral("INSERT INTO jobs (account_id, created_at, credits,"
                                             " status) VALUES (%1, 0, 5, '%2')")
                                  .arg(id)
                                  .arg(QLatin1String(status)));
        };
        QVERIFY_THROWS_EXCEPTION(DatabaseError, insertJob("paused"));
        insertJob("succeeded");
        QCOMPARE(count(t.db(), QStringLiteral("jobs")), qint64(1));
    }

    // The audit trail's hash chain: rows written before the chain existed are chained by the
    // upgrade, writers at once keep one chain, and whatever the owner changes, deletes or
    // inserts behind the triggers' back is named by AuditChain::verify().
    void auditChainHoldsAndCatchesTampering()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open(Database::Migrate::No);
        t.db().migrate(7);
        const qint64 account = makeAccount(t.db());
        auto append = [&](Database &db, const QString &note) {
            AuditRecord a;
            a.at = 1'772'000'000;
            a.actor = QStringLiteral("zoë");
            a.action = QStringLiteral("note");
            a.accountId = account;
            a.note = note;
            WriteTransaction::run(
                db, [&](const QSqlDatabase &conn) { return AuditRepository(conn).append(a); });
        };
        append(t.db(), QStringLiteral("before the chain – ✓ 𝄞"));
        append(t.db(), QString());
        // What PostgreSQL's COPY escapes: tab, newline, carriage return, backslash, and "\N".
        append(t.db(), QStringLiteral("a\tb\nc\rd\\e \\N \\t"));
        auto other = t.openAnother();
        other->open(); // upgrades: the rows already there are chained
        QCOMPARE(AuditChain::verify(other->connection()).rows, 3);
        QVERIFY(AuditChain::verify(other->connection()).ok);

        // Two writers at once, each its own connection and transactions.
        auto writer = [&](int n) {
            return QThread::create([&, n] {
                auto db = t.openAnother();
                db->open();
                for (int i = 0; i < 150; ++i)
                    append(*db, QStringLiteral("writer %1, row %2").arg(n).arg(i));
            });
        };
        std::unique_ptr<QThread> one(writer(1)), two(writer(2));
        one->start();
        two->start();
        QVERIFY(one->wait(60000) && two->wait(60000));
        const QSqlDatabase db = t.db().connection();
        // Each check both ways: in one pass, and in two halves read at once on two
        // connections (as a long chain is), which must name the same row.
        auto verify = [](const QSqlDatabase &conn) {
            AuditChain::Result whole = AuditChain::verify(conn);
            const AuditChain::Result halves = AuditChain::verify(conn, {}, 10);
            const bool agree =
                halves.parts == 2 && whole.parts == 1 && whole.ok == halves.ok &&
                whole.firstBadSeq == halves.firstBadSeq &&
                (!whole.ok || (whole.rows == halves.rows && whole.head == halves.head));
            if (!agree) {
                whole.ok = false;
                whole.firstBadSeq = -1;
                qWarning("one pass and two halves disagree: %s / %s", qPrintable(whole.problem),
                         qPrintable(halves.problem));
                whole.problem = QStringLiteral("DISAGREE");
            }
            return whole;
        };
        AuditChain::Result r = verify(db);
        QVERIFY2(r.ok, qPrintable(r.problem));
        QCOMPARE(r.rows, 303);
        QCOMPARE(AuditChain::head(db), std::make_pair(qint64(303), r.head));
        // The same content always gives the same hash: the database's and the program's agree.
        const QString fifth =
            SqlStatement::scalar(db,
                                 QStringLiteral("SELECT hash FROM audit_log WHERE chain_seq = 5"))
                .toString();
        QCOMPARE(fifth.size(), 64);

        // Refused outright.
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError,
            SqlStatement::run(
                db, QStringLiteral("UPDATE audit_log SET note = 'x' WHERE chain_seq = 5")));

        // The owner goes round the triggers.
        const bool sqlite = t.db().dialect().isSqlite();
        if (sqlite) {
            SqlStatement::run(db, QStringLiteral("DROP TRIGGER audit_log_no_update"));
            SqlStatement::run(db, QStringLiteral("DROP TRIGGER audit_log_no_delete"));
        } else {
            SqlStatement::run(db, QStringLiteral("ALTER TABLE audit_log DISABLE TRIGGER USER"));
        }
        const qint64 fifthId =
            SqlStatement::scalar(db, QStringLiteral("SELECT id FROM audit_log WHERE chain_seq = 5"))
                .toLongLong();
        SqlStatement::run(db, QStringLiteral("UPDATE audit_log SET note = note || '!' WHERE"
                                             " chain_seq = 5"));
        r = verify(db);
        QVERIFY(!r.ok);
        QCOMPARE(r.firstBadSeq, qint64(5));
        QCOMPARE(r.firstBadId, fifthId);
        QVERIFY2(r.problem.contains(QLatin1String("changed")), qPrintable(r.problem));
        // Even with its hash recomputed, the next row no longer follows it.
        SqlStatement::run(db, QStringLiteral("UPDATE audit_log SET note = substr(note, 1,"
                                             " length(note) - 1) WHERE chain_seq = 5"));
        QVERIFY(verify(db).ok);
        SqlStatement::run(db, QStringLiteral("UPDATE audit_log SET hash = '%1' WHERE chain_seq = 5")
                                  .arg(QString(64, QLatin1Char('f'))));
        r = verify(db);
        QCOMPARE(r.firstBadSeq, qint64(5));
        SqlStatement::run(
            db, QStringLiteral("UPDATE audit_log SET hash = '%1' WHERE chain_seq = 5").arg(fifth));
        QVERIFY(verify(db).ok);
        // In the second half (positions 152 to 303 when read in two): a changed row, and a row
        // whose link to the one before was rewritten where the halves meet.
        SqlStatement::run(db, QStringLiteral("UPDATE audit_log SET note = note || '!' WHERE"
                                             " chain_seq = 200"));
        r = verify(db);
        QCOMPARE(r.firstBadSeq, qint64(200));
        SqlStatement::run(db, QStringLiteral("UPDATE audit_log SET note = substr(note, 1,"
                                             " length(note) - 1) WHERE chain_seq = 200"));
        const QString link =
            SqlStatement::scalar(
                db, QStringLiteral("SELECT prev_hash FROM audit_log WHERE chain_seq = 152"))
                .toString();
        SqlStatement::run(db, QStringLiteral("UPDATE audit_log SET prev_hash = '%1' WHERE"
                                             " chain_seq = 152")
                                  .arg(fifth));
        r = verify(db);
        QCOMPARE(r.firstBadSeq, qint64(152));
        SqlStatement::run(db, QStringLiteral("UPDATE audit_log SET prev_hash = '%1' WHERE"
                                             " chain_seq = 152")
                                  .arg(link));
        QVERIFY(verify(db).ok);
        // A deleted row: the next one names the gap.
        SqlStatement::run(db, QStringLiteral("DELETE FROM audit_log WHERE chain_seq = 9"));
        r = verify(db);
        QCOMPARE(r.firstBadSeq, qint64(10));
        QVERIFY2(r.problem.contains(QLatin1String("deleted")), qPrintable(r.problem));
        // The newest rows deleted: the head says so.
        SqlStatement::run(db, QStringLiteral("DELETE FROM audit_log WHERE chain_seq >= 9"));
        r = verify(db);
        QVERIFY(!r.ok);
        QVERIFY2(r.problem.contains(QLatin1String("head")), qPrintable(r.problem));
    }

    void inListsAreSpeltOut()
    {
        QCOMPARE(Schema::spellOutInListsForTest(
                     QStringLiteral("a TEXT CHECK (status IN ('x', 'y',  'z')), b INT")),
                 QStringLiteral("a TEXT CHECK ((status = 'x' OR status = 'y' OR status = 'z')),"
                                " b INT"));
        QCOMPARE(Schema::spellOutInListsForTest(
                     QStringLiteral("CHECK (kind NOT IN ('usage', 'job_credit_back') OR j)")),
                 QStringLiteral("CHECK ((kind <> 'usage' AND kind <> 'job_credit_back') OR j)"));
        // Numbers and single values are left as they are.
        const QString other = QStringLiteral("CHECK (flag IN (0, 1)) CHECK (a = 'IN')");
        QCOMPARE(Schema::spellOutInListsForTest(other), other);
    }

    void sqliteChecksHaveNoInLists()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        if (!t.db().dialect().isSqlite())
            QSKIP("the respelling is SQLite's alone");
        // SQLite looks every row up in a temporary b-tree for `IN ('a', 'b', 'c')`.
        SqlStatement st(t.db().connection(),
                        QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'table'"
                                       " AND sql LIKE '%IN (''%'"));
        st.exec();
        QStringList tables;
        while (st.next())
            tables << st.value(0).toString();
        QVERIFY2(tables.isEmpty(), qPrintable(tables.join(QStringLiteral(", "))));
        const QString ledger =
            SqlStatement::scalar(t.db().connection(),
                                 QStringLiteral("SELECT sql FROM sqlite_schema WHERE name ="
                                                " 'ledger_entries'"))
                .toString();
        QVERIFY2(ledger.contains(QStringLiteral("entry_type = 'forfeiture'")), qPrintable(ledger));
    }

    // A URL's sslmode reaches the connection: the test server speaks no TLS, so asking for it
    // fails (it would silently connect in the clear if the parameter were dropped).
    void sslModeIsHonoured()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        if (t.db().dialect().isSqlite())
            QSKIP("PostgreSQL's TLS");
        t.db().open();
        DatabaseUrl url = t.url();
        url.setSsl(QStringLiteral("require"), {});
        Database encrypted(url);
        QString error;
        try {
            encrypted.open();
        } catch (const DatabaseError &e) {
            error = e.message();
        }
        QVERIFY2(error.contains(QLatin1String("SSL"), Qt::CaseInsensitive), qPrintable(error));
        url.setSsl(QStringLiteral("disable"), {});
        Database plain(url);
        plain.open();
        QCOMPARE(plain.schemaVersion(), Schema::latestVersion());
    }

    void refusesNewerSchema()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        SqlStatement::run(
            t.db().connection(),
            QStringLiteral("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)"));
        auto other = t.openAnother();
        try {
            other->open();
            QFAIL("a database from the future was opened");
        } catch (const DatabaseError &e) {
            QVERIFY2(e.message().contains(QStringLiteral("99")), qPrintable(e.message()));
            QVERIFY2(e.message().contains(QStringLiteral("newer")), qPrintable(e.message()));
        }
    }

    void secondCreditBackRejectedByDatabase()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const Fixture f = purchaseAndFailedJob(t.db());
        {
            WriteTransaction tx(t.db());
            LedgerRepository(t.db().connection()).append(creditBack(f));
            tx.commit();
        }
        // Straight SQL, past every code path: the UNIQUE index is the final guard.
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError,
            SqlStatement(
                t.db().connection(),
                QStringLiteral(
                    "INSERT INTO ledger_entries (account_id, created_at, entry_type,"
                    " credits, job_id, created_by) VALUES (?, 0, 'job_credit_back', 40, ?, 'x')"))
                .bindAll({f.account, f.job})
                .exec());
        QCOMPARE(LedgerRepository(t.db().connection()).sumForAccount(f.account), qint64(300));
        QCOMPARE(AccountRepository(t.db().connection()).find(f.account)->balanceCredits,
                 qint64(300));
    }

    void ledgerIsAppendOnly()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        purchaseAndFailedJob(t.db());
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError,
            SqlStatement::run(t.db().connection(),
                              QStringLiteral("UPDATE ledger_entries SET credits = 1")));
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError,
            SqlStatement::run(t.db().connection(), QStringLiteral("DELETE FROM ledger_entries")));
        QCOMPARE(count(t.db(), QStringLiteral("ledger_entries")), qint64(2));
    }

    void checkConstraints_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::newRow("fee above amount") << QStringLiteral(
            "INSERT INTO purchases (account_id, created_at, credits, amount_cents,"
            " currency, fee_cents, payment_ref) VALUES (1, 0, 10, 100, 'USD', 101, 'r2')");
        QTest::newRow("negative money") << QStringLiteral(
            "INSERT INTO purchases (account_id, created_at, credits, amount_cents,"
            " currency, payment_ref) VALUES (1, 0, 10, -1, 'USD', 'r3')");
        QTest::newRow("unknown status")
            << QStringLiteral("UPDATE accounts SET status = 'frozen' WHERE id = 1");
        QTest::newRow("negative balance")
            << QStringLiteral("UPDATE accounts SET balance_credits = -1 WHERE id = 1");
        QTest::newRow("failed job without cause")
            << QStringLiteral("INSERT INTO jobs (account_id, created_at, credits, status) VALUES "
                              "(1, 0, 5, 'failed')");
        QTest::newRow("usage with positive credits") << QStringLiteral(
            "INSERT INTO ledger_entries (account_id, created_at, entry_type, credits,"
            " job_id, created_by) VALUES (1, 0, 'usage', 5, 1, 'x')");
        QTest::newRow("unknown account")
            << QStringLiteral("INSERT INTO jobs (account_id, created_at, credits, status) VALUES "
                              "(999, 0, 5, 'succeeded')");
        QTest::newRow("unknown request type") << QStringLiteral(
            "INSERT INTO refund_requests (account_id, type, received_at, updated_at)"
            " VALUES (1, 'whim', 0, 0)");
        QTest::newRow("decided without time") << QStringLiteral(
            "INSERT INTO refund_requests (account_id, type, status, received_at, updated_at)"
            " VALUES (1, 'legal', 'approved', 0, 0)");
        // The lists of allowed values (respelt on SQLite by schema v4) still refuse the rest.
        QTest::newRow("unknown ledger entry type") << QStringLiteral(
            "INSERT INTO ledger_entries (account_id, created_at, entry_type, credits,"
            " created_by) VALUES (1, 0, 'gift', 5, 'x')");
        QTest::newRow("unknown job status")
            << QStringLiteral("INSERT INTO jobs (account_id, created_at, credits, status) VALUES "
                              "(1, 0, 5, 'paused')");
        QTest::newRow("unknown failure cause")
            << QStringLiteral("INSERT INTO jobs (account_id, created_at, credits, status,"
                              " failure) VALUES (1, 0, 5, 'failed', 'cosmic rays')");
        QTest::newRow("credit-back without a job") << QStringLiteral(
            "INSERT INTO ledger_entries (account_id, created_at, entry_type, credits,"
            " created_by) VALUES (1, 0, 'job_credit_back', 5, 'x')");
        QTest::newRow("refund with positive credits") << QStringLiteral(
            "INSERT INTO ledger_entries (account_id, created_at, entry_type, credits,"
            " created_by) VALUES (1, 0, 'refund', 5, 'x')");
        QTest::newRow("unknown request status") << QStringLiteral(
            "INSERT INTO refund_requests (account_id, type, status, received_at, updated_at)"
            " VALUES (1, 'legal', 'forgotten', 0, 0)");
        QTest::newRow("unknown account status")
            << QStringLiteral("UPDATE accounts SET status = 'Active' WHERE id = 1");
    }
    void checkConstraints()
    {
        QFETCH(QString, sql);
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const Fixture f = purchaseAndFailedJob(t.db());
        QCOMPARE(f.account, qint64(1));
        QVERIFY_THROWS_EXCEPTION(DatabaseError, SqlStatement::run(t.db().connection(), sql));
        QCOMPARE(count(t.db(), QStringLiteral("purchases")), qint64(1));
        QCOMPARE(count(t.db(), QStringLiteral("jobs")), qint64(1));
        QCOMPARE(AccountRepository(t.db().connection()).find(1)->balanceCredits, qint64(260));
    }

    void transactionRollsBackUnlessCommitted()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        try {
            WriteTransaction tx(t.db());
            makeAccount(t.db(), QStringLiteral("one@example.com"));
            makeAccount(t.db(), QStringLiteral("one@example.com")); // UNIQUE email: throws
            tx.commit();
            QFAIL("duplicate email accepted");
        } catch (const DatabaseError &) {
        }
        QCOMPARE(count(t.db(), QStringLiteral("accounts")), qint64(0));
    }

    void concurrentWritersNeverSeeLocked()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const qint64 account = makeAccount(t.db());
        constexpr int perWriter = 150;
        QStringList errors;
        QMutex errorsMutex;
        auto writer = [&](int which) {
            auto db = t.openAnother();
            try {
                db->open();
                for (int i = 0; i < perWriter; ++i) {
                    WriteTransaction tx(*db);
                    // Read-then-write: the pattern that fails with a deferred BEGIN.
                    const qint64 n =
                        SqlStatement::scalar(db->connection(),
                                             QStringLiteral("SELECT COUNT(*) FROM outages"))
                            .toLongLong();
                    SqlStatement(db->connection(),
                                 QStringLiteral("INSERT INTO outages (started_at, ended_at, "
                                                "description) VALUES (?, ?, ?)"))
                        .bindAll({n, n + 1, QStringLiteral("writer %1").arg(which)})
                        .exec();
                    tx.commit();
                }
            } catch (const DatabaseError &e) {
                QMutexLocker lock(&errorsMutex);
                errors << e.message();
            }
        };
        QThread *a = QThread::create(writer, 1);
        QThread *b = QThread::create(writer, 2);
        a->start();
        b->start();
        QVERIFY(a->wait(120000));
        QVERIFY(b->wait(120000));
        delete a;
        delete b;
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(count(t.db(), QStringLiteral("outages")), qint64(2 * perWriter));
        QVERIFY(account > 0);
    }

    // A bulk load keeps the index the audit chain's trigger reads for every row it appends
    // (the newest row by chain_seq): without it each audit row scanned the whole log and a
    // large demo load on PostgreSQL slowed down with every batch. The rows still chain.
    void bulkLoadKeepsTheAuditChainIndex()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const auto hasChainIndex = [&] {
            return SqlStatement::scalar(
                       t.db().connection(),
                       t.db().dialect().isSqlite()
                           ? QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type ="
                                            " 'index' AND name = 'audit_chain_seq'")
                           : QStringLiteral("SELECT COUNT(*) FROM pg_indexes WHERE schemaname ="
                                            " current_schema() AND indexname = 'audit_chain_seq'"))
                       .toLongLong() == 1;
        };
        QVERIFY(hasChainIndex());
        BulkLoadScope bulk(t.db());
        WriteTransaction tx(t.db());
        bulk.begin({QStringLiteral("audit_log")});
        QVERIFY(hasChainIndex());
        bulk.finish();
        tx.commit();
        QVERIFY(hasChainIndex());
    }

    void bulkLoadStillRefusesBadRows_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("expected");
        QTest::newRow("dangling reference")
            << QStringLiteral("INSERT INTO jobs (account_id, created_at, credits, status)"
                              " VALUES (999, 1, 5, 'succeeded')")
            << QStringLiteral("jobs");
        QTest::newRow("second credit-back")
            << QStringLiteral("INSERT INTO ledger_entries (account_id, created_at, entry_type,"
                              " credits, job_id, created_by) VALUES (1, 2, 'job_credit_back', 5,"
                              " 1, 'x'), (1, 3, 'job_credit_back', 5, 1, 'x')")
            << QStringLiteral("ledger_one_credit_back_per_job");
        // On PostgreSQL the jobs' primary key is rebuilt at the end of a load; it still
        // refuses a second job with an id already taken (SQLite keeps its rowid throughout).
        QTest::newRow("duplicate id")
            << QStringLiteral("INSERT INTO jobs (id, account_id, created_at, credits, status)"
                              " SELECT id, account_id, 2, 5, 'succeeded' FROM jobs")
            << QStringLiteral("jobs");
    }

    void bulkLoadStillRefusesBadRows()
    {
        QFETCH(QString, sql);
        QFETCH(QString, expected);
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const qint64 account = makeAccount(t.db());
        SqlStatement::run(
            t.db().connection(),
            QStringLiteral("INSERT INTO jobs (account_id, created_at, credits, status,"
                           " failure) VALUES (%1, 1, 5, 'failed', 'platform')")
                .arg(account));
        const auto indexes = [&] {
            return SqlStatement::scalar(
                       t.db().connection(),
                       t.db().dialect().isSqlite()
                           ? QStringLiteral(
                                 "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'")
                           : QStringLiteral("SELECT COUNT(*) FROM pg_indexes WHERE schemaname ="
                                            " current_schema()"))
                .toLongLong();
        };
        const qint64 before = indexes();
        {
            BulkLoadScope bulk(t.db());
            WriteTransaction tx(t.db());
            bulk.begin({QStringLiteral("jobs"), QStringLiteral("ledger_entries")});
            QVERIFY(indexes() < before);
            try {
                // Accepted while the checks are off (SQLite refuses a taken rowid at once).
                SqlStatement::run(t.db().connection(), sql);
                bulk.finish();
                QFAIL("the bulk load accepted a bad row");
            } catch (const DatabaseError &e) {
                QVERIFY2(e.message().contains(expected), qPrintable(e.message()));
            }
        }
        // Rolled back: the indexes are all there again and the bad rows are gone.
        QCOMPARE(indexes(), before);
        QCOMPARE(count(t.db(), QStringLiteral("jobs")), 1);
        QCOMPARE(count(t.db(), QStringLiteral("ledger_entries")), 0);
        // And foreign keys are enforced again on SQLite.
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError,
            SqlStatement::run(t.db().connection(),
                              QStringLiteral("INSERT INTO jobs (account_id, created_at, credits,"
                                             " status) VALUES (999, 1, 5, 'succeeded')")));
    }
};

QTEST_GUILESS_MAIN(TestDatabase_)
#include "tst_database.moc"
