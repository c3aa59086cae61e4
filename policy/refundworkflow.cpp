// Triage, decisions and the ledger: see refundworkflow.h; workflowcorrections.cpp holds the
// steps on decisions already proposed or made.

#include "workflowinternals.h"

RefundWorkflow::RefundWorkflow(Database &database)
    : m_db(database), m_clock([] { return QDateTime::currentSecsSinceEpoch(); })
{
}

QString RefundWorkflow::systemReviewer()
{
    return QStringLiteral("system");
}

PolicyOutcome RefundWorkflow::recommend(qint64 requestId)
{
    const QSqlDatabase conn = m_db.connection();
    const BuiltCase b = CaseBuilder(conn).build(requestId);
    return PolicyEngine::evaluate(b.policyCase, m_profiles.find(conn, b.account.profile));
}

PolicyOutcome RefundWorkflow::recommendDraft(const RequestRecord &draft)
{
    const QSqlDatabase conn = m_db.connection();
    const BuiltCase b = CaseBuilder(conn).buildDraft(draft);
    return PolicyEngine::evaluate(b.policyCase, m_profiles.find(conn, b.account.profile));
}

const PolicyProfile &RefundWorkflow::profile(const QString &id)
{
    return m_profiles.find(m_db.connection(), id);
}

qint64 RefundWorkflow::returnedCents(const QSqlDatabase &conn, qint64 purchaseId)
{
    return PayoutRepository(conn).refundedForPurchase(purchaseId) +
           ChargebackRepository(conn).lostForPurchase(purchaseId);
}

bool RefundWorkflow::moneyRefundRevokesCredits(RequestType type)
{
    return type != RequestType::DuplicateCharge && type != RequestType::BillingError;
}

TriageResult RefundWorkflow::triage(const std::function<void(qint64)> &progress)
{
    TriageResult result;
    qint64 after = 0;
    qint64 done = 0;
    while (true) {
        const QList<qint64> ids = RequestRepository(m_db.connection()).awaitingTriage(after, 500);
        if (ids.isEmpty())
            break;
        for (const qint64 id : ids) {
            after = id;
            try {
                inTransaction([&](const QSqlDatabase &conn) {
                    triageOne(conn, id, result);
                    return true;
                });
            } catch (const DatabaseError &e) {
                const QString prefix = tr("request %1: ").arg(id);
                result.errors << (e.message().startsWith(prefix) ? e.message()
                                                                 : prefix + e.message());
            }
            if (progress)
                progress(++done);
        }
    }
    return result;
}

void RefundWorkflow::triageRequest(const QSqlDatabase &conn, qint64 requestId)
{
    TriageResult ignored;
    triageOne(conn, requestId, ignored);
}

void RefundWorkflow::triageOne(const QSqlDatabase &conn, qint64 requestId, TriageResult &result)
{
    const BuiltCase b = CaseBuilder(conn).build(requestId, true);
    const RequestRecord &r = b.request;
    if (!openStatuses.contains(r.status))
        return; // decided meanwhile
    const PolicyProfile &profile = m_profiles.find(conn, b.account.profile);
    const PolicyOutcome rec = PolicyEngine::evaluate(b.policyCase, profile);
    const qint64 at = now();
    const bool isNew = r.status == QLatin1String("new");
    // Every policy promises the credit-back of a job that failed on the platform's side.
    const bool automatic = isNew && b.policyCase.request.type == RequestType::FailedJob &&
                           rec.verdict == Verdict::Approve && rec.remedy == Remedy::CreditRestore;
    RequestRepository requests(conn);
    if (!requests.storeRecommendation(r.id, stored(rec), at, r.status,
                                      isNew && !automatic ? QStringLiteral("pending") : r.status))
        return;
    ++result.evaluated;
    if (isNew) {
        AuditRepository(conn).append(auditRow(at, systemReviewer(), QStringLiteral("triage"),
                                              r.accountId, r.id, {}, &profile, &rec));
    }
    if (automatic) {
        ReviewDecision d;
        d.requestId = r.id;
        d.action = ReviewAction::Approve;
        d.reviewer = systemReviewer();
        d.note = tr("Automatic credit-back: the job failed on the platform's side.");
        apply(conn, b, profile, rec, d, FourEyes{});
        ++result.applied;
    }
}

