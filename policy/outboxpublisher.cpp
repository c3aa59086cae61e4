#include "outboxpublisher.h"

#include "models/externalidrepository.h"
#include "models/outboxrepository.h"
#include "models/payoutrepository.h"

#include <QJsonObject>
#include <tuple>

namespace {
using Kind = ExternalIdRepository::Kind;
}

QString OutboxPublisher::restoreReason(const QString &requestType)
{
    for (const char *reason :
         {"failed_job", "not_delivered", "duplicate_charge", "billing_error", "outage"})
        if (requestType == QLatin1String(reason))
            return requestType == QLatin1String("failed_job") ? QStringLiteral("job_credit_back")
                                                              : requestType;
    return QStringLiteral("goodwill");
}

namespace {
// credits.restored and credits.revoked share their shape; a 0 id is left out.
void creditsEvent(const QSqlDatabase &db, const char *type, qint64 at, qint64 account,
                  qint64 credits, const QString &reason, qint64 job, qint64 purchase,
                  qint64 request)
{
    const ExternalIdRepository ids(db);
    QJsonObject data{{QStringLiteral("account"), ids.externalOf(Kind::Account, account)},
                     {QStringLiteral("credits"), credits},
                     {QStringLiteral("reason"), reason}};
    for (const auto &[key, kind, id] :
         {std::tuple{"job", Kind::Job, job}, std::tuple{"purchase", Kind::Purchase, purchase},
          std::tuple{"request", Kind::Request, request}})
        if (id)
            data.insert(QLatin1String(key), ids.externalOf(kind, id));
    OutboxRepository(db).append(QLatin1String(type), at, data);
}

void accountEvent(const QSqlDatabase &db, const char *type, qint64 at, qint64 account,
                  const QString &reason)
{
    OutboxRepository(db).append(
        QLatin1String(type), at,
        {{QStringLiteral("account"), ExternalIdRepository(db).externalOf(Kind::Account, account)},
         {QStringLiteral("reason"), reason}});
}
} // namespace

void OutboxPublisher::creditsRestored(qint64 at, qint64 account, qint64 credits,
                                      const QString &reason, qint64 job, qint64 purchase,
                                      qint64 request)
{
    creditsEvent(m_db, "credits.restored", at, account, credits, reason, job, purchase, request);
}

void OutboxPublisher::creditsRevoked(qint64 at, qint64 account, qint64 credits,
                                     const QString &reason, qint64 purchase, qint64 request)
{
    creditsEvent(m_db, "credits.revoked", at, account, credits, reason, 0, purchase, request);
}

void OutboxPublisher::accountSuspended(qint64 at, qint64 account, const QString &reason)
{
    accountEvent(m_db, "account.suspended", at, account, reason);
}

void OutboxPublisher::accountReinstated(qint64 at, qint64 account, const QString &reason)
{
    accountEvent(m_db, "account.reinstated", at, account, reason);
}

void OutboxPublisher::requestDecided(qint64 at, qint64 request, qint64 account,
                                     const QString &verdict, const QString &remedy,
                                     qint64 refundCents, const QString &currency, qint64 credits,
                                     const QString &reply)
{
    const ExternalIdRepository ids(m_db);
    QJsonObject data{{QStringLiteral("request"), ids.externalOf(Kind::Request, request)},
                     {QStringLiteral("account"), ids.externalOf(Kind::Account, account)},
                     {QStringLiteral("verdict"), verdict},
                     {QStringLiteral("remedy"), remedy},
                     {QStringLiteral("refund_cents"), refundCents},
                     {QStringLiteral("credits"), credits},
                     {QStringLiteral("reply"), reply}};
    if (!currency.isEmpty())
        data.insert(QStringLiteral("currency"), currency);
    OutboxRepository(m_db).append(QStringLiteral("request.decided"), at, data);
}

void OutboxPublisher::refundUpdated(qint64 at, const PayoutRecord &p)
{
    const ExternalIdRepository ids(m_db);
    refundUpdated(at, p, ids.externalOf(Kind::Purchase, p.purchaseId),
                  p.requestId ? ids.externalOf(Kind::Request, p.requestId) : QString());
}

void OutboxPublisher::refundUpdated(qint64 at, const PayoutRecord &p, const QString &purchaseRef,
                                    const QString &requestRef)
{
    QJsonObject data{{QStringLiteral("purchase"), purchaseRef},
                     {QStringLiteral("payout"), p.id},
                     {QStringLiteral("amount_cents"), p.amountCents},
                     {QStringLiteral("currency"), p.currency},
                     {QStringLiteral("status"), p.status}};
    if (p.requestId)
        data.insert(QStringLiteral("request"), requestRef);
    if (!p.gatewayRef.isEmpty())
        data.insert(QStringLiteral("provider_ref"), p.gatewayRef);
    OutboxRepository(m_db).append(QStringLiteral("refund.updated"), at, data);
}
