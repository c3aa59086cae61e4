#include "payoutbook.h"

#include "models/auditrepository.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/externalidrepository.h"
#include "models/purchaserepository.h"
#include "models/sqlstatement.h"
#include "models/writetransaction.h"
#include "outboxpublisher.h"
#include "refundworkflow.h"
#include "rules/money.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("PayoutBook", text);
}

[[noreturn]] void refuse(const QString &why)
{
    throw DatabaseError(why);
}

const QString sent = QStringLiteral("sent");
const QString unknown = QStringLiteral("unknown");
} // namespace

PayoutBook::PayoutBook(Database &database, RefundWorkflow &workflow)
    : m_db(database), m_workflow(workflow)
{
}

QString PayoutBook::workerActor()
{
    return QStringLiteral("payouts-worker");
}

QString PayoutBook::processorActor()
{
    return QStringLiteral("stripe");
}

QString PayoutBook::idempotencyKey(qint64 payoutId)
{
    if (m_uuid.isEmpty())
        m_uuid =
            SqlStatement::scalar(m_db.connection(), QStringLiteral("SELECT value FROM desk_settings"
                                                                   " WHERE key = 'database_uuid'"))
                .toString();
    if (m_uuid.isEmpty())
        refuse(tr("the database has no uuid (desk_settings.database_uuid): run refundctl init"));
    return QStringLiteral("refunddesk-%1-payout-%2").arg(m_uuid).arg(payoutId);
}

void PayoutBook::move(const QSqlDatabase &conn, PayoutContext &c, const QString &status,
                      const QString &ref, const QString &reason, const QString &actor,
                      const QString &action, const QString &note)
{
    PayoutRecord &p = c.payout;
    const qint64 at = m_workflow.now();
    const QString from = p.status;
    // The row is locked by the caller: a move that finds it elsewhere is a bug, not a race.
    if (!PayoutRepository(conn).move(p.id, from, status, at, ref, reason))
        refuse(tr("payout %1 is no longer %2").arg(p.id).arg(from));
    if (p.gatewayRef.isEmpty())
        p.gatewayRef = ref;
    p.failureReason = reason;
    p.status = status;
    p.updatedAt = at;
    if (status == sent && !p.sentAt)
        p.sentAt = at;
    AuditRecord a;
    a.at = at;
    a.actor = actor;
    a.action = action;
    a.accountId = p.accountId;
    a.requestId = p.requestId;
    a.note = note;
    QJsonObject details{{QStringLiteral("payout"), p.id},
                        {QStringLiteral("from"), from},
                        {QStringLiteral("to"), status}};
    if (!p.gatewayRef.isEmpty())
        details.insert(QStringLiteral("gateway_ref"), p.gatewayRef);
    if (!reason.isEmpty())
        details.insert(QStringLiteral("failure_reason"), reason);
    a.details = QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact));
    AuditRepository(conn).append(a);
    if (from != status)
        OutboxPublisher(conn).refundUpdated(at, p, c.purchaseRef, c.requestRef);
}

PayoutSending PayoutBook::sending(const PayoutContext &c)
{
    const PayoutRecord &p = c.payout;
    if (StripeClient::paymentField(c.paymentRef).isEmpty())
        refuse(tr("payout %1: purchase %2 was paid with \"%3\", which is neither a Stripe "
                  "PaymentIntent (pi_) nor a Charge (ch_); it stays pending for a person "
                  "(refundctl payouts mark)")
                   .arg(p.id)
                   .arg(p.purchaseId)
                   .arg(c.paymentRef));
    PayoutSending s;
    s.payout = p;
    s.params.paymentRef = c.paymentRef;
    s.params.amountCents = p.amountCents;
    s.params.payoutId = p.id;
    s.params.requestRef = c.requestRef;
    s.params.idempotencyKey = idempotencyKey(p.id);
    return s;
}

std::optional<PayoutSending> PayoutBook::startSending(qint64 payoutId)
{
    return WriteTransaction::run(m_db, [&](const QSqlDatabase &conn) {
        auto c = PayoutRepository(conn).lockWithContext(payoutId);
        if (!c || c->payout.status != QLatin1String("pending"))
            return std::optional<PayoutSending>(); // another worker has it
        PayoutSending s = sending(*c);             // refuses before anything is written
        move(conn, *c, sent, {}, {}, workerActor(), QStringLiteral("payout_sent"),
             tr("sent to the payment processor (%1)").arg(s.params.idempotencyKey));
        s.payout = c->payout;
        return std::optional<PayoutSending>(s);
    });
}

