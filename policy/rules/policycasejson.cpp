#include "policycasejson.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("PolicyCaseJson", text);
}

struct BadInput
{
    QString message;
};

[[noreturn]] void fail(const QString &field, const QString &what)
{
    throw BadInput{QStringLiteral("%1: %2").arg(field, what)};
}

QJsonObject object(const QJsonValue &v, const QString &field, bool required)
{
    if (v.isUndefined() && !required)
        return {};
    if (!v.isObject())
        fail(field, tr("must be a JSON object"));
    return v.toObject();
}

QJsonArray array(const QJsonObject &o, const QString &key, const QString &field)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return {};
    if (!v.isArray())
        fail(field, tr("must be a list"));
    return v.toArray();
}

QString string(const QJsonObject &o, const QString &key, const QString &field, bool required,
               const QString &fallback = {})
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (required)
            fail(field, tr("is required"));
        return fallback;
    }
    if (!v.isString())
        fail(field, tr("must be a string"));
    return v.toString();
}

bool boolean(const QJsonObject &o, const QString &key, const QString &field, bool fallback)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return fallback;
    if (!v.isBool())
        fail(field, tr("must be true or false"));
    return v.toBool();
}

// Money and credits are whole numbers in min..max (POLICIES.md: 0..10^15); a fraction, a
// negative value or one out of bounds is refused, never truncated or wrapped.
qint64 count(const QJsonObject &o, const QString &key, const QString &field,
             std::optional<qint64> fallback, qint64 min = 0, qint64 max = PolicyBounds::maxFigure)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull()) {
        if (!fallback)
            fail(field, tr("is required"));
        return *fallback;
    }
    if (!v.isDouble())
        fail(field, tr("must be a whole number"));
    const double d = v.toDouble();
    if (d != std::floor(d))
        fail(field, tr("must be a whole number, not %1").arg(d, 0, 'g', 17));
    if (d < 0 && min >= 0)
        fail(field, tr("must not be negative (%1)").arg(d, 0, 'f', 0));
    if (d < double(min) || d > double(max))
        fail(field, tr("must be a whole number from %1 to %2, not %3")
                        .arg(min)
                        .arg(max == PolicyBounds::maxFigure ? QStringLiteral("10^15")
                                                            : QString::number(max))
                        .arg(d, 0, 'f', 0));
    return qint64(d);
}

qint64 time(const QJsonObject &o, const QString &key, const QString &field)
{
    const QString text = string(o, key, field, true);
    const auto t = PolicyCaseJson::parseTime(text);
    if (!t)
        fail(field, tr("malformed time '%1' (RFC 3339, e.g. 2026-03-05T10:00:00Z)").arg(text));
    return *t;
}

template <typename E>
E enumValue(const QJsonObject &o, const QString &key, const QString &field,
            std::optional<E> (*parse)(const QString &), std::optional<E> fallback, const char *what)
{
    const QJsonValue v = o.value(key);
    if ((v.isUndefined() || v.isNull()) && fallback)
        return *fallback;
    const QString text = string(o, key, field, true);
    const std::optional<E> e = parse(text);
    if (!e)
        fail(field, tr("unknown %1 '%2'").arg(QLatin1String(what), text));
    return *e;
}

// Ids seen so far and their positions: a lookup per id, so a case of many purchases or jobs
// is read in linear time.
using IdIndex = QHash<QString, int>;

int indexOf(const IdIndex &ids, const QString &id)
{
    return ids.value(id, -1);
}

QString jsonString(const QString &s)
{
    // QJsonDocument does the escaping; strip the array brackets around the one value.
    const QByteArray a = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(a.mid(1, a.size() - 2));
}

