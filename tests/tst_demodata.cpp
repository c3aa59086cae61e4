// `refundctl demo`'s generator: reproducible, complete and consistent, on both backends.

#include "models/databaseerror.h"
#include "models/rollups.h"
#include "models/sqlstatement.h"
#include "policy/demodatagenerator.h"
#include "support/queryvalues.h"
#include "support/tablesdigest.h"
#include "support/testdatabase.h"

#include <QTest>

namespace {
const QStringList allTables{QStringLiteral("accounts"),       QStringLiteral("purchases"),
                            QStringLiteral("credit_lots"),    QStringLiteral("jobs"),
                            QStringLiteral("outages"),        QStringLiteral("refund_requests"),
                            QStringLiteral("ledger_entries"), QStringLiteral("decisions"),
                            QStringLiteral("payouts"),        QStringLiteral("chargebacks"),
                            QStringLiteral("audit_log")};

DemoOptions options(quint64 seed, int accounts = 80)
{
    DemoOptions o;
    o.accounts = accounts;
    o.seed = seed;
    o.until = QDate(2026, 3, 31);
    return o;
}

} // namespace

class TestDemoData : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void sameSeedSameData()
    {
        REFUNDDESK_FRESH_DATABASE(a);
        a.db().open();
        DemoDataGenerator(a.db()).generate(options(7));
        TestDatabase b(backend);
        b.db().open();
        DemoDataGenerator(b.db()).generate(options(7));
        TestDatabase c(backend);
        c.db().open();
        DemoDataGenerator(c.db()).generate(options(8));

        const QByteArray digestA = tablesDigest(a.db(), allTables);
        QCOMPARE(digestA, tablesDigest(b.db(), allTables));
        QVERIFY(digestA != tablesDigest(c.db(), allTables));
    }

    // Rows are generated on one thread and written on another, a batch at a time: a load of
    // several batches is still the same rows in the same order, with progress along the way.
    void severalBatchesSameData()
    {
        REFUNDDESK_FRESH_DATABASE(a);
        a.db().open();
        QList<qint64> done;
        const DemoResult result =
            DemoDataGenerator(a.db()).generate(options(5, 1200), [&](qint64 n, qint64 total) {
                QCOMPARE(total, qint64(1200));
                done << n;
            });
        QVERIFY(result.rows > 0);
        // One call per batch written.
        QVERIFY2(done.size() >= 3, qPrintable(QString::number(done.size())));
        QVERIFY(std::is_sorted(done.cbegin(), done.cend()));
        QCOMPARE(done.last(), qint64(1200));
        QCOMPARE(scalar(a.db(), QStringLiteral("SELECT COUNT(*) FROM accounts")), qint64(1200));

        TestDatabase b(backend);
        b.db().open();
        DemoDataGenerator(b.db()).generate(options(5, 1200));
        QCOMPARE(tablesDigest(a.db(), allTables), tablesDigest(b.db(), allTables));
    }

    // A write that fails halfway (a full disk, a lost server) stops the generating thread and
    // leaves nothing behind.
    void failedWriteLeavesNothing()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const QSqlDatabase db = t.db().connection();
        if (t.db().dialect().isSqlite()) {
            SqlStatement::run(db, QStringLiteral("CREATE TRIGGER jobs_fail BEFORE INSERT ON jobs"
                                                 " WHEN NEW.id = 30000 BEGIN"
                                                 " SELECT RAISE(ABORT, 'the disk is full'); END"));
        } else {
            SqlStatement::run(db, QStringLiteral("CREATE FUNCTION jobs_fail() RETURNS trigger"
                                                 " LANGUAGE plpgsql AS $$ BEGIN IF NEW.id = 30000"
                                                 " THEN RAISE EXCEPTION 'the disk is full'; END IF;"
                                                 " RETURN NEW; END $$"));
            SqlStatement::run(db, QStringLiteral("CREATE TRIGGER jobs_fail BEFORE INSERT ON jobs"
                                                 " FOR EACH ROW EXECUTE FUNCTION jobs_fail()"));
        }
        qint64 progressed = 0;
        try {
            DemoDataGenerator(t.db()).generate(options(5, 3000),
                                               [&](qint64 n, qint64) { progressed = n; });
            QFAIL("the load went on past a failed write");
        } catch (const DatabaseError &e) {
            QVERIFY2(e.message().contains(QStringLiteral("the disk is full")),
                     qPrintable(e.message()));
            QVERIFY2(e.message().contains(QStringLiteral("jobs")), qPrintable(e.message()));
        }
        // It failed in a later batch, after earlier ones were written and reported.
        QVERIFY(progressed > 0);
        QVERIFY(progressed < 3000);
        for (const QString &table : allTables)
            QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)),
                     qint64(0));

        // The same connection loads fine afterwards.
        SqlStatement::run(
            db, QStringLiteral("DROP TRIGGER jobs_fail%1")
                    .arg(t.db().dialect().isSqlite() ? QString() : QStringLiteral(" ON jobs")));
        DemoDataGenerator(t.db()).generate(options(5, 50));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM accounts")), qint64(50));
    }

    void coversEveryCase()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const DemoResult result = DemoDataGenerator(t.db()).generate(options(3, 120));
        QCOMPARE(result.accounts, qint64(120));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM accounts")), qint64(120));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM ledger_entries")),
                 result.ledgerEntries);

        // Every request type in every status (one type may be denied where approval is impossible).
        const qint64 combos = scalar(
            t.db(),
            QStringLiteral(
                "SELECT COUNT(*) FROM (SELECT DISTINCT type, status FROM refund_requests) x"));
        QVERIFY2(combos >= 54, qPrintable(QString::number(combos)));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(DISTINCT type) FROM refund_requests")),
                 qint64(11));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(DISTINCT profile) FROM accounts")),
                 qint64(5));
        QVERIFY(scalar(t.db(),
                       QStringLiteral("SELECT COUNT(*) FROM jobs WHERE failure = 'platform'")) > 0);
        QVERIFY(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM jobs WHERE failure = 'user'")) >
                0);
        QVERIFY(scalar(t.db(), QStringLiteral(
                                   "SELECT COUNT(*) FROM purchases WHERE charge_count > 1")) > 0);
        QVERIFY(scalar(t.db(),
                       QStringLiteral("SELECT COUNT(*) FROM purchases WHERE NOT delivered")) > 0);
        QVERIFY(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM chargebacks")) > 0);
        QVERIFY(scalar(t.db(), QStringLiteral("SELECT MAX(ended_at - started_at) FROM outages")) >
                48 * 3600);
        // Names that break careless CSV and spreadsheets are in there.
        QVERIFY(scalar(t.db(),
                       QStringLiteral("SELECT COUNT(*) FROM accounts WHERE display_name LIKE '=%'"
                                      " OR display_name LIKE '+%' OR display_name LIKE '@%'")) > 0);
        QVERIFY(scalar(t.db(), QStringLiteral(
                                   "SELECT COUNT(*) FROM accounts WHERE display_name LIKE '%,%'")) >
                0);
        // Spread over the 12 months before --until.
        const qint64 until = QDateTime(QDate(2026, 3, 31), QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
        QVERIFY(scalar(t.db(), QStringLiteral("SELECT MAX(created_at) FROM ledger_entries")) <=
                until);
        QVERIFY(scalar(t.db(), QStringLiteral("SELECT MIN(created_at) FROM accounts")) >=
                until - 365 * 86400);
    }

    void balancesAddUp()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DemoDataGenerator(t.db()).generate(options(11, 150));
        // Each cached balance equals the sum of the account's entries and what its lots hold.
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT COUNT(*) FROM accounts a WHERE a.balance_credits <>"
                                       " (SELECT COALESCE(SUM(credits), 0) FROM ledger_entries e "
                                       "WHERE e.account_id = a.id)"
                                       " OR a.balance_credits <>"
                                       " (SELECT COALESCE(SUM(credits_remaining), 0) FROM "
                                       "credit_lots l WHERE l.account_id = a.id)")),
                 qint64(0));
        // Every decided request has exactly one decision; no purchase is refunded above its
        // charges.
        QCOMPARE(
            scalar(t.db(),
                   QStringLiteral(
                       "SELECT COUNT(*) FROM refund_requests r WHERE r.status IN ('approved', "
                       "'denied')"
                       " AND (SELECT COUNT(*) FROM decisions d WHERE d.request_id = r.id) <> 1")),
            qint64(0));
        QCOMPARE(
            scalar(t.db(),
                   QStringLiteral(
                       "SELECT COUNT(*) FROM purchases p WHERE p.amount_cents * p.charge_count <"
                       " (SELECT COALESCE(SUM(amount_cents), 0) FROM payouts o WHERE o.purchase_id "
                       "= p.id)")),
            qint64(0));
        // Every rollup holds what its facts say (the bulk load counts the big ones once at the
        // end, with their triggers paused), and the triggers are back on after.
        for (const Rollups::Count &c : Rollups::compare(t.db().connection())) {
            QVERIFY2(c.value == 0, qPrintable(c.table));
            QVERIFY2(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM %1").arg(c.table)) > 0,
                     qPrintable(c.table));
        }
        const QSqlDatabase conn = t.db().connection();
        const auto total = [&](const char *sql) { return scalar(t.db(), QLatin1String(sql)); };
        const qint64 jobs = total("SELECT SUM(jobs) FROM rollup_jobs");
        const qint64 entries = total("SELECT SUM(entries) FROM rollup_ledger");
        const qint64 purchases = total("SELECT SUM(purchases) FROM rollup_purchases");
        SqlStatement::run(conn, QStringLiteral("INSERT INTO jobs (account_id, created_at, credits,"
                                               " status) SELECT MIN(id), 0, 1, 'succeeded' FROM"
                                               " accounts"));
        SqlStatement::run(conn, QStringLiteral("INSERT INTO purchases (account_id, created_at,"
                                               " credits, amount_cents, currency, payment_ref)"
                                               " SELECT MIN(id), 0, 1, 1, 'USD', 'after-load'"
                                               " FROM accounts"));
        SqlStatement::run(conn,
                          QStringLiteral("INSERT INTO ledger_entries (account_id,"
                                         " created_at, entry_type, credits, created_by) SELECT"
                                         " MIN(id), 0, 'adjustment', 1, 'test' FROM accounts"));
        QCOMPARE(total("SELECT SUM(jobs) FROM rollup_jobs"), jobs + 1);
        QCOMPARE(total("SELECT SUM(entries) FROM rollup_ledger"), entries + 1);
        QCOMPARE(total("SELECT SUM(purchases) FROM rollup_purchases"), purchases + 1);
    }

    void appendsToExistingData()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DemoDataGenerator(t.db()).generate(options(1, 20));
        DemoDataGenerator(t.db()).generate(options(2, 20));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM accounts")), qint64(40));
        // Ids were taken past the existing rows; a normal insert still gets a fresh one.
        SqlStatement::run(
            t.db().connection(),
            QStringLiteral("INSERT INTO outages (started_at, ended_at) VALUES (1, 2)"));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(DISTINCT id) FROM outages")),
                 qint64(7));
    }
};

QTEST_GUILESS_MAIN(TestDemoData)
#include "tst_demodata.moc"
