#include "servecommands.h"

#include "clicontext.h"
#include "models/apiserver.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/stripeclient.h"
#include "models/tokenrepository.h"
#include "payoutcommands.h"
#include "policy/eventintake.h"
#include "policy/payoutbook.h"
#include "policy/payoutworker.h"
#include "policy/processorwebhook.h"
#include "policy/refundworkflow.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QSocketNotifier>
#include <QTimer>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("refundctl", text);
}

// SIGTERM and SIGINT end the event loop through a socket pair: a signal handler may only write.
int signalFds[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalFds[0], &byte, 1);
}

ApiServer::Reply ingestBody(EventIntake &intake, const QByteArray &body, bool jsonArray)
{
    QString error;
    const std::unique_ptr<BodySource> source =
        jsonArray ? BodySource::fromJsonArray(body, &error) : BodySource::fromNdjson(body, &error);
    if (!source)
        return {400, QJsonObject{{QStringLiteral("error"), error}}};
    const IntakeResult result = intake.ingest(*source, {});
    if (!result.ok()) {
        QJsonArray errors;
        for (const IntakeError &e : result.errors)
            errors.append(QJsonObject{{QStringLiteral("index"), e.position},
                                      {QStringLiteral("id"), e.eventId},
                                      {QStringLiteral("field"), e.field},
                                      {QStringLiteral("message"), e.message}});
        return {422, QJsonObject{{QStringLiteral("error"),
                                  tr("%1 of %2 events refused; nothing was written")
                                      .arg(result.errorCount)
                                      .arg(result.read)},
                                 {QStringLiteral("errors"), errors}}};
    }
    return {200, QJsonObject{{QStringLiteral("applied"), result.applied},
                             {QStringLiteral("duplicates"), result.duplicates}}};
}
} // namespace

