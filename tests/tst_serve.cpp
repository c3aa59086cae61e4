// `refundctl serve` as the platform meets it (INTEGRATION.md, section 3), on both backends: a
// real server process on a free loopback port, a real HTTP client, tokens and scopes, every
// refusal as JSON with nothing written, the outbox read back, concurrent overlapping batches,
// and recovery when the database connection is lost.

#include "models/sqlstatement.h"
#include "support/privatepostgres.h"
#include "support/queryvalues.h"
#include "support/refundctlrun.h"
#include "support/testdatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {
struct Answer
{
    int status = 0;
    QJsonObject body;
};

// A running `refundctl serve` on a free port; stopped (SIGTERM) when it goes out of scope.
class Server
{
public:
    explicit Server(const TestDatabase &t, const QStringList &extra = {})
        : Server(t.url().toString(), extra)
    {
    }
    explicit Server(const QString &databaseUrl, const QStringList &extra = {})
    {
        m_process.start(QStringLiteral(REFUNDCTL_PATH),
                        QStringList{QStringLiteral("serve"), QStringLiteral("--listen"),
                                    QStringLiteral("127.0.0.1:0"), QStringLiteral("--database"),
                                    databaseUrl} +
                            extra);
        static const QRegularExpression listening(
            QStringLiteral("listening on (https?)://[^:]+:(\\d+)"));
        [[maybe_unused]] const bool started = QTest::qWaitFor(
            [&] {
                m_log += m_process.readAllStandardError();
                const auto m = listening.match(QString::fromUtf8(m_log));
                if (m.hasMatch()) {
                    m_scheme = m.captured(1);
                    m_port = m.captured(2).toInt();
                }
                return m_port != 0 || m_process.state() == QProcess::NotRunning;
            },
            20000);
    }
    ~Server()
    {
        m_process.terminate();
        m_process.waitForFinished(10000);
    }
    int port() const { return m_port; }
    QString scheme() const { return m_scheme; }
    QByteArray log()
    {
        m_log += m_process.readAllStandardError();
        return m_log;
    }
    bool stopsOnSigterm()
    {
        m_process.terminate();
        return m_process.waitForFinished(10000) && m_process.exitCode() == 0;
    }

    QNetworkReply *send(const QByteArray &method, const QString &path, const QByteArray &token,
                        const QByteArray &contentType = {}, const QByteArray &body = {})
    {
        QNetworkRequest request(
            QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token);
        if (!contentType.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        return m_net.sendCustomRequest(request, method, body);
    }
    static Answer wait(QNetworkReply *reply)
    {
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 60000))
            return {};
        Answer a{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                 QJsonDocument::fromJson(reply->readAll()).object()};
        reply->deleteLater();
        return a;
    }
    Answer call(const QByteArray &method, const QString &path, const QByteArray &token,
                const QByteArray &contentType = {}, const QByteArray &body = {})
    {
        return wait(send(method, path, token, contentType, body));
    }

private:
private:
    QProcess m_process;
    QByteArray m_log;
    QString m_scheme = QStringLiteral("http");
    int m_port = 0;
    QNetworkAccessManager m_net;
};

QByteArray token(const QString &databaseUrl, const QString &name, const QString &scopes)
{
    const RefundctlRun r = runRefundctl({QStringLiteral("tokens"), QStringLiteral("add"), name,
                                         QStringLiteral("--scope"), scopes,
                                         QStringLiteral("--database"), databaseUrl});
    return r.out.trimmed();
}

QByteArray token(const TestDatabase &t, const QString &name, const QString &scopes)
{
    return token(t.url().toString(), name, scopes);
}

// For each n in [from, to): account A-n, a purchase of 10 credits, a job of 1 that failed on
// the user's side: three events.
QByteArray events(int from, int to)
{
    QByteArray out;
    for (int i = from; i < to; ++i) {
        const QByteArray n = QByteArray::number(i);
        out += "{\"id\":\"e-a" + n +
               "\",\"type\":\"account.upserted\",\"at\":\"2026-03-01T10:00:00Z\",\"data\":{"
               "\"account\":\"A-" +
               n + "\",\"email\":\"a" + n +
               "@example.com\",\"name\":\"A\",\"profile\":\"vysage\"}}\n";
        out += "{\"id\":\"e-p" + n +
               "\",\"type\":\"purchase.completed\",\"at\":\"2026-03-01T10:00:00Z\",\"data\":{"
               "\"purchase\":\"P-" +
               n + "\",\"account\":\"A-" + n +
               "\",\"credits\":10,\"amount_cents\":100,\"currency\":\"EUR\",\"payment_ref\":"
               "\"pi_" +
               n + "\"}}\n";
        out += "{\"id\":\"e-j" + n +
               "\",\"type\":\"job.finished\",\"at\":\"2026-03-01T11:00:00Z\",\"data\":{"
               "\"job\":\"J-" +
               n + "\",\"account\":\"A-" + n +
               "\",\"credits\":1,\"status\":\"failed\",\"failure\":\"user\"}}\n";
    }
    return out;
}
} // namespace

