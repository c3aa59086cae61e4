#pragma once
// The platform's events (INTEGRATION.md, section 1) read and checked field by field: pure, no
// database. A problem is thrown as EventProblem naming the field ("data.currency").

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

struct EventProblem
{
    QString field; // "id", "type", "at", "data.currency", or "" for the event as a whole
    QString message;
    QString eventId = {}; // when the problem was found after the id was read
};

namespace PlatformEvents {
constexpr qint64 maxLineBytes = 1024 * 1024;       // one event (a line of NDJSON)
constexpr qint64 maxBatchBytes = 16 * 1024 * 1024; // one HTTP body
constexpr int maxDepth = 16;                       // nesting of objects and arrays
constexpr qint64 maxNumber = 1'000'000'000'000'000;

// Every event: id, type, at, data. Throws EventProblem.
struct Envelope
{
    QString id;
    QString type;
    qint64 at = 0;
    QJsonObject data;
};
Envelope envelope(const QByteArray &json);
Envelope envelope(const QJsonObject &object);
// The type, time and data of an envelope whose id is read.
void envelopeRest(const QJsonObject &object, Envelope &envelope);
bool knownType(const QString &type);

struct AccountUpserted
{
    QString account, email, name, profile, status;
};
struct PurchaseCompleted
{
    QString purchase, account, currency, paymentRef, kind, package;
    qint64 credits = 0, amountCents = 0, feeCents = 0;
    int chargeCount = 1;
    bool delivered = true;
};
struct PurchaseDelivered
{
    QString purchase;
};
struct JobFinished
{
    QString job, account, status, model, failure, error;
    qint64 credits = 0;
};
struct OutageRecorded
{
    QString outage, description;
    qint64 from = 0, to = 0;
};
struct RefundRequested
{
    QString request, account, email, type, purchase, job, message;
    std::optional<qint64> amountCents;
};
struct ChargebackOpened
{
    QString purchase, reason;
    bool contactedSupportFirst = false;
    qint64 dueBy = 0;
};

// The data of each type, checked; each throws EventProblem.
AccountUpserted accountUpserted(const QJsonObject &data);
PurchaseCompleted purchaseCompleted(const QJsonObject &data);
PurchaseDelivered purchaseDelivered(const QJsonObject &data);
JobFinished jobFinished(const QJsonObject &data);
OutageRecorded outageRecorded(const QJsonObject &data);
RefundRequested refundRequested(const QJsonObject &data);
ChargebackOpened chargebackOpened(const QJsonObject &data);
// Checks the data of an event of any known type without the database.
void check(const Envelope &event);
} // namespace PlatformEvents
