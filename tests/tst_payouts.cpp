// Money out (INTEGRATION.md section 4), on both backends, against a fake processor that speaks
// Stripe's published refunds API in its own process and keeps its own record of refunds:
// every fault it can inject ends with exactly one refund per payout, of the payout's amount,
// and our state equal to the processor's; a worker killed between "sent" and the answer is
// reconciled; two workers at once send each payout once; the webhook is signed, applied once,
// moves payouts and opens and settles chargebacks; without a key payouts stay pending.

#include "models/dashboardrepository.h"
#include "models/payoutrepository.h"
#include "policy/processorwebhook.h"
#include "support/queryvalues.h"
#include "support/refundctlrun.h"
#include "support/testdatabase.h"
#include "support/workflowshop.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

namespace {

struct HttpAnswer
{
    int status = 0;
    QJsonObject body;
};

HttpAnswer call(const QByteArray &verb, const QUrl &url, const QByteArray &body = {},
                const QList<std::pair<QByteArray, QByteArray>> &headers = {})
{
    static QNetworkAccessManager net;
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QNetworkReply *reply = net.sendCustomRequest(request, verb, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpAnswer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                 QJsonDocument::fromJson(reply->readAll()).object()};
    reply->deleteLater();
    return a;
}

// A process printing "listening on http://127.0.0.1:PORT" on stderr: the fake processor, or
// refundctl serve.
class Listener
{
public:
    Listener(const QString &program, const QStringList &args,
             const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        m_process.setProcessEnvironment(env);
        m_process.start(program, args);
        static const QRegularExpression listening(
            QStringLiteral("listening on http://[^:]+:(\\d+)"));
        [[maybe_unused]] const bool started = QTest::qWaitFor(
            [&] {
                m_log += m_process.readAllStandardError();
                const auto m = listening.match(QString::fromUtf8(m_log));
                if (m.hasMatch())
                    m_port = m.captured(1).toInt();
                return m_port != 0 || m_process.state() == QProcess::NotRunning;
            },
            20000);
    }
    ~Listener()
    {
        m_process.terminate();
        m_process.waitForFinished(10000);
    }
    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
    }
    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    int port() const { return m_port; }
    QByteArray log()
    {
        m_log += m_process.readAllStandardError();
        return m_log;
    }

private:
    QProcess m_process;
    QByteArray m_log;
    int m_port = 0;
};

class FakeProcessor : public Listener
{
public:
    FakeProcessor() : Listener(QStringLiteral(FAKESTRIPE_PATH), {}) {}
    void faults(const QByteArray &list)
    {
        call("POST", url(QStringLiteral("/_fake/faults")), list);
    }
    QJsonArray refunds()
    {
        return call("GET", url(QStringLiteral("/_fake/refunds")))
            .body.value(QStringLiteral("data"))
            .toArray();
    }
    // The processor's refunds made for one payout.
    QList<QJsonObject> refundsOf(qint64 payout)
    {
        QList<QJsonObject> mine;
        for (const QJsonValue &v : refunds()) {
            const QJsonObject o = v.toObject();
            if (o.value(QStringLiteral("metadata"))
                    .toObject()
                    .value(QStringLiteral("refunddesk_payout"))
                    .toString() == QString::number(payout))
                mine << o;
        }
        return mine;
    }
    QJsonObject settle(const QString &refund, const QString &status)
    {
        return call("POST",
                    url(QStringLiteral("/_fake/settle?id=%1&status=%2").arg(refund, status)))
            .body;
    }
};

QString payoutStatus(Database &db, qint64 id)
{
    return PayoutRepository(db.connection()).find(id)->status;
}

// A money refund approved through the workflow: its payout, pending.
qint64 approvedPayout(Shop &shop, qint64 cents)
{
    const qint64 a = shop.account(QStringLiteral("aiimagestudio"));
    const qint64 dup = shop.purchase(a, 120, cents, 0, 2);
    const qint64 r = shop.request(a, QStringLiteral("duplicate_charge"), dup);
    shop.workflow.triage();
    const DecisionResult d = shop.decide(r, ReviewAction::Approve);
    if (d.status != DecisionResult::Status::Approved)
        qFatal("the duplicate charge was not approved: %s", qPrintable(d.error));
    return scalar(shop.db, QStringLiteral("SELECT id FROM payouts WHERE request_id = ?"), {r});
}

const QByteArray webhookSecret = "whsec_test_secret";

} // namespace