RefundWorkflow::FourEyes RefundWorkflow::signIn(const QSqlDatabase &conn, QString &person) const
{
    FourEyes fourEyes;
    if (!m_db.dialect().isPostgres())
        return fourEyes; // one person's file: no roles, no second approvals
    const TeamRoles::Session session = TeamRoles(conn).session();
    if (session.role.isEmpty())
        return fourEyes; // the owner or a service: the name it gives
    // The database records the login on the decision and the audit row; the ledger entries
    // and approvals follow.
    person = session.user;
    fourEyes.applies = true;
    fourEyes.aboveCents = DeskSettings(conn).fourEyesAboveCents();
    return fourEyes;
}

DecisionResult RefundWorkflow::decide(const ReviewDecision &d)
{
    return deciding(d.requestId, d.reviewer,
                    [&](const QSqlDatabase &conn, const QString &person, const FourEyes &fourEyes) {
                        ReviewDecision signedIn = d;
                        signedIn.reviewer = person;
                        return decideLocked(conn, signedIn, fourEyes);
                    });
}

DecisionResult RefundWorkflow::decideLocked(const QSqlDatabase &conn, const ReviewDecision &d,
                                            const FourEyes &fourEyes)
{
    // Locks the request first: a second reviewer waits here, then sees it decided.
    const BuiltCase b = CaseBuilder(conn).build(d.requestId, true);
    if (b.request.isDecided()) {
        DecisionResult result;
        result.requestId = d.requestId;
        result.status = DecisionResult::Status::AlreadyDecided;
        if (const auto decision = DecisionRepository(conn).findForRequest(d.requestId)) {
            result.decidedBy = decision->reviewer;
            result.decidedAt = decision->decidedAt;
        }
        return result;
    }
    if (b.request.status == awaitingApproval)
        refuse(tr("request %1 is waiting for a second approval: a lead approves it or sends it "
                  "back")
                   .arg(d.requestId));
    const PolicyProfile &profile = m_profiles.find(conn, b.account.profile);
    // The facts may have moved since triage (a job credited back meanwhile): decide on today's.
    const PolicyOutcome rec = PolicyEngine::evaluate(b.policyCase, profile);
    return apply(conn, b, profile, rec, d, fourEyes);
}

