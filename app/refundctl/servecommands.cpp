#include "servecommands.h"

#include "clicontext.h"
#include "models/apiserver.h"
#include "models/database.h"
#include "models/tokenrepository.h"
#include "policy/eventintake.h"
#include "policy/refundworkflow.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QSocketNotifier>
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
    parser.addOptions({listenOption, certOption, keyOption});
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Serves the platform's intake and outbox over HTTP (INTEGRATION.md): POST "
                      "/v1/events, GET /v1/outbox, GET /healthz, with bearer tokens made by "
                      "'refundctl tokens add'. One log line per request on stderr. Stops on "
                      "SIGTERM or Ctrl+C."),
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

    Database &db = cli.database();
    RefundWorkflow workflow(db);
    EventIntake intake(db, workflow);
    ApiServer server(db, [&](const QByteArray &body, bool jsonArray) {
        return ingestBody(intake, body, jsonArray);
    });
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
