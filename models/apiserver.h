#pragma once
// The HTTP endpoint of `refundctl serve` (INTEGRATION.md, sections 3 and 4): routes, bearer
// tokens (the processor's webhook is signed instead) and
// their scopes, size and type limits, JSON errors, 503 while the database is away, and a log
// line per request. Transport only: what a batch of events does is the handler's.

#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <functional>
#include <memory>
#include <optional>

class Database;
class DatabaseError;
class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;

class ApiServer : public QObject
{
    Q_OBJECT
public:
    struct Reply
    {
        int status = 200;
        QJsonObject body;
    };
    // A batch of events: the raw body and whether it is one JSON array (else NDJSON). Throws
    // DatabaseError when the database cannot be reached (the server answers 503).
    using EventsHandler = std::function<Reply(const QByteArray &body, bool jsonArray)>;

    // A delivery of the payment processor's webhook: its Stripe-Signature header and raw
    // body. Throws DatabaseError when the database cannot be reached (503).
    using WebhookHandler =
        std::function<Reply(const QByteArray &signature, const QByteArray &body)>;

    ApiServer(Database &database, EventsHandler events, QObject *parent = nullptr);
    // POST /v1/webhooks/stripe; without a handler it answers 503 (not configured).
    void setWebhookHandler(WebhookHandler handler) { m_webhook = std::move(handler); }
    ~ApiServer() override;

    // Returns the port listened on (useful with port 0), or 0 with `error` set.
    quint16 listen(const QHostAddress &address, quint16 port, QString *error);
    // TLS from PEM files; false with `error` when they cannot be read.
    bool useTls(const QString &certificateFile, const QString &keyFile, QString *error);
    // Where the log lines go (default: standard error).
    void setLog(std::function<void(const QString &line)> log) { m_log = std::move(log); }

private:
    QHttpServerResponse respond(const QHttpServerRequest &request, qint64 startedNs,
                                const Reply &reply);
    std::optional<Reply> authorise(const QHttpServerRequest &request, const QString &scope);
    QHttpServerResponse postEvents(const QHttpServerRequest &request);
    QHttpServerResponse getOutbox(const QHttpServerRequest &request);
    QHttpServerResponse postWebhook(const QHttpServerRequest &request);
    // 503 for a write the database could not take (it was away): nothing was written.
    Reply writeRefused(const DatabaseError &e);
    QHttpServerResponse getHealth(const QHttpServerRequest &request);

    Database &m_db;
    EventsHandler m_events;
    WebhookHandler m_webhook;
    std::unique_ptr<QHttpServer> m_server;
    std::function<void(const QString &)> m_log;
};
