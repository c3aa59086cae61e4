// refundctl as a user runs it: init, demo, stats on both backends, and its usage errors.

#include "models/sqlstatement.h"
#include "support/refundctlrun.h"
#include "support/tablesdigest.h"
#include "support/testdatabase.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <tuple>

namespace {
using Run = RefundctlRun;

Run refundctl(const QStringList &args, const QByteArray &input = {})
{
    return runRefundctl(args, input);
}
} // namespace

class TestRefundctl : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void initDemoStats()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        const QString url = t.url().toString();
        Run r = refundctl({QStringLiteral("init"), QStringLiteral("--database"), url});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("upgraded from version 0"));
        r = refundctl({QStringLiteral("init"), QStringLiteral("--database"), url});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("up to date"));

        r = refundctl({QStringLiteral("--database"), url, QStringLiteral("demo"),
                       QStringLiteral("--accounts"), QStringLiteral("150"),
                       QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--until"),
                       QStringLiteral("2026-06-30")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("rows/s"), r.out.constData());
        QVERIFY(r.err.contains("150 / 150")); // progress

        r = refundctl({QStringLiteral("stats"), QStringLiteral("--database"), url});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonParseError error;
        const QJsonObject stats = QJsonDocument::fromJson(r.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);

        t.db().open();
        auto sql = [&](const char *q) {
            return SqlStatement::scalar(t.db().connection(), QLatin1String(q)).toLongLong();
        };
        QCOMPARE(stats.value(QStringLiteral("accounts")).toInteger(), 150);
        QCOMPARE(stats.value(QStringLiteral("purchases")).toInteger(),
                 sql("SELECT COUNT(*) FROM purchases"));
        QCOMPARE(stats.value(QStringLiteral("jobs")).toInteger(), sql("SELECT COUNT(*) FROM jobs"));
        QCOMPARE(stats.value(QStringLiteral("ledger_entries")).toInteger(),
                 sql("SELECT COUNT(*) FROM ledger_entries"));
        const QJsonObject byStatus = stats.value(QStringLiteral("requests_by_status")).toObject();
        QCOMPARE(byStatus.value(QStringLiteral("pending")).toInteger(),
                 sql("SELECT COUNT(*) FROM refund_requests WHERE status = 'pending'"));
        qint64 total = 0;
        for (const QJsonValue &v : byStatus)
            total += v.toInteger();
        QCOMPARE(total, sql("SELECT COUNT(*) FROM refund_requests"));
        QVERIFY(stats.value(QStringLiteral("refunded_cents")).toInteger() > 0);
        QCOMPARE(stats.value(QStringLiteral("refunded_cents")).toInteger(),
                 sql("SELECT SUM(amount_cents) FROM payouts WHERE status <> 'failed'"));
        QVERIFY(stats.value(QStringLiteral("credits_restored")).toInteger() > 0);
    }

    void cliDemoMatchesSeed()
    {
        // The same seed through the CLI on this backend and on SQLite gives the same rows.
        REFUNDDESK_FRESH_DATABASE(t);
        TestDatabase sqlite(QStringLiteral("sqlite"));
        for (const QString &url : {t.url().toString(), sqlite.url().toString()}) {
            const Run r = refundctl(
                {QStringLiteral("demo"), QStringLiteral("--quiet"), QStringLiteral("--database"),
                 url, QStringLiteral("--accounts"), QStringLiteral("40"), QStringLiteral("--seed"),
                 QStringLiteral("9"), QStringLiteral("--until"), QStringLiteral("2026-01-15")});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        t.db().open();
        sqlite.db().open();
        const QStringList tables{QStringLiteral("accounts"), QStringLiteral("ledger_entries"),
                                 QStringLiteral("refund_requests"), QStringLiteral("decisions")};
        QCOMPARE(tablesDigest(t.db(), tables), tablesDigest(sqlite.db(), tables));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("says");
        QTest::newRow("no command") << QStringList{} << 2 << QStringLiteral("Usage");
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << 2
                                         << QStringLiteral("unknown command 'frobnicate'");
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("stats"), QStringLiteral("--bogus")} << 2
            << QStringLiteral("bogus");
        QTest::newRow("bad accounts")
            << QStringList{QStringLiteral("demo"), QStringLiteral("--accounts"),
                           QStringLiteral("many")}
            << 2 << QStringLiteral("--accounts");
        QTest::newRow("bad date") << QStringList{QStringLiteral("demo"), QStringLiteral("--until"),
                                                 QStringLiteral("31/12/2026")}
                                  << 2 << QStringLiteral("--until");
        QTest::newRow("bad url") << QStringList{QStringLiteral("stats"),
                                                QStringLiteral("--database"),
                                                QStringLiteral("mysql://x/y")}
                                 << 1 << QStringLiteral("mysql://x/y");
        QTest::newRow("unreachable")
            << QStringList{QStringLiteral("stats"), QStringLiteral("--database"),
                           QStringLiteral("postgresql://me:pw@127.0.0.1:1/db")}
            << 1 << QStringLiteral("postgresql://me:***@127.0.0.1:1/db");
    }
    void usageErrors()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("no database involved: run once");
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, says);
        const Run r = refundctl(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(QString::fromUtf8(r.err).contains(says), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void aMistypedFileIsNotANewDatabase()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("a file path is SQLite's");
        QTemporaryDir dir;
        const QString typo = dir.filePath(QStringLiteral("refunds-typo.db"));
        for (const char *command : {"check", "requests", "stats", "outbox", "payouts"}) {
            const Run r = refundctl({QLatin1String(command), QStringLiteral("--database"),
                                     QStringLiteral("sqlite:") + typo});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("no such database file"), r.err.constData());
            QVERIFY2(!QFile::exists(typo), command);
        }
        // The commands that fill a database may create it.
        QCOMPARE(refundctl({QStringLiteral("init"), QStringLiteral("--database"),
                            QStringLiteral("sqlite:") + typo})
                     .exitCode,
                 0);
        QCOMPARE(refundctl({QStringLiteral("check"), QStringLiteral("--database"),
                            QStringLiteral("sqlite:") + typo})
                     .exitCode,
                 0);
    }

    void outputThatCannotBeWrittenFails()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        if (!QFile::exists(QStringLiteral("/dev/full")))
            QSKIP("no /dev/full here");
        QCOMPARE(
            refundctl({QStringLiteral("demo"), QStringLiteral("--accounts"), QStringLiteral("30"),
                       QStringLiteral("--quiet"), QStringLiteral("--database"), t.url().toString()})
                .exitCode,
            0);
        QProcess p;
        p.setStandardOutputFile(QStringLiteral("/dev/full"));
        p.start(QStringLiteral(REFUNDCTL_PATH),
                {QStringLiteral("requests"), QStringLiteral("--database"), t.url().toString()});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(p.readAllStandardError().contains("cannot write the output"), "no message");
    }

    void requestsShowMoneyWithItsCurrency()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const QString url = t.url().toString();
        QCOMPARE(
            refundctl({QStringLiteral("demo"), QStringLiteral("--accounts"), QStringLiteral("120"),
                       QStringLiteral("--quiet"), QStringLiteral("--database"), url})
                .exitCode,
            0);
        QCOMPARE(refundctl({QStringLiteral("triage"), QStringLiteral("--database"), url}).exitCode,
                 0);
        const Run r = refundctl({QStringLiteral("requests"), QStringLiteral("--database"), url});
        QCOMPARE(r.exitCode, 0);
        static const QRegularExpression money(QStringLiteral("refund \\d+\\.\\d\\d [A-Z]{3}"));
        static const QRegularExpression raw(QStringLiteral("refund \\d+c\\b|\\d+cr\\b"));
        int refunds = 0;
        for (const QByteArray &line : r.out.split('\n')) {
            const QString text = QString::fromUtf8(line);
            QVERIFY2(!raw.match(text).hasMatch(), qPrintable(text));
            if (text.contains(QLatin1String(" refund "))) {
                QVERIFY2(money.match(text).hasMatch(), qPrintable(text));
                ++refunds;
            }
        }
        QVERIFY(refunds > 0);
    }

    void theDeskNeedsNoDisplayForTextAndScreenshots()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("once is enough");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            env.remove(QLatin1String(name));
        auto desk = [&](const QStringList &args) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(REFUNDDESK_PATH), args);
            const bool done = p.waitForFinished(60000);
            return std::tuple{done && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                              p.readAllStandardOutput(), p.readAllStandardError()};
        };
        auto [code, out, err] = desk({QStringLiteral("--help")});
        QCOMPARE(code, 0);
        QVERIFY2(out.contains("--screenshot"), (out + err).constData());
        std::tie(code, out, err) = desk({QStringLiteral("--version")});
        QCOMPARE(code, 0);
        QVERIFY2(out.startsWith("refunddesk "), (out + err).constData());
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("desk.png"));
        const QString db = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("d.db"));
        QCOMPARE(
            refundctl({QStringLiteral("demo"), QStringLiteral("--accounts"), QStringLiteral("20"),
                       QStringLiteral("--quiet"), QStringLiteral("--database"), db})
                .exitCode,
            0);
        std::tie(code, out, err) =
            desk({QStringLiteral("--database"), db, QStringLiteral("--screenshot"), png,
                  QStringLiteral("--size"), QStringLiteral("1280x720")});
        QCOMPARE(code, 0);
        QVERIFY2(QFileInfo(png).size() > 10000, err.constData());
    }

    void help()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("no database involved: run once");
        Run r = refundctl({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        for (const char *command : {"init", "demo", "stats"})
            QVERIFY2(r.out.contains(command), command);
        for (const char *command : {"init", "demo", "stats"}) {
            r = refundctl({QLatin1String(command), QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.contains("--database"));
        }
    }
};

QTEST_GUILESS_MAIN(TestRefundctl)
#include "tst_refundctl.moc"