DecisionResult RefundWorkflow::apply(const QSqlDatabase &conn, const BuiltCase &b,
                                     const PolicyProfile &profile, const PolicyOutcome &rec,
                                     const ReviewDecision &d, const FourEyes &fourEyes)
{
    const RequestRecord &r = b.request;
    const qint64 at = now();
    DecisionResult result;
    result.requestId = r.id;
    result.recommendation = rec;
    RequestRepository requests(conn);
    AuditRecord audit = auditRow(at, d.reviewer, {}, r.accountId, r.id, d.note, &profile, &rec);

    if (d.action == ReviewAction::Escalate) {
        if (!requests.transition(r.id, openStatuses, QStringLiteral("escalated"), at, {}))
            refuse(tr("request %1 is no longer open").arg(r.id));
        if (!r.recommendation.isSet())
            requests.storeRecommendation(r.id, stored(rec), at, QStringLiteral("escalated"),
                                         QStringLiteral("escalated"));
        audit.action = QStringLiteral("escalate");
        AuditRepository(conn).append(audit);
        result.status = DecisionResult::Status::Escalated;
        return result;
    }

    const bool approve = d.action == ReviewAction::Approve;
    // Rule 11 before anything else: a purchase that already got this remedy, or all it can,
    // gets nothing more, whatever the reviewer confirms.
    const CasePurchase *facts = b.policyCase.purchase();
    if (approve && b.purchase && facts) {
        if (PolicyEngine::isPurchaseRequest(b.policyCase.request.type) &&
            facts->isGranted(b.policyCase.request.type))
            throw AlreadyCompensated(alreadyGiven(*b.purchase, b.compensation, r.type));
        if (rec.verdict == Verdict::Deny &&
            rec.clauses.value(0) == profile.clause(ClauseRole::AlreadyCompensated).id)
            throw AlreadyCompensated(alreadyGiven(*b.purchase, b.compensation));
    }
    result.isOverride =
        (approve && rec.verdict == Verdict::Deny) || (!approve && rec.verdict == Verdict::Approve);
    const QString clause = rec.clauses.value(0);
    if (result.isOverride && !d.allowOverride)
        refuse(tr("the policy recommends %1 (%2); deciding otherwise is an override: confirm "
                  "it and give a note")
                   .arg(PolicyNames::verdict(rec.verdict), clause));
    if (result.isOverride && d.note.trimmed().isEmpty())
        refuse(tr("an override of the policy (%1) needs a note saying why").arg(clause));
    QString note = d.note.trimmed();
    if (!approve && note.isEmpty()) {
        if (rec.verdict != Verdict::Deny)
            refuse(tr("a denial needs a reason"));
        note = tr("%1: %2").arg(clause, rec.explanation); // the clause that denies
    }
    audit.note = note;

    // Four-eyes: a desk person's override, or money above the threshold, is only a first
    // approval until another lead approves it; nothing is paid or credited before.
    const bool firstOfTwo = fourEyes.applies && fourEyes.secondApprover.isEmpty();
    const auto hold = [&](qint64 refundCents, const QString &currency) {
        result.refundCents = refundCents;
        result.currency = currency;
        return holdForSecondApproval(conn, b, profile, rec, d, note, result);
    };
    const bool chargeback = b.policyCase.request.type == RequestType::Chargeback;
    if (firstOfTwo && result.isOverride && (!approve || chargeback))
        return hold(0, {});
    LedgerRepository ledger(conn);
    CreditLotRepository lots(conn);
    // Written after the decision (on a team's database their triggers look for it).
    std::optional<PayoutRecord> payoutMade; // also published once the decision is written
    std::optional<LedgerEntryRecord> revokeEntry;
    std::optional<std::pair<LedgerEntryRecord, qint64>> grant; // the entry, its lot's purchase
    qint64 restoredJob = 0;
    QJsonObject written;
    if (chargeback) {
        // A chargeback case is not a refund: approving accepts the bank's reversal (lost),
        // denying records that it was contested successfully (won).
        if (d.amountCents)
            refuse(tr("a chargeback is settled by the bank: no amount can be given"));
        ChargebackRepository chargebacks(conn);
        const auto cb = chargebacks.findForRequest(r.id);
        if (!cb)
            refuse(tr("request %1 is a chargeback case without a chargeback record").arg(r.id));
        if (cb->status == QLatin1String("open") && !chargebacks.resolve(cb->id, !approve, at))
            refuse(tr("chargeback %1 changed meanwhile").arg(cb->id));
        if (!approve)
            PurchaseRepository(conn).setDisputed(cb->purchaseId, false);
        written.insert(QStringLiteral("chargeback"),
                       approve ? QStringLiteral("lost") : QStringLiteral("won"));
    } else if (approve) {
        Remedy remedy = rec.remedy;
        if (remedy == Remedy::None) {
            // The policy grants nothing; an override grants what the reviewer names.
            if (d.amountCents && b.purchase)
                remedy = Remedy::MoneyRefund;
            else if (b.job && !d.amountCents && b.job->status == QLatin1String("failed"))
                remedy = Remedy::CreditRestore;
            else
                refuse(tr("the policy names no remedy here: give the amount to refund"));
        }
        result.remedy = remedy;
        if (remedy == Remedy::MoneyRefund) {
            if (!b.purchase)
                refuse(tr("request %1 names no purchase to refund").arg(r.id));
            const PurchaseRecord &p = *b.purchase;
            const qint64 paid = Checked::mul(p.amountCents, p.chargeCount);
            const qint64 returned = b.compensation.returnedCents();
            const qint64 refundable = std::max<qint64>(0, Checked::sub(paid, returned));
            if (refundable == 0)
                throw AlreadyCompensated(alreadyGiven(p, b.compensation));
            const qint64 recommended = rec.remedy == Remedy::MoneyRefund ? rec.refundCents : 0;
            qint64 amount = recommended;
            if (d.amountCents) {
                if (*d.amountCents <= 0)
                    refuse(tr("the amount to refund must be positive, not %1 cents")
                               .arg(*d.amountCents));
                if (recommended > 0 && *d.amountCents > recommended)
                    refuse(tr("%1 is above the recommended %2: an approval may lower the amount, "
                              "never raise it")
                               .arg(formatMoney(*d.amountCents, p.currency),
                                    formatMoney(recommended, p.currency)));
                amount = *d.amountCents;
            }
            if (amount <= 0)
                refuse(tr("the policy names no amount here: give the amount to refund"));
            if (amount > refundable)
                refuse(
                    tr("%1 is more than the %2 still refundable on purchase %3 (paid %4): %5")
                        .arg(formatMoney(amount, p.currency), formatMoney(refundable, p.currency))
                        .arg(p.id)
                        .arg(formatMoney(paid, p.currency), alreadyGiven(p, b.compensation)));
            if (firstOfTwo && (result.isOverride || amount > fourEyes.aboveCents))
                return hold(amount, p.currency);
            // The money the credits were bought with goes back: so do the credits still left
            // of the purchase (what was spent is spent; the lot never goes below zero).
            const bool revokes = moneyRefundRevokesCredits(b.policyCase.request.type);
            const qint64 taken =
                revokes ? lots.takeFromPurchase(p.id, std::numeric_limits<qint64>::max()) : 0;
            if (revokes)
                result.creditsSpent = lots.usedOfPurchase(p.id).value_or(0) - taken;
            if (taken > 0) {
                LedgerEntryRecord e;
                e.accountId = r.accountId;
                e.createdAt = at;
                e.entryType = QStringLiteral("refund");
                e.credits = -taken;
                e.purchaseId = p.id;
                e.requestId = r.id;
                e.createdBy = d.reviewer;
                e.note = tr("credits returned with the money refund");
                revokeEntry = e;
            }
            PayoutRecord payout;
            payout.requestId = r.id;
            payout.purchaseId = p.id;
            payout.accountId = r.accountId;
            payout.amountCents = amount;
            payout.currency = p.currency;
            payout.createdAt = at;
            payoutMade = payout;
            result.refundCents = amount;
            result.currency = p.currency;
            result.credits = taken;
        } else {
            if (d.amountCents)
                refuse(tr("this remedy restores credits: no money amount can be given"));
            const bool forJob = b.policyCase.request.type == RequestType::FailedJob && b.job;
            const qint64 credits = rec.remedy == Remedy::CreditRestore && rec.credits > 0
                                       ? rec.credits
                                   : b.job ? b.job->credits
                                           : 0;
            if (credits <= 0)
                refuse(tr("the policy names no credits to restore here"));
            LedgerEntryRecord e;
            e.accountId = r.accountId;
            e.createdAt = at;
            e.credits = credits;
            e.requestId = r.id;
            e.createdBy = d.reviewer;
            qint64 lotPurchase = 0;
            if (forJob || (b.job && !b.purchase)) {
                if (b.job->status != QLatin1String("failed"))
                    refuse(tr("job %1 did not fail: only a failed job is credited back")
                               .arg(b.job->id));
                if (ledger.hasCreditBack(b.job->id))
                    refuse(tr("job %1 was already credited back: a generation is compensated "
                              "once")
                               .arg(b.job->id));
                e.entryType = QStringLiteral("job_credit_back");
                e.jobId = b.job->id;
                e.note = tr("credit-back of a failed job");
                restoredJob = b.job->id;
            } else {
                if (b.purchase) {
                    // Never more credits back than the purchase delivered (rule 11).
                    const PurchaseRecord &p = *b.purchase;
                    const qint64 restorable =
                        std::max<qint64>(0, Checked::sub(Checked::mul(p.credits, p.chargeCount),
                                                         b.compensation.restoredCredits));
                    if (restorable == 0)
                        throw AlreadyCompensated(alreadyGiven(p, b.compensation));
                    if (credits > restorable)
                        refuse(tr("%1 credits are more than the %2 still restorable on purchase "
                                  "%3: %4")
                                   .arg(credits)
                                   .arg(restorable)
                                   .arg(p.id)
                                   .arg(alreadyGiven(p, b.compensation)));
                }
                e.entryType = QStringLiteral("adjustment");
                e.purchaseId = b.purchase ? b.purchase->id : 0;
                e.note = tr("credits restored");
                // Credits that never arrived arrive now, as the purchase's own lot.
                if (b.purchase && !lots.usedOfPurchase(b.purchase->id))
                    lotPurchase = b.purchase->id;
            }
            if (firstOfTwo && result.isOverride)
                return hold(0, {});
            grant = std::pair{e, lotPurchase};
            result.credits = credits;
        }
    }

    DecisionRecord decision;
    decision.requestId = r.id;
    decision.verdict = approve ? QStringLiteral("approve") : QStringLiteral("deny");
    decision.remedy = PolicyNames::remedy(result.remedy);
    decision.refundCents = result.refundCents;
    decision.credits = result.credits;
    decision.currency = b.purchase ? b.purchase->currency : QString();
    decision.reviewer = d.reviewer;
    decision.decidedAt = at;
    decision.profile = profile.id;
    decision.profileVersion = profile.version;
    decision.recommendedVerdict = PolicyNames::verdict(rec.verdict);
    decision.isOverride = result.isOverride;
    decision.note = note;
    decision.secondApprover = fourEyes.secondApprover;
    DecisionRepository(conn).create(decision);
    if (revokeEntry)
        written.insert(QStringLiteral("refund_entry"), ledger.append(*revokeEntry));
    if (payoutMade) {
        payoutMade->id = PayoutRepository(conn).create(*payoutMade);
        written.insert(QStringLiteral("payout"), payoutMade->id);
    }
    if (grant)
        written.insert(QStringLiteral("entry"), grantCredits(conn, grant->first, grant->second));
    const QStringList from =
        fourEyes.secondApprover.isEmpty() ? openStatuses : QStringList{awaitingApproval};
    // The answer date is a day in the profile's time zone: so is the day it was answered on.
    const QDate answeredOn = profile.calendar.localDate(at);
    if (!requests.transition(r.id, from,
                             approve ? QStringLiteral("approved") : QStringLiteral("denied"), at,
                             d.reviewer, answeredOn))
        refuse(tr("request %1 is no longer open").arg(r.id));
    if (!fourEyes.secondApprover.isEmpty()) {
        written.insert(QStringLiteral("first_approval"), d.reviewer);
        written.insert(QStringLiteral("second_approval"), fourEyes.secondApprover);
    }

    written.insert(QStringLiteral("remedy"), decision.remedy);
    written.insert(QStringLiteral("refund_cents"), result.refundCents);
    written.insert(QStringLiteral("credits"), result.credits);
    written.insert(QStringLiteral("override"), result.isOverride);
    audit.action = decision.verdict;
    audit.details = details(written);
    AuditRepository(conn).append(audit);

    // Last, so the outbox's head is locked only for the end of the transaction.
    OutboxPublisher out(conn);
    const qint64 purchaseId = b.purchase ? b.purchase->id : 0;
    if (result.remedy == Remedy::MoneyRefund && result.credits > 0)
        out.creditsRevoked(at, r.accountId, result.credits, QStringLiteral("refunded"), purchaseId,
                           r.id);
    if (payoutMade)
        out.refundUpdated(at, *payoutMade);
    if (result.remedy == Remedy::CreditRestore && result.credits > 0)
        out.creditsRestored(at, r.accountId, result.credits,
                            restoredJob ? QStringLiteral("job_credit_back")
                                        : OutboxPublisher::restoreReason(r.type),
                            restoredJob, restoredJob ? 0 : purchaseId, r.id);
    PolicyOutcome decided = rec;
    decided.verdict = approve ? Verdict::Approve : Verdict::Deny;
    decided.remedy = result.remedy;
    decided.refundCents = result.refundCents;
    decided.credits = result.credits;
    out.requestDecided(
        at, r.id, r.accountId, decision.verdict, decision.remedy, result.refundCents,
        decision.currency, result.credits,
        ReplyDraft::compose(decided, profile, b.account.displayName, decision.currency));
    result.status = approve ? DecisionResult::Status::Approved : DecisionResult::Status::Denied;
    return result;
}

