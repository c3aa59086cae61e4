// A fake payment processor for the tests and the payouts benchmark: a small HTTP/1.1 server
// speaking the part of Stripe's published API the desk uses (POST /v1/refunds with idempotency
// keys, GET /v1/refunds, Stripe's error objects) and keeping its own record of refunds. Faults
// are queued by the test and taken one per POST /v1/refunds:
//   drop       the refund is made, the connection is closed without an answer
//   hang       the refund is made, no answer ever comes (the client times out)
//   500        the refund is made, the answer is a 500 (the same key then gets the refund)
//   503-noretry  nothing is made; 503 with Stripe-Should-Retry: false
//   409        nothing is made; 409 (another request with the key is in progress)
//   429        nothing is made; 429 with Retry-After: 1
//   idempotency  400 idempotency_error
//   declined   400 invalid_request_error charge_already_refunded; nothing is made
//   pending    the refund is made as pending (settled later by /_fake/settle)
//   failed     the refund is made as failed (failure_reason expired_or_canceled_card)
// Test endpoints: POST /_fake/faults (body: fault names separated by commas or newlines),
// GET /_fake/refunds (every refund, with its idempotency key), POST /_fake/settle?id=&status=
// (answers the refund object as a webhook would carry it), GET /_fake/stats.
// Usage: fakestripe [--port N] [--key SECRET]; prints "listening on http://127.0.0.1:PORT".

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTextStream>
#include <QUrl>
#include <QUrlQuery>
#include <deque>

