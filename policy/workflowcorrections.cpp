// Four-eyes second approvals, corrections by reversal and putting accounts on a profile: the
// RefundWorkflow steps that act on decisions already proposed or made.

#include "workflowinternals.h"

DecisionResult RefundWorkflow::approveSecond(qint64 requestId, const QString &approver)
{
    return deciding(
        requestId, approver,
        [&](const QSqlDatabase &conn, const QString &person, const FourEyes &fourEyes) {
            const BuiltCase b = CaseBuilder(conn).build(requestId, true);
            if (b.request.status != awaitingApproval)
                refuse(tr("request %1 is not waiting for a second approval").arg(requestId));
            ApprovalRepository approvals(conn);
            const auto first = approvals.openProposal(requestId);
            if (!first)
                refuse(tr("request %1 has no first approval to approve").arg(requestId));
            if (first->actor == person)
                refuse(tr("%1 gave the first approval of request %2: the second must come from "
                          "another lead")
                           .arg(person)
                           .arg(requestId));
            ApprovalRecord second;
            second.requestId = requestId;
            second.step = QStringLiteral("approved");
            second.proposalId = first->id;
            second.actor = person;
            second.at = now();
            approvals.create(second);

            const PolicyProfile &profile = m_profiles.find(conn, b.account.profile);
            const PolicyOutcome rec = PolicyEngine::evaluate(b.policyCase, profile);
            ReviewDecision d;
            d.requestId = requestId;
            d.action = first->verdict == QLatin1String("approve") ? ReviewAction::Approve
                                                                  : ReviewAction::Deny;
            d.reviewer = first->actor;
            d.note = first->note;
            d.allowOverride = first->isOverride;
            if (first->refundCents > 0)
                d.amountCents = first->refundCents;
            const bool approve = d.action == ReviewAction::Approve;
            const bool overrideNow = (approve && rec.verdict == Verdict::Deny) ||
                                     (!approve && rec.verdict == Verdict::Approve);
            if (overrideNow != first->isOverride)
                refuse(tr("the policy's recommendation for request %1 changed since the first "
                          "approval (it now says %2): send it back to be decided again")
                           .arg(requestId)
                           .arg(PolicyNames::verdict(rec.verdict)));
            FourEyes carryingOut = fourEyes;
            carryingOut.secondApprover = person;
            return apply(conn, b, profile, rec, d, carryingOut);
        });
}

