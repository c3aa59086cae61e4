#include "apiserver.h"

#include "database.h"
#include "databaseerror.h"
#include "outboxrepository.h"
#include "tokenrepository.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslKey>
#include <QTextStream>
#include <QUrlQuery>

namespace {
qint64 nowNs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.nsecsElapsed();
}

ApiServer::Reply error(int status, const QString &message)
{
    return {status, QJsonObject{{QStringLiteral("error"), message}}};
}

QString methodName(const QHttpServerRequest &r)
{
    switch (r.method()) {
    case QHttpServerRequest::Method::Get:
        return QStringLiteral("GET");
    case QHttpServerRequest::Method::Post:
        return QStringLiteral("POST");
    case QHttpServerRequest::Method::Put:
        return QStringLiteral("PUT");
    case QHttpServerRequest::Method::Delete:
        return QStringLiteral("DELETE");
    default:
        return QStringLiteral("OTHER");
    }
}

constexpr qint64 maxBody = 16 * 1024 * 1024;
} // namespace

ApiServer::ApiServer(Database &database, EventsHandler events, QObject *parent)
    : QObject(parent), m_db(database), m_events(std::move(events)),
      m_server(std::make_unique<QHttpServer>()),
      m_log([](const QString &line) { QTextStream(stderr) << line << Qt::endl; })
{
    m_server->route(
        QStringLiteral("/v1/events"), QHttpServerRequest::Method::Post,
        [this](const QHttpServerRequest &r) -> QHttpServerResponse { return postEvents(r); });
    m_server->route(
        QStringLiteral("/v1/outbox"), QHttpServerRequest::Method::Get,
        [this](const QHttpServerRequest &r) -> QHttpServerResponse { return getOutbox(r); });
    m_server->route(
        QStringLiteral("/v1/webhooks/stripe"), QHttpServerRequest::Method::Post,
        [this](const QHttpServerRequest &r) -> QHttpServerResponse { return postWebhook(r); });
    m_server->route(
        QStringLiteral("/healthz"), QHttpServerRequest::Method::Get,
        [this](const QHttpServerRequest &r) -> QHttpServerResponse { return getHealth(r); });
    m_server->setMissingHandler(
        [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
            const qint64 started = nowNs();
            const Reply reply =
                error(404, tr("no such endpoint: %1 %2").arg(methodName(r), r.url().path()));
            responder.write(QJsonDocument(reply.body).toJson(QJsonDocument::Compact),
                            "application/json", QHttpServerResponder::StatusCode::NotFound);
            m_log(QStringLiteral("%1 %2 404 %3 ms")
                      .arg(methodName(r), r.url().path())
                      .arg(double(nowNs() - started) / 1e6, 0, 'f', 1));
        });
}

ApiServer::~ApiServer() = default;

quint16 ApiServer::listen(const QHostAddress &address, quint16 port, QString *errorText)
{
    const quint16 bound = m_server->listen(address, port);
    if (bound == 0)
        *errorText =
            tr("cannot listen on %1:%2 (in use, or not allowed)").arg(address.toString()).arg(port);
    return bound;
}

bool ApiServer::useTls(const QString &certificateFile, const QString &keyFile, QString *errorText)
{
#if QT_CONFIG(ssl)
    QFile cert(certificateFile);
    QFile key(keyFile);
    if (!cert.open(QIODevice::ReadOnly)) {
        *errorText = tr("%1: cannot read: %2").arg(certificateFile, cert.errorString());
        return false;
    }
    if (!key.open(QIODevice::ReadOnly)) {
        *errorText = tr("%1: cannot read: %2").arg(keyFile, key.errorString());
        return false;
    }
    const QSslCertificate certificate(&cert, QSsl::Pem);
    const QSslKey privateKey(&key, QSsl::Rsa, QSsl::Pem);
    const QSslKey ecKey =
        privateKey.isNull() ? QSslKey(key.seek(0) ? &key : &key, QSsl::Ec) : QSslKey();
    if (certificate.isNull()) {
        *errorText = tr("%1: not a PEM certificate").arg(certificateFile);
        return false;
    }
    if (privateKey.isNull() && ecKey.isNull()) {
        *errorText = tr("%1: not a PEM private key (RSA or EC)").arg(keyFile);
        return false;
    }
    m_server->sslSetup(certificate, privateKey.isNull() ? ecKey : privateKey);
    return true;
#else
    Q_UNUSED(certificateFile)
    Q_UNUSED(keyFile)
    *errorText = tr("this build of Qt has no TLS: put the server behind a reverse proxy");
    return false;
#endif
}

QHttpServerResponse ApiServer::respond(const QHttpServerRequest &request, qint64 startedNs,
                                       const Reply &reply)
{
    // Never the token, never the body: the method, the path, the status and the time.
    m_log(QStringLiteral("%1 %2 %3 %4 ms")
              .arg(methodName(request), request.url().path())
              .arg(reply.status)
              .arg(double(nowNs() - startedNs) / 1e6, 0, 'f', 1));
    return QHttpServerResponse(reply.body, QHttpServerResponder::StatusCode(reply.status));
}