int ServeCommands::serve(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption listenOption(
        QStringLiteral("listen"),
        tr("Address and port to listen on (default 127.0.0.1:8787; port 0 picks a free one)."),
        QStringLiteral("host:port"), QStringLiteral("127.0.0.1:8787"));
    const QCommandLineOption certOption(QStringLiteral("tls-cert"),
                                        tr("Serve HTTPS with this PEM certificate."),
                                        QStringLiteral("file"));
    const QCommandLineOption keyOption(QStringLiteral("tls-key"),
                                       tr("The PEM private key of --tls-cert."),
                                       QStringLiteral("file"));
    const QCommandLineOption payoutsOption(
        QStringLiteral("payouts-every"),
        tr("With a payment processor configured, send pending payouts this often (default 5 "
           "seconds; 0: never, leave it to refundctl payouts run)."),
        QStringLiteral("seconds"), QStringLiteral("5"));
    parser.addOptions({listenOption, certOption, keyOption, payoutsOption});
    parser.addOptions(PayoutCommands::processorOptions());
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Serves the platform's intake and outbox over HTTP (INTEGRATION.md): POST "
                      "/v1/events, GET /v1/outbox, GET /healthz, with bearer tokens made by "
                      "'refundctl tokens add'; POST /v1/webhooks/stripe, signed with the secret "
                      "of REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE. With a processor key it also "
                      "sends payouts and reconciles them. One log line per request on stderr. "
                      "Stops on SIGTERM or Ctrl+C."),
                   &exitCode) ||
        !cli.rejectPositional(parser, &exitCode))
        return exitCode;
    const QString listen = parser.value(listenOption);
    const qsizetype colon = listen.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const uint port = colon > 0 ? listen.mid(colon + 1).toUInt(&ok) : 0;
    const QHostAddress address(
        colon > 0 ? listen.left(colon).remove(QLatin1Char('[')).remove(QLatin1Char(']'))
                  : QString());
    if (!ok || port > 65535 || address.isNull())
        return cli.usageError(
            tr("--listen needs HOST:PORT with an IP address, such as 127.0.0.1:8787, not '%1'")
                .arg(listen));
    if (parser.isSet(certOption) != parser.isSet(keyOption))
        return cli.usageError(tr("--tls-cert and --tls-key go together"));
    bool everyOk = false;
    const int payoutsEvery = parser.value(payoutsOption).toInt(&everyOk);
    if (!everyOk || payoutsEvery < 0)
        return cli.usageError(tr("--payouts-every takes a number of seconds"));
    QString configError;
    const std::unique_ptr<StripeClient> processor =
        PayoutCommands::processorClient(parser, &configError);
    const QByteArray webhookSecret =
        configError.isEmpty() ? PayoutCommands::webhookSecret(&configError) : QByteArray();
    if (!configError.isEmpty()) {
        cli.err() << tr("refundctl serve: %1").arg(configError) << Qt::endl;
        return Exit::Usage;
    }

    Database &db = cli.database();
    RefundWorkflow workflow(db);
    EventIntake intake(db, workflow);
    ApiServer server(db, [&](const QByteArray &body, bool jsonArray) {
        return ingestBody(intake, body, jsonArray);
    });
    std::unique_ptr<ProcessorWebhook> webhook;
    if (!webhookSecret.isEmpty()) {
        webhook = std::make_unique<ProcessorWebhook>(db, workflow, webhookSecret);
        server.setWebhookHandler([&](const QByteArray &signature, const QByteArray &body) {
            const ProcessorWebhook::Reply r = webhook->handle(signature, body);
            return ApiServer::Reply{r.status, r.body};
        });
    }
    // The payouts worker on the same event loop: a pass every few seconds, and a reconcile
    // pass every five minutes for payouts whose answer never came.
    PayoutBook book(db, workflow);
    std::unique_ptr<PayoutWorker> worker;
    QTimer payoutsTimer;
    qint64 lastReconcile = 0;
    if (processor && payoutsEvery > 0) {
        worker = std::make_unique<PayoutWorker>(db, book, *processor, PayoutWorker::Options{});
        QObject::connect(worker.get(), &PayoutWorker::finished, worker.get(),
                         [&](const PayoutWorker::Summary &s) {
                             if (s.taken || !s.errors.isEmpty())
                                 cli.err()
                                     << tr("payouts: %1 taken, %2 succeeded, %3 failed, %4 "
                                           "waiting, %5 unknown%6")
                                            .arg(s.taken)
                                            .arg(s.succeeded)
                                            .arg(s.failed)
                                            .arg(s.waiting)
                                            .arg(s.unknown)
                                            .arg(s.errors.isEmpty()
                                                     ? QString()
                                                     : QStringLiteral("; ") +
                                                           s.errors.join(QStringLiteral("; ")))
                                     << Qt::endl;
                         });
        auto pass = [&] {
            if (worker->isBusy())
                return;
            try {
                const qint64 now = workflow.now();
                if (now - lastReconcile >= 300) {
                    lastReconcile = now;
                    worker->reconcile(100, now);
                } else {
                    worker->sendPending(100);
                }
            } catch (const DatabaseError &e) {
                db.reconnect();
                cli.err() << tr("payouts: %1").arg(e.message()) << Qt::endl;
            }
        };
        QObject::connect(&payoutsTimer, &QTimer::timeout, worker.get(), pass);
        lastReconcile = workflow.now(); // the first pass sends; reconcile comes later
        payoutsTimer.start(payoutsEvery * 1000);
        QTimer::singleShot(0, worker.get(), pass);
    }
    QString error;
    if (parser.isSet(certOption) &&
        !server.useTls(parser.value(certOption), parser.value(keyOption), &error)) {
        cli.err() << error << Qt::endl;
        return Exit::Usage;
    }
    const quint16 bound = server.listen(address, quint16(port), &error);
    if (!bound) {
        cli.err() << error << Qt::endl;
        return Exit::Failure;
    }
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalFds) == 0) {
        auto *notifier = new QSocketNotifier(signalFds[1], QSocketNotifier::Read, &server);
        QObject::connect(notifier, &QSocketNotifier::activated, &server,
                         [] { QCoreApplication::quit(); });
        std::signal(SIGTERM, onSignal);
        std::signal(SIGINT, onSignal);
    }
    const QString scheme =
        parser.isSet(certOption) ? QStringLiteral("https") : QStringLiteral("http");
    if (!processor)
        cli.err() << tr("no payment processor configured: payouts stay pending for manual "
                        "handling")
                  << Qt::endl;
    cli.err() << tr("listening on %1://%2:%3 (database %4)")
                     .arg(scheme, address.protocol() == QAbstractSocket::IPv6Protocol
                                      ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
                                      : address.toString())
                     .arg(bound)
                     .arg(db.url().toDisplayString())
              << Qt::endl;
    const int code = QCoreApplication::exec();
    cli.err() << tr("stopped") << Qt::endl;
    return code;
}