ReversalResult RefundWorkflow::reverse(qint64 requestId, const QString &lead, const QString &reason)
{
    if (reason.trimmed().isEmpty())
        refuse(tr("a reversal needs a reason"));
    return inTransaction([&](const QSqlDatabase &conn) {
        QString person = lead.trimmed();
        signIn(conn, person);
        if (person.isEmpty())
            refuse(tr("a reversal needs the lead's name"));
        RequestRepository requests(conn);
        const auto r = requests.find(requestId, true);
        if (!r)
            refuse(tr("no refund request with id %1").arg(requestId));
        const auto decision = DecisionRepository(conn).findForRequest(requestId);
        if (!r->isDecided() || !decision)
            refuse(tr("request %1 is not decided: there is nothing to reverse").arg(requestId));
        if (const auto earlier = ReversalRepository(conn).findForRequest(requestId))
            refuse(tr("the decision of request %1 was already reversed by %2; the case continues "
                      "in request %3")
                       .arg(requestId)
                       .arg(earlier->actor)
                       .arg(earlier->reopenedAs));
        if (r->type == QLatin1String("chargeback"))
            refuse(tr("request %1 is a chargeback case: the bank settles it, its decision is not "
                      "reversed here")
                       .arg(requestId));
        for (const PayoutRecord &p : PayoutRepository(conn).forRequest(requestId)) {
            if (p.status == QLatin1String("succeeded"))
                refuse(tr("%1 went back to the card (payout %2): money paid out cannot be "
                          "reversed here")
                           .arg(formatMoney(p.amountCents, p.currency))
                           .arg(p.id));
            if (p.status != QLatin1String("failed"))
                refuse(tr("payout %1 of %2 is %3: a decision is reversed only once its money "
                          "did not leave (the payout failed)")
                           .arg(p.id)
                           .arg(formatMoney(p.amountCents, p.currency), p.status));
        }
        const QList<LedgerEntryRecord> entries = LedgerRepository(conn).forRequest(requestId);
        qint64 taken = 0;    // from the account: what the decision restored
        qint64 returned = 0; // to the account: what the decision took back
        for (const LedgerEntryRecord &e : entries) {
            if (e.entryType == QLatin1String("job_credit_back"))
                refuse(tr("request %1 credited back failed job %2: a job's credit-back follows "
                          "its failure and is not reversed")
                           .arg(requestId)
                           .arg(e.jobId));
            if (e.credits > 0)
                taken = Checked::add(taken, e.credits);
            else
                returned = Checked::sub(returned, e.credits);
        }
        const auto account = AccountRepository(conn).find(r->accountId);
        if (taken > 0 && Checked::add(account->balanceCredits, returned) < taken)
            refuse(tr("account %1 holds %2 credits but the decision restored %3: credits already "
                      "spent cannot be taken back")
                       .arg(r->accountId)
                       .arg(account->balanceCredits)
                       .arg(taken));

        const qint64 at = now();
        RequestRecord again;
        again.accountId = r->accountId;
        again.type = r->type;
        again.purchaseId = r->purchaseId;
        again.jobId = r->jobId;
        again.claimedAmountCents = r->claimedAmountCents;
        again.message = r->message;
        again.receivedAt = at;
        again.reopens = requestId;
        const qint64 reopened = submitRequest(conn, again);

        ReversalRecord v;
        v.decisionId = decision->id;
        v.requestId = requestId;
        v.actor = person;
        v.at = at;
        v.reason = reason.trimmed();
        v.reopenedAs = reopened;
        ReversalRepository(conn).create(v);

        // Back first what the decision took, then take what it gave: the lots never go below
        // zero on the way.
        QJsonArray reversing;
        for (const bool giving : {true, false}) {
            for (const LedgerEntryRecord &e : entries) {
                if ((e.credits < 0) != giving)
                    continue;
                LedgerEntryRecord x;
                x.accountId = e.accountId;
                x.createdAt = at;
                x.entryType = QStringLiteral("adjustment");
                x.credits = -e.credits;
                x.reversesEntryId = e.id;
                x.createdBy = person;
                x.note =
                    tr("reversal of the decision of request %1: %2").arg(requestId).arg(v.reason);
                reversing.append(giving ? grantCredits(conn, x, 0) : spendCredits(conn, x));
            }
        }
        triageRequest(conn, reopened);

        AuditRecord audit =
            auditRow(at, person, QStringLiteral("reverse"), r->accountId, requestId, v.reason);
        audit.details = details({{QStringLiteral("decision"), decision->id},
                                 {QStringLiteral("reopened_as"), reopened},
                                 {QStringLiteral("entries"), reversing},
                                 {QStringLiteral("credits_taken"), taken},
                                 {QStringLiteral("credits_returned"), returned}});
        AuditRepository(conn).append(audit);
        // The platform hears of every credit given or taken back (INTEGRATION.md has no reason
        // for a reversal: taking back what was given is a clawback, giving back is goodwill).
        OutboxPublisher out(conn);
        if (returned > 0)
            out.creditsRestored(at, r->accountId, returned, QStringLiteral("goodwill"), 0,
                                r->purchaseId, requestId);
        if (taken > 0)
            out.creditsRevoked(at, r->accountId, taken, QStringLiteral("clawback"), r->purchaseId,
                               requestId);
        ReversalResult result;
        result.reopenedAs = reopened;
        result.creditsTaken = taken;
        result.creditsReturned = returned;
        return result;
    });
}

