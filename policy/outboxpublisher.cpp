#include "outboxpublisher.h"

#include "models/externalidrepository.h"
#include "models/outboxrepository.h"
#include "models/payoutrepository.h"

#include <QJsonObject>

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

void OutboxPublisher::creditsRestored(qint64 at, qint64 account, qint64 credits,
                                      const QString &reason, qint64 job, qint64 purchase,
                                      qint64 request)
{
    const ExternalIdRepository ids(m_db);
    QJsonObject data{{QStringLiteral("account"), ids.externalOf(Kind::Account, account)},
                     {QStringLiteral("credits"), credits},
                     {QStringLiteral("reason"), reason}};
    if (job)
        data.insert(QStringLiteral("job"), ids.externalOf(Kind::Job, job));
    if (purchase)
        data.insert(QStringLiteral("purchase"), ids.externalOf(Kind::Purchase, purchase));
    if (request)
        data.insert(QStringLiteral("request"), ids.externalOf(Kind::Request, request));
    OutboxRepository(m_db).append(QStringLiteral("credits.restored"), at, data);
}

void OutboxPublisher::creditsRevoked(qint64 at, qint64 account, qint64 credits,
                                     const QString &reason, qint64 purchase, qint64 request)
{
    const ExternalIdRepository ids(m_db);
    QJsonObject data{{QStringLiteral("account"), ids.externalOf(Kind::Account, account)},
                     {QStringLiteral("credits"), credits},
                     {QStringLiteral("reason"), reason}};
    if (purchase)
        data.insert(QStringLiteral("purchase"), ids.externalOf(Kind::Purchase, purchase));
    if (request)
        data.insert(QStringLiteral("request"), ids.externalOf(Kind::Request, request));
    OutboxRepository(m_db).append(QStringLiteral("credits.revoked"), at, data);
}

void OutboxPublisher::accountSuspended(qint64 at, qint64 account, const QString &reason)
{
    OutboxRepository(m_db).append(
        QStringLiteral("account.suspended"), at,
        {{QStringLiteral("account"), ExternalIdRepository(m_db).externalOf(Kind::Account, account)},
         {QStringLiteral("reason"), reason}});
}

void OutboxPublisher::accountReinstated(qint64 at, qint64 account, const QString &reason)
{
    OutboxRepository(m_db).append(
        QStringLiteral("account.reinstated"), at,
        {{QStringLiteral("account"), ExternalIdRepository(m_db).externalOf(Kind::Account, account)},
         {QStringLiteral("reason"), reason}});
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
    QJsonObject data{{QStringLiteral("purchase"), ids.externalOf(Kind::Purchase, p.purchaseId)},
                     {QStringLiteral("payout"), p.id},
                     {QStringLiteral("amount_cents"), p.amountCents},
                     {QStringLiteral("currency"), p.currency},
                     {QStringLiteral("status"), p.status}};
    if (p.requestId)
        data.insert(QStringLiteral("request"), ids.externalOf(Kind::Request, p.requestId));
    if (!p.gatewayRef.isEmpty())
        data.insert(QStringLiteral("provider_ref"), p.gatewayRef);
    OutboxRepository(m_db).append(QStringLiteral("refund.updated"), at, data);
}