class TestPayouts : public QObject
{
    Q_OBJECT

    QTemporaryDir m_secrets;
    QString m_keyFile;
    QString m_webhookFile;

    QStringList processor(const FakeProcessor &fake) const
    {
        return {QStringLiteral("--stripe-key-file"), m_keyFile, QStringLiteral("--stripe-api-base"),
                fake.base()};
    }
    RefundctlRun payouts(const TestDatabase &t, const FakeProcessor &fake, const QStringList &args)
    {
        return runRefundctl(QStringList{QStringLiteral("payouts")} + args +
                            QStringList{QStringLiteral("--database"), t.url().toString()} +
                            processor(fake));
    }

private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void initTestCase()
    {
        QVERIFY(m_secrets.isValid());
        auto secret = [&](const QString &name, const QByteArray &content) {
            QFile f(m_secrets.filePath(name));
            if (!f.open(QIODevice::WriteOnly))
                return QString();
            f.write(content + '\n');
            f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
            return f.fileName();
        };
        m_keyFile = secret(QStringLiteral("stripe.key"), "sk_test_fake");
        m_webhookFile = secret(QStringLiteral("webhook.secret"), webhookSecret);
        QVERIFY(!m_keyFile.isEmpty() && !m_webhookFile.isEmpty());
        // A hung answer is given up after 1.5 s (30 s in production).
        qputenv("REFUNDDESK_STRIPE_TIMEOUT_MS", "1500");
    }