void RefundWorkflow::assign(qint64 requestId, const QString &reviewer, const QString &actor)
{
    inTransaction([&](const QSqlDatabase &conn) {
        const auto r = RequestRepository(conn).find(requestId, true);
        if (!r)
            refuse(tr("no refund request with id %1").arg(requestId));
        if (!RequestRepository(conn).assign(requestId, reviewer, now()))
            refuse(tr("request %1 is already decided").arg(requestId));
        AuditRepository(conn).append(
            auditRow(now(), actor, QStringLiteral("assign"), r->accountId, requestId, reviewer));
        return true;
    });
}

void RefundWorkflow::addNote(qint64 requestId, const QString &author, const QString &note)
{
    if (note.trimmed().isEmpty())
        refuse(tr("the note is empty"));
    inTransaction([&](const QSqlDatabase &conn) {
        const auto r = RequestRepository(conn).find(requestId);
        if (!r)
            refuse(tr("no refund request with id %1").arg(requestId));
        AuditRepository(conn).append(auditRow(now(), author, QStringLiteral("note"), r->accountId,
                                              requestId, note.trimmed()));
        return true;
    });
}

DecisionResult RefundWorkflow::settleChargebackCase(const QSqlDatabase &conn, qint64 requestId,
                                                    bool won, const QString &actor,
                                                    const QString &note)
{
    ReviewDecision d;
    d.requestId = requestId;
    // Approving a chargeback case accepts the bank's reversal (lost); denying records that it
    // was contested successfully (won). The bank decided: it is never an override to refuse.
    d.action = won ? ReviewAction::Deny : ReviewAction::Approve;
    d.reviewer = actor;
    d.note = note;
    d.allowOverride = true;
    return decideLocked(conn, d, FourEyes{});
}

