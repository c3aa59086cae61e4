#include "policytypes.h"

#include <QStringList>
#include <array>

namespace {
template <typename E, size_t N> QString nameOf(const std::array<const char *, N> &names, E value)
{
    return QString::fromLatin1(names[size_t(value)]);
}

template <typename E, size_t N>
std::optional<E> valueOf(const std::array<const char *, N> &names, const QString &s)
{
    for (size_t i = 0; i < N; ++i)
        if (s == QLatin1String(names[i]))
            return E(i);
    return std::nullopt;
}

constexpr std::array<const char *, 3> verdicts{"approve", "deny", "review"};
constexpr std::array<const char *, 3> remedies{"none", "money_refund", "credit_restore"};
constexpr std::array<const char *, 11> requestTypes{
    "failed_job",    "unused_credits", "accidental_purchase", "duplicate_charge", "billing_error",
    "not_delivered", "outage",         "dissatisfaction",     "subscription",     "legal",
    "chargeback"};
constexpr std::array<const char *, 3> accountStatuses{"active", "suspended", "terminated"};
constexpr std::array<const char *, 4> jobStatuses{"queued", "running", "succeeded", "failed"};
constexpr std::array<const char *, 4> failureCauses{"", "platform", "user", "unknown"};
} // namespace

QString PolicyNames::verdict(Verdict v)
{
    return nameOf(verdicts, v);
}
QString PolicyNames::remedy(Remedy r)
{
    return nameOf(remedies, r);
}
QString PolicyNames::requestType(RequestType t)
{
    return nameOf(requestTypes, t);
}
QString PolicyNames::accountStatus(AccountStatus s)
{
    return nameOf(accountStatuses, s);
}
QString PolicyNames::jobStatus(JobStatus s)
{
    return nameOf(jobStatuses, s);
}
QString PolicyNames::failureCause(FailureCause c)
{
    return nameOf(failureCauses, c);
}

QStringList PolicyNames::actions(quint8 actions)
{
    QStringList list;
    if (actions & SuspendAccount)
        list << QStringLiteral("suspend_account");
    if (actions & ClawbackCredits)
        list << QStringLiteral("clawback_credits");
    return list;
}

std::optional<Verdict> PolicyNames::toVerdict(const QString &s)
{
    return valueOf<Verdict>(verdicts, s);
}
std::optional<Remedy> PolicyNames::toRemedy(const QString &s)
{
    return valueOf<Remedy>(remedies, s);
}
std::optional<RequestType> PolicyNames::toRequestType(const QString &s)
{
    return valueOf<RequestType>(requestTypes, s);
}
std::optional<AccountStatus> PolicyNames::toAccountStatus(const QString &s)
{
    return valueOf<AccountStatus>(accountStatuses, s);
}
std::optional<JobStatus> PolicyNames::toJobStatus(const QString &s)
{
    return valueOf<JobStatus>(jobStatuses, s);
}
std::optional<FailureCause> PolicyNames::toFailureCause(const QString &s)
{
    if (s.isEmpty())
        return std::nullopt;
    return valueOf<FailureCause>(failureCauses, s);
}
std::optional<AccountAction> PolicyNames::toAction(const QString &s)
{
    if (s == QLatin1String("suspend_account"))
        return SuspendAccount;
    if (s == QLatin1String("clawback_credits"))
        return ClawbackCredits;
    return std::nullopt;
}
