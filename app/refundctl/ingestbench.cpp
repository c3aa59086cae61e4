// refundctl bench ingest: how fast the platform's events go in, from a file and over HTTP.

#include "benchcommands.h"
#include "clicontext.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/tokenrepository.h"
#include "policy/eventintake.h"
#include "policy/refundworkflow.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryFile>
#include <QUuid>
#include <algorithm>
#include <sys/resource.h>

namespace {
long rssKb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// Events of `accounts` new accounts, each with a purchase and four jobs (one failed on the
// platform's side, so it is credited back and published): six events per account. `tag`
// keeps the ids of every run new.
QByteArray eventsFor(const QString &tag, int from, int to)
{
    QByteArray out;
    const QByteArray t = tag.toUtf8();
    for (int i = from; i < to; ++i) {
        const QByteArray n = t + '-' + QByteArray::number(i);
        out += "{\"id\":\"a" + n +
               "\",\"type\":\"account.upserted\",\"at\":\"2026-03-01T10:00:00Z\","
               "\"data\":{\"account\":\"A" +
               n + "\",\"email\":\"" + n +
               "@bench.example\",\"name\":\"Bench\",\"profile\":\"aiimagestudio\"}}\n";
        out +=
            "{\"id\":\"p" + n +
            "\",\"type\":\"purchase.completed\",\"at\":\"2026-03-01T10:00:00Z\","
            "\"data\":{\"purchase\":\"P" +
            n + "\",\"account\":\"A" + n +
            "\",\"credits\":120,\"amount_cents\":1000,\"currency\":\"USD\",\"payment_ref\":\"pi_" +
            n + "\"}}\n";
        for (int j = 0; j < 4; ++j)
            out += "{\"id\":\"j" + n + '-' + QByteArray::number(j) +
                   "\",\"type\":\"job.finished\",\"at\":\"2026-03-01T11:00:00Z\",\"data\":{\"job\":"
                   "\"J" +
                   n + '-' + QByteArray::number(j) + "\",\"account\":\"A" + n +
                   "\",\"credits\":10,\"status\":" +
                   (j == 0 ? QByteArray("\"failed\",\"failure\":\"platform\"")
                           : QByteArray("\"succeeded\"")) +
                   "}}\n";
    }
    return out;
}

struct Http
{
    QNetworkAccessManager net;
    QUrl url;
    QByteArray token;
    int post(const QByteArray &body, double *ms)
    {
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + token);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/x-ndjson"));
        QElapsedTimer timer;
        timer.start();
        QNetworkReply *reply = net.post(request, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        *ms = double(timer.nsecsElapsed()) / 1e6;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return status;
    }
};
} // namespace

