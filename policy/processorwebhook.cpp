#include "processorwebhook.h"

#include "models/chargebackrepository.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/purchaserepository.h"
#include "models/sqlstatement.h"
#include "models/stripeclient.h"
#include "models/writetransaction.h"
#include "payoutbook.h"
#include "refundworkflow.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("ProcessorWebhook", text);
}

// What the webhook refuses (an unknown purchase, a dispute it cannot place): 422, nothing
// written. Any other DatabaseError is the database's own trouble.
class Refused : public DatabaseError
{
public:
    using DatabaseError::DatabaseError;
};

[[noreturn]] void refuse(const QString &why)
{
    throw Refused(why);
}

bool sameBytes(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0; // every byte compared: the time says nothing about where they differ
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

ProcessorWebhook::Reply reply(int status, const QString &error)
{
    return {status, QJsonObject{{QStringLiteral("error"), error}}};
}
} // namespace

ProcessorWebhook::ProcessorWebhook(Database &database, RefundWorkflow &workflow,
                                   const QByteArray &secret)
    : m_db(database), m_workflow(workflow), m_secret(secret)
{
}

QByteArray ProcessorWebhook::sign(const QByteArray &body, const QByteArray &secret, qint64 t)
{
    const QByteArray stamp = QByteArray::number(t);
    return "t=" + stamp + ",v1=" +
           QMessageAuthenticationCode::hash(stamp + '.' + body, secret, QCryptographicHash::Sha256)
               .toHex();
}

bool ProcessorWebhook::verify(const QByteArray &header, const QByteArray &body,
                              const QByteArray &secret, qint64 now, QString *why)
{
    QByteArray stamp;
    QList<QByteArray> signatures;
    for (const QByteArray &part : header.split(',')) {
        const qsizetype eq = part.indexOf('=');
        if (eq <= 0)
            continue;
        const QByteArray key = part.left(eq).trimmed();
        const QByteArray value = part.mid(eq + 1).trimmed();
        if (key == "t")
            stamp = value;
        else if (key == "v1")
            signatures << value.toLower();
    }
    bool ok = false;
    const qint64 t = stamp.toLongLong(&ok);
    if (!ok || signatures.isEmpty()) {
        *why = tr("the Stripe-Signature header needs t=... and at least one v1=...");
        return false;
    }
    if (std::abs(now - t) > toleranceSecs) {
        *why = tr("the signature's time %1 is more than %2 s from now (%3): a replay is refused")
                   .arg(t)
                   .arg(toleranceSecs)
                   .arg(now);
        return false;
    }
    const QByteArray expected =
        QMessageAuthenticationCode::hash(stamp + '.' + body, secret, QCryptographicHash::Sha256)
            .toHex();
    bool matched = false;
    for (const QByteArray &s : std::as_const(signatures))
        matched |= sameBytes(s, expected); // every one compared, whichever matches
    if (!matched)
        *why = tr("no v1 signature matches the body with the webhook secret");
    return matched;
}

ProcessorWebhook::Reply ProcessorWebhook::handle(const QByteArray &signatureHeader,
                                                 const QByteArray &body)
{
    QString why;
    if (!verify(signatureHeader, body, m_secret, m_workflow.now(), &why))
        return reply(400, why);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject event = doc.object();
    const QString id = event.value(QStringLiteral("id")).toString();
    const QString type = event.value(QStringLiteral("type")).toString();
    const QJsonObject object =
        event.value(QStringLiteral("data")).toObject().value(QStringLiteral("object")).toObject();
    if (!doc.isObject() || id.isEmpty() || id.size() > 200 || type.isEmpty() || object.isEmpty())
        return reply(400, tr("the body is not a Stripe event (id, type, data.object)"));
    try {
        return WriteTransaction::run(m_db, [&](const QSqlDatabase &conn) {
            SqlStatement claim(conn, QStringLiteral("INSERT INTO processor_events (event_id, type,"
                                                    " received_at) VALUES (?, ?, ?)"
                                                    " ON CONFLICT (event_id) DO NOTHING"
                                                    " RETURNING event_id"));
            claim.bindAll({id, type, m_workflow.now()}).exec();
            if (!claim.next()) // delivered before: applied once already
                return Reply{200, QJsonObject{{QStringLiteral("id"), id},
                                              {QStringLiteral("duplicate"), true}}};
            QJsonObject result = apply(conn, type, object);
            result.insert(QStringLiteral("id"), id);
            result.insert(QStringLiteral("type"), type);
            return Reply{200, result};
        });
    } catch (const Refused &e) {
        return reply(422, tr("%1 %2 refused; nothing was written: %3").arg(type, id, e.message()));
    } catch (const DatabaseError &e) {
        // A rule of the database refused it (422), unless the database itself is away (503).
        try {
            SqlStatement::scalar(m_db.connection(), QStringLiteral("SELECT 1"));
        } catch (const DatabaseError &) {
            throw e;
        }
        return reply(422, tr("%1 %2 refused; nothing was written: %3").arg(type, id, e.message()));
    }
}

