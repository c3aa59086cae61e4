#include "platformevents.h"

#include "rules/policycasejson.h"
#include "rules/policytypes.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <cmath>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("PlatformEvents", text);
}

[[noreturn]] void fail(const QString &field, const QString &message)
{
    throw EventProblem{field, message};
}

int depth(const QJsonValue &v)
{
    int deepest = 0;
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            deepest = std::max(deepest, depth(it.value()));
        return deepest + 1;
    }
    if (v.isArray()) {
        for (const QJsonValue item : v.toArray())
            deepest = std::max(deepest, depth(item));
        return deepest + 1;
    }
    return 0;
}

// Reads the fields of one data object; every problem names "data.<field>".
class Data
{
public:
    explicit Data(const QJsonObject &o) : m_o(o) {}

    QString text(const char *key, bool required, int maxLength = 200) const
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(field(key), tr("is required"));
            return {};
        }
        if (!v.isString())
            fail(field(key), tr("must be a string"));
        const QString s = v.toString();
        if (required && s.trimmed().isEmpty())
            fail(field(key), tr("must not be empty"));
        if (s.size() > maxLength)
            fail(field(key), tr("is longer than %1 characters").arg(maxLength));
        return s;
    }
    std::optional<qint64> number(const char *key, bool required, qint64 min = 0,
                                 qint64 max = PlatformEvents::maxNumber) const
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(field(key), tr("is required"));
            return std::nullopt;
        }
        if (!v.isDouble())
            fail(field(key), tr("must be a whole number"));
        const double d = v.toDouble();
        if (d != std::floor(d))
            fail(field(key), tr("must be a whole number, not %1").arg(d, 0, 'g', 17));
        if (d < double(min) || d > double(max))
            fail(field(key), tr("must be a whole number from %1 to %2, not %3")
                                 .arg(min)
                                 .arg(max == PlatformEvents::maxNumber ? QStringLiteral("10^15")
                                                                       : QString::number(max))
                                 .arg(d, 0, 'f', 0));
        return qint64(d);
    }
    bool boolean(const char *key, bool fallback) const
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return fallback;
        if (!v.isBool())
            fail(field(key), tr("must be true or false"));
        return v.toBool();
    }
    qint64 time(const char *key, bool required) const
    {
        const QString s = text(key, required, 64);
        if (s.isEmpty())
            return 0;
        const auto t = PolicyCaseJson::parseTime(s);
        if (!t)
            fail(field(key),
                 tr("\"%1\" is not an RFC 3339 time such as 2026-03-05T10:00:00Z").arg(s));
        return *t;
    }
    QString oneOf(const char *key, std::initializer_list<const char *> allowed, bool required,
                  const char *fallback = "") const
    {
        QString s = text(key, required);
        if (s.isEmpty())
            return QLatin1String(fallback);
        QStringList names;
        for (const char *a : allowed) {
            if (s == QLatin1String(a))
                return s;
            names << QLatin1String(a);
        }
        fail(field(key), tr("\"%1\" is not one of %2").arg(s, names.join(QStringLiteral(", "))));
    }
    static QString field(const char *key) { return QStringLiteral("data.") + QLatin1String(key); }

private:
    QJsonObject m_o;
};

const QStringList &types()
{
    static const QStringList list{
        QStringLiteral("account.upserted"),   QStringLiteral("purchase.completed"),
        QStringLiteral("purchase.delivered"), QStringLiteral("job.finished"),
        QStringLiteral("outage.recorded"),    QStringLiteral("refund.requested"),
        QStringLiteral("chargeback.opened")};
    return list;
}
} // namespace

bool PlatformEvents::knownType(const QString &type)
{
    return types().contains(type);
}