namespace {

struct Refund
{
    QJsonObject object;
    QString key;
    QByteArray fingerprint; // the parameters the key was first used with
    QString paymentRef;
};

struct Answer
{
    int status = 200;
    QJsonObject body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    enum class Then
    {
        Answer,
        Drop,
        Hang
    } then = Then::Answer;
};

class Fake : public QObject
{
public:
    Fake(QByteArray key) : m_key(std::move(key))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s] { read(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    quint16 listen(quint16 port)
    {
        return m_server.listen(QHostAddress::LocalHost, port) ? m_server.serverPort() : 0;
    }

private:
    void read(QTcpSocket *s)
    {
        QByteArray &buffer = m_buffers[s];
        buffer += s->readAll();
        while (true) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = buffer.left(end).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            QHash<QByteArray, QByteArray> headers;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon > 0)
                    headers.insert(lines[i].left(colon).trimmed().toLower(),
                                   lines[i].mid(colon + 1).trimmed());
            }
            const qsizetype length = headers.value("content-length").toLongLong();
            if (buffer.size() < end + 4 + length)
                return;
            const QByteArray body = buffer.mid(end + 4, length);
            buffer.remove(0, end + 4 + length);
            ++m_requests;
            const Answer a =
                handle(first.value(0), QUrl(QString::fromLatin1(first.value(1))), headers, body);
            if (a.then == Answer::Then::Drop) {
                m_buffers.remove(s);
                s->abort();
                return;
            }
            if (a.then == Answer::Then::Hang)
                continue; // this request is never answered
            QByteArray out = QJsonDocument(a.body).toJson(QJsonDocument::Compact);
            QByteArray head = "HTTP/1.1 " + QByteArray::number(a.status) + " X\r\n" +
                              "Content-Type: application/json\r\nContent-Length: " +
                              QByteArray::number(out.size()) + "\r\n";
            for (const auto &[name, value] : a.headers)
                head += name + ": " + value + "\r\n";
            s->write(head + "\r\n" + out);
        }
    }

    static Answer error(int status, const char *type, const char *code, const QString &message)
    {
        return {status,
                QJsonObject{{QStringLiteral("error"),
                             QJsonObject{{QStringLiteral("type"), QLatin1String(type)},
                                         {QStringLiteral("code"), QLatin1String(code)},
                                         {QStringLiteral("message"), message}}}},
                {}};
    }

    Answer handle(const QByteArray &method, const QUrl &url,
                  const QHash<QByteArray, QByteArray> &headers, const QByteArray &body)
    {
        const QString path = url.path();
        if (path == QLatin1String("/_fake/faults") && method == "POST") {
            for (const QByteArray &f : QByteArray(body).replace('\n', ',').split(','))
                if (!f.trimmed().isEmpty())
                    m_faults.push_back(f.trimmed());
            return {200, QJsonObject{{QStringLiteral("queued"), qint64(m_faults.size())}}, {}};
        }
        if (path == QLatin1String("/_fake/refunds")) {
            QJsonArray all;
            for (const Refund &r : std::as_const(m_refunds)) {
                QJsonObject o = r.object;
                o.insert(QStringLiteral("idempotency_key"), r.key);
                all.append(o);
            }
            return {200, QJsonObject{{QStringLiteral("data"), all}}, {}};
        }
        if (path == QLatin1String("/_fake/stats"))
            return {200,
                    QJsonObject{{QStringLiteral("requests"), m_requests},
                                {QStringLiteral("refunds"), qint64(m_refunds.size())},
                                {QStringLiteral("faults_left"), qint64(m_faults.size())}},
                    {}};
        if (path == QLatin1String("/_fake/settle") && method == "POST") {
            const QUrlQuery q(url);
            for (Refund &r : m_refunds)
                if (r.object.value(QStringLiteral("id")).toString() ==
                    q.queryItemValue(QStringLiteral("id"))) {
                    r.object.insert(QStringLiteral("status"),
                                    q.queryItemValue(QStringLiteral("status")));
                    if (q.queryItemValue(QStringLiteral("status")) == QLatin1String("failed"))
                        r.object.insert(QStringLiteral("failure_reason"),
                                        QStringLiteral("expired_or_canceled_card"));
                    return {200, r.object, {}};
                }
            return error(404, "invalid_request_error", "resource_missing",
                         QStringLiteral("no such refund"));
        }
        if (headers.value("authorization") != "Bearer " + m_key)
            return error(401, "invalid_request_error", "api_key_invalid",
                         QStringLiteral("Invalid API Key provided"));
        if (path == QLatin1String("/v1/refunds") && method == "GET")
            return list(QUrlQuery(url));
        if (path == QLatin1String("/v1/refunds") && method == "POST")
            return create(headers.value("idempotency-key"), body);
        return error(404, "invalid_request_error", "resource_missing",
                     QStringLiteral("Unrecognized request URL"));
    }

    Answer list(const QUrlQuery &q)
    {
        const QString pi = q.queryItemValue(QStringLiteral("payment_intent"));
        const QString ch = q.queryItemValue(QStringLiteral("charge"));
        const QString after = q.queryItemValue(QStringLiteral("starting_after"));
        const int limit = std::clamp(q.queryItemValue(QStringLiteral("limit")).toInt(), 1, 100);
        QJsonArray data;
        bool started = after.isEmpty();
        bool more = false;
        // Newest first, as Stripe lists.
        for (auto it = m_refunds.crbegin(); it != m_refunds.crend(); ++it) {
            if ((!pi.isEmpty() && it->paymentRef != pi) || (!ch.isEmpty() && it->paymentRef != ch))
                continue;
            const QString id = it->object.value(QStringLiteral("id")).toString();
            if (!started) {
                started = id == after;
                continue;
            }
            if (data.size() == limit) {
                more = true;
                break;
            }
            data.append(it->object);
        }
        return {200,
                QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                            {QStringLiteral("data"), data},
                            {QStringLiteral("has_more"), more},
                            {QStringLiteral("url"), QStringLiteral("/v1/refunds")}},
                {}};
    }

    Answer create(const QByteArray &key, const QByteArray &body)
    {
        const QByteArray fault = m_faults.empty() ? QByteArray() : m_faults.front();
        if (!m_faults.empty())
            m_faults.pop_front();
        if (fault == "409")
            return error(409, "invalid_request_error", "idempotency_key_in_use",
                         QStringLiteral("There is currently another in-progress request using "
                                        "this Idempotent Key"));
        if (fault == "429") {
            Answer a = error(429, "invalid_request_error", "rate_limit",
                             QStringLiteral("Too many requests"));
            a.headers << std::pair<QByteArray, QByteArray>{"Retry-After", "1"};
            return a;
        }
        if (fault == "503-noretry") {
            Answer a = error(503, "api_error", "", QStringLiteral("Service unavailable"));
            a.headers << std::pair<QByteArray, QByteArray>{"Stripe-Should-Retry", "false"};
            return a;
        }
        if (fault == "idempotency")
            return error(400, "idempotency_error", "",
                         QStringLiteral("Keys for idempotent requests can only be used with the "
                                        "same parameters they were first used with"));
        QHash<QString, QString> form;
        for (const QByteArray &pair : body.split('&')) {
            const qsizetype eq = pair.indexOf('=');
            auto decode = [](QByteArray v) {
                return QUrl::fromPercentEncoding(v.replace('+', ' '));
            };
            if (eq > 0)
                form.insert(decode(pair.left(eq)), decode(pair.mid(eq + 1)));
        }
        auto field = [&](const char *name) { return form.value(QLatin1String(name)); };
        const QString pi = field("payment_intent");
        const QString ch = field("charge");
        bool ok = false;
        const qint64 amount = field("amount").toLongLong(&ok);
        if ((pi.isEmpty() == ch.isEmpty()) || !ok || amount <= 0)
            return error(400, "invalid_request_error", "parameter_missing",
                         QStringLiteral("Give one of payment_intent or charge, and a positive "
                                        "amount"));
        if (!key.isEmpty()) {
            for (const Refund &r : std::as_const(m_refunds))
                if (r.key == QLatin1String(key)) {
                    if (r.fingerprint != body)
                        return error(400, "idempotency_error", "",
                                     QStringLiteral("Keys for idempotent requests can only be "
                                                    "used with the same parameters"));
                    Answer replay{200, r.object, {}};
                    replay.headers
                        << std::pair<QByteArray, QByteArray>{"Idempotent-Replayed", "true"};
                    return replay;
                }
        }
        if (fault == "declined")
            return error(400, "invalid_request_error", "charge_already_refunded",
                         QStringLiteral("Charge has already been refunded."));
        Refund r;
        r.key = QString::fromLatin1(key);
        r.fingerprint = body;
        r.paymentRef = pi.isEmpty() ? ch : pi;
        const QString status = fault == "pending"  ? QStringLiteral("pending")
                               : fault == "failed" ? QStringLiteral("failed")
                                                   : QStringLiteral("succeeded");
        r.object = QJsonObject{
            {QStringLiteral("id"),
             QStringLiteral("re_fake%1").arg(m_refunds.size() + 1, 6, 10, QLatin1Char('0'))},
            {QStringLiteral("object"), QStringLiteral("refund")},
            {QStringLiteral("amount"), amount},
            {QStringLiteral("currency"), QStringLiteral("usd")},
            {QStringLiteral("created"), QDateTime::currentSecsSinceEpoch()},
            {QStringLiteral("payment_intent"), pi.isEmpty() ? QJsonValue() : QJsonValue(pi)},
            {QStringLiteral("charge"), ch.isEmpty() ? QJsonValue() : QJsonValue(ch)},
            {QStringLiteral("status"), status},
            {QStringLiteral("failure_reason"),
             fault == "failed" ? QJsonValue(QStringLiteral("expired_or_canceled_card"))
                               : QJsonValue()},
            {QStringLiteral("metadata"),
             QJsonObject{
                 {QStringLiteral("refunddesk_payout"), field("metadata[refunddesk_payout]")},
                 {QStringLiteral("refunddesk_request"), field("metadata[refunddesk_request]")}}}};
        m_refunds.append(r);
        Answer a{200, r.object, {}};
        if (fault == "drop")
            a.then = Answer::Then::Drop;
        else if (fault == "hang")
            a.then = Answer::Then::Hang;
        else if (fault == "500")
            a = error(500, "api_error", "", QStringLiteral("Something went wrong on our end"));
        return a;
    }

    QByteArray m_key;
    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    std::deque<QByteArray> m_faults;
    QList<Refund> m_refunds;
    qint64 m_requests = 0;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    quint16 port = 0;
    QByteArray key = "sk_test_fake";
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--port"))
            port = quint16(args[i + 1].toUInt());
        else if (args[i] == QLatin1String("--key"))
            key = args[i + 1].toUtf8();
    }
    Fake fake(key);
    const quint16 bound = fake.listen(port);
    if (!bound) {
        QTextStream(stderr) << "fakestripe: cannot listen on port " << port << Qt::endl;
        return 1;
    }
    QTextStream(stderr) << "listening on http://127.0.0.1:" << bound << Qt::endl;
    return app.exec();
}