PolicyCaseJson::Parsed parseCase(const QByteArray &json)
{
    if (json.size() > PolicyCaseJson::maxCaseBytes)
        fail(QStringLiteral("JSON"),
             tr("a case is at most 16 MiB, this one is %1 bytes").arg(json.size()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        fail(QStringLiteral("JSON"), tr("does not parse at offset %1: %2")
                                         .arg(parseError.offset)
                                         .arg(parseError.errorString()));
    if (!doc.isObject())
        fail(QStringLiteral("JSON"), tr("a case is one JSON object"));
    const QJsonObject root = doc.object();

    PolicyCaseJson::Parsed parsed;
    PolicyCase &c = parsed.policyCase;
    parsed.profile = string(root, QStringLiteral("profile"), QStringLiteral("profile"), false);

    const QJsonObject account =
        object(root.value(QStringLiteral("account")), QStringLiteral("account"), false);
    c.account.status = enumValue<AccountStatus>(
        account, QStringLiteral("status"), QStringLiteral("account.status"),
        &PolicyNames::toAccountStatus, AccountStatus::Active, "account status");
    c.account.contactedSupportFirst =
        boolean(account, QStringLiteral("contacted_support_first"),
                QStringLiteral("account.contacted_support_first"), true);

    IdIndex purchaseIds;
    IdIndex jobIds;
    const QJsonArray purchases =
        array(root, QStringLiteral("purchases"), QStringLiteral("purchases"));
    for (qsizetype i = 0; i < purchases.size(); ++i) {
        const QString f = QStringLiteral("purchases[%1]").arg(i);
        const QJsonObject o = object(purchases.at(i), f, true);
        CasePurchase p;
        p.id = string(o, QStringLiteral("id"), f + QStringLiteral(".id"), true);
        p.at = time(o, QStringLiteral("at"), f + QStringLiteral(".at"));
        const QString kind = string(o, QStringLiteral("kind"), f + QStringLiteral(".kind"), false,
                                    QStringLiteral("credits"));
        if (kind != QLatin1String("credits") && kind != QLatin1String("subscription"))
            fail(f + QStringLiteral(".kind"),
                 tr("must be credits or subscription, not '%1'").arg(kind));
        p.subscription = kind == QLatin1String("subscription");
        p.credits =
            count(o, QStringLiteral("credits"), f + QStringLiteral(".credits"), std::nullopt);
        p.creditsUsed =
            count(o, QStringLiteral("credits_used"), f + QStringLiteral(".credits_used"), 0);
        p.amountCents = count(o, QStringLiteral("amount_cents"),
                              f + QStringLiteral(".amount_cents"), std::nullopt);
        p.currency = string(o, QStringLiteral("currency"), f + QStringLiteral(".currency"), false,
                            QStringLiteral("USD"));
        if (!QRegularExpression(QStringLiteral("^[A-Z]{3}$")).match(p.currency).hasMatch())
            fail(f + QStringLiteral(".currency"),
                 tr("must be an ISO 4217 code such as USD, not '%1'").arg(p.currency));
        p.feeCents = count(o, QStringLiteral("fee_cents"), f + QStringLiteral(".fee_cents"), 0);
        p.delivered =
            boolean(o, QStringLiteral("delivered"), f + QStringLiteral(".delivered"), true);
        p.chargeCount =
            int(count(o, QStringLiteral("charge_count"), f + QStringLiteral(".charge_count"), 1, 1,
                      PolicyBounds::maxChargeCount));
        p.disputed = boolean(o, QStringLiteral("disputed"), f + QStringLiteral(".disputed"), false);
        if (p.feeCents > p.amountCents)
            fail(f + QStringLiteral(".fee_cents"),
                 tr("%1 is above amount_cents %2").arg(p.feeCents).arg(p.amountCents));
        if (p.creditsUsed > p.credits)
            fail(f + QStringLiteral(".credits_used"),
                 tr("%1 is above credits %2").arg(p.creditsUsed).arg(p.credits));
        const QJsonArray granted =
            array(o, QStringLiteral("granted"), f + QStringLiteral(".granted"));
        for (qsizetype g = 0; g < granted.size(); ++g) {
            const QString gf = f + QStringLiteral(".granted[%1]").arg(g);
            const QJsonValue v = granted.at(g);
            const auto type = v.isString() ? PolicyNames::toRequestType(v.toString())
                                           : std::optional<RequestType>();
            if (!type)
                fail(gf, tr("must be a request type, not '%1'").arg(v.toVariant().toString()));
            p.grant(*type);
        }
        p.refundedCents =
            count(o, QStringLiteral("refunded_cents"), f + QStringLiteral(".refunded_cents"), 0);
        p.restoredCredits = count(o, QStringLiteral("restored_credits"),
                                  f + QStringLiteral(".restored_credits"), 0);
        if (purchaseIds.contains(p.id))
            fail(f + QStringLiteral(".id"), tr("'%1' appears twice").arg(p.id));
        purchaseIds.insert(p.id, int(c.purchases.size()));
        c.purchases << p;
    }

    const QJsonArray jobs = array(root, QStringLiteral("jobs"), QStringLiteral("jobs"));
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        const QString f = QStringLiteral("jobs[%1]").arg(i);
        const QJsonObject o = object(jobs.at(i), f, true);
        CaseJob j;
        j.id = string(o, QStringLiteral("id"), f + QStringLiteral(".id"), true);
        j.at = time(o, QStringLiteral("at"), f + QStringLiteral(".at"));
        j.credits =
            count(o, QStringLiteral("credits"), f + QStringLiteral(".credits"), std::nullopt);
        j.status = enumValue<JobStatus>(o, QStringLiteral("status"), f + QStringLiteral(".status"),
                                        &PolicyNames::toJobStatus, std::nullopt, "job status");
        const QJsonValue failure = o.value(QStringLiteral("failure"));
        if (!failure.isUndefined() && !failure.isNull())
            j.failure = enumValue<FailureCause>(
                o, QStringLiteral("failure"), f + QStringLiteral(".failure"),
                &PolicyNames::toFailureCause, std::nullopt, "failure cause");
        else if (j.status == JobStatus::Failed)
            j.failure = FailureCause::Unknown; // a failure nobody has classified yet
        j.compensated =
            boolean(o, QStringLiteral("compensated"), f + QStringLiteral(".compensated"), false);
        if (jobIds.contains(j.id))
            fail(f + QStringLiteral(".id"), tr("'%1' appears twice").arg(j.id));
        jobIds.insert(j.id, int(c.jobs.size()));
        c.jobs << j;
    }

    const QJsonArray outages = array(root, QStringLiteral("outages"), QStringLiteral("outages"));
    for (qsizetype i = 0; i < outages.size(); ++i) {
        const QString f = QStringLiteral("outages[%1]").arg(i);
        const QJsonObject o = object(outages.at(i), f, true);
        CaseOutage out{time(o, QStringLiteral("from"), f + QStringLiteral(".from")),
                       time(o, QStringLiteral("to"), f + QStringLiteral(".to"))};
        if (out.to < out.from)
            fail(f + QStringLiteral(".to"), tr("is before from"));
        c.outages << out;
    }

    const QJsonObject request =
        object(root.value(QStringLiteral("request")), QStringLiteral("request"), true);
    c.request.type =
        enumValue<RequestType>(request, QStringLiteral("type"), QStringLiteral("request.type"),
                               &PolicyNames::toRequestType, std::nullopt, "request type");
    c.request.at = time(request, QStringLiteral("at"), QStringLiteral("request.at"));
    const QString purchaseId = string(request, QStringLiteral("purchase_id"),
                                      QStringLiteral("request.purchase_id"), false);
    if (!purchaseId.isEmpty()) {
        c.request.purchase = indexOf(purchaseIds, purchaseId);
        if (c.request.purchase < 0)
            fail(QStringLiteral("request.purchase_id"),
                 tr("no purchase '%1' in the case").arg(purchaseId));
    }
    const QString jobId =
        string(request, QStringLiteral("job_id"), QStringLiteral("request.job_id"), false);
    if (!jobId.isEmpty()) {
        c.request.job = indexOf(jobIds, jobId);
        if (c.request.job < 0)
            fail(QStringLiteral("request.job_id"), tr("no job '%1' in the case").arg(jobId));
    }
    if (request.contains(QStringLiteral("amount_cents")))
        c.request.amountCents = count(request, QStringLiteral("amount_cents"),
                                      QStringLiteral("request.amount_cents"), std::nullopt);

    const QString missing = c.missingReference();
    if (!missing.isEmpty())
        fail(QStringLiteral("request.") + missing,
             tr("is required for a %1 request").arg(PolicyNames::requestType(c.request.type)));
    return parsed;
}
} // namespace

