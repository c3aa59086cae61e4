// The chunked table model on both backends: counts, rows at both ends and in the middle,
// sorting and filtering in SQL, compared with the same query read whole.

#include "models/accounttablemodel.h"
#include "models/backgroundreader.h"
#include "models/jobtablemodel.h"
#include "models/ledgertablemodel.h"
#include "models/purchasetablemodel.h"
#include "models/requestqueuemodel.h"
#include "models/sqlfilterbuilder.h"
#include "models/sqlstatement.h"
#include "models/sqlwindowmodel.h"
#include "policy/demodatagenerator.h"
#include "support/queryvalues.h"
#include "support/testdatabase.h"

#include <QSignalSpy>
#include <QTest>

namespace {
QList<SqlColumn> ledgerColumns()
{
    return {
        {QStringLiteral("id"), QStringLiteral("l.id"), QStringLiteral("ID")},
        {QStringLiteral("email"), QStringLiteral("a.email"), QStringLiteral("Email")},
        {QStringLiteral("entry_type"), QStringLiteral("l.entry_type"), QStringLiteral("Type")},
        {QStringLiteral("credits"), QStringLiteral("l.credits"), QStringLiteral("Credits")},
        {QStringLiteral("account_id"), QStringLiteral("l.account_id"), QStringLiteral("Account")}};
}

const QString ledgerFrom =
    QStringLiteral("ledger_entries l JOIN accounts a ON a.id = l.account_id");
} // namespace

class TestSqlWindowModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void chunksSortAndFilterMatchSql()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DemoOptions options;
        options.accounts = 150;
        options.until = QDate(2026, 11, 1);
        DemoDataGenerator(t.db()).generate(options);

        SqlWindowModel model(t.db());
        model.setChunkSize(50); // many chunks, both ends and the middle
        model.setSource(ledgerFrom, ledgerColumns(), QStringLiteral("l.id"));
        QCOMPARE(model.rowCount(), 0); // nothing is read until asked
        model.refresh();
        const QList<qint64> all =
            ids(t.db(), QStringLiteral("SELECT id FROM ledger_entries ORDER BY id"));
        QVERIFY(all.size() > 1000);
        QCOMPARE(model.rowCount(), all.size());
        QCOMPARE(model.columnCount(), 5);
        QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("Email"));
        const int id = model.fieldIndex(QStringLiteral("id"));
        // The last row first (read backwards from the end), then the first and the middle.
        QCOMPARE(model.value(model.rowCount() - 1, id).toLongLong(), all.last());
        QCOMPARE(model.value(0, id).toLongLong(), all.first());
        const int middle = model.rowCount() / 2 + 7;
        QCOMPARE(model.value(middle, id).toLongLong(), all.at(middle));
        for (int row = 0; row < model.rowCount(); row += 37)
            QCOMPARE(model.data(model.index(row, id)).toLongLong(), all.at(row));

        // Sorting runs in SQL, ties broken by the key.
        model.sort(model.fieldIndex(QStringLiteral("credits")), Qt::DescendingOrder);
        const QList<qint64> byCredits = ids(
            t.db(), QStringLiteral("SELECT id FROM ledger_entries ORDER BY credits DESC, id DESC"));
        QCOMPARE(model.rowCount(), byCredits.size());
        for (int row : {0, 1, 49, 50, 51, int(byCredits.size()) / 2, int(byCredits.size()) - 1})
            QCOMPARE(model.value(row, id).toLongLong(), byCredits.at(row));

        // Filtering binds its values.
        const qint64 account = all.isEmpty() ? 0 : 3;
        model.setFilter(QStringLiteral("l.account_id = ? AND l.entry_type <> ?"),
                        {account, QStringLiteral("usage")});
        const QList<qint64> filtered =
            ids(t.db(),
                QStringLiteral("SELECT id FROM ledger_entries WHERE account_id = ? AND"
                               " entry_type <> ? ORDER BY id"),
                {account, QStringLiteral("usage")});
        QCOMPARE(model.rowCount(), filtered.size());
        model.sort(id, Qt::AscendingOrder);
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.value(row, id).toLongLong(), filtered.at(row));
        QVERIFY(model.lastError().isEmpty());

        // An impossible filter: no rows, no error.
        model.setFilter(QStringLiteral("l.credits > ?"), {qint64(1) << 50});
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.value(0, id).isValid());
    }

    void readErrorsAreReported()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        SqlWindowModel model(t.db());
        QSignalSpy failed(&model, &SqlWindowModel::readFailed);
        model.setSource(QStringLiteral("no_such_table"),
                        {{QStringLiteral("id"), QStringLiteral("id"), QStringLiteral("ID")}},
                        QStringLiteral("id"));
        model.refresh();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(failed.size(), 1);
        QVERIFY2(model.lastError().contains(QLatin1String("no_such_table")),
                 qPrintable(model.lastError()));
    }

    void countRunsInTheBackground()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DemoOptions options;
        options.accounts = 120;
        DemoDataGenerator(t.db()).generate(options);
        const QList<qint64> all =
            ids(t.db(), QStringLiteral("SELECT id FROM ledger_entries ORDER BY id"));
        BackgroundReader reader(t.db());
        SqlWindowModel model(t.db());
        model.setChunkSize(100);
        model.setBackgroundReader(&reader);
        model.setSource(ledgerFrom, ledgerColumns(), QStringLiteral("l.id"));
        QSignalSpy counted(&model, &SqlWindowModel::countChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.refresh();
        // The first chunk is there at once; the count follows from the reader's thread.
        QCOMPARE(model.isCountKnown(), false);
        QCOMPARE(model.rowCount(), 100);
        QCOMPARE(model.value(0, 0).toLongLong(), all.first());
        QTRY_VERIFY(model.isCountKnown());
        QCOMPARE(model.rowCount(), all.size());
        QCOMPARE(inserted.size(), 1); // rows appended, the view keeps its place
        QCOMPARE(counted.last().at(0).toInt(), int(all.size()));
        QCOMPARE(model.value(model.rowCount() - 1, 0).toLongLong(), all.last());

        // A filter with fewer rows than a chunk knows its count at once.
        model.setFilter(QStringLiteral("l.account_id = ?"), {qint64(5)});
        QVERIFY(model.isCountKnown());
        QCOMPARE(model.rowCount(),
                 ids(t.db(), QStringLiteral("SELECT id FROM ledger_entries WHERE account_id = 5"))
                     .size());
        // A count that comes back for an older filter is dropped.
        model.setFilter({}, {});
        model.setFilter(QStringLiteral("l.credits > ?"), {qint64(0)});
        const int positive = int(
            ids(t.db(), QStringLiteral("SELECT id FROM ledger_entries WHERE credits > 0")).size());
        QTRY_VERIFY(model.isCountKnown() && reader.pending() == 0);
        QCOMPARE(model.rowCount(), positive);
    }

    void tableModelsFilterInSql()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DemoOptions options;
        options.accounts = 120;
        options.until = QDate(2026, 11, 1);
        DemoDataGenerator(t.db()).generate(options);

        LedgerTableModel ledger(t.db(), LedgerTableModel::Scope::OneAccount);
        RecordFilter f;
        f.accountId = 7;
        ledger.setRecordFilter(f);
        const QList<qint64> entries = ids(
            t.db(),
            QStringLiteral("SELECT credits FROM ledger_entries WHERE account_id = 7 ORDER BY id"));
        QCOMPARE(ledger.rowCount(), entries.size());
        qint64 running = 0;
        for (int row = 0; row < ledger.rowCount(); ++row) {
            running += entries.at(row);
            QCOMPARE(ledger.value(row, QStringLiteral("balance")).toLongLong(), running);
        }
        QCOMPARE(running,
                 ids(t.db(), QStringLiteral("SELECT balance_credits FROM accounts WHERE id = 7"))
                     .first());

        LedgerTableModel all(t.db());
        RecordFilter refunds;
        refunds.kind = QStringLiteral("refund");
        refunds.from = QDate(2026, 6, 1);
        all.setRecordFilter(refunds);
        QCOMPARE(all.rowCount(),
                 ids(t.db(),
                     QStringLiteral("SELECT id FROM ledger_entries WHERE entry_type = 'refund' AND"
                                    " created_at >= ?"),
                     {QDate(2026, 6, 1).startOfDay().toSecsSinceEpoch()})
                     .size());

        PurchaseTableModel purchases(t.db());
        RecordFilter duplicates;
        duplicates.kind = QStringLiteral("duplicate");
        duplicates.profile = QStringLiteral("vysage");
        purchases.setRecordFilter(duplicates);
        QCOMPARE(purchases.rowCount(),
                 ids(t.db(), QStringLiteral("SELECT p.id FROM purchases p JOIN accounts a ON a.id ="
                                            " p.account_id WHERE p.charge_count > 1 AND a.profile"
                                            " = 'vysage'"))
                     .size());

        JobTableModel jobs(t.db());
        RecordFilter platform;
        platform.kind = QStringLiteral("failed");
        platform.cause = QStringLiteral("platform");
        jobs.setRecordFilter(platform);
        const QList<qint64> failed = ids(
            t.db(), QStringLiteral("SELECT id FROM jobs WHERE failure = 'platform' ORDER BY id"));
        QCOMPARE(jobs.rowCount(), failed.size());
        QVERIFY(!failed.isEmpty());
        // Whether each was credited back, as the ledger says.
        const QList<qint64> creditedBack =
            ids(t.db(), QStringLiteral("SELECT job_id FROM ledger_entries WHERE entry_type ="
                                       " 'job_credit_back'"));
        int yes = 0;
        for (int row = 0; row < jobs.rowCount(); ++row) {
            const bool back =
                jobs.value(row, QStringLiteral("credited_back")).toString() == QLatin1String("yes");
            QCOMPARE(back, creditedBack.contains(failed.at(row)));
            yes += back;
        }
        QVERIFY(yes > 0);

        // Filtered by days, the jobs and the ledger read in time order (ties by id) along their
        // time index; without days, in id order.
        RecordFilter days;
        days.from = QDate(1970, 1, 1);
        days.to = QDate(2100, 1, 1);
        days.utcDays = true;
        for (SqlWindowModel *model : std::initializer_list<SqlWindowModel *>{&jobs, &all}) {
            const bool isJobs = model == &jobs;
            const QString table =
                isJobs ? QStringLiteral("jobs") : QStringLiteral("ledger_entries");
            if (isJobs)
                jobs.setRecordFilter(days);
            else
                all.setRecordFilter(days);
            const QList<qint64> byTime =
                ids(t.db(), QStringLiteral("SELECT id FROM %1 ORDER BY created_at, id").arg(table));
            QCOMPARE(model->rowCount(), byTime.size());
            QVERIFY(byTime !=
                    ids(t.db(), QStringLiteral("SELECT id FROM %1 ORDER BY id").arg(table)));
            for (int row = 0; row < model->rowCount(); ++row)
                QCOMPARE(model->value(row, QStringLiteral("id")).toLongLong(), byTime.at(row));
            if (isJobs)
                jobs.setRecordFilter({});
            else
                all.setRecordFilter({});
            QCOMPARE(model->value(0, QStringLiteral("id")).toLongLong(),
                     ids(t.db(), QStringLiteral("SELECT MIN(id) FROM %1").arg(table)).value(0));
        }

        AccountTableModel accounts(t.db());
        RecordFilter search;
        search.search = QStringLiteral("O'BRIEN");
        accounts.setRecordFilter(search);
        QCOMPARE(accounts.rowCount(), int(ids(t.db(), QStringLiteral("SELECT id FROM accounts"
                                                                     " WHERE display_name LIKE"
                                                                     " '%O''Brien%'"))
                                              .size()));
        QVERIFY(accounts.rowCount() >= 1);
        // Case is folded beyond ASCII on both backends: "émilie" finds "Émilie Dubois-Renée".
        search.search = QStringLiteral("ÉMILIE DUBOIS");
        accounts.setRecordFilter(search);
        QCOMPARE(accounts.rowCount(),
                 int(ids(t.db(), QStringLiteral("SELECT id FROM accounts WHERE display_name ="
                                                " 'Émilie Dubois-Renée'"))
                         .size()));
        QVERIFY(accounts.rowCount() >= 1);
        search.search = QStringLiteral("łukasz żółk");
        accounts.setRecordFilter(search);
        QVERIFY(accounts.rowCount() >= 1);
        // LIKE's wildcards in the search text are only text.
        search.search = QStringLiteral("%");
        accounts.setRecordFilter(search);
        QCOMPARE(accounts.rowCount(), 0);
        QCOMPARE(SqlFilterBuilder::likePattern(QStringLiteral("5%_!")),
                 QStringLiteral("%5!%!_!!%"));

        RequestQueueModel queue(t.db());
        QueueFilter q;
        q.statuses = {QStringLiteral("approved")};
        q.type = QStringLiteral("failed_job");
        queue.setQueueFilter(q);
        QCOMPARE(queue.rowCount(),
                 ids(t.db(), QStringLiteral("SELECT id FROM refund_requests WHERE status ="
                                            " 'approved' AND type = 'failed_job'"))
                     .size());
        QVERIFY(queue.rowCount() > 0);
    }
};

QTEST_GUILESS_MAIN(TestSqlWindowModel)
#include "tst_sqlwindowmodel.moc"
