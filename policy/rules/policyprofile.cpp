#include "policyprofile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("PolicyProfile", text);
}

constexpr std::array<const char *, size_t(ClauseRole::Count)> clauseKeys{"terminated",
                                                                         "suspended",
                                                                         "legal",
                                                                         "chargeback",
                                                                         "disputed",
                                                                         "job-compensated",
                                                                         "job-succeeded",
                                                                         "job-platform",
                                                                         "job-user",
                                                                         "job-unknown",
                                                                         "dissatisfaction",
                                                                         "subscription",
                                                                         "purchase-window",
                                                                         "unused-refund",
                                                                         "purchases-final",
                                                                         "duplicate-charge",
                                                                         "duplicate-unconfirmed",
                                                                         "billing-error",
                                                                         "not-delivered",
                                                                         "delivered-claim",
                                                                         "outage",
                                                                         "outage-not-qualifying",
                                                                         "already-compensated"};

// Reads one profile field at a time; the first problem is kept and named.
class Reader
{
public:
    explicit Reader(const QJsonObject &root) : m_root(root) {}
    QString error;

    bool ok() const { return error.isEmpty(); }
    void fail(const QString &field, const QString &what)
    {
        if (error.isEmpty())
            error = QStringLiteral("%1: %2").arg(field, what);
    }
    QString string(const QString &field, bool required = true)
    {
        const QJsonValue v = m_root.value(field);
        if (v.isUndefined() && !required)
            return {};
        if (!v.isString() || v.toString().isEmpty())
            fail(field, tr("must be a non-empty string"));
        return v.toString();
    }
    std::optional<int> optionalInt(const QString &field, int min, int max)
    {
        const QJsonValue v = m_root.value(field);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        if (!v.isDouble() || v.toDouble() != double(v.toInt()) || v.toInt() < min ||
            v.toInt() > max) {
            fail(field, tr("must be a whole number from %1 to %2, or null").arg(min).arg(max));
            return std::nullopt;
        }
        return v.toInt();
    }
    bool boolean(const QString &field, bool fallback)
    {
        const QJsonValue v = m_root.value(field);
        if (v.isUndefined())
            return fallback;
        if (!v.isBool())
            fail(field, tr("must be true or false"));
        return v.toBool();
    }
    template <typename E>
    E choice(const QString &field, std::optional<E> (*parse)(const QString &), E fallback,
             std::initializer_list<E> allowed)
    {
        const QJsonValue v = m_root.value(field);
        if (v.isUndefined())
            return fallback;
        const std::optional<E> e = parse(v.toString());
        if (!e || std::find(allowed.begin(), allowed.end(), *e) == allowed.end()) {
            fail(field, tr("unexpected value '%1'").arg(v.toVariant().toString()));
            return fallback;
        }
        return *e;
    }
    const QJsonObject &root() const { return m_root; }

private:
    QJsonObject m_root;
};
} // namespace

QString PolicyProfile::clauseKey(ClauseRole role)
{
    return QString::fromLatin1(clauseKeys[size_t(role)]);
}