std::optional<qint64> PolicyCaseJson::parseTime(const QString &text)
{
    static const QRegularExpression rfc3339(QStringLiteral(
        "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"));
    if (!rfc3339.match(text).hasMatch())
        return std::nullopt;
    const QDateTime dt = QDateTime::fromString(
        text.toUpper().replace(QLatin1Char(' '), QLatin1Char('T')), Qt::ISODateWithMs);
    if (!dt.isValid())
        return std::nullopt;
    return dt.toSecsSinceEpoch();
}

std::optional<PolicyCaseJson::Parsed> PolicyCaseJson::parse(const QByteArray &json, QString *error)
{
    try {
        return parseCase(json);
    } catch (const BadInput &bad) {
        *error = bad.message;
        return std::nullopt;
    }
}

QByteArray PolicyCaseJson::outcomeToJson(const PolicyOutcome &o)
{
    auto list = [](const QStringList &items) {
        QStringList quoted;
        for (const QString &s : items)
            quoted << jsonString(s);
        return QLatin1Char('[') + quoted.join(QStringLiteral(", ")) + QLatin1Char(']');
    };
    const QString text =
        QStringLiteral("{ \"verdict\": %1, \"remedy\": %2, \"refund_cents\": %3, \"credits\": %4, "
                       "\"actions\": %5, \"clauses\": %6, \"respond_by\": %7, \"profile\": %8, "
                       "\"profile_version\": %9, \"explanation\": %10 }")
            .arg(jsonString(PolicyNames::verdict(o.verdict)),
                 jsonString(PolicyNames::remedy(o.remedy)))
            .arg(o.refundCents)
            .arg(o.credits)
            .arg(list(PolicyNames::actions(o.actions)), list(o.clauses),
                 o.respondBy.isValid() ? jsonString(o.respondBy.toString(Qt::ISODate))
                                       : QStringLiteral("null"),
                 jsonString(o.profile))
            .arg(o.profileVersion)
            .arg(jsonString(o.explanation));
    return text.toUtf8();
}