PlatformEvents::Envelope PlatformEvents::envelope(const QByteArray &json)
{
    if (json.size() > maxLineBytes)
        fail(QString(), tr("an event is at most 1 MiB, this one is %1 bytes").arg(json.size()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        fail(QString(),
             tr("not JSON (at offset %1: %2)").arg(error.offset).arg(error.errorString()));
    if (!doc.isObject())
        fail(QString(), tr("an event is one JSON object"));
    return envelope(doc.object());
}

PlatformEvents::Envelope PlatformEvents::envelope(const QJsonObject &o)
{
    if (depth(o) > maxDepth)
        fail(QString(), tr("nested deeper than %1 levels").arg(maxDepth));
    const QJsonValue id = o.value(QStringLiteral("id"));
    if (!id.isString() || id.toString().isEmpty() || id.toString().size() > 200)
        fail(QStringLiteral("id"), tr("must be a string of 1 to 200 characters"));
    Envelope e;
    e.id = id.toString();
    try {
        envelopeRest(o, e);
    } catch (EventProblem &p) {
        p.eventId = e.id;
        throw;
    }
    return e;
}

void PlatformEvents::envelopeRest(const QJsonObject &o, Envelope &e)
{
    const QJsonValue type = o.value(QStringLiteral("type"));
    if (!type.isString())
        fail(QStringLiteral("type"), tr("is required"));
    e.type = type.toString();
    if (!knownType(e.type))
        fail(QStringLiteral("type"), tr("unknown event type \"%1\" (known: %2)")
                                         .arg(e.type, types().join(QStringLiteral(", "))));
    const QJsonValue at = o.value(QStringLiteral("at"));
    const auto t = at.isString() ? PolicyCaseJson::parseTime(at.toString()) : std::nullopt;
    if (!t)
        fail(QStringLiteral("at"), tr("must be an RFC 3339 time such as 2026-03-05T10:00:00Z"));
    e.at = *t;
    const QJsonValue data = o.value(QStringLiteral("data"));
    if (!data.isObject())
        fail(QStringLiteral("data"), tr("must be a JSON object"));
    e.data = data.toObject();
}

PlatformEvents::AccountUpserted PlatformEvents::accountUpserted(const QJsonObject &data)
{
    const Data d(data);
    AccountUpserted a;
    a.account = d.text("account", true);
    a.email = d.text("email", true, 320);
    if (!a.email.contains(QLatin1Char('@')))
        fail(Data::field("email"), tr("\"%1\" is not an email address").arg(a.email));
    a.name = d.text("name", true, 500);
    a.profile = d.text("profile", true, 100);
    a.status = d.oneOf("status", {"active", "suspended", "terminated"}, false, "active");
    return a;
}

PlatformEvents::PurchaseCompleted PlatformEvents::purchaseCompleted(const QJsonObject &data)
{
    static const QRegularExpression iso4217(QStringLiteral("^[A-Z]{3}$"));
    const Data d(data);
    PurchaseCompleted p;
    p.purchase = d.text("purchase", true);
    p.account = d.text("account", true);
    p.credits = *d.number("credits", true);
    p.amountCents = *d.number("amount_cents", true);
    p.currency = d.text("currency", true, 10);
    if (!iso4217.match(p.currency).hasMatch())
        fail(Data::field("currency"), tr("\"%1\" is not an ISO 4217 code").arg(p.currency));
    p.paymentRef = d.text("payment_ref", true);
    p.kind = d.oneOf("kind", {"credits", "subscription"}, false, "credits");
    p.package = d.text("package", false);
    p.feeCents = d.number("fee_cents", false).value_or(0);
    if (p.feeCents > p.amountCents)
        fail(Data::field("fee_cents"),
             tr("%1 is above amount_cents %2").arg(p.feeCents).arg(p.amountCents));
    p.delivered = d.boolean("delivered", true);
    p.chargeCount = int(d.number("charge_count", false, 1, 1000).value_or(1));
    return p;
}

PlatformEvents::PurchaseDelivered PlatformEvents::purchaseDelivered(const QJsonObject &data)
{
    return {Data(data).text("purchase", true)};
}

PlatformEvents::JobFinished PlatformEvents::jobFinished(const QJsonObject &data)
{
    const Data d(data);
    JobFinished j;
    j.job = d.text("job", true);
    j.account = d.text("account", true);
    j.credits = *d.number("credits", true, 1);
    j.status = d.oneOf("status", {"succeeded", "failed"}, true);
    j.model = d.text("model", false);
    j.failure =
        d.oneOf("failure", {"platform", "user", "unknown"}, j.status == QLatin1String("failed"));
    if (j.status == QLatin1String("succeeded") && !j.failure.isEmpty())
        fail(Data::field("failure"), tr("a succeeded job has no failure"));
    j.error = d.text("error", false, 2000);
    return j;
}

PlatformEvents::OutageRecorded PlatformEvents::outageRecorded(const QJsonObject &data)
{
    const Data d(data);
    OutageRecorded o;
    o.outage = d.text("outage", true);
    o.from = d.time("from", true);
    o.to = d.time("to", true);
    if (o.to < o.from)
        fail(Data::field("to"), tr("is before from"));
    o.description = d.text("description", false, 2000);
    return o;
}

PlatformEvents::RefundRequested PlatformEvents::refundRequested(const QJsonObject &data)
{
    const Data d(data);
    RefundRequested r;
    r.request = d.text("request", true);
    r.account = d.text("account", false);
    r.email = d.text("email", false, 320);
    if (r.account.isEmpty() && r.email.isEmpty())
        fail(Data::field("account"), tr("is required (or email)"));
    r.type = d.text("type", true, 50);
    const auto type = PolicyNames::toRequestType(r.type);
    if (!type || *type == RequestType::Chargeback)
        fail(Data::field("type"), tr("\"%1\" is not a request type").arg(r.type));
    r.purchase = d.text("purchase", false);
    r.job = d.text("job", false);
    r.amountCents = d.number("amount_cents", false);
    r.message = d.text("message", false, 20000);
    return r;
}

PlatformEvents::ChargebackOpened PlatformEvents::chargebackOpened(const QJsonObject &data)
{
    const Data d(data);
    ChargebackOpened c;
    c.purchase = d.text("purchase", true);
    c.reason = d.text("reason", false, 2000);
    c.contactedSupportFirst = d.boolean("contacted_support_first", false);
    c.dueBy = d.time("due_by", false);
    return c;
}

void PlatformEvents::check(const Envelope &e)
{
    if (e.type == QLatin1String("account.upserted"))
        accountUpserted(e.data);
    else if (e.type == QLatin1String("purchase.completed"))
        purchaseCompleted(e.data);
    else if (e.type == QLatin1String("purchase.delivered"))
        purchaseDelivered(e.data);
    else if (e.type == QLatin1String("job.finished"))
        jobFinished(e.data);
    else if (e.type == QLatin1String("outage.recorded"))
        outageRecorded(e.data);
    else if (e.type == QLatin1String("refund.requested"))
        refundRequested(e.data);
    else if (e.type == QLatin1String("chargeback.opened"))
        chargebackOpened(e.data);
}
