#pragma once
// What RefundWorkflow's source files share (refundworkflow.cpp: triage, decisions and the
// ledger; workflowcorrections.cpp: second approvals, reversals, profile assignment). Not for
// use outside the workflow.

#include "refundworkflow.h"

#include "models/accountrepository.h"
#include "models/approvalrepository.h"
#include "models/auditrepository.h"
#include "models/chargebackrepository.h"
#include "models/compensationrepository.h"
#include "models/creditlotrepository.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/decisionrepository.h"
#include "models/desksettings.h"
#include "models/ledgerrepository.h"
#include "models/payoutrepository.h"
#include "models/reversalrepository.h"
#include "models/teamroles.h"
#include "models/writetransaction.h"
#include "outboxpublisher.h"
#include "rules/money.h"
#include "rules/policycasejson.h"
#include "rules/policyengine.h"
#include "rules/replydraft.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <limits>

namespace WorkflowInternals {
inline QString tr(const char *text)
{
    return QCoreApplication::translate("RefundWorkflow", text);
}

[[noreturn]] inline void refuse(const QString &why)
{
    throw DatabaseError(why);
}

// A decision refused because the purchase already got this remedy, or all it can (rule 11):
// the transaction is rolled back and the reviewer told who got it.
class AlreadyCompensated : public DatabaseError
{
public:
    using DatabaseError::DatabaseError;
};

// "purchase 68 was already refunded 20.00 EUR by request 140 (unused_credits)": what the
// purchase's earlier requests got, all of them or those of one type.
inline QString alreadyGiven(const PurchaseRecord &p, const PurchaseCompensation &c,
                            const QString &onlyType = {})
{
    QStringList parts;
    for (const PriorGrant &g : c.grants) {
        if (!onlyType.isEmpty() && g.type != onlyType)
            continue;
        if (g.remedy == QLatin1String("money_refund"))
            parts << tr("refunded %1 by request %2 (%3)")
                         .arg(formatMoney(g.refundCents, p.currency))
                         .arg(g.requestId)
                         .arg(g.type);
        else
            parts << (g.credits == 1 ? tr("restored 1 credit by request %1 (%2)")
                                     : tr("restored %3 credits by request %1 (%2)"))
                         .arg(g.requestId)
                         .arg(g.type)
                         .arg(g.credits);
    }
    if (onlyType.isEmpty() && c.lostChargebackCents > 0)
        parts << tr("charged back %1 by the bank")
                     .arg(formatMoney(c.lostChargebackCents, p.currency));
    if (parts.isEmpty())
        return tr("purchase %1 has nothing left to give back").arg(p.id);
    return tr("purchase %1 was already %2").arg(p.id).arg(parts.join(QStringLiteral(", ")));
}

const QStringList openStatuses{QStringLiteral("new"), QStringLiteral("pending"),
                               QStringLiteral("escalated")};
const QString awaitingApproval = QStringLiteral("awaiting_approval");

inline StoredRecommendation stored(const PolicyOutcome &o)
{
    StoredRecommendation s;
    s.verdict = PolicyNames::verdict(o.verdict);
    s.remedy = PolicyNames::remedy(o.remedy);
    s.refundCents = o.refundCents;
    s.credits = o.credits;
    s.actions = PolicyNames::actions(o.actions);
    s.clauses = o.clauses;
    s.respondBy = o.respondBy.isValid() ? o.respondBy.toString(Qt::ISODate) : QString();
    s.explanation = o.explanation;
    s.profile = o.profile;
    s.profileVersion = o.profileVersion;
    return s;
}

// The ledger and the credit lots move together, so the balance always equals both the sum
// of the entries and what the lots hold. Credits granted arrive as a new lot...
inline qint64 grantCredits(const QSqlDatabase &conn, const LedgerEntryRecord &entry,
                           qint64 lotPurchase)
{
    CreditLotRepository(conn).add(entry.accountId, lotPurchase, entry.createdAt, entry.credits);
    return LedgerRepository(conn).append(entry);
}

// ...and credits taken (a negative entry) come out of the oldest lots first.
inline qint64 spendCredits(const QSqlDatabase &conn, const LedgerEntryRecord &entry)
{
    CreditLotRepository(conn).consumeOldestFirst(entry.accountId, -entry.credits);
    return LedgerRepository(conn).append(entry);
}

// An entry the workflow makes by itself (a purchase's credits, a credit-back), now.
inline LedgerEntryRecord systemEntry(qint64 account, qint64 at, const char *type, qint64 credits)
{
    LedgerEntryRecord e;
    e.accountId = account;
    e.createdAt = at;
    e.entryType = QLatin1String(type);
    e.credits = credits;
    e.createdBy = RefundWorkflow::systemReviewer();
    return e;
}

// An audit row about a request; with an outcome, also the profile it was reached under.
inline AuditRecord auditRow(qint64 at, const QString &actor, const QString &action,
                            qint64 accountId, qint64 requestId, const QString &note,
                            const PolicyProfile *profile = nullptr,
                            const PolicyOutcome *outcome = nullptr)
{
    AuditRecord a;
    a.at = at;
    a.actor = actor;
    a.action = action;
    a.accountId = accountId;
    a.requestId = requestId;
    a.note = note;
    if (profile && outcome) {
        a.profile = profile->id;
        a.profileVersion = profile->version;
        a.recommendation = QString::fromUtf8(PolicyCaseJson::outcomeToJson(*outcome));
    }
    return a;
}

inline QString details(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
} // namespace WorkflowInternals

using namespace WorkflowInternals;

// Runs `work` in one write transaction, again when the database reports a lost race
// (PostgreSQL serialization failure or deadlock, SQLite busy).
template <typename F> auto RefundWorkflow::inTransaction(F &&work)
{
    return WriteTransaction::run(m_db, std::forward<F>(work));
}

template <typename F>
DecisionResult RefundWorkflow::deciding(qint64 requestId, const QString &name, F &&work)
{
    DecisionResult failed;
    failed.requestId = requestId;
    try {
        return inTransaction([&](const QSqlDatabase &conn) {
            QString person = name.trimmed();
            const FourEyes fourEyes = signIn(conn, person);
            if (person.isEmpty())
                refuse(tr("a decision needs the reviewer's name"));
            return work(conn, person, fourEyes);
        });
    } catch (const AlreadyCompensated &e) {
        failed.status = DecisionResult::Status::AlreadyCompensated;
        failed.error = e.message();
        return failed;
    } catch (const ArithmeticOverflow &) {
        failed.error = tr("request %1: a figure of this decision is out of range; nothing was "
                          "written")
                           .arg(requestId);
        return failed;
    } catch (const DatabaseError &e) {
        failed.error =
            m_db.dialect().isUniqueViolation(e.nativeCode())
                ? tr("the database refused a second compensation or decision (%1)").arg(e.message())
                : e.message();
        return failed;
    }
}
