// The chunked table model on both backends: counts, rows at both ends and in the middle,
// sorting and filtering in SQL, compared with the same query read whole.

#include "models/sqlstatement.h"
#include "models/sqlwindowmodel.h"
#include "policy/demodatagenerator.h"
#include "support/testdatabase.h"

#include <QSignalSpy>
#include <QTest>

namespace {
QList<qint64> ids(Database &db, const QString &sql, const QVariantList &values = {})
{
    SqlStatement st(db.connection(), sql);
    for (const QVariant &v : values)
        st.bind(v);
    st.exec();
    QList<qint64> result;
    while (st.next())
        result << st.value(0).toLongLong();
    return result;
}

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
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(failed.size(), 1);
        QVERIFY2(model.lastError().contains(QLatin1String("no_such_table")),
                 qPrintable(model.lastError()));
    }
};

QTEST_GUILESS_MAIN(TestSqlWindowModel)
#include "tst_sqlwindowmodel.moc"
