#include "stripeclient.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrlQuery>
#include <sys/stat.h>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("StripeClient", text);
}

QByteArray formEncode(const QList<std::pair<QString, QString>> &fields)
{
    QByteArray body;
    for (const auto &[name, value] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return body;
}
} // namespace

std::optional<StripeRefund> StripeRefund::fromJson(const QJsonObject &o)
{
    const QString id = o.value(QStringLiteral("id")).toString();
    if (id.isEmpty() || o.value(QStringLiteral("object")).toString(QStringLiteral("refund")) !=
                            QLatin1String("refund"))
        return std::nullopt;
    StripeRefund r;
    r.id = id;
    r.status = o.value(QStringLiteral("status")).toString();
    r.failureReason = o.value(QStringLiteral("failure_reason")).toString();
    r.amount = o.value(QStringLiteral("amount")).toInteger();
    r.currency = o.value(QStringLiteral("currency")).toString().toUpper();
    const QJsonValue payout =
        o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("refunddesk_payout"));
    r.payoutId = payout.isString() ? payout.toString().toLongLong() : payout.toInteger();
    return r;
}

QString StripeRefund::payoutStatus() const
{
    if (status == QLatin1String("succeeded"))
        return QStringLiteral("succeeded");
    if (status == QLatin1String("failed") || status == QLatin1String("canceled"))
        return QStringLiteral("failed");
    return {};
}

QString StripeAnswer::describe() const
{
    QString what = message;
    if (!errorCode.isEmpty())
        what = QStringLiteral("%1 (%2)").arg(what, errorCode);
    if (httpStatus)
        what = tr("HTTP %1: %2").arg(httpStatus).arg(what);
    if (attempts > 1)
        what += tr(", after %1 attempts").arg(attempts);
    return what;
}

struct StripeClient::Call
{
    QByteArray verb; // GET or POST
    QUrl url;
    QByteArray body;
    QByteArray idempotencyKey;
    int attempts = 0;
    // The answer's JSON object on a 2xx, else the failure.
    std::function<void(const QJsonObject &json, const StripeAnswer &failure)> done;
};

StripeClient::StripeClient(const QByteArray &secretKey, const Options &options, QObject *parent)
    : QObject(parent), m_key(secretKey), m_options(options), m_net(new QNetworkAccessManager(this))
{
    m_net->setAutoDeleteReplies(true);
}

StripeClient::~StripeClient() = default;

std::optional<QByteArray> StripeClient::readSecretFile(const QString &path, QString *error)
{
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0) {
        *error = tr("cannot read the secret file %1: it does not exist").arg(path);
        return std::nullopt;
    }
    if (info.st_mode & (S_IRWXG | S_IRWXO)) {
        *error = tr("the secret file %1 is readable by others (mode %2): make it 0600 "
                    "(chmod 600 %1)")
                     .arg(path)
                     .arg(QString::number(info.st_mode & 0777, 8));
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read the secret file %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray key = file.read(4096).trimmed();
    if (key.isEmpty() || key.contains('\n') || key.contains(' ')) {
        *error = tr("the secret file %1 should hold one key on one line").arg(path);
        return std::nullopt;
    }
    return key;
}

QString StripeClient::paymentField(const QString &paymentRef)
{
    if (paymentRef.startsWith(QLatin1String("pi_")))
        return QStringLiteral("payment_intent");
    if (paymentRef.startsWith(QLatin1String("ch_")) || paymentRef.startsWith(QLatin1String("py_")))
        return QStringLiteral("charge");
    return {};
}

int StripeClient::backoff(int attempt) const
{
    // 0.5 s doubling, at most 5 s; "equal jitter": between half the step and the step, so
    // workers that failed together do not come back together.
    const qint64 step = std::min<qint64>(m_options.backoffMaxMs, qint64(m_options.backoffStartMs)
                                                                     << std::min(attempt - 1, 20));
    return int(step / 2 + QRandomGenerator::global()->bounded(step / 2 + 1));
}

void StripeClient::send(const std::shared_ptr<Call> &call)
{
    ++call->attempts;
    QNetworkRequest request(call->url);
    request.setRawHeader("Authorization", "Bearer " + m_key);
    if (!call->idempotencyKey.isEmpty())
        request.setRawHeader("Idempotency-Key", call->idempotencyKey);
    request.setTransferTimeout(m_options.timeoutMs);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, true);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply;
    if (call->verb == "POST") {
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        reply = m_net->post(request, call->body);
    } else {
        reply = m_net->get(request);
    }
    connect(reply, &QNetworkReply::finished, this, [this, call, reply] { answered(call, reply); });
}