int BenchCommands::ingest(CliContext &cli)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("ingest"), tr("What to benchmark."));
    const QCommandLineOption accountsOption(
        QStringLiteral("accounts"), tr("Accounts in the file (six events each; default 20000)."),
        QStringLiteral("n"), QStringLiteral("20000"));
    parser.addOption(accountsOption);
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Ingests an events file of new accounts, purchases and jobs (one in four "
                      "failed on the platform's side), then the same over HTTP through a "
                      "'refundctl serve' it starts: batches of 1,000 events, and single-event "
                      "POSTs with their latency. Prints events per second, memory and the "
                      "targets (200,000/s into SQLite and 50,000/s into PostgreSQL from a file; "
                      "50,000/s in batches and 1,000 single POSTs/s with p99 under 20 ms over "
                      "HTTP). Writes into the database it is given: use a scratch one."),
                   &exitCode))
        return exitCode;
    bool ok = false;
    const int accounts = parser.value(accountsOption).toInt(&ok);
    if (!ok || accounts < 1 || accounts > 5'000'000)
        return cli.usageError(tr("--accounts needs a whole number from 1 to 5000000"));
    Database &db = cli.database();
    const QString tag = QUuid::createUuid().toString(QUuid::Id128).left(8);
    QTextStream &out = cli.out();
    out << tr("ingest into %1").arg(db.url().toDisplayString()) << Qt::endl;

    // 1. From a file, streamed.
    QTemporaryFile file;
    if (!file.open()) {
        cli.err() << tr("cannot write a temporary file: %1").arg(file.errorString()) << Qt::endl;
        return Exit::Failure;
    }
    for (int from = 0; from < accounts; from += 1000)
        file.write(eventsFor(tag + QStringLiteral("f"), from, std::min(accounts, from + 1000)));
    file.flush();
    file.seek(0);
    const long rssBefore = rssKb();
    try {
        RefundWorkflow workflow(db);
        EventIntake intake(db, workflow);
        NdjsonSource source(&file);
        QElapsedTimer timer;
        timer.start();
        const IntakeResult result = intake.ingest(source, {});
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        if (!result.ok()) {
            cli.err()
                << tr("the bench's own file was refused: %1").arg(result.errors.value(0).message)
                << Qt::endl;
            return Exit::Failure;
        }
        out << tr("file: %1 events in %2 s = %3 events/s (target %4); peak memory +%5 MB for a "
                  "%6 MB file")
                   .arg(result.applied)
                   .arg(seconds, 0, 'f', 2)
                   .arg(qint64(double(result.applied) / seconds))
                   .arg(db.dialect().isSqlite() ? QStringLiteral("200,000")
                                                : QStringLiteral("50,000"))
                   .arg(double(rssKb() - rssBefore) / 1024, 0, 'f', 1)
                   .arg(double(file.size()) / 1e6, 0, 'f', 1)
            << Qt::endl;
    } catch (const DatabaseError &e) {
        cli.err() << tr("refundctl bench: %1").arg(e.message()) << Qt::endl;
        return Exit::Failure;
    }

    // 2. Over HTTP, through a server of its own on a free loopback port.
    const QString secret =
        TokenRepository(db.connection())
            .add(QStringLiteral("bench-") + tag, {QStringLiteral("events:write")},
                 QDateTime::currentSecsSinceEpoch());
    QProcess server;
    server.start(QCoreApplication::applicationFilePath(),
                 {QStringLiteral("serve"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--database"),
                  db.url().toString()});
    static const QRegularExpression listening(QStringLiteral("listening on http://[^:]+:(\\d+)"));
    int port = 0;
    QByteArray log;
    QElapsedTimer waited;
    waited.start();
    while (!port && waited.elapsed() < 20000 && server.state() != QProcess::NotRunning) {
        server.waitForReadyRead(200);
        log += server.readAllStandardError();
        if (const auto m = listening.match(QString::fromUtf8(log)); m.hasMatch())
            port = m.captured(1).toInt();
    }
    if (!port) {
        cli.err() << tr("refundctl serve did not start: %1").arg(QString::fromUtf8(log))
                  << Qt::endl;
        return Exit::Failure;
    }
    Http http;
    http.url = QUrl(QStringLiteral("http://127.0.0.1:%1/v1/events").arg(port));
    http.token = secret.toUtf8();
    const int batchAccounts = std::max(1, std::min(accounts, 20000) / 6 / 10 * 10);
    double ms = 0, total = 0;
    qint64 events = 0;
    for (int from = 0; from < batchAccounts; from += 167) { // ~1,000 events a batch
        const QByteArray body =
            eventsFor(tag + QStringLiteral("b"), from, std::min(batchAccounts, from + 167));
        if (http.post(body, &ms) != 200) {
            cli.err() << tr("a batch was refused") << Qt::endl;
            return Exit::Failure;
        }
        total += ms;
        events += body.count('\n');
    }
    out << tr("HTTP batches of ~1,000: %1 events in %2 s = %3 events/s (target 50,000)")
               .arg(events)
               .arg(total / 1000, 0, 'f', 2)
               .arg(qint64(double(events) / (total / 1000)))
        << Qt::endl;
    QList<double> latencies;
    const int singles = 1000;
    total = 0;
    for (int i = 0; i < singles; ++i) {
        const QByteArray body = eventsFor(tag + QStringLiteral("s"), i, i + 1).split('\n').first();
        if (http.post(body, &ms) != 200) {
            cli.err() << tr("a single event was refused") << Qt::endl;
            return Exit::Failure;
        }
        latencies << ms;
        total += ms;
    }
    std::sort(latencies.begin(), latencies.end());
    out << tr("HTTP single events: %1 POSTs/s one at a time, p50 %2 ms, p99 %3 ms (target "
              "1,000/s, p99 under 20 ms)")
               .arg(qint64(singles / (total / 1000)))
               .arg(latencies.at(singles / 2), 0, 'f', 2)
               .arg(latencies.at(singles * 99 / 100), 0, 'f', 2)
        << Qt::endl;
    server.terminate();
    server.waitForFinished(10000);
    TokenRepository(db.connection())
        .revoke(QStringLiteral("bench-") + tag, QDateTime::currentSecsSinceEpoch());
    return Exit::Ok;
}
