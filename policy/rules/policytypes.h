#pragma once
// The vocabulary of the policy engine, and its spelling in JSON and the database.

#include <QString>
#include <optional>

enum class Verdict : quint8
{
    Approve,
    Deny,
    Review
};
enum class Remedy : quint8
{
    None,
    MoneyRefund,
    CreditRestore
};
enum class RequestType : quint8
{
    FailedJob,
    UnusedCredits,
    AccidentalPurchase,
    DuplicateCharge,
    BillingError,
    NotDelivered,
    Outage,
    Dissatisfaction,
    Subscription,
    Legal,
    Chargeback
};
enum class AccountStatus : quint8
{
    Active,
    Suspended,
    Terminated
};
enum class JobStatus : quint8
{
    Queued,
    Running,
    Succeeded,
    Failed
};
enum class FailureCause : quint8
{
    None,
    Platform,
    User,
    Unknown
};

// Account actions, combinable.
enum AccountAction : quint8
{
    NoAction = 0,
    SuspendAccount = 1,
    ClawbackCredits = 2
};

namespace PolicyNames {
QString verdict(Verdict v);
QString remedy(Remedy r);
QString requestType(RequestType t);
QString accountStatus(AccountStatus s);
QString jobStatus(JobStatus s);
QString failureCause(FailureCause c);
QStringList actions(quint8 actions);

std::optional<Verdict> toVerdict(const QString &s);
std::optional<Remedy> toRemedy(const QString &s);
std::optional<RequestType> toRequestType(const QString &s);
std::optional<AccountStatus> toAccountStatus(const QString &s);
std::optional<JobStatus> toJobStatus(const QString &s);
std::optional<FailureCause> toFailureCause(const QString &s);
std::optional<AccountAction> toAction(const QString &s);
} // namespace PolicyNames