std::optional<PayoutSending> PayoutBook::resend(qint64 payoutId)
{
    // Read under the row lock of a short transaction: what it says was last committed.
    return WriteTransaction::run(m_db, [&](const QSqlDatabase &conn) {
        const auto c = PayoutRepository(conn).lockWithContext(payoutId);
        if (!c || (c->payout.status != sent && c->payout.status != unknown))
            return std::optional<PayoutSending>();
        return std::optional<PayoutSending>(sending(*c));
    });
}

std::optional<PayoutRecord>
PayoutBook::applyRefund(const QSqlDatabase &conn, const StripeRefund &refund, const QString &actor)
{
    PayoutRepository payouts(conn);
    std::optional<PayoutContext> c;
    if (refund.payoutId)
        c = payouts.lockWithContext(refund.payoutId);
    if (!c) {
        if (const auto byRef = payouts.findByGatewayRef(refund.id))
            c = payouts.lockWithContext(byRef->id);
    }
    if (!c)
        return std::nullopt;
    applyTo(conn, *c, refund, actor);
    return c->payout;
}

void PayoutBook::applyTo(const QSqlDatabase &conn, PayoutContext &c, const StripeRefund &refund,
                         const QString &actor)
{
    const PayoutRecord &p = c.payout;
    if (!p.gatewayRef.isEmpty() && p.gatewayRef != refund.id)
        refuse(tr("payout %1 is refund %2 at the processor, not %3")
                   .arg(p.id)
                   .arg(p.gatewayRef, refund.id));
    if (refund.amount != p.amountCents) {
        // Never seen from a processor that follows its API: a person must look.
        if (p.status == sent)
            move(conn, c, unknown, refund.id,
                 tr("the processor's refund %1 is for %2, the payout for %3")
                     .arg(refund.id)
                     .arg(refund.amount)
                     .arg(p.amountCents),
                 actor, QStringLiteral("payout_unknown"), {});
        return;
    }
    if (p.isSettled()) // told again (a webhook after the answer): nothing moves
        return;
    const QString target = refund.payoutStatus();
    if (target.isEmpty()) {
        // Accepted, not settled yet (pending, requires_action): it stays where it is, with the
        // processor's reference; the webhook or reconcile settles it.
        if (p.gatewayRef.isEmpty())
            move(conn, c, p.status, refund.id, {}, actor, QStringLiteral("payout_accepted"),
                 tr("the processor holds refund %1 as %2").arg(refund.id, refund.status));
        return;
    }
    if (p.status == QLatin1String("pending")) // settled before we recorded sending it
        move(conn, c, sent, {}, {}, actor, QStringLiteral("payout_sent"), {});
    const bool paid = target == QLatin1String("succeeded");
    move(conn, c, target, refund.id,
         paid ? QString() : (refund.failureReason.isEmpty() ? refund.status : refund.failureReason),
         actor, paid ? QStringLiteral("payout_paid") : QStringLiteral("payout_failed"),
         tr("the processor reports refund %1 %2").arg(refund.id, refund.status));
}

PayoutRecord PayoutBook::recordAnswer(qint64 payoutId, const StripeAnswer &answer)
{
    return WriteTransaction::run(m_db, [&](const QSqlDatabase &conn) {
        auto c = PayoutRepository(conn).lockWithContext(payoutId);
        if (!c)
            refuse(tr("no payout with id %1").arg(payoutId));
        PayoutRecord &p = c->payout;
        if (p.isSettled())
            return p; // a webhook was faster
        switch (answer.kind) {
        case StripeAnswer::Kind::Refund:
            applyTo(conn, *c, answer.refund, workerActor());
            break;
        case StripeAnswer::Kind::Refused:
            // The processor made no refund and says why: the payout failed; a person may
            // retry it (a new payout) once the cause is dealt with.
            move(conn, *c, QStringLiteral("failed"), {}, answer.describe(), workerActor(),
                 QStringLiteral("payout_failed"), tr("refused by the payment processor"));
            break;
        case StripeAnswer::Kind::IdempotencyError:
        case StripeAnswer::Kind::NoAnswer:
            // Whether a refund was made is not known: never a new key, reconcile finds out.
            if (p.status == sent || p.failureReason != answer.describe())
                move(conn, *c, unknown, {}, answer.describe(), workerActor(),
                     QStringLiteral("payout_unknown"),
                     answer.kind == StripeAnswer::Kind::IdempotencyError
                         ? tr("the processor reports an idempotency error: a person must look")
                         : tr("no usable answer from the payment processor"));
            break;
        }
        return p;
    });
}