class TestServe : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void tokensScopesAndRefusals()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const QByteArray writer =
            token(t, QStringLiteral("platform"), QStringLiteral("events:write"));
        const QByteArray reader = token(t, QStringLiteral("mirror"), QStringLiteral("outbox:read"));
        QVERIFY(writer.startsWith("rdt_"));
        Server s(t);
        QVERIFY2(s.port() > 0, s.log().constData());
        const QByteArray ndjson = "application/x-ndjson";

        Answer a = s.call("GET", QStringLiteral("/healthz"), {});
        QCOMPARE(a.status, 200);
        QCOMPARE(a.body.value(QStringLiteral("database")).toString(), QStringLiteral("ok"));
        QVERIFY(a.body.value(QStringLiteral("schema")).toInt() >= 6);

        QCOMPARE(s.call("POST", QStringLiteral("/v1/events"), {}, ndjson, events(0, 1)).status,
                 401);
        a = s.call("POST", QStringLiteral("/v1/events"), "rdt_nope", ndjson, events(0, 1));
        QCOMPARE(a.status, 401);
        QVERIFY(!a.body.value(QStringLiteral("error")).toString().isEmpty());
        QCOMPARE(s.call("POST", QStringLiteral("/v1/events"), reader, ndjson, events(0, 1)).status,
                 403);
        QCOMPARE(s.call("GET", QStringLiteral("/v1/outbox"), writer).status, 403);
        QCOMPARE(
            s.call("POST", QStringLiteral("/v1/events"), writer, "text/csv", events(0, 1)).status,
            415);
        QCOMPARE(s.call("POST", QStringLiteral("/v1/events"), writer, "application/json", "{oops")
                     .status,
                 400);
        a = s.call("POST", QStringLiteral("/v1/events"), writer, ndjson,
                   QByteArray(17 * 1024 * 1024, ' ') + events(0, 1));
        QCOMPARE(a.status, 413);
        // One bad event in a batch: 422 naming it, nothing written.
        QByteArray batch = events(0, 3);
        batch.replace("\"job\":\"J-1\",\"account\":\"A-1\",\"credits\":1",
                      "\"job\":\"J-1\",\"account\":\"A-1\",\"credits\":-1");
        a = s.call("POST", QStringLiteral("/v1/events"), writer, ndjson, batch);
        QCOMPARE(a.status, 422);
        const QJsonObject first =
            a.body.value(QStringLiteral("errors")).toArray().first().toObject();
        QCOMPARE(first.value(QStringLiteral("index")).toInt(), 5);
        QCOMPARE(first.value(QStringLiteral("id")).toString(), QStringLiteral("e-j1"));
        QCOMPARE(first.value(QStringLiteral("field")).toString(), QStringLiteral("data.credits"));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM accounts")), 0);
        QCOMPARE(s.call("GET", QStringLiteral("/v1/nothing"), writer).status, 404);

        // A good batch, as NDJSON and as a JSON array; replayed, nothing changes.
        a = s.call("POST", QStringLiteral("/v1/events"), writer, ndjson, events(0, 3));
        QCOMPARE(a.status, 200);
        QCOMPARE(a.body.value(QStringLiteral("applied")).toInt(), 9);
        QJsonArray array;
        for (const QByteArray &line : events(2, 4).split('\n'))
            if (!line.isEmpty())
                array.append(QJsonDocument::fromJson(line).object());
        a = s.call("POST", QStringLiteral("/v1/events"), writer, "application/json",
                   QJsonDocument(array).toJson());
        QCOMPARE(a.status, 200);
        QCOMPARE(a.body.value(QStringLiteral("applied")).toInt(), 3);
        QCOMPARE(a.body.value(QStringLiteral("duplicates")).toInt(), 3);

        // A revoked token is refused at once.
        QCOMPARE(runRefundctl({QStringLiteral("tokens"), QStringLiteral("revoke"),
                               QStringLiteral("platform"), QStringLiteral("--database"),
                               t.url().toString()})
                     .exitCode,
                 0);
        QCOMPARE(s.call("POST", QStringLiteral("/v1/events"), writer, ndjson, events(5, 6)).status,
                 401);
        // The log has a line per request, never a token.
        const QByteArray log = s.log();
        QVERIFY2(log.contains("POST /v1/events 422"), log.constData());
        QVERIFY2(log.contains("POST /v1/events 413"), log.constData());
        QVERIFY(!log.contains(writer));
        QVERIFY(s.stopsOnSigterm());
    }

    void outboxOverHttp()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const QByteArray both =
            token(t, QStringLiteral("platform"), QStringLiteral("events:write,outbox:read"));
        Server s(t);
        QByteArray platformFailures = events(0, 3);
        platformFailures.replace("\"failure\":\"user\"", "\"failure\":\"platform\"");
        QCOMPARE(s.call("POST", QStringLiteral("/v1/events"), both, "application/x-ndjson",
                        platformFailures)
                     .status,
                 200);
        Answer a = s.call("GET", QStringLiteral("/v1/outbox?after=0&limit=2"), both);
        QCOMPARE(a.status, 200);
        const QJsonArray page = a.body.value(QStringLiteral("events")).toArray();
        QCOMPARE(page.size(), 2);
        QCOMPARE(page.at(0).toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("credits.restored"));
        QCOMPARE(page.at(0)
                     .toObject()
                     .value(QStringLiteral("data"))
                     .toObject()
                     .value(QStringLiteral("job")),
                 QStringLiteral("J-0"));
        QCOMPARE(a.body.value(QStringLiteral("next")).toInteger(), 2);
        a = s.call("GET", QStringLiteral("/v1/outbox?after=2"), both);
        QCOMPARE(a.body.value(QStringLiteral("events")).toArray().size(), 1);
        QCOMPARE(a.body.value(QStringLiteral("next")).toInteger(), 3);
        a = s.call("GET", QStringLiteral("/v1/outbox?after=3"), both);
        QCOMPARE(a.body.value(QStringLiteral("events")).toArray().size(), 0);
        QCOMPARE(a.body.value(QStringLiteral("next")).toInteger(), 3);
        QCOMPARE(s.call("GET", QStringLiteral("/v1/outbox?limit=5001"), both).status, 400);
    }

    void concurrentOverlappingPosts()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const QByteArray writer =
            token(t, QStringLiteral("platform"), QStringLiteral("events:write"));
        Server s(t);
        // Ten clients at once, each batch overlapping the next by half.
        QList<QNetworkReply *> replies;
        for (int c = 0; c < 10; ++c)
            replies << s.send("POST", QStringLiteral("/v1/events"), writer, "application/x-ndjson",
                              events(c * 20, c * 20 + 40));
        qint64 applied = 0, duplicates = 0;
        for (QNetworkReply *r : replies) {
            const Answer a = Server::wait(r);
            QCOMPARE(a.status, 200);
            applied += a.body.value(QStringLiteral("applied")).toInteger();
            duplicates += a.body.value(QStringLiteral("duplicates")).toInteger();
        }
        QCOMPARE(applied, 3 * 220);
        QCOMPARE(duplicates, 3 * 180);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM jobs")), 220);
    }

    void servesHttpsWithItsCertificate()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        if (t.db().dialect().isPostgres())
            QSKIP("TLS is the transport's; once is enough");
        t.db().open();
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("cert.pem"));
        const QString key = dir.filePath(QStringLiteral("key.pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                       QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                       QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                       QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"),
                       QStringLiteral("subjectAltName=IP:127.0.0.1"), QStringLiteral("-keyout"),
                       key, QStringLiteral("-out"), cert});
        QVERIFY(openssl.waitForFinished(60000));
        QCOMPARE(openssl.exitCode(), 0);
        // A key that is not a key is refused before listening.
        const RefundctlRun bad = runRefundctl(
            {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
             QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), cert,
             QStringLiteral("--database"), t.url().toString()});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("not a PEM private key"), bad.err.constData());

        Server s(t, {QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key});
        QCOMPARE(s.scheme(), QStringLiteral("https"));
        // curl, as a platform's client would, trusting only the server's own certificate.
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-sS"), QStringLiteral("--cacert"), cert,
                    QStringLiteral("https://127.0.0.1:%1/healthz").arg(s.port())});
        QVERIFY(curl.waitForFinished(30000));
        QVERIFY2(curl.exitCode() == 0, curl.readAllStandardError().constData());
        const QJsonObject health = QJsonDocument::fromJson(curl.readAllStandardOutput()).object();
        QCOMPARE(health.value(QStringLiteral("database")).toString(), QStringLiteral("ok"));
        // Plain HTTP on the TLS port gets nothing.
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-sS"), QStringLiteral("--max-time"), QStringLiteral("5"),
                    QStringLiteral("http://127.0.0.1:%1/healthz").arg(s.port())});
        QVERIFY(curl.waitForFinished(30000));
        QVERIFY(!curl.readAllStandardOutput().contains("\"database\""));
    }

    void recoversWhenTheDatabaseComesBack()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        if (!t.db().dialect().isPostgres())
            QSKIP("a lost server connection is PostgreSQL's; a SQLite file has none to lose");
        t.db().open();
        const QByteArray writer =
            token(t, QStringLiteral("platform"), QStringLiteral("events:write"));
        Server s(t);
        QCOMPARE(s.call("POST", QStringLiteral("/v1/events"), writer, "application/x-ndjson",
                        events(0, 1))
                     .status,
                 200);
        // The database drops the server's connection, as a restart does.
        SqlStatement::run(t.db().connection(),
                          QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                         " WHERE datname = current_database() AND pid <>"
                                         " pg_backend_pid()"));
        const Answer lost = s.call("POST", QStringLiteral("/v1/events"), writer,
                                   "application/x-ndjson", events(1, 2));
        QCOMPARE(lost.status, 503);
        QVERIFY(lost.body.value(QStringLiteral("error"))
                    .toString()
                    .contains(QLatin1String("nothing was written")));
        // The next request finds it back by itself, and the refused batch can be sent again.
        const Answer back = s.call("POST", QStringLiteral("/v1/events"), writer,
                                   "application/x-ndjson", events(1, 2));
        QCOMPARE(back.status, 200);
        QCOMPARE(back.body.value(QStringLiteral("applied")).toInt(), 3);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM jobs")), 2);
    }

    // A real restart: the server's own PostgreSQL is stopped and started again under it.
    // While it is down every batch gets 503 and nothing is written; once it is back the
    // server finds it by itself and the refused batch goes in.
    void survivesADatabaseRestart()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("postgresql"))
            QSKIP("a database restart is PostgreSQL's; a SQLite file has none");
        if (TestDatabase::postgresServerUrl().isEmpty())
            QSKIP("REFUNDDESK_TEST_PG_URL is not set (./test.sh sets it)");
        PrivatePostgres pg;
        QString error;
        QVERIFY2(pg.start(&error), qPrintable(error));
        QCOMPARE(
            runRefundctl({QStringLiteral("init"), QStringLiteral("--database"), pg.url()}).exitCode,
            0);
        const QByteArray writer =
            token(pg.url(), QStringLiteral("platform"), QStringLiteral("events:write"));
        QVERIFY(!writer.isEmpty());
        Server s(pg.url());
        QVERIFY(s.port());
        QCOMPARE(s.call("POST", QStringLiteral("/v1/events"), writer, "application/x-ndjson",
                        events(0, 1))
                     .status,
                 200);
        pg.stop();
        const Answer down = s.call("POST", QStringLiteral("/v1/events"), writer,
                                   "application/x-ndjson", events(1, 2));
        QCOMPARE(down.status, 503);
        QCOMPARE(s.call("GET", QStringLiteral("/healthz"), {}).status, 503);
        QVERIFY2(pg.start(&error), qPrintable(error));
        int status = 0;
        QVERIFY(QTest::qWaitFor(
            [&] {
                status = s.call("POST", QStringLiteral("/v1/events"), writer,
                                "application/x-ndjson", events(1, 2))
                             .status;
                return status == 200;
            },
            20000));
        Database db(DatabaseUrl::parse(pg.url()));
        db.open();
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM jobs")), 2);
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM ingested_events")), 6);
    }
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
