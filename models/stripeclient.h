#pragma once
// A client of the payment processor's refunds API as Stripe publishes it (INTEGRATION.md
// section 4): POST /v1/refunds with a stable idempotency key, GET /v1/refunds to reconcile,
// Stripe's error objects, Stripe-Should-Retry, backoff with jitter, 429 and timeouts. One
// QNetworkAccessManager keeps its connections alive between requests. The secret key is held
// in memory only: never written to a log, a message or the database.

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>
#include <functional>
#include <memory>
#include <optional>

class QJsonObject;
class QNetworkAccessManager;
class QNetworkReply;

struct StripeRefund
{
    QString id;     // re_...
    QString status; // pending, requires_action, succeeded, failed, canceled
    QString failureReason;
    qint64 amount = 0;
    QString currency;
    qint64 payoutId = 0; // metadata[refunddesk_payout]; 0 when the refund is not ours

    static std::optional<StripeRefund> fromJson(const QJsonObject &object);
    // The payout state this refund status means: succeeded, failed, or empty while the
    // processor has not settled it (pending, requires_action).
    QString payoutStatus() const;
};

// How one call ended, after its retries.
struct StripeAnswer
{
    enum class Kind
    {
        Refund,           // the processor answered with a refund object
        Refused,          // an error that says nothing was done (a 4xx that is not to be retried)
        IdempotencyError, // the key was used with other parameters: a person must look
        NoAnswer,         // no answer, or none that says what happened (timeouts, 5xx, dropped)
    };
    Kind kind = Kind::NoAnswer;
    StripeRefund refund;
    int httpStatus = 0; // of the last answer; 0 when there was none
    QString errorType;  // Stripe's error object, or empty
    QString errorCode;
    QString message; // what went wrong, for a person
    int attempts = 0;

    QString describe() const;
};

class StripeClient : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl apiBase = QUrl(QStringLiteral("https://api.stripe.com"));
        int timeoutMs = 30000; // per attempt
        int maxAttempts = 6;   // the first and five retries: 0.5, 1, 2, 4, 5 s apart (jittered)
        int backoffStartMs = 500;
        int backoffMaxMs = 5000;
    };
    struct RefundParams
    {
        QString paymentRef; // pi_... or ch_...
        qint64 amountCents = 0;
        qint64 payoutId = 0;
        QString requestRef;
        QString idempotencyKey;
    };

    StripeClient(const QByteArray &secretKey, const Options &options, QObject *parent = nullptr);
    ~StripeClient() override;

    // The secret key in a file readable by its owner alone (mode 0600 or stricter), trimmed;
    // nothing with `error` set (naming the file, never its content) otherwise.
    static std::optional<QByteArray> readSecretFile(const QString &path, QString *error);
    // The form field a payment reference is sent as (payment_intent or charge); empty when it
    // is neither a PaymentIntent (pi_) nor a Charge (ch_).
    static QString paymentField(const QString &paymentRef);

    // POST /v1/refunds, retried with the same key as the API asks; `done` is called once.
    void createRefund(const RefundParams &params, std::function<void(const StripeAnswer &)> done);
    // Every refund of a payment (GET /v1/refunds, all pages); `failure` is set when the
    // listing could not be read.
    void listRefunds(const QString &paymentRef,
                     std::function<void(const QList<StripeRefund> &refunds,
                                        const std::optional<StripeAnswer> &failure)>
                         done);

signals:
    // The processor asked for fewer requests (429): none should leave for this long.
    void slowDown(int milliseconds);

private:
    struct Call;
    void send(const std::shared_ptr<Call> &call);
    void answered(const std::shared_ptr<Call> &call, QNetworkReply *reply);
    int backoff(int attempt) const;

    QByteArray m_key;
    Options m_options;
    QNetworkAccessManager *m_net;
};