QJsonObject ProcessorWebhook::apply(const QSqlDatabase &conn, const QString &type,
                                    const QJsonObject &object)
{
    if (type == QLatin1String("refund.updated") || type == QLatin1String("charge.refund.updated") ||
        type == QLatin1String("refund.created") || type == QLatin1String("refund.failed")) {
        const auto refund = StripeRefund::fromJson(object);
        if (!refund)
            refuse(tr("data.object is not a refund"));
        PayoutBook book(m_db, m_workflow);
        const auto payout = book.applyRefund(conn, *refund, PayoutBook::processorActor());
        if (!payout) // a refund made elsewhere (the processor's dashboard): not ours to track
            return {{QStringLiteral("ignored"),
                     tr("refund %1 is not one of our payouts").arg(refund->id)}};
        return {{QStringLiteral("payout"), payout->id}, {QStringLiteral("status"), payout->status}};
    }
    if (type == QLatin1String("charge.dispute.created"))
        return disputeCreated(conn, object);
    if (type == QLatin1String("charge.dispute.closed"))
        return disputeClosed(conn, object);
    return {{QStringLiteral("ignored"), tr("events of type %1 are not used").arg(type)}};
}

namespace {
// The purchase a dispute is about: its PaymentIntent, else its Charge.
PurchaseRecord disputedPurchase(const QSqlDatabase &conn, const QJsonObject &dispute)
{
    const PurchaseRepository purchases(conn);
    QStringList refs;
    for (const char *field : {"payment_intent", "charge"}) {
        const QString ref = dispute.value(QLatin1String(field)).toString();
        if (ref.isEmpty())
            continue;
        refs << ref;
        if (const auto p = purchases.findByPaymentRef(ref))
            return *p;
    }
    if (refs.isEmpty())
        refuse(tr("the dispute names neither a payment_intent nor a charge"));
    refuse(tr("no purchase was paid with %1").arg(refs.join(tr(" or "))));
}
} // namespace

QJsonObject ProcessorWebhook::disputeCreated(const QSqlDatabase &conn, const QJsonObject &dispute)
{
    const QString ref = dispute.value(QStringLiteral("id")).toString();
    if (ref.isEmpty())
        refuse(tr("the dispute has no id"));
    ChargebackRepository chargebacks(conn);
    if (const auto known = chargebacks.findByDisputeRef(ref))
        return {{QStringLiteral("chargeback"), known->id},
                {QStringLiteral("request"), known->requestId}};
    const PurchaseRecord purchase = disputedPurchase(conn, dispute);
    if (purchase.disputed) {
        // The platform told us first (chargeback.opened): the same case, now with its id.
        const auto open = chargebacks.findForPurchase(purchase.id);
        if (!open || open->status != QLatin1String("open") || !open->disputeRef.isEmpty())
            refuse(tr("purchase %1 is already disputed by another case").arg(purchase.id));
        chargebacks.setDisputeRef(open->id, ref);
        return {{QStringLiteral("chargeback"), open->id},
                {QStringLiteral("request"), open->requestId}};
    }
    const qint64 dueBy = dispute.value(QStringLiteral("evidence_details"))
                             .toObject()
                             .value(QStringLiteral("due_by"))
                             .toInteger();
    const QString reason = dispute.value(QStringLiteral("reason")).toString();
    const qint64 requestId = m_workflow.recordChargeback(
        conn, purchase.id,
        tr("card dispute %1 (%2)").arg(ref, reason.isEmpty() ? tr("no reason given") : reason),
        false, dueBy);
    const auto opened = chargebacks.findForRequest(requestId);
    chargebacks.setDisputeRef(opened->id, ref);
    return {{QStringLiteral("chargeback"), opened->id}, {QStringLiteral("request"), requestId}};
}

QJsonObject ProcessorWebhook::disputeClosed(const QSqlDatabase &conn, const QJsonObject &dispute)
{
    const QString ref = dispute.value(QStringLiteral("id")).toString();
    const QString status = dispute.value(QStringLiteral("status")).toString();
    if (status != QLatin1String("won") && status != QLatin1String("lost") &&
        status != QLatin1String("warning_closed"))
        refuse(tr("a closed dispute is won, lost or warning_closed, not \"%1\"").arg(status));
    ChargebackRepository chargebacks(conn);
    auto cb = chargebacks.findByDisputeRef(ref);
    if (!cb) {
        cb = chargebacks.findForPurchase(disputedPurchase(conn, dispute).id);
        if (!cb)
            refuse(tr("no chargeback case for dispute %1").arg(ref));
    }
    if (cb->status != QLatin1String("open")) // settled already, by a reviewer or a delivery
        return {{QStringLiteral("chargeback"), cb->id}, {QStringLiteral("status"), cb->status}};
    const bool won = status != QLatin1String("lost"); // an inquiry closed without a loss
    const DecisionResult result = m_workflow.settleChargebackCase(
        conn, cb->requestId, won, PayoutBook::processorActor(),
        tr("the card network closed dispute %1: %2").arg(ref, status));
    if (!result.processed())
        refuse(result.error);
    return {{QStringLiteral("chargeback"), cb->id},
            {QStringLiteral("status"), won ? QStringLiteral("won") : QStringLiteral("lost")}};
}