QString RefundWorkflow::creditBackNote()
{
    return tr("automatic credit-back");
}

qint64 RefundWorkflow::recordPurchase(const PurchaseRecord &purchase)
{
    return inTransaction([&](const QSqlDatabase &conn) { return recordPurchase(conn, purchase); });
}

qint64 RefundWorkflow::recordPurchase(const QSqlDatabase &conn, const PurchaseRecord &purchase)
{
    PurchaseRecord p = purchase;
    if (p.createdAt == 0)
        p.createdAt = now();
    const qint64 id = PurchaseRepository(conn).create(p);
    if (p.delivered && p.credits > 0) {
        LedgerEntryRecord e = systemEntry(p.accountId, p.createdAt, "purchase", p.credits);
        e.purchaseId = id;
        grantCredits(conn, e, id);
    }
    return id;
}

bool RefundWorkflow::deliverPurchase(const QSqlDatabase &conn, qint64 purchaseId)
{
    PurchaseRepository purchases(conn);
    const auto p = purchases.lock(purchaseId);
    if (!p)
        refuse(tr("no purchase with id %1").arg(purchaseId));
    // Credits already restored for it (a not_delivered request) arrived as its lot.
    if (!purchases.setDelivered(purchaseId) || p->credits == 0 ||
        CreditLotRepository(conn).usedOfPurchase(purchaseId))
        return false;
    LedgerEntryRecord e = systemEntry(p->accountId, now(), "purchase", p->credits);
    e.purchaseId = purchaseId;
    grantCredits(conn, e, purchaseId);
    return true;
}

