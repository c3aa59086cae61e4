// refundctl as a user runs it: init, demo, stats on both backends, and its usage errors.

#include "models/databaseerror.h"
#include "models/decisionrepository.h"
#include "models/requestrepository.h"
#include "models/sqlstatement.h"
#include "policy/requestdossier.h"
#include "support/queryvalues.h"
#include "support/refundctlrun.h"
#include "support/tablesdigest.h"
#include "support/testdatabase.h"
#include "support/workflowshop.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <tuple>
#include <unistd.h>

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

        // The dashboard's rollups agree with the demo's facts; one tampered with is found by
        // both checks, and a rebuild puts it right.
        const QStringList db{QStringLiteral("--database"), url};
        r = refundctl(QStringList{QStringLiteral("rollups"), QStringLiteral("check")} + db);
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QCOMPARE(r.out.count("agrees with the facts"), 9);
        SqlStatement::run(t.db().connection(),
                          QStringLiteral("UPDATE rollup_purchases SET purchases = purchases + 1"
                                         " WHERE day = (SELECT MIN(day) FROM rollup_purchases)"));
        r = refundctl(QStringList{QStringLiteral("rollups"), QStringLiteral("check")} + db);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("rollup_purchases: 1 group(s) differ from the facts"),
                 r.out.constData());
        r = refundctl(QStringList{QStringLiteral("check")} + db);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains("rollup_purchases") || r.err.contains("rollup_purchases"),
                 r.out.constData());
        r = refundctl(QStringList{QStringLiteral("rollups"), QStringLiteral("rebuild")} + db);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out.count("groups, counted in"), 9);
        r = refundctl(QStringList{QStringLiteral("check")} + db);
        QVERIFY2(r.exitCode == 0, r.out.constData());
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
        QTest::newRow("rollups without an action")
            << QStringList{QStringLiteral("rollups")} << 2 << QStringLiteral("rebuild or check");
        QTest::newRow("rollups, unknown action")
            << QStringList{QStringLiteral("rollups"), QStringLiteral("recount")} << 2
            << QStringLiteral("unknown action 'recount'");
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
        // Unattended, a database it cannot open is an error on stderr, not a dialog that
        // waits for a click no one gives.
        const QString missing =
            QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("no/such/folder/x.db"));
        std::tie(code, out, err) =
            desk({QStringLiteral("--database"), missing, QStringLiteral("--screenshot"), png});
        QCOMPARE(code, 1);
        QVERIFY2(err.contains("no/such/folder"), err.constData());
        std::tie(code, out, err) =
            desk({QStringLiteral("--database"), db, QStringLiteral("--page"),
                  QStringLiteral("nowhere"), QStringLiteral("--screenshot"), png});
        QCOMPARE(code, 2);
        QVERIFY2(err.contains("nowhere"), err.constData());
    }

    // A company's own profile: imported as versions that never change, exported as imported,
    // compared field by field, evaluated under its newest version, and a decision keeps the
    // version it was made under.
    void policyProfilesAreImportedVersionedAndExported()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        const QString url = t.url().toString();
        auto run = [&](QStringList args, const QByteArray &input = {}) {
            args << QStringLiteral("--database") << url;
            return runRefundctl(args, input);
        };
        RefundctlRun r = run({QStringLiteral("init")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({QStringLiteral("policy"), QStringLiteral("export"), QStringLiteral("aidancing")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject acme = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(acme.value(QStringLiteral("id")).toString(), QStringLiteral("aidancing"));
        // A built-in id is not a company's.
        r = run({QStringLiteral("policy"), QStringLiteral("import"), QStringLiteral("-")}, r.out);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("built-in"), r.err.constData());
        acme.insert(QStringLiteral("id"), QStringLiteral("acme"));
        acme.insert(QStringLiteral("company"), QStringLiteral("Acme"));
        const QByteArray v1 = QJsonDocument(acme).toJson();
        r = run({QStringLiteral("policy"), QStringLiteral("import"), QStringLiteral("-")}, v1);
        QVERIFY2(r.exitCode == 0 && r.out.contains("acme version 1 saved"), r.out.constData());
        // Export, then import what was exported: the same profile, not a new version.
        r = run({QStringLiteral("policy"), QStringLiteral("export"), QStringLiteral("acme")});
        QCOMPARE(QJsonDocument::fromJson(r.out).object(), acme);
        r = run({QStringLiteral("policy"), QStringLiteral("import"), QStringLiteral("-")}, r.out);
        QVERIFY2(r.out.contains("same as its version 1"), r.out.constData());
        // A broken one is refused with its field, and nothing is saved.
        QJsonObject broken = acme;
        broken.insert(QStringLiteral("respond_within_business_days"), QStringLiteral("soon"));
        r = run({QStringLiteral("policy"), QStringLiteral("import"), QStringLiteral("-")},
                QJsonDocument(broken).toJson());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("respond_within_business_days"), r.err.constData());

        // An account on it; a request decided under version 1.
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("acme"));
        const qint64 request =
            shop.request(a, QStringLiteral("dissatisfaction"), shop.purchase(a, 100, 1000));
        shop.workflow.triage();
        QCOMPARE(shop.decide(request, ReviewAction::Deny).status, DecisionResult::Status::Denied);

        QJsonObject slower = acme;
        slower.insert(QStringLiteral("respond_within_business_days"), 7);
        r = run({QStringLiteral("policy"), QStringLiteral("import"), QStringLiteral("-")},
                QJsonDocument(slower).toJson());
        QVERIFY2(r.out.contains("acme version 2 saved"), r.out.constData());
        r = run({QStringLiteral("policy"), QStringLiteral("versions"), QStringLiteral("acme")});
        QCOMPARE(r.out.count('\n'), 2);
        r = run({QStringLiteral("policy"), QStringLiteral("diff"), QStringLiteral("acme"),
                 QStringLiteral("1"), QStringLiteral("2")});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.out, QByteArray("- respond_within_business_days: 2\n"
                                   "+ respond_within_business_days: 7\n"));
        r = run({QStringLiteral("policy"), QStringLiteral("export"), QStringLiteral("acme"),
                 QStringLiteral("--version"), QStringLiteral("1")});
        QCOMPARE(QJsonDocument::fromJson(r.out).object(), acme);
        // evaluate --profile takes the newest version.
        QFile caseFile(
            QStringLiteral(TESTS_SOURCE_DIR "/policy/cases/aidancing-accidental-denied.json"));
        QVERIFY(caseFile.open(QIODevice::ReadOnly));
        r = run({QStringLiteral("policy"), QStringLiteral("evaluate"), QStringLiteral("-"),
                 QStringLiteral("--profile"), QStringLiteral("acme")},
                caseFile.readAll());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("profile_version")),
                 QJsonValue(2));

        // The desk's workflow follows the new version at once; the old decision keeps its own.
        const qint64 later =
            shop.request(a, QStringLiteral("dissatisfaction"), shop.purchase(a, 100, 1000));
        shop.workflow.triage();
        QCOMPARE(RequestRepository(t.db().connection()).find(later)->recommendation.profileVersion,
                 2);
        QCOMPARE(DecisionRepository(t.db().connection()).findForRequest(request)->profileVersion,
                 1);
        // The request's page has both: the version it was decided under, and today's.
        const RequestDossier dossier = RequestDossier::load(t.db(), shop.workflow, request);
        QCOMPARE(dossier.decision->profileVersion, 1);
        QCOMPARE(dossier.outcome->profileVersion, 2);
        // Preview: a draft that refunds unused purchases within 14 days, on the requests of
        // the accounts on acme, next to today's version.
        const qint64 unused =
            shop.request(a, QStringLiteral("unused_credits"), shop.purchase(a, 100, 1500, 45));
        shop.workflow.triage();
        QJsonObject draft = slower;
        draft.insert(QStringLiteral("unused_refund_window_days"), 14);
        r = run({QStringLiteral("policy"), QStringLiteral("preview"), QStringLiteral("-"),
                 QStringLiteral("--json"), QStringLiteral("--from"), QStringLiteral("2026-02-01"),
                 QStringLiteral("--to"), QStringLiteral("2026-02-28")},
                QJsonDocument(draft).toJson());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject preview = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(preview.value(QStringLiteral("today_version")).toInt(), 2);
        QCOMPARE(preview.value(QStringLiteral("evaluated")).toInt(), 3);
        const QJsonArray changed = preview.value(QStringLiteral("changed")).toArray();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.at(0)[QStringLiteral("request")].toInteger(), unused);
        QCOMPARE(changed.at(0)[QStringLiteral("today")].toString(), QStringLiteral("deny"));
        QCOMPARE(changed.at(0)[QStringLiteral("draft")].toString(), QStringLiteral("approve"));
        QCOMPARE(changed.at(0)[QStringLiteral("draft_cents")].toInteger(), 1455); // less the fee
        const QJsonObject all = preview.value(QStringLiteral("by_type"))
                                    .toObject()
                                    .value(QStringLiteral("all"))
                                    .toObject();
        QCOMPARE(
            all.value(QStringLiteral("today")).toObject().value(QStringLiteral("deny")).toInt(), 3);
        QCOMPARE(
            all.value(QStringLiteral("draft")).toObject().value(QStringLiteral("deny")).toInt(), 2);
        QCOMPARE(all.value(QStringLiteral("draft_cents"))
                     .toObject()
                     .value(QStringLiteral("USD"))
                     .toInteger(),
                 1455);
        // Accounts move onto the profile, one or all of another's, with their audit row.
        const qint64 other = shop.account(QStringLiteral("aiimagestudio"));
        shop.account(QStringLiteral("aiimagestudio"));
        r = run({QStringLiteral("policy"), QStringLiteral("assign"), QStringLiteral("nosuch"),
                 QStringLiteral("--account"), QString::number(other)});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("neither built in nor stored"), r.err.constData());
        r = run({QStringLiteral("policy"), QStringLiteral("assign"), QStringLiteral("acme"),
                 QStringLiteral("--account"), QString::number(other)});
        QVERIFY2(r.exitCode == 0 && r.out.contains("1 account(s) now on acme"), r.out.constData());
        r = run({QStringLiteral("policy"), QStringLiteral("assign"), QStringLiteral("acme"),
                 QStringLiteral("--from"), QStringLiteral("aiimagestudio")});
        QVERIFY2(r.out.contains("1 account(s) now on acme"), r.out.constData());
        r = run({QStringLiteral("policy"), QStringLiteral("accounts"), QStringLiteral("acme")});
        QVERIFY2(r.out.startsWith("3 account(s) on acme"), r.out.constData());
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action ="
                                               " 'assign_profile'")),
                 2);
        // A version never changes.
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError,
            SqlStatement::run(t.db().connection(),
                              QStringLiteral("UPDATE policy_profiles SET body = '{}' WHERE"
                                             " profile = 'acme' AND version = 1")));
        shop.expectInvariants();
    }

    // A database file this user may read but not write (a copy handed to an auditor, a
    // backup on a read-only share) is read as it is; a write is refused saying so, and the
    // file stays as it was. As root, the check runs as "nobody" (root may write anything).
    void aReadOnlyFileIsReadNotWritten()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("a SQLite file's permissions; PostgreSQL has roles (tst_roles)");
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("shared.db"));
        const QString url = QStringLiteral("sqlite:") + file;
        QCOMPARE(runRefundctl({QStringLiteral("demo"), QStringLiteral("--accounts"),
                               QStringLiteral("30"), QStringLiteral("--quiet"),
                               QStringLiteral("--database"), url})
                     .exitCode,
                 0);
        const QByteArray before = [&] {
            QFile f(file);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QVERIFY(!before.isEmpty());
        QFile::remove(file + QStringLiteral("-wal"));
        QFile::remove(file + QStringLiteral("-shm"));
        QFile(file).setPermissions(QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther);
        QFile(dir.path())
            .setPermissions(QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup |
                            QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
        auto asReader = [&](const QStringList &args) {
            QProcess p;
            if (geteuid() == 0)
                p.start(QStringLiteral("runuser"),
                        QStringList{QStringLiteral("-u"), QStringLiteral("nobody"),
                                    QStringLiteral("--"), QStringLiteral(REFUNDCTL_PATH)} +
                            args);
            else
                p.start(QStringLiteral(REFUNDCTL_PATH), args);
            p.waitForFinished(60000);
            return std::make_pair(p.exitCode(),
                                  p.readAllStandardOutput() + p.readAllStandardError());
        };
        auto [code, out] = asReader({QStringLiteral("requests"), QStringLiteral("--limit"),
                                     QStringLiteral("3"), QStringLiteral("--database"), url});
        QVERIFY2(code == 0 && out.count('\n') == 4, out.constData());
        std::tie(code, out) =
            asReader({QStringLiteral("triage"), QStringLiteral("--database"), url});
        QCOMPARE(code, 1);
        QVERIFY2(out.contains("read-only"), out.constData());
        QFile(dir.path()).setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readAll() == before);
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
