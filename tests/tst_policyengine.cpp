// The policy engine against POLICIES.md: every case file under tests/policy/cases on the
// library API and through `refundctl policy evaluate`, the bad-input answers, the calendar.

#include "policy/rules/businesscalendar.h"
#include "policy/rules/money.h"
#include "policy/rules/policycasejson.h"
#include "policy/rules/policyengine.h"
#include "policy/rules/policyprofile.h"
#include "support/refundctlrun.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {
const QString casesDir = QStringLiteral(TESTS_SOURCE_DIR "/policy/cases");
const QString acmeProfile = QStringLiteral(TESTS_SOURCE_DIR "/policy/profiles/acme.json");

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

using Run = RefundctlRun;

Run refundctl(const QStringList &args, const QByteArray &input = {})
{
    return runRefundctl(args, input);
}

QJsonObject outcomeJson(const PolicyOutcome &o)
{
    return QJsonDocument::fromJson(PolicyCaseJson::outcomeToJson(o)).object();
}

// Every field the case file expects must match; fields it does not name are not checked.
void compareExpected(const QJsonObject &actual, const QJsonObject &expect, const QString &name)
{
    QVERIFY2(!expect.isEmpty(), qPrintable(name + QStringLiteral(": no expectation")));
    for (auto it = expect.begin(); it != expect.end(); ++it) {
        QVERIFY2(actual.contains(it.key()),
                 qPrintable(name + QStringLiteral(": no field ") + it.key()));
        const QJsonValue got = actual.value(it.key());
        QVERIFY2(
            got == it.value(),
            qPrintable(QStringLiteral("%1: %2 is %3, expected %4")
                           .arg(name, it.key(),
                                QString::fromUtf8(
                                    QJsonDocument(QJsonArray{got}).toJson(QJsonDocument::Compact)),
                                QString::fromUtf8(QJsonDocument(QJsonArray{it.value()})
                                                      .toJson(QJsonDocument::Compact)))));
    }
}

const char *validCase = R"({"profile": "hummingbytes",
  "purchases": [{"id": "P-1", "at": "2026-03-05T10:00:00Z", "credits": 300, "amount_cents": 2000}],
  "jobs": [{"id": "J-1", "at": "2026-03-05T11:00:00Z", "credits": 10, "status": "failed", "failure": "platform"}],
  "request": {"type": "unused_credits", "at": "2026-03-06T10:00:00Z", "purchase_id": "P-1"}})";
} // namespace

class TestPolicyEngine : public QObject
{
    Q_OBJECT
private slots:
    void builtInProfiles()
    {
        const QList<PolicyProfile> &profiles = PolicyProfile::builtIn();
        QStringList ids;
        for (const PolicyProfile &p : profiles) {
            ids << p.id;
            QCOMPARE(p.version, 1);
            for (int role = 0; role < int(ClauseRole::Count); ++role) {
                const PolicyClause &c = p.clause(ClauseRole(role));
                QVERIFY2(c.id.startsWith(p.id + QLatin1Char('/')), qPrintable(c.id));
                QVERIFY(!c.quote.isEmpty());
                QVERIFY(c.explanation.endsWith(QLatin1Char('.')));
            }
        }
        QCOMPARE(ids, (QStringList{QStringLiteral("aidancing"), QStringLiteral("aiimagestudio"),
                                   QStringLiteral("apiany"), QStringLiteral("hummingbytes"),
                                   QStringLiteral("vysage")}));
    }

    void quotesAreFromTheSourceTexts()
    {
        // A clause quotes its policy word for word (white space aside).
        const QDir seeds(QStringLiteral(TESTS_SOURCE_DIR "/../../shared/seeds"));
        if (!seeds.exists())
            QSKIP("../shared/seeds is not beside the checkout");
        for (const PolicyProfile &p : PolicyProfile::builtIn()) {
            const QString text = QString::fromUtf8(readAll(seeds.filePath(p.source))).simplified();
            QVERIFY2(!text.isEmpty(), qPrintable(p.source));
            for (const PolicyClause &c : p.clauses())
                QVERIFY2(text.contains(c.quote.simplified()), qPrintable(c.id));
        }
    }