qint64 RefundWorkflow::recordJob(qint64 accountId, qint64 credits, const QString &model)
{
    JobRecord job;
    job.accountId = accountId;
    job.model = model;
    job.credits = credits;
    return inTransaction([&](const QSqlDatabase &conn) { return recordJob(conn, job); });
}

qint64 RefundWorkflow::recordJob(const QSqlDatabase &conn, const JobRecord &spec)
{
    if (spec.credits <= 0)
        refuse(tr("a job spends a positive number of credits, not %1").arg(spec.credits));
    const auto account = AccountRepository(conn).find(spec.accountId);
    if (!account)
        refuse(tr("no account with id %1").arg(spec.accountId));
    if (account->balanceCredits < spec.credits)
        refuse(tr("account %1 has %2 credits; the job needs %3")
                   .arg(spec.accountId)
                   .arg(account->balanceCredits)
                   .arg(spec.credits));
    JobRecord job = spec;
    if (job.createdAt == 0)
        job.createdAt = now();
    job.status = QStringLiteral("succeeded");
    job.failure.clear();
    const qint64 id = JobRepository(conn).create(job);
    LedgerEntryRecord e = systemEntry(job.accountId, job.createdAt, "usage", -job.credits);
    e.jobId = id;
    spendCredits(conn, e);
    return id;
}

