#include "policypreview.h"

#include "casebuilder.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/sqlstatement.h"
#include "profilecatalog.h"
#include "rules/money.h"
#include "rules/policyengine.h"

#include <QCoreApplication>

namespace {
void count(PreviewTally &t, const PolicyOutcome &today, const PolicyOutcome &draft,
           const QString &currency)
{
    ++t.todayVerdicts[PolicyNames::verdict(today.verdict)];
    ++t.draftVerdicts[PolicyNames::verdict(draft.verdict)];
    if (today.remedy == Remedy::MoneyRefund && today.verdict != Verdict::Deny)
        t.todayCents[currency] += today.refundCents;
    if (draft.remedy == Remedy::MoneyRefund && draft.verdict != Verdict::Deny)
        t.draftCents[currency] += draft.refundCents;
    if (today.remedy == Remedy::CreditRestore && today.verdict != Verdict::Deny)
        t.todayCredits += today.credits;
    if (draft.remedy == Remedy::CreditRestore && draft.verdict != Verdict::Deny)
        t.draftCredits += draft.credits;
}

bool differs(const PolicyOutcome &a, const PolicyOutcome &b)
{
    return a.verdict != b.verdict || a.remedy != b.remedy || a.refundCents != b.refundCents ||
           a.credits != b.credits || a.clauses.value(0) != b.clauses.value(0);
}
} // namespace

PreviewResult PolicyPreview::run(Database &database, const PolicyProfile &draft, qint64 from,
                                 qint64 to, const QString &profile,
                                 const std::function<void(qint64, qint64)> &progress,
                                 const std::atomic<bool> *cancel)
{
    const QSqlDatabase conn = database.connection();
    PreviewResult result;
    result.profile = profile.isEmpty() ? draft.id : profile;
    ProfileCatalog catalog;
    const PolicyProfile &today = catalog.find(conn, result.profile);
    result.todayVersion = today.version;

    // Every fact of every request in a few statements (one query per request and table
    // would cost a round trip each on PostgreSQL).
    const CaseFacts facts = CaseFacts::load(
        conn,
        QStringLiteral("id IN (SELECT r.id FROM refund_requests r JOIN accounts a"
                       " ON a.id = r.account_id WHERE a.profile = ? AND r.received_at >= ?"
                       " AND r.received_at <= ? AND r.type <> 'chargeback')"),
        {result.profile, from, to});
    const QList<RequestRecord> &requests = facts.requests;
    const CaseBuilder builder(conn);
    for (qsizetype i = 0; i < requests.size(); ++i) {
        if (cancel && cancel->load()) {
            result.cancelled = true;
            break;
        }
        if (progress && i % 500 == 0)
            progress(i, requests.size());
        const qint64 id = requests.at(i).id;
        try {
            const BuiltCase b = builder.build(requests.at(i), facts);
            const PolicyOutcome now = PolicyEngine::evaluate(b.policyCase, today);
            const PolicyOutcome then = PolicyEngine::evaluate(b.policyCase, draft);
            const QString currency = b.purchase ? b.purchase->currency : QStringLiteral("USD");
            count(result.byType[b.request.type], now, then, currency);
            count(result.byType[QString()], now, then, currency);
            ++result.evaluated;
            if (differs(now, then)) {
                PreviewChange c;
                c.requestId = b.request.id;
                c.type = b.request.type;
                c.currency = currency;
                c.todayVerdict = PolicyNames::verdict(now.verdict);
                c.draftVerdict = PolicyNames::verdict(then.verdict);
                c.todayCents = now.remedy == Remedy::MoneyRefund ? now.refundCents : 0;
                c.draftCents = then.remedy == Remedy::MoneyRefund ? then.refundCents : 0;
                c.todayCredits = now.remedy == Remedy::CreditRestore ? now.credits : 0;
                c.draftCredits = then.remedy == Remedy::CreditRestore ? then.credits : 0;
                c.todayClause = now.clauses.value(0);
                c.draftClause = then.clauses.value(0);
                result.changed << c;
            }
        } catch (const DatabaseError &e) {
            result.errors << QCoreApplication::translate("PolicyPreview", "request %1: %2")
                                 .arg(id)
                                 .arg(e.message());
        } catch (const ArithmeticOverflow &) {
            result.errors << QCoreApplication::translate("PolicyPreview",
                                                         "request %1: a figure is out of range")
                                 .arg(id);
        }
    }
    if (progress)
        progress(result.evaluated, requests.size());
    return result;
}