qint64 RefundWorkflow::assignProfile(const QString &profile, qint64 accountId, const QString &from,
                                     const QString &actor)
{
    if (accountId <= 0 && from.isEmpty())
        refuse(tr("say which accounts: one account, or every account on a profile"));
    return inTransaction([&](const QSqlDatabase &conn) {
        QString person = actor;
        signIn(conn, person);
        m_profiles.find(conn, profile); // throws when neither built in nor stored
        AccountRepository accounts(conn);
        QString before = from;
        if (accountId > 0) {
            const auto account = accounts.find(accountId);
            if (!account)
                refuse(tr("no account with id %1").arg(accountId));
            before = account->profile;
        }
        const qint64 moved = accounts.setProfile(profile, accountId, from);
        AuditRecord audit =
            auditRow(now(), person, QStringLiteral("assign_profile"), accountId > 0 ? accountId : 0,
                     0, tr("policy profile %1 -> %2").arg(before, profile));
        audit.details = details({{QStringLiteral("from"), before},
                                 {QStringLiteral("to"), profile},
                                 {QStringLiteral("accounts"), moved}});
        AuditRepository(conn).append(audit);
        return moved;
    });
}

void RefundWorkflow::sendBack(qint64 requestId, const QString &actor, const QString &note)
{
    if (note.trimmed().isEmpty())
        refuse(tr("sending a request back needs a note saying why"));
    inTransaction([&](const QSqlDatabase &conn) {
        QString person = actor;
        signIn(conn, person);
        RequestRepository requests(conn);
        const auto r = requests.find(requestId, true);
        if (!r)
            refuse(tr("no refund request with id %1").arg(requestId));
        ApprovalRepository approvals(conn);
        const auto first = approvals.openProposal(requestId);
        if (r->status != awaitingApproval || !first)
            refuse(tr("request %1 is not waiting for a second approval").arg(requestId));
        ApprovalRecord back;
        back.requestId = requestId;
        back.step = QStringLiteral("sent_back");
        back.proposalId = first->id;
        back.actor = person;
        back.at = now();
        back.note = note.trimmed();
        approvals.create(back);
        if (!requests.transition(requestId, {awaitingApproval}, QStringLiteral("pending"), back.at,
                                 r->assignedTo))
            refuse(tr("request %1 changed meanwhile").arg(requestId));
        AuditRecord audit = auditRow(back.at, person, QStringLiteral("send_back"), r->accountId,
                                     requestId, back.note);
        audit.details = details({{QStringLiteral("approval"), first->id},
                                 {QStringLiteral("first_approval"), first->actor}});
        AuditRepository(conn).append(audit);
        return true;
    });
}

DecisionResult RefundWorkflow::holdForSecondApproval(const QSqlDatabase &conn, const BuiltCase &b,
                                                     const PolicyProfile &profile,
                                                     const PolicyOutcome &rec,
                                                     const ReviewDecision &d, const QString &note,
                                                     DecisionResult result)
{
    const RequestRecord &r = b.request;
    ApprovalRecord first;
    first.requestId = r.id;
    first.step = QStringLiteral("proposed");
    first.actor = d.reviewer;
    first.at = now();
    first.verdict =
        d.action == ReviewAction::Approve ? QStringLiteral("approve") : QStringLiteral("deny");
    first.refundCents = result.refundCents;
    first.currency = result.currency;
    first.isOverride = result.isOverride;
    first.note = note;
    const qint64 id = ApprovalRepository(conn).create(first);
    if (!RequestRepository(conn).transition(r.id, openStatuses, awaitingApproval, first.at,
                                            r.assignedTo))
        refuse(tr("request %1 is no longer open").arg(r.id));
    AuditRecord audit =
        auditRow(first.at, d.reviewer, awaitingApproval, r.accountId, r.id, note, &profile, &rec);
    audit.details = details({{QStringLiteral("approval"), id},
                             {QStringLiteral("verdict"), first.verdict},
                             {QStringLiteral("refund_cents"), first.refundCents},
                             {QStringLiteral("currency"), first.currency},
                             {QStringLiteral("override"), first.isOverride}});
    AuditRepository(conn).append(audit);
    result.status = DecisionResult::Status::AwaitingApproval;
    return result;
}
