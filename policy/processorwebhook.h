#pragma once
// The payment processor's webhooks (INTEGRATION.md section 4), POST /v1/webhooks/stripe:
// the Stripe-Signature is checked (HMAC-SHA256 over "{t}.{body}", constant-time, any v1, t
// within 300 s), each event is applied once by its id, in one transaction with what it moves:
// refund events move payouts, charge.dispute.created opens a chargeback on the purchase with
// that payment reference, charge.dispute.closed settles it. What is refused writes nothing.

#include <QByteArray>
#include <QJsonObject>
#include <QString>

class Database;
class RefundWorkflow;
class QSqlDatabase;

class ProcessorWebhook
{
public:
    struct Reply
    {
        int status = 200;
        QJsonObject body;
    };
    static constexpr qint64 toleranceSecs = 300;

    ProcessorWebhook(Database &database, RefundWorkflow &workflow, const QByteArray &secret);

    // Whether `header` (Stripe-Signature) signs `body` with `secret` at a time within the
    // tolerance of `now`; `why` says what is wrong otherwise.
    static bool verify(const QByteArray &header, const QByteArray &body, const QByteArray &secret,
                       qint64 now, QString *why);
    // A header that verify() accepts, for the tests and the fake processor.
    static QByteArray sign(const QByteArray &body, const QByteArray &secret, qint64 t);

    // Checks and applies one delivery. Throws DatabaseError when the database cannot be reached
    // (the server answers 503 and the processor delivers it again).
    Reply handle(const QByteArray &signatureHeader, const QByteArray &body);

private:
    QJsonObject apply(const QSqlDatabase &conn, const QString &type, const QJsonObject &object);
    QJsonObject disputeCreated(const QSqlDatabase &conn, const QJsonObject &dispute);
    QJsonObject disputeClosed(const QSqlDatabase &conn, const QJsonObject &dispute);

    Database &m_db;
    RefundWorkflow &m_workflow;
    QByteArray m_secret;
};