    void cases_data()
    {
        QTest::addColumn<QString>("file");
        const QStringList files =
            QDir(casesDir).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 100);
        for (const QString &f : files)
            QTest::newRow(qPrintable(f)) << QDir(casesDir).filePath(f);
    }
    void cases()
    {
        QFETCH(QString, file);
        const QByteArray json = readAll(file);
        QString error;
        const auto parsed = PolicyCaseJson::parse(json, &error);
        QVERIFY2(parsed, qPrintable(error));
        const auto profile = PolicyProfile::findBuiltIn(parsed->profile);
        QVERIFY(profile);
        const PolicyOutcome outcome = PolicyEngine::evaluate(parsed->policyCase, *profile);
        const QJsonObject expect =
            QJsonDocument::fromJson(json).object().value(QStringLiteral("expect")).toObject();
        compareExpected(outcomeJson(outcome), expect, file);
        QCOMPARE(outcome.clauses.size(), 1);
        QVERIFY(!outcome.explanation.isEmpty());
    }

    void cli_data() { cases_data(); }
    void cli()
    {
        QFETCH(QString, file);
        const Run r = refundctl({QStringLiteral("policy"), QStringLiteral("evaluate"), file});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.err.isEmpty());
        QJsonParseError error;
        const QJsonObject actual = QJsonDocument::fromJson(r.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QStringList fields{QStringLiteral("verdict"),         QStringLiteral("remedy"),
                                 QStringLiteral("refund_cents"),    QStringLiteral("credits"),
                                 QStringLiteral("actions"),         QStringLiteral("clauses"),
                                 QStringLiteral("respond_by"),      QStringLiteral("profile"),
                                 QStringLiteral("profile_version"), QStringLiteral("explanation")};
        QCOMPARE(actual.keys().size(), fields.size());
        for (const QString &f : fields)
            QVERIFY2(actual.contains(f), qPrintable(f));
        const QJsonObject expect = QJsonDocument::fromJson(readAll(file))
                                       .object()
                                       .value(QStringLiteral("expect"))
                                       .toObject();
        compareExpected(actual, expect, file);
    }

    void profileOverride()
    {
        // --profile overrides the case's profile; - reads the case from standard input.
        const Run r =
            refundctl({QStringLiteral("policy"), QStringLiteral("evaluate"), QStringLiteral("-"),
                       QStringLiteral("--profile"), QStringLiteral("apiany")},
                      validCase);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("profile")).toString(), QStringLiteral("apiany"));
        QCOMPARE(o.value(QStringLiteral("verdict")).toString(), QStringLiteral("deny"));
    }

    void companyProfileWithHolidayAndTimeZone()
    {
        // acme: aidancing's rules, 2 business days, New York time, 9 March 2026 a holiday.
        auto run = [](const QString &at) {
            QByteArray c = validCase;
            c.replace("2026-03-06T10:00:00Z", at.toUtf8());
            return refundctl({QStringLiteral("policy"), QStringLiteral("evaluate"),
                              QStringLiteral("-"), QStringLiteral("--profile-file"), acmeProfile},
                             c);
        };
        // Friday 15:00 UTC is Friday in New York: Monday is a holiday, so Tuesday, Wednesday.
        Run r = run(QStringLiteral("2026-03-06T15:00:00Z"));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("respond_by")).toString(), QStringLiteral("2026-03-11"));
        QCOMPARE(o.value(QStringLiteral("profile")).toString(), QStringLiteral("acme"));
        QCOMPARE(o.value(QStringLiteral("profile_version")).toInt(), 3);
        // 03:00 UTC on Friday is still Thursday evening in New York: Friday, then Tuesday.
        r = run(QStringLiteral("2026-03-06T03:00:00Z"));
        o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("respond_by")).toString(), QStringLiteral("2026-03-10"));
    }

    void calendar()
    {
        const BusinessCalendar utc(QByteArray("UTC"), {QDate(2026, 12, 25)});
        QCOMPARE(utc.addBusinessDays(QDate(2026, 3, 6), 2), QDate(2026, 3, 10)); // Fri
        QCOMPARE(utc.addBusinessDays(QDate(2026, 3, 7), 2), QDate(2026, 3, 10)); // Sat
        QCOMPARE(utc.addBusinessDays(QDate(2026, 3, 8), 2), QDate(2026, 3, 10)); // Sun
        QCOMPARE(utc.addBusinessDays(QDate(2026, 12, 24), 1),
                 QDate(2026, 12, 28)); // holiday, weekend
        QCOMPARE(utc.localDate(0), QDate(1970, 1, 1));
        QCOMPARE(utc.localDate(-1), QDate(1969, 12, 31));
        QCOMPARE(utc.localDate(1772755200), QDate(2026, 3, 6));
        QVERIFY(!BusinessCalendar(QByteArray("Mars/Olympus"), {}).isValid());
        // 10 business days for an approved refund (aidancing, aiimagestudio), none for vysage.
        const qint64 friday = 1772755200 + 12 * 3600;
        QCOMPARE(PolicyEngine::refundDueDate(
                     *PolicyProfile::findBuiltIn(QStringLiteral("aidancing")), friday),
                 QDate(2026, 3, 20));
        QVERIFY(!PolicyEngine::refundDueDate(*PolicyProfile::findBuiltIn(QStringLiteral("vysage")),
                                             friday)
                     .isValid());
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QStringList>("extraArgs");
        QTest::addColumn<QString>("field");
        auto replaced = [](const char *from, const char *to) {
            return QByteArray(validCase).replace(from, to);
        };
        QTest::newRow("broken JSON")
            << QByteArray("{\"profile\": ") << QStringList{} << QStringLiteral("JSON");
        QTest::newRow("not an object")
            << QByteArray("[1, 2]") << QStringList{} << QStringLiteral("JSON");
        QTest::newRow("unknown type") << replaced("unused_credits", "whim") << QStringList{}
                                      << QStringLiteral("request.type");
        QTest::newRow("unknown purchase")
            << replaced("\"purchase_id\": \"P-1\"", "\"purchase_id\": \"P-7\"") << QStringList{}
            << QStringLiteral("request.purchase_id");
        QTest::newRow("unknown job") << replaced("\"purchase_id\": \"P-1\"", "\"job_id\": \"J-7\"")
                                     << QStringList{} << QStringLiteral("request.job_id");
        QTest::newRow("fee above amount")
            << replaced("\"amount_cents\": 2000", "\"amount_cents\": 2000, \"fee_cents\": 2001")
            << QStringList{} << QStringLiteral("purchases[0].fee_cents");
        QTest::newRow("used above credits")
            << replaced("\"credits\": 300", "\"credits\": 300, \"credits_used\": 301")
            << QStringList{} << QStringLiteral("purchases[0].credits_used");
        QTest::newRow("negative money")
            << replaced("\"amount_cents\": 2000", "\"amount_cents\": -5") << QStringList{}
            << QStringLiteral("purchases[0].amount_cents");
        QTest::newRow("fractional money")
            << replaced("\"amount_cents\": 2000", "\"amount_cents\": 20.5") << QStringList{}
            << QStringLiteral("purchases[0].amount_cents");
        QTest::newRow("malformed time") << replaced("2026-03-06T10:00:00Z", "2026-13-06T10:00:00Z")
                                        << QStringList{} << QStringLiteral("request.at");
        QTest::newRow("time without zone")
            << replaced("2026-03-06T10:00:00Z", "2026-03-06T10:00:00") << QStringList{}
            << QStringLiteral("request.at");
        QTest::newRow("unknown profile")
            << replaced("hummingbytes", "nosuch") << QStringList{} << QStringLiteral("profile");
        QTest::newRow("unknown profile option")
            << QByteArray(validCase)
            << QStringList{QStringLiteral("--profile"), QStringLiteral("nosuch")}
            << QStringLiteral("profile");
        QTest::newRow("missing job for failed_job")
            << replaced("unused_credits", "failed_job") << QStringList{}
            << QStringLiteral("request.job_id");
        QTest::newRow("unknown failure") << replaced("\"platform\"", "\"cosmic\"") << QStringList{}
                                         << QStringLiteral("jobs[0].failure");
        // Bounds: every number in 0..10^15, charge_count in 1..1000, never wrapped or cut.
        QTest::newRow("money above 10^15")
            << replaced("\"amount_cents\": 2000", "\"amount_cents\": 9000000000000000")
            << QStringList{} << QStringLiteral("purchases[0].amount_cents");
        QTest::newRow("money just above 10^15")
            << replaced("\"amount_cents\": 2000", "\"amount_cents\": 1000000000000001")
            << QStringList{} << QStringLiteral("purchases[0].amount_cents");
        QTest::newRow("credits above 10^15") << replaced("\"credits\": 10", "\"credits\": 1e16")
                                             << QStringList{} << QStringLiteral("jobs[0].credits");
        QTest::newRow("charge_count 0")
            << replaced("\"amount_cents\": 2000", "\"amount_cents\": 2000, \"charge_count\": 0")
            << QStringList{} << QStringLiteral("purchases[0].charge_count");
        QTest::newRow("charge_count 1001")
            << replaced("\"amount_cents\": 2000", "\"amount_cents\": 2000, \"charge_count\": 1001")
            << QStringList{} << QStringLiteral("purchases[0].charge_count");
        QTest::newRow("charge_count 2^32+5")
            << replaced("\"amount_cents\": 2000",
                        "\"amount_cents\": 2000, \"charge_count\": 4294967301")
            << QStringList{} << QStringLiteral("purchases[0].charge_count");
        QTest::newRow("negative refunded_cents")
            << replaced("\"amount_cents\": 2000", "\"amount_cents\": 2000, \"refunded_cents\": -1")
            << QStringList{} << QStringLiteral("purchases[0].refunded_cents");
        QTest::newRow("restored_credits above 10^15")
            << replaced("\"amount_cents\": 2000",
                        "\"amount_cents\": 2000, \"restored_credits\": 2000000000000000")
            << QStringList{} << QStringLiteral("purchases[0].restored_credits");
        QTest::newRow("unknown granted type")
            << replaced("\"amount_cents\": 2000",
                        "\"amount_cents\": 2000, \"granted\": [\"unused_credits\", \"whim\"]")
            << QStringList{} << QStringLiteral("purchases[0].granted[1]");
        QTest::newRow("granted not a list")
            << replaced("\"amount_cents\": 2000", "\"amount_cents\": 2000, \"granted\": \"all\"")
            << QStringList{} << QStringLiteral("purchases[0].granted");
    }
    void badInput()
    {
        QFETCH(QByteArray, json);
        QFETCH(QStringList, extraArgs);
        QFETCH(QString, field);
        const Run r = refundctl(
            QStringList{QStringLiteral("policy"), QStringLiteral("evaluate"), QStringLiteral("-")} +
                extraArgs,
            json);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.isEmpty(), r.out.constData());
        const QString err = QString::fromUtf8(r.err).trimmed();
        QVERIFY2(err.startsWith(field + QLatin1Char(':')), qPrintable(err));
        QVERIFY2(!err.contains(QLatin1Char('\n')), qPrintable(err));
        if (extraArgs.isEmpty() && field != QLatin1String("profile")) {
            QString error;
            QVERIFY(!PolicyCaseJson::parse(json, &error));
            QCOMPARE(error, err);
        }
    }

    void oversizedInputIsRefusedBeforeReading()
    {
        // /dev/zero never ends: it is refused at 16 MiB instead of exhausting memory.
        Run r = refundctl(
            {QStringLiteral("policy"), QStringLiteral("evaluate"), QStringLiteral("/dev/zero")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("/dev/zero: larger than the 16 MiB"), r.err.constData());
        // So is a regular file over the limit, and standard input.
        QTemporaryDir dir;
        QFile big(dir.filePath(QStringLiteral("big.json")));
        QVERIFY(big.open(QIODevice::WriteOnly));
        QVERIFY(big.resize(PolicyCaseJson::maxCaseBytes + 1));
        big.close();
        r = refundctl({QStringLiteral("policy"), QStringLiteral("evaluate"), big.fileName()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("larger than the 16 MiB"), r.err.constData());
        r = refundctl({QStringLiteral("policy"), QStringLiteral("evaluate"), QStringLiteral("-")},
                      QByteArray(PolicyCaseJson::maxCaseBytes + 10, ' '));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("-: larger than the 16 MiB"), r.err.constData());
        QString error;
        QVERIFY(!PolicyCaseJson::parse(QByteArray(PolicyCaseJson::maxCaseBytes + 1, ' '), &error));
        QVERIFY2(error.startsWith(QLatin1String("JSON: a case is at most 16 MiB")),
                 qPrintable(error));
    }

    void manyPurchasesAreCheckedByIdOnce()
    {
        // 80,000 purchases, the last repeating the first id: found and named (a lookup per id;
        // the old pairwise check took 24 s here).
        QByteArray json = "{\"profile\": \"vysage\", \"purchases\": [";
        for (int i = 0; i < 80000; ++i)
            json += QByteArray("{\"id\": \"P-") + QByteArray::number(i) +
                    "\", \"at\": \"2026-03-01T00:00:00Z\", \"credits\": 1, \"amount_cents\": 1},";
        json += "{\"id\": \"P-0\", \"at\": \"2026-03-01T00:00:00Z\", \"credits\": 1, "
                "\"amount_cents\": 1}], \"request\": {\"type\": \"unused_credits\", "
                "\"at\": \"2026-03-02T00:00:00Z\", \"purchase_id\": \"P-79999\"}}";
        QString error;
        QVERIFY(!PolicyCaseJson::parse(json, &error));
        QCOMPARE(error, QStringLiteral("purchases[80000].id: 'P-0' appears twice"));
        json.replace(json.lastIndexOf("P-0"), 3, "P-x");
        const auto parsed = PolicyCaseJson::parse(json, &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(parsed->policyCase.purchases.size(), 80001);
        QCOMPARE(parsed->policyCase.purchase()->id, QStringLiteral("P-79999"));
    }

    void boundsOfBuiltCases()
    {
        // A case assembled in code (as the workflow does from the database) is checked
        // against the same bounds before the engine sees it.
        PolicyCase c;
        CasePurchase p;
        p.id = QStringLiteral("P");
        p.amountCents = 9'000'000'000'000'000;
        p.chargeCount = 2000;
        c.purchases << p;
        QCOMPARE(c.boundsError(),
                 QStringLiteral("purchases[0].amount_cents: must be a whole number from 0 to "
                                "10^15, not 9000000000000000"));
        c.purchases[0].amountCents = 100;
        QCOMPARE(c.boundsError(), QStringLiteral("purchases[0].charge_count: must be a whole "
                                                 "number from 1 to 1000, not 2000"));
        c.purchases[0].chargeCount = 1000;
        QVERIFY(c.boundsError().isEmpty());
        c.request.amountCents = -1;
        QVERIFY(c.boundsError().startsWith(QLatin1String("request.amount_cents:")));
        // The checked helpers refuse what would wrap.
        QVERIFY_THROWS_EXCEPTION(ArithmeticOverflow, Checked::mul(9'000'000'000'000'000, 2000));
        QVERIFY_THROWS_EXCEPTION(ArithmeticOverflow,
                                 Checked::add(std::numeric_limits<qint64>::max(), 1));
        QCOMPARE(Checked::mulDiv(1'000'000'000'000'000, 999'999'999'999'999, 1'000'000'000'000'000),
                 999'999'999'999'999);
    }

    void brokenProfiles_data()
    {
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QByteArray>("to");
        QTest::addColumn<QString>("field");
        QTest::newRow("version") << QByteArray("\"version\": 3")
                                 << QByteArray("\"version\": \"three\"")
                                 << QStringLiteral("version");
        QTest::newRow("verdict") << QByteArray("\"terminated_account\": \"deny\"")
                                 << QByteArray("\"terminated_account\": \"approve\"")
                                 << QStringLiteral("terminated_account");
        QTest::newRow("time zone") << QByteArray("America/New_York") << QByteArray("Mars/Olympus")
                                   << QStringLiteral("time_zone");
        QTest::newRow("holiday") << QByteArray("2026-03-09") << QByteArray("next monday")
                                 << QStringLiteral("holidays[0]");
        QTest::newRow("clause") << QByteArray("\"terminated\": {")
                                << QByteArray("\"terminatedx\": {")
                                << QStringLiteral("clauses.terminated");
        QTest::newRow("json") << QByteArray("{") << QByteArray("[") << QStringLiteral("JSON");
    }
    void brokenProfiles()
    {
        QFETCH(QByteArray, from);
        QFETCH(QByteArray, to);
        QFETCH(QString, field);
        QByteArray json = readAll(acmeProfile);
        QVERIFY(json.contains(from));
        json.replace(json.indexOf(from), from.size(), to);
        QString error;
        QVERIFY(!PolicyProfile::fromJson(json, &error));
        QVERIFY2(error.startsWith(field + QLatin1Char(':')), qPrintable(error));
    }

    void show()
    {
        for (const PolicyProfile &p : PolicyProfile::builtIn()) {
            const Run r = refundctl({QStringLiteral("policy"), QStringLiteral("show"), p.id});
            QCOMPARE(r.exitCode, 0);
            const QString text = QString::fromUtf8(r.out);
            QVERIFY(text.contains(p.company));
            for (const PolicyClause &c : p.clauses())
                QVERIFY2(text.contains(c.id) && text.contains(c.quote), qPrintable(c.id));
        }
        const Run list = refundctl({QStringLiteral("policy"), QStringLiteral("list")});
        QCOMPARE(list.exitCode, 0);
        QCOMPARE(list.out.count('\n'), 6);
        QCOMPARE(
            refundctl({QStringLiteral("policy"), QStringLiteral("show"), QStringLiteral("nosuch")})
                .exitCode,
            2);
    }
};

QTEST_GUILESS_MAIN(TestPolicyEngine)
#include "tst_policyengine.moc"