bool RefundWorkflow::reportJobFailure(qint64 jobId, FailureCause cause, const QString &detail)
{
    if (cause == FailureCause::None)
        refuse(tr("a job failure needs a cause: platform, user or unknown"));
    return inTransaction(
        [&](const QSqlDatabase &conn) { return reportJobFailure(conn, jobId, cause, detail); });
}

bool RefundWorkflow::reportJobFailure(const QSqlDatabase &conn, qint64 jobId, FailureCause cause,
                                      const QString &detail)
{
    JobRepository jobs(conn);
    const auto job = jobs.find(jobId);
    if (!job)
        refuse(tr("no job with id %1").arg(jobId));
    if (!jobs.setFailed(jobId, PolicyNames::failureCause(cause), detail))
        refuse(tr("job %1 has already failed").arg(jobId));
    if (cause != FailureCause::Platform || LedgerRepository(conn).hasCreditBack(jobId))
        return false;
    LedgerEntryRecord e = systemEntry(job->accountId, now(), "job_credit_back", job->credits);
    e.jobId = jobId;
    e.note = creditBackNote();
    grantCredits(conn, e, 0);
    OutboxPublisher(conn).creditsRestored(e.createdAt, e.accountId, e.credits,
                                          QStringLiteral("job_credit_back"), jobId, 0, 0);
    return true;
}

qint64 RefundWorkflow::submitRequest(const RequestRecord &request)
{
    return inTransaction([&](const QSqlDatabase &conn) { return submitRequest(conn, request); });
}

qint64 RefundWorkflow::submitRequest(const QSqlDatabase &conn, const RequestRecord &request)
{
    RequestRecord r = request;
    r.status = QStringLiteral("new");
    if (r.receivedAt == 0)
        r.receivedAt = now();
    r.updatedAt = r.receivedAt;
    if (!AccountRepository(conn).find(r.accountId))
        refuse(tr("no account with id %1").arg(r.accountId));
    return RequestRepository(conn).create(r);
}

