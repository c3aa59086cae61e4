#pragma once
// Every move of a payout (INTEGRATION.md section 4), each in one transaction with its audit row
// and, when the state changes, an outbox refund.updated: sending, the processor's answer, a
// webhook, a person marking or retrying one. The payouts worker and refundctl go through here.

#include "models/payoutrepository.h"
#include "models/stripeclient.h"

#include <QSqlDatabase>
#include <QString>
#include <optional>

class Database;
class RefundWorkflow;

// What leaves for the processor: the payout as recorded "sent", and the request to make.
struct PayoutSending
{
    PayoutRecord payout;
    StripeClient::RefundParams params;
};

class PayoutBook
{
public:
    PayoutBook(Database &database, RefundWorkflow &workflow);

    // Who the audit trail names for what the worker and the webhooks do.
    static QString workerActor();
    static QString processorActor();

    // The idempotency key of a payout: the same for every attempt, different in every database
    // (refunddesk-<database uuid>-payout-<id>).
    QString idempotencyKey(qint64 payoutId);

    // Records a pending payout as sent (its own transaction, before the request leaves) and
    // returns what to send; nothing when another worker took it first. Throws DatabaseError
    // when it cannot go to the processor (a payment reference that is not Stripe's): it stays
    // pending for a person.
    std::optional<PayoutSending> startSending(qint64 payoutId);
    // The same request again, with the same key, for a payout whose outcome is not known
    // (reconcile); nothing when it has been settled meanwhile.
    std::optional<PayoutSending> resend(qint64 payoutId);
    // What the processor answered (or that it did not). Returns the payout as it now is.
    PayoutRecord recordAnswer(qint64 payoutId, const StripeAnswer &answer);
    // A refund the processor reports (an answer, a listing, a webhook), inside the caller's
    // transaction: moves its payout. Returns the payout, or nothing when no payout of ours
    // matches. Throws DatabaseError when the refund contradicts the payout (another amount).
    std::optional<PayoutRecord> applyRefund(const QSqlDatabase &conn, const StripeRefund &refund,
                                            const QString &actor);

    // Manual handling (no processor configured): a person sent the money back, or could not,
    // and says so with the reference and a note. Only a payout still on its way (pending, sent,
    // unknown) moves, forward, once. Throws DatabaseError naming why it was refused.
    PayoutRecord markByHand(qint64 payoutId, bool paid, const QString &reference,
                            const QString &note, const QString &actor);
    // A failed payout sent again by a person, as a new payout (a new idempotency key: the
    // failed one made no refund) with the same amount. Once per failed payout. Returns the new
    // payout. Throws DatabaseError.
    PayoutRecord retry(qint64 failedPayoutId, const QString &note, const QString &actor);

private:
    // Moves the payout to `status` (when it changes), writes the audit row and the outbox
    // event.
    void move(const QSqlDatabase &conn, PayoutContext &c, const QString &status, const QString &ref,
              const QString &reason, const QString &actor, const QString &action,
              const QString &note);
    // What to send for a payout; refuses a payment reference that is not the processor's.
    PayoutSending sending(const PayoutContext &c);
    // applyRefund() on a payout already locked.
    void applyTo(const QSqlDatabase &conn, PayoutContext &c, const StripeRefund &refund,
                 const QString &actor);

    Database &m_db;
    RefundWorkflow &m_workflow;
    QString m_uuid;
};
