#pragma once
// One company's refund policy as data: the parameters the engine reads and the quoted clauses.

#include "businesscalendar.h"
#include "policytypes.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <array>
#include <optional>

struct PolicyClause
{
    QString id;          // e.g. hummingbytes/unused-7-days
    QString title;       // a few words for lists
    QString quote;       // the policy text, verbatim, for the reply to the customer
    QString explanation; // one sentence for the reviewer
};

// Every decision the engine can reach names one of these; a profile quotes a clause for each.
enum class ClauseRole : quint8
{
    Terminated,
    Suspended,
    Legal,
    Chargeback,
    Disputed,
    JobCompensated,
    JobSucceeded,
    JobPlatform,
    JobUser,
    JobUnknown,
    Dissatisfaction,
    Subscription,
    PurchaseWindow,
    UnusedRefund,
    PurchasesFinal,
    DuplicateCharge,
    DuplicateUnconfirmed,
    BillingError,
    NotDelivered,
    DeliveredClaim,
    Outage,
    OutageNotQualifying,
    AlreadyCompensated, // rule 11: this remedy was already granted on the purchase
    Count
};

class PolicyProfile
{
public:
    enum class OutageRule : quint8
    {
        Deny,
        ReviewCreditRestore,
        ReviewUnusedShare
    };

    // Parses and checks a profile; on failure returns nullopt and names the first wrong field.
    static std::optional<PolicyProfile> fromJson(const QByteArray &json, QString *error);
    // The five built-in profiles, compiled into the binary.
    static const QList<PolicyProfile> &builtIn();
    static std::optional<PolicyProfile> findBuiltIn(const QString &id);
    static QString clauseKey(ClauseRole role);

    QString id;
    QString company;
    int version = 1;
    QString source;
    QByteArray timeZone = "UTC";
    BusinessCalendar calendar;
    QList<QDate> holidays;
    std::optional<int> respondWithinBusinessDays;
    std::optional<int> refundDueBusinessDays;
    Verdict terminatedAccount = Verdict::Deny;
    quint8 chargebackActions = NoAction;
    bool suspendOnlyWithoutSupportContact = false;
    std::optional<int> purchaseRequestWindowDays; // a request later than this is denied
    std::optional<int> unusedRefundWindowDays;    // unset: unused credits are never refunded
    Verdict duplicateChargeVerdict = Verdict::Review;
    Remedy duplicateChargeRemedy = Remedy::MoneyRefund;
    Remedy billingErrorRemedy = Remedy::MoneyRefund;
    Verdict notDeliveredVerdict = Verdict::Review;
    OutageRule outageRule = OutageRule::Deny;
    int outageMinimumHours = 48;

    const PolicyClause &clause(ClauseRole role) const { return m_clauses[size_t(role)]; }
    const QList<PolicyClause> &clauses() const { return m_ordered; }
    QByteArray json() const { return m_json; }

private:
    std::array<PolicyClause, size_t(ClauseRole::Count)> m_clauses;
    QList<PolicyClause> m_ordered;
    QByteArray m_json;
};