qint64 RefundWorkflow::recordChargeback(qint64 purchaseId, const QString &reason,
                                        bool contactedSupportFirst)
{
    return inTransaction([&](const QSqlDatabase &conn) {
        return recordChargeback(conn, purchaseId, reason, contactedSupportFirst, 0);
    });
}

qint64 RefundWorkflow::recordChargeback(const QSqlDatabase &conn, qint64 purchaseId,
                                        const QString &reason, bool contactedSupportFirst,
                                        qint64 dueBy)
{
    PurchaseRepository purchases(conn);
    const auto p = purchases.lock(purchaseId); // the unit of locking of its compensations
    if (!p)
        refuse(tr("no purchase with id %1").arg(purchaseId));
    if (p->disputed)
        refuse(tr("purchase %1 is already disputed").arg(purchaseId));
    const qint64 at = now();
    purchases.setDisputed(purchaseId, true);
    RequestRecord r;
    r.accountId = p->accountId;
    r.type = QStringLiteral("chargeback");
    r.status = QStringLiteral("pending");
    r.purchaseId = purchaseId;
    r.message = reason;
    r.receivedAt = at;
    r.updatedAt = at;
    RequestRepository requests(conn);
    const qint64 requestId = requests.create(r);
    ChargebackRecord cb;
    cb.purchaseId = purchaseId;
    cb.accountId = p->accountId;
    cb.requestId = requestId;
    cb.openedAt = at;
    cb.amountCents = p->amountCents;
    cb.currency = p->currency;
    cb.reason = reason;
    cb.contactedSupportFirst = contactedSupportFirst;
    cb.dueBy = dueBy;
    ChargebackRepository(conn).create(cb);

    const BuiltCase b = CaseBuilder(conn).build(requestId);
    const PolicyProfile &profile = m_profiles.find(conn, b.account.profile);
    const PolicyOutcome rec = PolicyEngine::evaluate(b.policyCase, profile);
    StoredRecommendation recommendation = stored(rec);
    if (dueBy) // the card network's deadline is the case's answer date
        recommendation.respondBy =
            QDateTime::fromSecsSinceEpoch(dueBy, Qt::UTC).date().toString(Qt::ISODate);
    requests.storeRecommendation(requestId, recommendation, at, r.status, r.status);
    QJsonObject written;
    bool suspended = false;
    qint64 clawedBack = 0;
    if ((rec.actions & SuspendAccount) && b.account.status == QLatin1String("active")) {
        AccountRepository(conn).setStatus(b.account.id, QStringLiteral("suspended"));
        written.insert(QStringLiteral("suspended"), true);
        suspended = true;
    }
    if (rec.actions & ClawbackCredits) {
        const qint64 credits = std::min(b.account.balanceCredits, p->credits);
        if (credits > 0) {
            LedgerEntryRecord e;
            e.accountId = b.account.id;
            e.createdAt = at;
            e.entryType = QStringLiteral("clawback");
            e.credits = -credits;
            e.purchaseId = purchaseId;
            e.requestId = requestId;
            e.createdBy = systemReviewer();
            e.note = tr("chargeback clawback");
            written.insert(QStringLiteral("clawback_entry"), spendCredits(conn, e));
            clawedBack = credits;
        }
    }
    AuditRecord audit = auditRow(at, systemReviewer(), QStringLiteral("chargeback"), b.account.id,
                                 requestId, reason, &profile, &rec);
    audit.details = details(written);
    AuditRepository(conn).append(audit);
    OutboxPublisher out(conn);
    if (suspended)
        out.accountSuspended(at, b.account.id, QStringLiteral("chargeback"));
    if (clawedBack > 0)
        out.creditsRevoked(at, b.account.id, clawedBack, QStringLiteral("clawback"), purchaseId,
                           requestId);
    return requestId;
}