std::optional<PolicyProfile> PolicyProfile::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *error =
            tr("JSON: %1 at offset %2")
                .arg(doc.isNull() ? parseError.errorString() : tr("a profile is a JSON object"))
                .arg(parseError.offset);
        return std::nullopt;
    }
    Reader r(doc.object());
    PolicyProfile p;
    p.m_json = json;
    p.id = r.string(QStringLiteral("id"));
    if (r.ok() && !QRegularExpression(QStringLiteral("^[a-z0-9_-]+$")).match(p.id).hasMatch())
        r.fail(QStringLiteral("id"), tr("use lower-case letters, digits, '-' and '_' only"));
    p.company = r.string(QStringLiteral("company"));
    const std::optional<int> version = r.optionalInt(QStringLiteral("version"), 1, 1000000);
    if (!version)
        r.fail(QStringLiteral("version"), tr("is required: a whole number from 1"));
    p.version = version.value_or(1);
    p.source = r.string(QStringLiteral("source"), false);
    const QString zone = r.string(QStringLiteral("time_zone"), false);
    p.timeZone = zone.isEmpty() ? QByteArray("UTC") : zone.toUtf8();

    const QJsonValue holidays = r.root().value(QStringLiteral("holidays"));
    if (!holidays.isUndefined() && !holidays.isArray())
        r.fail(QStringLiteral("holidays"), tr("must be a list of dates (YYYY-MM-DD)"));
    const QJsonArray holidayList = holidays.toArray();
    for (qsizetype i = 0; i < holidayList.size(); ++i) {
        const QDate d = QDate::fromString(holidayList.at(i).toString(), Qt::ISODate);
        if (!d.isValid())
            r.fail(QStringLiteral("holidays[%1]").arg(i), tr("must be a date as YYYY-MM-DD"));
        p.holidays << d;
    }
    p.calendar = BusinessCalendar(p.timeZone, p.holidays);
    if (r.ok() && !p.calendar.isValid())
        r.fail(QStringLiteral("time_zone"), tr("unknown time zone '%1'").arg(zone));

    p.respondWithinBusinessDays =
        r.optionalInt(QStringLiteral("respond_within_business_days"), 0, 365);
    p.refundDueBusinessDays = r.optionalInt(QStringLiteral("refund_due_business_days"), 0, 365);
    p.terminatedAccount = r.choice(QStringLiteral("terminated_account"), &PolicyNames::toVerdict,
                                   Verdict::Deny, {Verdict::Deny, Verdict::Review});

    const QJsonValue actions = r.root().value(QStringLiteral("chargeback_actions"));
    if (!actions.isUndefined() && !actions.isArray())
        r.fail(QStringLiteral("chargeback_actions"), tr("must be a list"));
    const QJsonArray actionList = actions.toArray();
    for (qsizetype i = 0; i < actionList.size(); ++i) {
        const auto a = PolicyNames::toAction(actionList.at(i).toString());
        if (!a)
            r.fail(QStringLiteral("chargeback_actions[%1]").arg(i),
                   tr("must be suspend_account or clawback_credits"));
        else
            p.chargebackActions |= *a;
    }
    p.suspendOnlyWithoutSupportContact =
        r.boolean(QStringLiteral("suspend_only_without_support_contact"), false);
    p.purchaseRequestWindowDays =
        r.optionalInt(QStringLiteral("purchase_request_window_days"), 0, 3650);
    p.unusedRefundWindowDays = r.optionalInt(QStringLiteral("unused_refund_window_days"), 0, 3650);
    p.duplicateChargeVerdict =
        r.choice(QStringLiteral("duplicate_charge_verdict"), &PolicyNames::toVerdict,
                 Verdict::Review, {Verdict::Approve, Verdict::Review});
    p.duplicateChargeRemedy =
        r.choice(QStringLiteral("duplicate_charge_remedy"), &PolicyNames::toRemedy,
                 Remedy::MoneyRefund, {Remedy::MoneyRefund, Remedy::CreditRestore});
    p.billingErrorRemedy =
        r.choice(QStringLiteral("billing_error_remedy"), &PolicyNames::toRemedy,
                 Remedy::MoneyRefund, {Remedy::MoneyRefund, Remedy::CreditRestore});
    p.notDeliveredVerdict =
        r.choice(QStringLiteral("not_delivered_verdict"), &PolicyNames::toVerdict, Verdict::Review,
                 {Verdict::Approve, Verdict::Review});
    const QString outage =
        r.root().value(QStringLiteral("outage_rule")).toString(QStringLiteral("deny"));
    if (outage == QLatin1String("deny"))
        p.outageRule = OutageRule::Deny;
    else if (outage == QLatin1String("review_credit_restore"))
        p.outageRule = OutageRule::ReviewCreditRestore;
    else if (outage == QLatin1String("review_unused_share"))
        p.outageRule = OutageRule::ReviewUnusedShare;
    else
        r.fail(QStringLiteral("outage_rule"),
               tr("must be deny, review_credit_restore or review_unused_share"));
    p.outageMinimumHours =
        r.optionalInt(QStringLiteral("outage_minimum_hours"), 1, 10000).value_or(48);

    const QJsonValue clauses = r.root().value(QStringLiteral("clauses"));
    if (!clauses.isObject())
        r.fail(QStringLiteral("clauses"), tr("must be an object of clauses by role"));
    const QJsonObject clauseObject = clauses.toObject();
    for (size_t i = 0; i < size_t(ClauseRole::Count); ++i) {
        const QString key = QString::fromLatin1(clauseKeys[i]);
        const QString field = QStringLiteral("clauses.%1").arg(key);
        const QJsonValue v = clauseObject.value(key);
        if (!v.isObject()) {
            r.fail(field, tr("is missing (every role needs a clause)"));
            continue;
        }
        const QJsonObject c = v.toObject();
        PolicyClause clause;
        for (const auto &[name, target] :
             {std::pair{QStringLiteral("id"), &clause.id},
              std::pair{QStringLiteral("title"), &clause.title},
              std::pair{QStringLiteral("quote"), &clause.quote},
              std::pair{QStringLiteral("explanation"), &clause.explanation}}) {
            *target = c.value(name).toString();
            if (target->isEmpty())
                r.fail(field + QLatin1Char('.') + name, tr("must be a non-empty string"));
        }
        p.m_clauses[i] = clause;
        bool seen = false;
        for (const PolicyClause &o : std::as_const(p.m_ordered))
            seen = seen || o.id == clause.id;
        if (!seen)
            p.m_ordered << clause;
    }
    for (auto it = clauseObject.begin(); it != clauseObject.end(); ++it)
        if (std::find_if(clauseKeys.begin(), clauseKeys.end(), [&](const char *k) {
                return it.key() == QLatin1String(k);
            }) == clauseKeys.end())
            r.fail(QStringLiteral("clauses.%1").arg(it.key()),
                   tr("is not a clause role the engine knows"));

    if (!r.ok()) {
        *error = r.error;
        return std::nullopt;
    }
    return p;
}

const QList<PolicyProfile> &PolicyProfile::builtIn()
{
    static const QList<PolicyProfile> profiles = [] {
        QList<PolicyProfile> list;
        const QStringList files =
            QDir(QStringLiteral(":/profiles"))
                .entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        for (const QString &name : files) {
            QFile file(QStringLiteral(":/profiles/") + name);
            if (!file.open(QIODevice::ReadOnly))
                qFatal("built-in profile %s cannot be read", qPrintable(name));
            QString error;
            auto profile = fromJson(file.readAll(), &error);
            if (!profile)
                qFatal("built-in profile %s is broken: %s", qPrintable(name), qPrintable(error));
            list << *profile;
        }
        return list;
    }();
    return profiles;
}

std::optional<PolicyProfile> PolicyProfile::findBuiltIn(const QString &id)
{
    for (const PolicyProfile &p : builtIn())
        if (p.id == id)
            return p;
    return std::nullopt;
}