PayoutRecord PayoutBook::markByHand(qint64 payoutId, bool paid, const QString &reference,
                                    const QString &note, const QString &actor)
{
    if (note.trimmed().isEmpty())
        refuse(tr("say in a note how the payout was handled"));
    if (paid && reference.trimmed().isEmpty())
        refuse(tr("a paid payout needs the reference of the transfer (--ref)"));
    return WriteTransaction::run(m_db, [&](const QSqlDatabase &conn) {
        auto c = PayoutRepository(conn).lockWithContext(payoutId);
        if (!c)
            refuse(tr("no payout with id %1").arg(payoutId));
        PayoutRecord *p = &c->payout;
        if (p->isSettled())
            refuse(tr("payout %1 is already %2; nothing was changed").arg(payoutId).arg(p->status));
        const QString ref = reference.trimmed();
        if (!p->gatewayRef.isEmpty() && !ref.isEmpty() && ref != p->gatewayRef)
            refuse(tr("payout %1 already has the reference %2, not %3")
                       .arg(payoutId)
                       .arg(p->gatewayRef, ref));
        // Forward only, as the payouts' guard allows: a pending payout was sent first.
        if (p->status == QLatin1String("pending")) {
            PayoutRepository(conn).move(payoutId, p->status, sent, m_workflow.now());
            p->status = sent;
        }
        const QString status = paid ? QStringLiteral("succeeded") : QStringLiteral("failed");
        move(conn, *c, status, ref, paid ? QString() : note.trimmed(), actor,
             paid ? QStringLiteral("payout_paid") : QStringLiteral("payout_failed"),
             tr("payout %1 of %2 marked %3 by hand%4: %5")
                 .arg(payoutId)
                 .arg(formatMoney(p->amountCents, p->currency), status,
                      ref.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(ref),
                      note.trimmed()));
        return *p;
    });
}

PayoutRecord PayoutBook::retry(qint64 failedPayoutId, const QString &note, const QString &actor)
{
    if (note.trimmed().isEmpty())
        refuse(tr("say in a note why the payout is sent again"));
    return WriteTransaction::run(m_db, [&](const QSqlDatabase &conn) {
        PayoutRepository payouts(conn);
        const auto failed = payouts.lock(failedPayoutId);
        if (!failed)
            refuse(tr("no payout with id %1").arg(failedPayoutId));
        if (failed->status != QLatin1String("failed"))
            refuse(tr("payout %1 is %2: only a failed payout can be retried")
                       .arg(failedPayoutId)
                       .arg(failed->status));
        if (const auto earlier = payouts.retryOf(failedPayoutId))
            refuse(tr("payout %1 was already retried as payout %2")
                       .arg(failedPayoutId)
                       .arg(earlier->id));
        PayoutRecord p;
        p.requestId = failed->requestId;
        p.purchaseId = failed->purchaseId;
        p.accountId = failed->accountId;
        p.amountCents = failed->amountCents;
        p.currency = failed->currency;
        p.createdAt = m_workflow.now();
        p.retryOf = failedPayoutId;
        p.id = payouts.create(p);
        AuditRecord a;
        a.at = p.createdAt;
        a.actor = actor;
        a.action = QStringLiteral("payout_retried");
        a.accountId = p.accountId;
        a.requestId = p.requestId;
        a.note = note.trimmed();
        a.details = QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("payout"), p.id},
                                      {QStringLiteral("retry_of"), failedPayoutId}})
                .toJson(QJsonDocument::Compact));
        AuditRepository(conn).append(a);
        OutboxPublisher(conn).refundUpdated(p.createdAt, p);
        return p;
    });
}
