// CSV reports on both backends: the writer's quoting and neutralising, each report against a
// small hand-built fixture, a strict parser round trip of the demo's awkward names, cancel and
// write failures, and refundctl export.

#include "models/accountrepository.h"
#include "models/csvexporter.h"
#include "models/csvwriter.h"
#include "models/dashboardrepository.h"
#include "models/jobrepository.h"
#include "models/purchaserepository.h"
#include "models/sqlstatement.h"
#include "policy/demodatagenerator.h"
#include "policy/policylibrary.h"
#include "policy/refundworkflow.h"
#include "support/refundctlrun.h"
#include "support/testdatabase.h"

#include <QBuffer>
#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace {
// RFC 4180, strictly: CRLF line ends, quotes only around whole fields, doubled inside.
QList<QStringList> parseCsv(const QByteArray &data, QString *error)
{
    QList<QStringList> rows;
    QStringList row;
    QByteArray field;
    qsizetype i = 0;
    const qsizetype n = data.size();
    auto fail = [&](const QString &why) {
        *error = QStringLiteral("%1 at byte %2").arg(why).arg(i);
        return QList<QStringList>();
    };
    while (i < n) {
        if (data[i] == '"') {
            ++i;
            while (true) {
                if (i >= n)
                    return fail(QStringLiteral("unterminated quote"));
                if (data[i] == '"') {
                    if (i + 1 < n && data[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += data[i++];
            }
        } else {
            while (i < n && data[i] != ',' && data[i] != '\r' && data[i] != '\n') {
                if (data[i] == '"')
                    return fail(QStringLiteral("quote inside an unquoted field"));
                field += data[i++];
            }
        }
        row << QString::fromUtf8(field);
        field.clear();
        if (i < n && data[i] == ',') {
            ++i;
            continue;
        }
        if (i < n && data[i] == '\n')
            return fail(QStringLiteral("LF without CR"));
        if (i + 1 < n && data[i] == '\r' && data[i + 1] == '\n') {
            i += 2;
            rows << row;
            row.clear();
            continue;
        }
        if (i >= n)
            return fail(QStringLiteral("last row without CRLF"));
        return fail(QStringLiteral("stray character"));
    }
    return rows;
}

QList<QStringList> exportRows(Database &db, const QString &name, const ReportParameters &p = {})
{
    const std::optional<Report> report = ReportCatalog::find(name, db.dialect(), p);
    if (!report)
        return {};
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.csv"));
    const ExportResult r = CsvExporter(db.connection()).exportReport(*report, path);
    if (!r.ok())
        qWarning() << r.error;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QString error;
    const QList<QStringList> rows = parseCsv(f.readAll(), &error);
    if (!error.isEmpty())
        qWarning() << name << error;
    return rows;
}

const qint64 t0 = QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toSecsSinceEpoch();
} // namespace

class TestCsvExport : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void writerQuotesAndNeutralises()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("no database involved");
        QCOMPARE(CsvWriter::textCell("plain"), QByteArray("plain"));
        QCOMPARE(CsvWriter::textCell("a,b"), QByteArray("\"a,b\""));
        QCOMPARE(CsvWriter::textCell("say \"hi\""), QByteArray("\"say \"\"hi\"\"\""));
        QCOMPARE(CsvWriter::textCell("two\nlines"), QByteArray("\"two\nlines\""));
        QCOMPARE(CsvWriter::textCell("=SUM(A1)"), QByteArray("\"'=SUM(A1)\""));
        QCOMPARE(CsvWriter::textCell("+1 555"), QByteArray("\"'+1 555\""));
        QCOMPARE(CsvWriter::textCell("-2+3"), QByteArray("\"'-2+3\""));
        QCOMPARE(CsvWriter::textCell("@x"), QByteArray("\"'@x\""));
        QCOMPARE(CsvWriter::textCell("\tx"), QByteArray("\"'\tx\""));
        QCOMPARE(CsvWriter::textCell("\rx"), QByteArray("\"'\rx\""));
        // Spreadsheets that split on ; or tab keep a quoted cell whole: no formula inside.
        QCOMPARE(CsvWriter::textCell("x;=1+1"), QByteArray("\"x;=1+1\""));
        QCOMPARE(CsvWriter::textCell("x\t@SUM(1)"), QByteArray("\"x\t@SUM(1)\""));
        QCOMPARE(CsvWriter::textCell("a=b"), QByteArray("a=b"));
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        {
            CsvWriter w(&buffer, true);
            w.text(QStringLiteral("Zoë"));
            w.number(CsvExporter::decimal(-1205));
            w.empty();
            w.endRow();
        }
        QCOMPARE(buffer.data(), QByteArray("\xEF\xBB\xBFZo\xC3\xAB,-12.05,\r\n"));
        QCOMPARE(CsvExporter::decimal(0), QByteArray("0.00"));
        QCOMPARE(CsvExporter::decimal(7), QByteArray("0.07"));
        QCOMPARE(CsvExporter::decimal(123456789), QByteArray("1234567.89"));
        QCOMPARE(CsvExporter::isoUtc(0), QByteArray("1970-01-01T00:00:00Z"));
        QCOMPARE(CsvExporter::isoUtc(t0), QByteArray("2026-03-02T10:00:00Z"));
        QCOMPARE(CsvExporter::isoUtc(
                     QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59), Qt::UTC).toSecsSinceEpoch()),
                 QByteArray("2024-02-29T23:59:59Z"));
        QCOMPARE(CsvExporter::isoUtc(-1), QByteArray("1969-12-31T23:59:59Z"));
    }

    // The answer date is a day in the profile's time zone, and so is the day answered on: an
    // answer at 22:00 in New York on the answer date is on time, though it is the next day in
    // UTC. (Measured by the UTC day, the SLA report and the dashboard called it late.)
    void answersAreMeasuredInTheProfilesTimeZone()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        QFile acme(QStringLiteral(TESTS_SOURCE_DIR "/policy/profiles/acme.json"));
        QVERIFY(acme.open(QIODevice::ReadOnly));
        QCOMPARE(PolicyLibrary(t.db()).save(acme.readAll(), QStringLiteral("lead")).version, 1);
        const auto at = [](int day, int hour) {
            return QDateTime(QDate(2026, 3, day), QTime(hour, 0), Qt::UTC).toSecsSinceEpoch();
        };
        qint64 clock = at(2, 14); // Monday 09:00 in New York
        RefundWorkflow w(t.db());
        w.setClock([&clock] { return clock; });
        AccountRecord a;
        a.email = QStringLiteral("ny@example.com");
        a.profile = QStringLiteral("acme");
        a.createdAt = clock;
        const qint64 account = AccountRepository(t.db().connection()).create(a);
        PurchaseRecord p;
        p.accountId = account;
        p.createdAt = clock;
        p.credits = 100;
        p.amountCents = 1000;
        p.paymentRef = QStringLiteral("pay_ny");
        const qint64 purchase = w.recordPurchase(p);
        RequestRecord r;
        r.accountId = account;
        r.type = QStringLiteral("dissatisfaction");
        r.purchaseId = purchase;
        r.message = QStringLiteral("I did not like the result");
        const qint64 request = w.submitRequest(r);
        w.triage();
        clock = at(5, 3); // Thursday 03:00 UTC: Wednesday 22:00 in New York
        ReviewDecision d;
        d.requestId = request;
        d.action = ReviewAction::Deny;
        d.reviewer = QStringLiteral("carol");
        d.note = QStringLiteral("quality is no ground for a refund");
        const DecisionResult decided = w.decide(d);
        QVERIFY2(decided.status == DecisionResult::Status::Denied, qPrintable(decided.error));

        const QList<QStringList> sla = exportRows(t.db(), QStringLiteral("sla"));
        QCOMPARE(sla.size(), 2);
        QCOMPARE(sla.at(1).at(5), QStringLiteral("2026-03-04")); // two business days there
        QCOMPARE(sla.at(1).at(6), QStringLiteral("2026-03-05T03:00:00Z"));
        QCOMPARE(sla.at(1).at(7), QStringLiteral("2026-03-04"));
        QCOMPARE(sla.at(1).at(8), QStringLiteral("yes"));

        DashboardRange march;
        march.from = QDate(2026, 3, 1);
        march.to = QDate(2026, 3, 31);
        const QList<DashboardPoint> onTime =
            DashboardRepository(t.db().connection()).answersOnTime(march);
        QCOMPARE(onTime.size(), 1);
        QCOMPARE(onTime.first().key, QStringLiteral("on_time"));
        QCOMPARE(onTime.first().value, 1);
    }

    void reportsMatchAHandBuiltFixture()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        qint64 clock = t0;
        RefundWorkflow w(t.db());
        w.setClock([&clock] { return clock; });
        AccountRecord a;
        a.email = QStringLiteral("ann@example.com");
        a.displayName = QStringLiteral("=HYPERLINK(\"x\",\"y\")");
        a.profile = QStringLiteral("hummingbytes");
        a.createdAt = t0;
        const qint64 account = AccountRepository(t.db().connection()).create(a);
        PurchaseRecord p;
        p.accountId = account;
        p.createdAt = t0;
        p.credits = 1000;
        p.amountCents = 1000;
        p.feeCents = 59;
        p.paymentRef = QStringLiteral("pay_1");
        const qint64 purchase = w.recordPurchase(p);
        clock = t0 + 3600;
        RequestRecord r;
        r.accountId = account;
        r.type = QStringLiteral("unused_credits");
        r.purchaseId = purchase;
        r.message = QStringLiteral("bought by mistake, never used");
        const qint64 request = w.submitRequest(r);
        w.triage();
        clock = t0 + 2 * 3600;
        ReviewDecision d;
        d.requestId = request;
        d.action = ReviewAction::Approve;
        d.reviewer = QStringLiteral("carol");
        d.amountCents = 250;
        const DecisionResult decided = w.decide(d);
        QVERIFY2(decided.status == DecisionResult::Status::Approved, qPrintable(decided.error));
        clock = t0 + 3 * 3600;
        // The refund took the purchase's credits back; the jobs spend a second purchase.
        p.credits = 500;
        p.amountCents = 500;
        p.feeCents = 0;
        p.paymentRef = QStringLiteral("pay_2");
        p.createdAt = clock;
        w.recordPurchase(p);
        const qint64 platformJob = w.recordJob(account, 30, QStringLiteral("video-v3"));
        QVERIFY(
            w.reportJobFailure(platformJob, FailureCause::Platform, QStringLiteral("GPU lost")));
        const qint64 userJob = w.recordJob(account, 20, QStringLiteral("image-xl"));
        QVERIFY(!w.reportJobFailure(userJob, FailureCause::User, QStringLiteral("bad prompt")));

        const QList<QStringList> refunds = exportRows(t.db(), QStringLiteral("refunds"));
        QCOMPARE(refunds.size(), 2);
        QCOMPARE(refunds.at(0).first(), QStringLiteral("request_id"));
        const QStringList row = refunds.at(1);
        QCOMPARE(row.at(0), QString::number(request));
        QCOMPARE(row.at(1), QStringLiteral("2026-03-02T12:00:00Z"));
        QCOMPARE(row.at(4), QStringLiteral("'=HYPERLINK(\"x\",\"y\")")); // text, not a formula
        QCOMPARE(row.at(7), QStringLiteral("approve"));
        QCOMPARE(row.at(8), QStringLiteral("money_refund"));
        QCOMPARE(row.at(9), QStringLiteral("2.50"));
        QCOMPARE(row.at(10), QStringLiteral("USD"));
        QCOMPARE(row.at(12), QStringLiteral("carol"));
        QCOMPARE(row.at(13), QStringLiteral("false"));

        const QList<QStringList> purchases = exportRows(t.db(), QStringLiteral("purchases"));
        QCOMPARE(purchases.size(), 3);
        QCOMPARE(
            purchases.at(1).mid(5, 6),
            (QStringList{QStringLiteral("1000"), QStringLiteral("10.00"), QStringLiteral("0.59"),
                         QStringLiteral("USD"), QStringLiteral("1"), QStringLiteral("2.50")}));

        const QList<QStringList> failed = exportRows(t.db(), QStringLiteral("failed-jobs"));
        QCOMPARE(failed.size(), 3);
        QCOMPARE(failed.at(1).at(0), QString::number(platformJob));
        QCOMPARE(failed.at(1).at(6), QStringLiteral("platform"));
        QCOMPARE(failed.at(1).at(8), QStringLiteral("true"));
        QCOMPARE(failed.at(1).at(9), QStringLiteral("2026-03-02T13:00:00Z"));
        QCOMPARE(failed.at(2).at(6), QStringLiteral("user"));
        QCOMPARE(failed.at(2).at(8), QStringLiteral("false"));
        QCOMPARE(failed.at(2).at(9), QString());

        QCOMPARE(
            exportRows(t.db(), QStringLiteral("monthly-summary")).value(1),
            (QStringList{QStringLiteral("2026-03"), QStringLiteral("USD"), QStringLiteral("2"),
                         QStringLiteral("15.00"), QStringLiteral("1"), QStringLiteral("2.50")}));
        const QList<QStringList> sla = exportRows(t.db(), QStringLiteral("sla"));
        QCOMPARE(sla.size(), 2);
        QCOMPARE(sla.at(1).at(7), QStringLiteral("2026-03-02"));
        QCOMPARE(sla.at(1).at(8), QStringLiteral("yes"));

        const QList<QStringList> ledger = exportRows(t.db(), QStringLiteral("transactions"));
        QVERIFY(ledger.size() >= 5);
        QCOMPARE(ledger.at(1).at(4), QStringLiteral("purchase"));
        QCOMPARE(ledger.at(1).at(5), QStringLiteral("1000"));
        QCOMPARE(exportRows(t.db(), QStringLiteral("requests")).size(), 2);
        QCOMPARE(exportRows(t.db(), QStringLiteral("chargebacks")).size(), 1); // header only

        // The filters: a range after the fixture, another profile.
        ReportParameters later;
        later.from = QDate(2026, 3, 3);
        QCOMPARE(exportRows(t.db(), QStringLiteral("refunds"), later).size(), 1);
        ReportParameters day;
        day.from = QDate(2026, 3, 2);
        day.to = QDate(2026, 3, 2);
        QCOMPARE(exportRows(t.db(), QStringLiteral("refunds"), day).size(), 2);
        ReportParameters other;
        other.profile = QStringLiteral("vysage");
        QCOMPARE(exportRows(t.db(), QStringLiteral("transactions"), other).size(), 1);

        // The same through refundctl, to standard output.
        const RefundctlRun run = runRefundctl({QStringLiteral("export"), QStringLiteral("refunds"),
                                               QStringLiteral("--database"), t.url().toString()});
        QCOMPARE(run.exitCode, 0);
        QString error;
        const QList<QStringList> viaCli = parseCsv(run.out, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(viaCli, refunds);
    }

    void awkwardNamesRoundTrip()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DemoOptions options;
        options.accounts = 200;
        DemoDataGenerator(t.db()).generate(options);
        const QList<QStringList> rows = exportRows(t.db(), QStringLiteral("requests"));
        QVERIFY(rows.size() > 10);
        SqlStatement st(t.db().connection(),
                        QStringLiteral("SELECT a.display_name, r.message FROM refund_requests r"
                                       " JOIN accounts a ON a.id = r.account_id ORDER BY r.id"));
        st.exec();
        int row = 1;
        int awkward = 0;
        while (st.next()) {
            QVERIFY(row < rows.size());
            for (const auto &[column, stored] :
                 {std::pair{4, st.value(0).toString()}, std::pair{16, st.value(1).toString()}}) {
                QString expected = stored;
                if (!stored.isEmpty() && QStringLiteral("=+-@\t\r").contains(stored.at(0))) {
                    expected.prepend(QLatin1Char('\''));
                    ++awkward;
                }
                QCOMPARE(rows.at(row).at(column), expected);
            }
            ++row;
        }
        QCOMPARE(row, rows.size());
        Q_UNUSED(awkward);
        // Every awkward name of the demo is in there, and each survived.
        QVERIFY(scalarNames(rows).contains(QStringLiteral("Line\nBreak Studios")));
        QVERIFY(scalarNames(rows).contains(QStringLiteral("O'Brien, Patrick")));
        QVERIFY(scalarNames(rows).contains(QStringLiteral("Anna \"Annie\" Smith")));
        QVERIFY(scalarNames(rows).contains(
            QStringLiteral("'=HYPERLINK(\"http://evil.example\",\"click\")")));
        QVERIFY(scalarNames(rows).contains(QStringLiteral("山田 太郎")));
    }

    // Whatever bytes a text holds come out as stored, on both backends (PostgreSQL's rows
    // arrive through COPY, which escapes backslashes, tabs and line breaks, and writes NULL
    // as \N); a text parameter with a quote is bound as a literal.
    void everyByteOfATextRoundTrips()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const QStringList names{
            QStringLiteral("back\\slash"),      QStringLiteral("tab\there"),
            QStringLiteral("cr\rlf\n"),         QStringLiteral("\\N"),
            QStringLiteral("\\101 \\x41 \\\\"), QStringLiteral("bell\x07 and \x7f")};
        for (const QString &name : names) {
            AccountRecord a;
            a.email = QStringLiteral("o'brien+%1@example.com").arg(names.indexOf(name));
            a.displayName = name;
            a.profile = QStringLiteral("vysage");
            a.createdAt = t0;
            AccountRepository(t.db().connection()).create(a);
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("names.csv"));
        const ExportResult r =
            CsvExporter(t.db().connection())
                .exportQuery(QStringLiteral("SELECT display_name, NULL, id"
                                            " FROM accounts WHERE email LIKE ?"
                                            " ORDER BY id"),
                             {QStringLiteral("o'brien+%")},
                             {{QStringLiteral("name"), ReportColumn::Kind::Text},
                              {QStringLiteral("none"), ReportColumn::Kind::Text},
                              {QStringLiteral("id"), ReportColumn::Kind::Integer}},
                             path);
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.rows, qint64(names.size()));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QString error;
        const QList<QStringList> rows = parseCsv(f.readAll(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(rows.size(), names.size() + 1);
        for (qsizetype i = 0; i < names.size(); ++i) {
            QCOMPARE(rows.at(i + 1).at(0), names.at(i));
            QCOMPARE(rows.at(i + 1).at(1), QString());
            QVERIFY(rows.at(i + 1).at(2).toLongLong() > 0);
        }
    }

    void cancelAndFailuresLeaveNothingBehind()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DemoOptions options;
        options.accounts = 200;
        DemoDataGenerator(t.db()).generate(options);
        const Report report =
            *ReportCatalog::find(QStringLiteral("transactions"), t.db().dialect());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ledger.csv"));

        CsvExporter cancelling(t.db().connection());
        cancelling.setProgress([](qint64 rows) { return rows < 4096; });
        ExportResult r = cancelling.exportReport(report, path);
        QVERIFY(r.cancelled);
        QVERIFY(!QFile::exists(path));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList());

        // An older file stays as it was when a new export is cancelled.
        QFile old(path);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("previous export\r\n");
        old.close();
        r = cancelling.exportReport(report, path);
        QVERIFY(r.cancelled);
        QVERIFY(old.open(QIODevice::ReadOnly));
        QCOMPARE(old.readAll(), QByteArray("previous export\r\n"));
        old.close();

        // A folder that does not exist: a clear error naming the path.
        r = CsvExporter(t.db().connection())
                .exportReport(report, dir.filePath(QStringLiteral("missing/ledger.csv")));
        QVERIFY(!r.ok());
        QVERIFY2(r.error.contains(QLatin1String("missing/ledger.csv")), qPrintable(r.error));

        // A full disk: /dev/full refuses every write.
        if (QFile::exists(QStringLiteral("/dev/full"))) {
            const RefundctlRun full =
                runRefundctl({QStringLiteral("export"), QStringLiteral("transactions"),
                              QStringLiteral("--database"), t.url().toString(),
                              QStringLiteral("--out"), QStringLiteral("/dev/full")});
            QCOMPARE(full.exitCode, 1);
            QVERIFY2(full.err.contains("/dev/full"), full.err.constData());
        }
        const RefundctlRun unknown =
            runRefundctl({QStringLiteral("export"), QStringLiteral("nope"),
                          QStringLiteral("--database"), t.url().toString()});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("unknown report"));
        const RefundctlRun badDate = runRefundctl(
            {QStringLiteral("export"), QStringLiteral("refunds"), QStringLiteral("--from"),
             QStringLiteral("yesterday"), QStringLiteral("--database"), t.url().toString()});
        QCOMPARE(badDate.exitCode, 2);
    }

private:
    static QStringList scalarNames(const QList<QStringList> &rows)
    {
        QStringList names;
        for (const QStringList &r : rows)
            names << r.value(4);
        return names;
    }
};

QTEST_GUILESS_MAIN(TestCsvExport)
#include "tst_csvexport.moc"