ApiServer::Reply ApiServer::writeRefused(const DatabaseError &e)
{
    m_db.reconnect(); // a fresh connection for the next request, once the database is back
    return error(503, tr("the database is unreachable; nothing was written, try again later (%1)")
                          .arg(e.message()));
}

QHttpServerResponse ApiServer::postWebhook(const QHttpServerRequest &request)
{
    const qint64 started = nowNs();
    if (!m_webhook)
        return respond(request, started,
                       error(503, tr("webhooks are not configured on this server "
                                     "(REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE)")));
    if (request.body().size() > maxBody)
        return respond(request, started, error(413, tr("the body is larger than 16 MiB")));
    try {
        return respond(request, started,
                       m_webhook(request.value("Stripe-Signature"), request.body()));
    } catch (const DatabaseError &e) {
        return respond(request, started, writeRefused(e));
    }
}

std::optional<ApiServer::Reply> ApiServer::authorise(const QHttpServerRequest &request,
                                                     const QString &scope)
{
    const QByteArray header = request.value("Authorization");
    if (!header.startsWith("Bearer "))
        return error(401, tr("an Authorization: Bearer TOKEN header is required"));
    const std::optional<ApiToken> token =
        TokenRepository(m_db.connection()).authenticate(header.mid(7).trimmed());
    if (!token)
        return error(401, tr("the token is unknown or revoked"));
    if (!token->scopes.contains(scope))
        return error(403,
                     tr("the token \"%1\" does not have the %2 scope").arg(token->name, scope));
    return std::nullopt;
}

QHttpServerResponse ApiServer::postEvents(const QHttpServerRequest &request)
{
    const qint64 started = nowNs();
    try {
        if (const auto refused = authorise(request, QStringLiteral("events:write")))
            return respond(request, started, *refused);
        const QByteArray type =
            request.value("Content-Type").split(';').first().trimmed().toLower();
        const bool array = type == "application/json";
        if (!array && type != "application/x-ndjson")
            return respond(request, started,
                           error(415, tr("the body must be application/x-ndjson or "
                                         "application/json, not \"%1\"")
                                          .arg(QString::fromLatin1(type))));
        if (request.body().size() > maxBody)
            return respond(request, started,
                           error(413, tr("the body is larger than 16 MiB: send smaller batches")));
        return respond(request, started, m_events(request.body(), array));
    } catch (const DatabaseError &e) {
        return respond(request, started, writeRefused(e));
    }
}

QHttpServerResponse ApiServer::getOutbox(const QHttpServerRequest &request)
{
    const qint64 started = nowNs();
    try {
        if (const auto refused = authorise(request, QStringLiteral("outbox:read")))
            return respond(request, started, *refused);
        const QUrlQuery query = request.query();
        bool ok = true;
        const qint64 after = query.hasQueryItem(QStringLiteral("after"))
                                 ? query.queryItemValue(QStringLiteral("after")).toLongLong(&ok)
                                 : 0;
        if (!ok || after < 0)
            return respond(request, started, error(400, tr("after must be a sequence number")));
        const int limit = query.hasQueryItem(QStringLiteral("limit"))
                              ? query.queryItemValue(QStringLiteral("limit")).toInt(&ok)
                              : 500;
        if (!ok || limit < 1 || limit > 5000)
            return respond(request, started,
                           error(400, tr("limit must be a whole number from 1 to 5000")));
        const QList<OutboxEvent> list = OutboxRepository(m_db.connection()).after(after, limit);
        QJsonArray events;
        for (const OutboxEvent &e : list)
            events.append(e.toJsonObject());
        return respond(
            request, started,
            {200, QJsonObject{{QStringLiteral("events"), events},
                              {QStringLiteral("next"), list.isEmpty() ? after : list.last().seq}}});
    } catch (const DatabaseError &e) {
        m_db.reconnect();
        return respond(
            request, started,
            error(503, tr("the database is unreachable; try again later (%1)").arg(e.message())));
    }
}

QHttpServerResponse ApiServer::getHealth(const QHttpServerRequest &request)
{
    const qint64 started = nowNs();
    try {
        const int schema = m_db.schemaVersion();
        return respond(request, started,
                       {200, QJsonObject{{QStringLiteral("database"), QStringLiteral("ok")},
                                         {QStringLiteral("schema"), schema}}});
    } catch (const DatabaseError &) {
        m_db.reconnect();
        return respond(
            request, started,
            {503, QJsonObject{{QStringLiteral("database"), QStringLiteral("unreachable")},
                              {QStringLiteral("error"), tr("the database is unreachable")}}});
    }
}