    // Every fault of the fake, one payout each: after `payouts run` (and `reconcile` where the
    // outcome was unknown) exactly one refund at the processor per payout that went through,
    // with the payout's amount and key, and our state equal to the processor's.
    void everyFaultEndsWithOneRefund()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        shop.paymentPrefix = QStringLiteral("pi_");
        FakeProcessor fake;
        QVERIFY(fake.port());
        struct Scenario
        {
            const char *faults;
            const char *afterRun;
            bool atProcessor;
        };
        const Scenario scenarios[] = {
            {"", "succeeded", true},          {"drop", "succeeded", true},
            {"hang", "succeeded", true},      {"500", "succeeded", true},
            {"409,409", "succeeded", true},   {"429", "succeeded", true},
            {"503-noretry", "unknown", true}, {"idempotency", "unknown", true},
            {"declined", "failed", false},    {"failed", "failed", true},
            {"pending", "sent", true},
        };
        QHash<qint64, const Scenario *> byPayout;
        qint64 cents = 1000;
        for (const Scenario &s : scenarios) {
            const qint64 payout = approvedPayout(shop, ++cents);
            byPayout.insert(payout, &s);
            fake.faults(s.faults);
            RefundctlRun r = payouts(t, fake, {QStringLiteral("run")});
            QVERIFY2(r.exitCode != -1, s.faults);
            QCOMPARE(payoutStatus(t.db(), payout), QLatin1String(s.afterRun));
            QCOMPARE(r.exitCode, QLatin1String(s.afterRun) == QLatin1String("unknown") ? 1 : 0);
            if (QLatin1String(s.afterRun) == QLatin1String("unknown")) {
                QVERIFY2(r.err.contains("reconcile"), r.err.constData());
                r = payouts(t, fake, {QStringLiteral("reconcile")});
                QVERIFY2(r.exitCode == 0, r.err.constData());
                QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("succeeded"));
            }
        }
        const QString key = QStringLiteral("refunddesk-%1-payout-")
                                .arg(SqlStatement::scalar(t.db().connection(),
                                                          QStringLiteral("SELECT value FROM"
                                                                         " desk_settings WHERE key"
                                                                         " = 'database_uuid'"))
                                         .toString());
        QCOMPARE(key.size(), QStringLiteral("refunddesk--payout-").size() + 36);
        for (auto it = byPayout.cbegin(); it != byPayout.cend(); ++it) {
            const PayoutRecord p = *PayoutRepository(t.db().connection()).find(it.key());
            const QList<QJsonObject> there = fake.refundsOf(p.id);
            QCOMPARE(there.size(), it.value()->atProcessor ? 1 : 0);
            if (there.isEmpty()) {
                QVERIFY2(p.failureReason.contains(QLatin1String("charge_already_refunded")),
                         qPrintable(p.failureReason));
                continue;
            }
            const QJsonObject refund = there.first();
            QCOMPARE(refund.value(QStringLiteral("amount")).toInteger(), p.amountCents);
            QCOMPARE(refund.value(QStringLiteral("idempotency_key")).toString(),
                     key + QString::number(p.id));
            QCOMPARE(p.gatewayRef, refund.value(QStringLiteral("id")).toString());
            const QString theirs = refund.value(QStringLiteral("status")).toString();
            QCOMPARE(p.status,
                     theirs == QLatin1String("pending") ? QStringLiteral("sent") : theirs);
        }
        // Each move has its audit row and its outbox event.
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action ="
                                               " 'payout_sent'")),
                 qint64(std::size(scenarios)));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM outbox WHERE type ="
                                               " 'refund.updated' AND data LIKE '%\"unknown\"%'")),
                 2);

        // The declined payout, retried by a person: a new payout, sent once.
        const qint64 declined = byPayout.key(&scenarios[8]);
        auto retryOf = [&](qint64 id, const QStringList &note) {
            return runRefundctl(QStringList{QStringLiteral("payouts"), QStringLiteral("retry"),
                                            QString::number(id), QStringLiteral("--database"),
                                            t.url().toString()} +
                                note);
        };
        RefundctlRun r = retryOf(declined, {});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("note"), r.err.constData());
        r = retryOf(declined,
                    {QStringLiteral("--note"), QStringLiteral("the customer has a new card")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = retryOf(declined, {QStringLiteral("--note"), QStringLiteral("again")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("already retried"), r.err.constData());
        const qint64 retry =
            scalar(t.db(), QStringLiteral("SELECT id FROM payouts WHERE retry_of = ?"), {declined});
        QVERIFY(retry > 0);
        r = payouts(t, fake, {QStringLiteral("run")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(payoutStatus(t.db(), retry), QStringLiteral("succeeded"));
        QCOMPARE(fake.refundsOf(retry).size(), 1);
        // A succeeded payout cannot be retried, and the database refuses a second live one.
        r = retryOf(retry, {QStringLiteral("--note"), QStringLiteral("x")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("only a failed payout"), r.err.constData());

        r = runRefundctl(
            {QStringLiteral("check"), QStringLiteral("--database"), t.url().toString()});
        QVERIFY2(r.exitCode == 0, r.out.constData());
    }

    // kill -9 between "sent" and the answer: the payout stays sent; reconcile asks again with
    // the same key and finds the refund the processor made.
    void killedWorkerIsReconciled()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        shop.paymentPrefix = QStringLiteral("pi_");
        FakeProcessor fake;
        const qint64 payout = approvedPayout(shop, 4321);
        fake.faults("hang");
        QProcess worker;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("REFUNDDESK_STRIPE_TIMEOUT_MS"), QStringLiteral("60000"));
        worker.setProcessEnvironment(env);
        worker.start(QStringLiteral(REFUNDCTL_PATH),
                     QStringList{QStringLiteral("payouts"), QStringLiteral("run"),
                                 QStringLiteral("--database"), t.url().toString()} +
                         processor(fake));
        QVERIFY(QTest::qWaitFor([&] { return fake.refunds().size() == 1; }, 20000));
        QCOMPARE(worker.state(), QProcess::Running);
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("sent"));
        ::kill(pid_t(worker.processId()), SIGKILL);
        QVERIFY(worker.waitForFinished(10000));
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("sent"));
        // Running again does not send it again: it is not pending; nor does a reconcile that
        // leaves "sent" payouts to their worker for 15 minutes.
        RefundctlRun r = payouts(t, fake, {QStringLiteral("run")});
        QVERIFY2(r.out.startsWith("0 payouts"), r.out.constData());
        r = payouts(t, fake, {QStringLiteral("reconcile")});
        QVERIFY2(r.out.startsWith("0 payouts"), r.out.constData());
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("sent"));
        r = payouts(
            t, fake,
            {QStringLiteral("reconcile"), QStringLiteral("--older-than"), QStringLiteral("0")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("succeeded"));
        QCOMPARE(fake.refundsOf(payout).size(), 1);
        QCOMPARE(fake.refunds().size(), 1);
    }

    // After 24 h the processor forgets keys: reconcile lists the payment's refunds instead of
    // sending again, and finds the one made for the payout.
    void reconcileAfterADayListsRefunds()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        shop.paymentPrefix = QStringLiteral("pi_");
        FakeProcessor fake;
        const qint64 payout = approvedPayout(shop, 777);
        fake.faults("503-noretry");
        QCOMPARE(payouts(t, fake, {QStringLiteral("run")}).exitCode, 1);
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("unknown"));
        // The processor made it meanwhile (say, a person in its dashboard with our metadata).
        fake.faults("");
        const QString pi = SqlStatement::scalar(t.db().connection(),
                                                QStringLiteral("SELECT payment_ref FROM purchases"
                                                               " p JOIN payouts o ON o.purchase_id"
                                                               " = p.id WHERE o.id = ?"),
                                                {payout})
                               .toString();
        const HttpAnswer made =
            call("POST", fake.url(QStringLiteral("/v1/refunds")),
                 QStringLiteral("payment_intent=%1&amount=777&metadata%5Brefunddesk_payout%5D=%2")
                     .arg(pi)
                     .arg(payout)
                     .toUtf8(),
                 {{"Authorization", "Bearer sk_test_fake"},
                  {"Content-Type", "application/x-www-form-urlencoded"},
                  {"Idempotency-Key", "made-elsewhere"}});
        QCOMPARE(made.status, 200);
        // A day and more later (sent_at cannot be rewritten: the guard refuses it), so
        // reconcile is told the keys are forgotten.
        const RefundctlRun r =
            payouts(t, fake,
                    {QStringLiteral("reconcile"), QStringLiteral("--older-than"),
                     QStringLiteral("0"), QStringLiteral("--resend-within"), QStringLiteral("0")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("succeeded"));
        QCOMPARE(fake.refundsOf(payout).size(), 1);
        QCOMPARE(PayoutRepository(t.db().connection()).find(payout)->gatewayRef,
                 made.body.value(QStringLiteral("id")).toString());
    }

    // Two workers at once over the same pending payouts: each payout is sent once.
    void twoWorkersSendEachPayoutOnce()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        shop.paymentPrefix = QStringLiteral("pi_");
        FakeProcessor fake;
        QList<qint64> ids;
        for (int i = 0; i < 24; ++i)
            ids << approvedPayout(shop, 500 + i);
        QProcess one, two;
        const QStringList args = QStringList{QStringLiteral("payouts"),    QStringLiteral("run"),
                                             QStringLiteral("--rate"),     QStringLiteral("1000"),
                                             QStringLiteral("--database"), t.url().toString()} +
                                 processor(fake);
        one.start(QStringLiteral(REFUNDCTL_PATH), args);
        two.start(QStringLiteral(REFUNDCTL_PATH), args);
        QVERIFY(one.waitForFinished(60000) && two.waitForFinished(60000));
        QCOMPARE(one.exitCode(), 0);
        QCOMPARE(two.exitCode(), 0);
        QCOMPARE(fake.refunds().size(), ids.size());
        for (const qint64 id : std::as_const(ids)) {
            QCOMPARE(payoutStatus(t.db(), id), QStringLiteral("succeeded"));
            QCOMPARE(fake.refundsOf(id).size(), 1);
        }
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action ="
                                               " 'payout_sent'")),
                 ids.size());
    }

    // Without a key: nothing is sent, payouts stay pending; a key file others can read is
    // refused without showing the key.
    void manualModeAndKeyFile()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        shop.paymentPrefix = QStringLiteral("pi_");
        const qint64 payout = approvedPayout(shop, 900);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("REFUNDDESK_STRIPE_KEY_FILE"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(REFUNDCTL_PATH), {QStringLiteral("payouts"), QStringLiteral("run"),
                                                 QStringLiteral("--database"), t.url().toString()});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("payouts mark"));
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("pending"));

        QFile open(m_secrets.filePath(QStringLiteral("open.key")));
        QVERIFY(open.open(QIODevice::WriteOnly));
        open.write("sk_live_do_not_print\n");
        open.close();
        open.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                            QFile::ReadOther);
        const RefundctlRun r = runRefundctl({QStringLiteral("payouts"), QStringLiteral("run"),
                                             QStringLiteral("--database"), t.url().toString(),
                                             QStringLiteral("--stripe-key-file"), open.fileName()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("0600") && r.err.contains("open.key"), r.err.constData());
        QVERIFY(!r.err.contains("sk_live"));
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("pending"));

        // A purchase not paid through Stripe stays pending for a person, with a reason.
        shop.paymentPrefix = QStringLiteral("bank_");
        const qint64 bank = approvedPayout(shop, 901);
        FakeProcessor fake;
        const RefundctlRun run = payouts(t, fake, {QStringLiteral("run")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("bank_"), run.err.constData());
        QCOMPARE(payoutStatus(t.db(), bank), QStringLiteral("pending"));
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("succeeded"));
    }

    void signatures()
    {
        const QByteArray body = R"({"id":"evt_1"})";
        const qint64 now = 1'800'000'000;
        QString why;
        const QByteArray good = ProcessorWebhook::sign(body, webhookSecret, now);
        QVERIFY(ProcessorWebhook::verify(good, body, webhookSecret, now + 299, &why));
        QVERIFY(!ProcessorWebhook::verify(good, body, webhookSecret, now + 301, &why));
        QVERIFY2(why.contains(QLatin1String("300")), qPrintable(why));
        QVERIFY(!ProcessorWebhook::verify(good, body + ' ', webhookSecret, now, &why));
        QVERIFY(!ProcessorWebhook::verify(good, body, QByteArrayLiteral("whsec_other"), now, &why));
        // Several v1 (a secret being rolled): any one may match.
        const QByteArray other = ProcessorWebhook::sign(body, QByteArrayLiteral("whsec_old"), now);
        const QByteArray both = good + ",v1=" + other.mid(other.indexOf("v1=") + 3);
        QVERIFY(ProcessorWebhook::verify(both, body, QByteArrayLiteral("whsec_old"), now, &why));
        QVERIFY(ProcessorWebhook::verify(both, body, webhookSecret, now, &why));
        QVERIFY(
            !ProcessorWebhook::verify(QByteArrayLiteral("v1=abc"), body, webhookSecret, now, &why));
        QVERIFY(!ProcessorWebhook::verify(QByteArray(), body, webhookSecret, now, &why));
    }

    // refundctl serve with a key and a webhook secret: it sends the payout by itself; the
    // processor's webhook settles it (once, signed, fresh), and opens and closes a dispute.
    void serveSendsAndTheWebhookSettles()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        shop.paymentPrefix = QStringLiteral("pi_");
        FakeProcessor fake;
        fake.faults("pending");
        const qint64 payout = approvedPayout(shop, 2500);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE"), m_webhookFile);
        Listener serve(QStringLiteral(REFUNDCTL_PATH),
                       QStringList{QStringLiteral("serve"), QStringLiteral("--listen"),
                                   QStringLiteral("127.0.0.1:0"), QStringLiteral("--payouts-every"),
                                   QStringLiteral("1"), QStringLiteral("--database"),
                                   t.url().toString()} +
                           processor(fake),
                       env);
        QVERIFY2(serve.port(), serve.log().constData());
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return !PayoutRepository(t.db().connection())
                                     .find(payout)
                                     ->gatewayRef.isEmpty();
                     },
                     20000),
                 serve.log().constData());
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("sent"));
        const QString ref = PayoutRepository(t.db().connection()).find(payout)->gatewayRef;

        auto deliver = [&](const QString &id, const QString &type, const QJsonObject &object,
                           qint64 at = 0, const QByteArray &secret = webhookSecret) {
            const QByteArray body =
                QJsonDocument(QJsonObject{{QStringLiteral("id"), id},
                                          {QStringLiteral("object"), QStringLiteral("event")},
                                          {QStringLiteral("type"), type},
                                          {QStringLiteral("data"),
                                           QJsonObject{{QStringLiteral("object"), object}}}})
                    .toJson(QJsonDocument::Compact);
            return call("POST", serve.url(QStringLiteral("/v1/webhooks/stripe")), body,
                        {{"Stripe-Signature",
                          ProcessorWebhook::sign(body, secret,
                                                 at ? at : QDateTime::currentSecsSinceEpoch())}});
        };
        auto processorEvents = [&] {
            return scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM processor_events"));
        };
        const QJsonObject settled = fake.settle(ref, QStringLiteral("succeeded"));
        QCOMPARE(settled.value(QStringLiteral("status")).toString(), QStringLiteral("succeeded"));
        // Refused, nothing written: a wrong secret, an old signature.
        QCOMPARE(deliver(QStringLiteral("evt_1"), QStringLiteral("refund.updated"), settled, 0,
                         "whsec_wrong")
                     .status,
                 400);
        QCOMPARE(deliver(QStringLiteral("evt_1"), QStringLiteral("refund.updated"), settled,
                         QDateTime::currentSecsSinceEpoch() - 301)
                     .status,
                 400);
        QCOMPARE(processorEvents(), 0);
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("sent"));
        HttpAnswer a = deliver(QStringLiteral("evt_1"), QStringLiteral("refund.updated"), settled);
        QCOMPARE(a.status, 200);
        QCOMPARE(payoutStatus(t.db(), payout), QStringLiteral("succeeded"));
        const qint64 audit = scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM audit_log"));
        // Delivered again: applied once.
        a = deliver(QStringLiteral("evt_1"), QStringLiteral("refund.updated"), settled);
        QCOMPARE(a.status, 200);
        QVERIFY(a.body.value(QStringLiteral("duplicate")).toBool());
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM audit_log")), audit);
        QCOMPARE(processorEvents(), 1);

        // A dispute on a purchase: a chargeback case with the card network's answer date.
        const qint64 account = shop.account(QStringLiteral("aiimagestudio"));
        const qint64 purchase = shop.purchase(account, 500, 4900);
        const QString pi = SqlStatement::scalar(t.db().connection(),
                                                QStringLiteral("SELECT payment_ref FROM purchases"
                                                               " WHERE id = ?"),
                                                {purchase})
                               .toString();
        const qint64 dueBy = 1'900'000'000;
        QJsonObject dispute{
            {QStringLiteral("id"), QStringLiteral("dp_1")},
            {QStringLiteral("object"), QStringLiteral("dispute")},
            {QStringLiteral("amount"), 4900},
            {QStringLiteral("currency"), QStringLiteral("usd")},
            {QStringLiteral("charge"), QStringLiteral("ch_unknown")},
            {QStringLiteral("payment_intent"), QStringLiteral("pi_nobody")},
            {QStringLiteral("reason"), QStringLiteral("fraudulent")},
            {QStringLiteral("status"), QStringLiteral("needs_response")},
            {QStringLiteral("evidence_details"), QJsonObject{{QStringLiteral("due_by"), dueBy}}}};
        a = deliver(QStringLiteral("evt_2"), QStringLiteral("charge.dispute.created"), dispute);
        QCOMPARE(a.status, 422);
        QVERIFY2(
            a.body.value(QStringLiteral("error")).toString().contains(QLatin1String("pi_nobody")),
            qPrintable(a.body.value(QStringLiteral("error")).toString()));
        QCOMPARE(processorEvents(), 1);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM chargebacks")), 0);
        dispute.insert(QStringLiteral("payment_intent"), pi);
        a = deliver(QStringLiteral("evt_2"), QStringLiteral("charge.dispute.created"), dispute);
        QVERIFY2(a.status == 200, QJsonDocument(a.body).toJson().constData());
        const qint64 request = scalar(t.db(), QStringLiteral("SELECT request_id FROM chargebacks"
                                                             " WHERE dispute_ref = 'dp_1'"));
        QVERIFY(request > 0);
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT COUNT(*) FROM purchases WHERE id = ? AND"
                                       " disputed"),
                        {purchase}),
                 1);
        QCOMPARE(SqlStatement::scalar(t.db().connection(),
                                      QStringLiteral("SELECT rec_respond_by FROM refund_requests"
                                                     " WHERE id = ?"),
                                      {request})
                     .toString(),
                 QDateTime::fromSecsSinceEpoch(dueBy, Qt::UTC).date().toString(Qt::ISODate));
        // Closed, lost: the case is decided by the processor, once.
        dispute.insert(QStringLiteral("status"), QStringLiteral("lost"));
        a = deliver(QStringLiteral("evt_3"), QStringLiteral("charge.dispute.closed"), dispute);
        QVERIFY2(a.status == 200, QJsonDocument(a.body).toJson().constData());
        QCOMPARE(SqlStatement::scalar(t.db().connection(),
                                      QStringLiteral("SELECT status FROM chargebacks WHERE"
                                                     " dispute_ref = 'dp_1'"))
                     .toString(),
                 QStringLiteral("lost"));
        QCOMPARE(shop.status(request), QStringLiteral("approved"));
        QCOMPARE(SqlStatement::scalar(t.db().connection(),
                                      QStringLiteral("SELECT reviewer FROM decisions WHERE"
                                                     " request_id = ?"),
                                      {request})
                     .toString(),
                 QStringLiteral("stripe"));
        const RefundctlRun r = runRefundctl(
            {QStringLiteral("check"), QStringLiteral("--database"), t.url().toString()});
        QVERIFY2(r.exitCode == 0, r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestPayouts)
#include "tst_payouts.moc"