void StripeClient::answered(const std::shared_ptr<Call> &call, QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    StripeAnswer failure;
    failure.attempts = call->attempts;
    failure.httpStatus = status;
    bool retry = false;
    int delay = 0;
    if (status == 0) {
        // No answer: the connection dropped, was refused, or timed out. The refund may or may
        // not have been made; the same key asks again without making a second one.
        failure.kind = StripeAnswer::Kind::NoAnswer;
        failure.message = reply->error() == QNetworkReply::OperationCanceledError ||
                                  reply->error() == QNetworkReply::TimeoutError
                              ? tr("no answer within %1 ms").arg(m_options.timeoutMs)
                              : reply->errorString();
        retry = true;
    } else {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
        if (status >= 200 && status < 300) {
            if (doc.isObject()) {
                call->done(doc.object(), {});
                return;
            }
            failure.kind = StripeAnswer::Kind::NoAnswer; // an answer we cannot read
            failure.message =
                tr("the answer is not a JSON object: %1").arg(parseError.errorString());
            call->done({}, failure);
            return;
        }
        const QJsonObject error = doc.object().value(QStringLiteral("error")).toObject();
        failure.errorType = error.value(QStringLiteral("type")).toString();
        failure.errorCode = error.value(QStringLiteral("code")).toString();
        failure.message = error.value(QStringLiteral("message")).toString();
        if (failure.message.isEmpty())
            failure.message = QString::fromUtf8(body.left(200)).simplified();
        if (failure.errorType == QLatin1String("idempotency_error")) {
            failure.kind = StripeAnswer::Kind::IdempotencyError;
            call->done({}, failure);
            return;
        }
        const QByteArray shouldRetry = reply->rawHeader("Stripe-Should-Retry");
        const bool transient = status == 409 || status == 429 || status >= 500;
        retry = shouldRetry == "true" ? true : shouldRetry == "false" ? false : transient;
        // A 5xx or a conflict leaves open whether the refund was made; a 4xx says it was not.
        failure.kind = transient ? StripeAnswer::Kind::NoAnswer : StripeAnswer::Kind::Refused;
        if (status == 429) {
            bool ok = false;
            const int after = reply->rawHeader("Retry-After").toInt(&ok);
            delay = ok && after > 0 ? std::min(after, 60) * 1000 : 0;
            emit slowDown(std::max(delay, backoff(call->attempts)));
        }
    }
    if (retry && call->attempts < m_options.maxAttempts) {
        delay = std::max(delay, backoff(call->attempts));
        QTimer::singleShot(delay, this, [this, call] { send(call); });
        return;
    }
    call->done({}, failure);
}

void StripeClient::createRefund(const RefundParams &p,
                                std::function<void(const StripeAnswer &)> done)
{
    auto call = std::make_shared<Call>();
    call->verb = "POST";
    call->url = m_options.apiBase.resolved(QUrl(QStringLiteral("/v1/refunds")));
    call->body =
        formEncode({{paymentField(p.paymentRef), p.paymentRef},
                    {QStringLiteral("amount"), QString::number(p.amountCents)},
                    {QStringLiteral("metadata[refunddesk_payout]"), QString::number(p.payoutId)},
                    {QStringLiteral("metadata[refunddesk_request]"), p.requestRef}});
    call->idempotencyKey = p.idempotencyKey.toUtf8();
    call->done = [done = std::move(done)](const QJsonObject &json, const StripeAnswer &failure) {
        if (json.isEmpty()) {
            done(failure);
            return;
        }
        StripeAnswer answer;
        answer.attempts = failure.attempts;
        if (const auto refund = StripeRefund::fromJson(json)) {
            answer.kind = StripeAnswer::Kind::Refund;
            answer.refund = *refund;
        } else {
            answer.kind = StripeAnswer::Kind::NoAnswer;
            answer.message = tr("the answer is not a refund object");
        }
        done(answer);
    };
    send(call);
}

void StripeClient::listRefunds(
    const QString &paymentRef,
    std::function<void(const QList<StripeRefund> &, const std::optional<StripeAnswer> &)> done)
{
    struct Listing
    {
        QList<StripeRefund> refunds;
        std::function<void(const QList<StripeRefund> &, const std::optional<StripeAnswer> &)> done;
    };
    auto listing = std::make_shared<Listing>();
    listing->done = std::move(done);
    const QString field = paymentField(paymentRef);
    auto page = std::make_shared<std::function<void(const QString &)>>();
    *page = [this, listing, field, paymentRef, page](const QString &after) {
        auto call = std::make_shared<Call>();
        call->verb = "GET";
        QUrl url = m_options.apiBase.resolved(QUrl(QStringLiteral("/v1/refunds")));
        QUrlQuery query;
        query.addQueryItem(field, paymentRef);
        query.addQueryItem(QStringLiteral("limit"), QStringLiteral("100"));
        if (!after.isEmpty())
            query.addQueryItem(QStringLiteral("starting_after"), after);
        url.setQuery(query);
        call->url = url;
        call->done = [listing, page](const QJsonObject &json, const StripeAnswer &failure) {
            if (json.isEmpty()) {
                listing->done(listing->refunds, failure);
                *page = nullptr; // breaks the cycle
                return;
            }
            const QJsonArray data = json.value(QStringLiteral("data")).toArray();
            for (const QJsonValue &v : data)
                if (const auto refund = StripeRefund::fromJson(v.toObject()))
                    listing->refunds << *refund;
            if (json.value(QStringLiteral("has_more")).toBool() && !listing->refunds.isEmpty()) {
                (*page)(listing->refunds.last().id);
                return;
            }
            listing->done(listing->refunds, std::nullopt);
            *page = nullptr;
        };
        send(call);
    };
    (*page)(QString());
}