int ServeCommands::tokens(CliContext &cli)
{
    QStringList args = cli.arguments();
    const QString action = args.isEmpty() ? QString() : args.takeFirst();
    CliContext sub(QStringLiteral("tokens ") + action, args);
    QCommandLineParser parser;
    const QCommandLineOption scopeOption(
        QStringLiteral("scope"),
        tr("What the token may do: events:write, outbox:read (repeat, or separate with commas)."),
        QStringLiteral("scope"));
    int exitCode = 0;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (action == QLatin1String("add")) {
        parser.addOption(scopeOption);
        parser.addPositionalArgument(QStringLiteral("NAME"), tr("Who uses the token."));
        if (!sub.parse(parser,
                       tr("Makes an API token for refundctl serve and prints it once; only its "
                          "hash is stored."),
                       &exitCode))
            return exitCode;
        if (parser.positionalArguments().size() != 1)
            return sub.usageError(tr("give the token a name"));
        QStringList scopes;
        for (const QString &value : parser.values(scopeOption))
            for (const QString &s : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
                if (!scopes.contains(s.trimmed()))
                    scopes << s.trimmed();
        if (scopes.isEmpty())
            return sub.usageError(tr("give at least one --scope (events:write, outbox:read)"));
        for (const QString &s : scopes)
            if (!TokenRepository::knownScopes().contains(s))
                return sub.usageError(
                    tr("unknown scope '%1' (known: %2)")
                        .arg(s, TokenRepository::knownScopes().join(QStringLiteral(", "))));
        const QString name = parser.positionalArguments().first();
        TokenRepository tokens(sub.database().connection());
        for (const ApiToken &t : tokens.list())
            if (t.name == name) {
                sub.err() << tr("a token named '%1' exists already; revoke it or choose another "
                                "name")
                                 .arg(name)
                          << Qt::endl;
                return Exit::Failure;
            }
        cli.out() << tokens.add(name, scopes, now) << Qt::endl;
        sub.err() << tr("token '%1' (%2): shown this once, keep it in a secret store")
                         .arg(name, scopes.join(QStringLiteral(", ")))
                  << Qt::endl;
        return Exit::Ok;
    }
    if (action == QLatin1String("list")) {
        if (!sub.parse(parser, tr("Lists the API tokens (never their secrets)."), &exitCode) ||
            !sub.rejectPositional(parser, &exitCode))
            return exitCode;
        for (const ApiToken &t : TokenRepository(sub.database().connection()).list())
            cli.out() << QStringLiteral("%1  %2  %3  %4\n")
                             .arg(t.name, -20)
                             .arg(t.scopes.join(QLatin1Char(',')), -24)
                             .arg(QDateTime::fromSecsSinceEpoch(t.createdAt, Qt::UTC)
                                      .toString(Qt::ISODate))
                             .arg(t.revokedAt
                                      ? tr("revoked %1")
                                            .arg(QDateTime::fromSecsSinceEpoch(t.revokedAt, Qt::UTC)
                                                     .toString(Qt::ISODate))
                                      : tr("in force"));
        cli.out().flush();
        return Exit::Ok;
    }
    if (action == QLatin1String("revoke")) {
        parser.addPositionalArgument(QStringLiteral("NAME"), tr("The token to revoke."));
        if (!sub.parse(parser, tr("Revokes an API token at once."), &exitCode))
            return exitCode;
        if (parser.positionalArguments().size() != 1)
            return sub.usageError(tr("name the token to revoke"));
        const QString name = parser.positionalArguments().first();
        if (!TokenRepository(sub.database().connection()).revoke(name, now)) {
            sub.err() << tr("no token '%1' in force").arg(name) << Qt::endl;
            return Exit::Failure;
        }
        cli.out() << tr("token '%1' revoked").arg(name) << Qt::endl;
        return Exit::Ok;
    }
    if (action == QLatin1String("--help") || action == QLatin1String("-h")) {
        cli.out() << tr("Usage: refundctl tokens add NAME --scope events:write|outbox:read\n"
                        "       refundctl tokens list\n"
                        "       refundctl tokens revoke NAME\n");
        return Exit::Ok;
    }
    return cli.usageError(action.isEmpty()
                              ? tr("say add, list or revoke")
                              : tr("unknown action '%1'; say add, list or revoke").arg(action));
}
