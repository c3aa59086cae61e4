#include "workflowcommands.h"

#include "clicontext.h"
#include "models/approvalrepository.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/invariantchecker.h"
#include "models/payoutrepository.h"
#include "models/purchaserepository.h"
#include "models/requestrepository.h"
#include "policy/refundworkflow.h"
#include "policy/rules/money.h"
#include "policy/rules/policytypes.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("refundctl", text, disambiguation, n);
}

QString isoTime(qint64 secs)
{
    return secs > 0 ? QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(Qt::ISODate)
                    : QString();
}
} // namespace

int WorkflowCommands::triage(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption quietOption(QStringLiteral("quiet"), tr("Print no progress."));
    parser.addOption(quietOption);
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Evaluates every new refund request with its account's policy profile and "
                      "stores the recommendation. Failed jobs that the policy credits back "
                      "automatically are approved at once by the system reviewer; everything "
                      "else waits in the queue."),
                   &exitCode) ||
        !cli.rejectPositional(parser, &exitCode))
        return exitCode;
    RefundWorkflow workflow(cli.database());
    const bool quiet = parser.isSet(quietOption);
    const TriageResult result = workflow.triage([&](qint64 done) {
        if (!quiet && done % 500 == 0)
            cli.err() << '\r' << tr("requests: %1").arg(done) << Qt::flush;
    });
    if (!quiet && result.evaluated >= 500)
        cli.err() << Qt::endl;
    for (const QString &error : result.errors)
        cli.err() << tr("refundctl triage: %1").arg(error) << Qt::endl;
    cli.out() << tr("%1 requests evaluated, %2 applied automatically, %3 failed")
                     .arg(result.evaluated)
                     .arg(result.applied)
                     .arg(result.errors.size())
              << Qt::endl;
    return result.errors.isEmpty() ? Exit::Ok : Exit::Failure;
}

namespace {
QString creditCount(qint64 n)
{
    return n == 1 ? tr("1 credit") : tr("%1 credits").arg(n);
}

// What an approval did, after "ID approved": ": refund 19.12 USD, 300 credits taken back".
QString approvedWhat(const DecisionResult &r)
{
    if (r.remedy == Remedy::MoneyRefund) {
        QString text =
            QStringLiteral(": ") + tr("refund %1").arg(formatMoney(r.refundCents, r.currency));
        if (r.credits > 0 || r.creditsSpent > 0)
            text += QStringLiteral(", ") + tr("%1 taken back").arg(creditCount(r.credits));
        if (r.creditsSpent > 0)
            text += QStringLiteral(" ") +
                    tr("(%1 already spent, not taken back)").arg(creditCount(r.creditsSpent));
        return text;
    }
    if (r.remedy == Remedy::CreditRestore)
        return QStringLiteral(": ") + tr("%1 restored").arg(creditCount(r.credits));
    return {};
}
} // namespace

int WorkflowCommands::decide(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption verdictOption(
        QStringLiteral("verdict"), tr("approve, deny or escalate."), QStringLiteral("verdict"));
    const QCommandLineOption reviewerOption(QStringLiteral("reviewer"),
                                            tr("Who decides (recorded with the decision)."),
                                            QStringLiteral("name"));
    const QCommandLineOption noteOption(
        QStringLiteral("note"),
        tr("The reason, recorded with the decision; required to decide against the policy."),
        QStringLiteral("text"));
    const QCommandLineOption amountOption(
        QStringLiteral("amount-cents"),
        tr("Refund less money than recommended (minor units), or name the amount where the "
           "policy names none."),
        QStringLiteral("n"));
    const QCommandLineOption overrideOption(
        QStringLiteral("override"),
        tr("Confirm deciding against the policy's recommendation (needs --note)."));
    parser.addOptions({verdictOption, reviewerOption, noteOption, amountOption, overrideOption});
    parser.addPositionalArgument(QStringLiteral("ID"), tr("Refund request ids."),
                                 QStringLiteral("ID..."));
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Approves, denies or escalates refund requests, each in one transaction, "
                      "and prints one line per request."),
                   &exitCode))
        return exitCode;

    ReviewDecision d;
    const QString verdict = parser.value(verdictOption);
    if (verdict == QLatin1String("approve"))
        d.action = ReviewAction::Approve;
    else if (verdict == QLatin1String("deny"))
        d.action = ReviewAction::Deny;
    else if (verdict == QLatin1String("escalate"))
        d.action = ReviewAction::Escalate;
    else
        return cli.usageError(
            parser.isSet(verdictOption)
                ? tr("--verdict must be approve, deny or escalate, not '%1'").arg(verdict)
                : tr("--verdict approve|deny|escalate is required"));
    d.reviewer = parser.value(reviewerOption).trimmed();
    if (d.reviewer.isEmpty())
        return cli.usageError(tr("--reviewer NAME is required"));
    d.note = parser.value(noteOption);
    d.allowOverride = parser.isSet(overrideOption);
    if (parser.isSet(amountOption)) {
        bool ok = false;
        const qint64 amount = parser.value(amountOption).toLongLong(&ok);
        if (!ok || amount <= 0)
            return cli.usageError(tr("--amount-cents needs a positive whole number, not '%1'")
                                      .arg(parser.value(amountOption)));
        d.amountCents = amount;
    }
    QList<qint64> ids;
    for (const QString &arg : parser.positionalArguments()) {
        bool ok = false;
        const qint64 id = arg.toLongLong(&ok);
        if (!ok || id <= 0)
            return cli.usageError(tr("'%1' is not a request id").arg(arg));
        ids << id;
    }
    if (ids.isEmpty())
        return cli.usageError(tr("name at least one request id"));

    RefundWorkflow workflow(cli.database());
    bool allProcessed = true;
    for (const qint64 id : ids) {
        d.requestId = id;
        const DecisionResult r = workflow.decide(d);
        switch (r.status) {
        case DecisionResult::Status::Approved:
            cli.out() << tr("%1 approved").arg(id) << approvedWhat(r) << Qt::endl;
            break;
        case DecisionResult::Status::Denied:
            cli.out() << tr("%1 denied").arg(id) << Qt::endl;
            break;
        case DecisionResult::Status::Escalated:
            cli.out() << tr("%1 escalated").arg(id) << Qt::endl;
            break;
        case DecisionResult::Status::AwaitingApproval:
            cli.out() << tr("%1 awaiting-approval").arg(id) << approvedWhat(r)
                      << QStringLiteral("; ")
                      << tr("another lead gives the second approval (refundctl approvals "
                            "approve %1)")
                             .arg(id)
                      << Qt::endl;
            break;
        case DecisionResult::Status::AlreadyDecided:
            cli.out() << tr("%1 already-decided by %2").arg(id).arg(r.decidedBy) << Qt::endl;
            break;
        case DecisionResult::Status::AlreadyCompensated:
            cli.out() << tr("%1 already-compensated: %2").arg(id).arg(r.error) << Qt::endl;
            allProcessed = false;
            break;
        case DecisionResult::Status::Failed:
            cli.out() << tr("%1 error: %2").arg(id).arg(r.error) << Qt::endl;
            allProcessed = false;
            break;
        }
    }
    return allProcessed ? Exit::Ok : Exit::Failure;
}

int WorkflowCommands::check(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption jsonOption(
        QStringLiteral("json"),
        tr("One JSON object: ok, the counts, the time taken and each violation with its check."));
    parser.addOption(jsonOption);
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Checks, in one read-only snapshot, everything users trust the ledger "
                      "with: balances equal their entries and their credit lots and never go "
                      "negative; every credit that moves has a cause on its own account (a "
                      "purchase, a job, a chargeback or an approved decision); every payout "
                      "matches an approved money refund of that account, purchase, currency "
                      "and amount; no purchase gets back more money than it paid or more "
                      "credits than it delivered, nor one remedy twice; a job is credited back "
                      "at most once; every decided request has its decision, its ledger "
                      "entries and payouts, and its audit record. Writes nothing; exit 1 when "
                      "anything is wrong."),
                   &exitCode) ||
        !cli.rejectPositional(parser, &exitCode))
        return exitCode;
    Database &db = cli.database();
    const InvariantReport report = InvariantChecker(db.connection()).run();
    if (parser.isSet(jsonOption)) {
        QJsonArray violations;
        for (qsizetype i = 0; i < report.violations.size(); ++i)
            violations.append(QJsonObject{{QStringLiteral("check"), report.checks.value(i)},
                                          {QStringLiteral("message"), report.violations.at(i)}});
        const QJsonObject o{
            {QStringLiteral("ok"), report.ok()},
            {QStringLiteral("accounts"), report.accounts},
            {QStringLiteral("ledger_entries"), report.ledgerEntries},
            {QStringLiteral("decisions"), report.decisions},
            {QStringLiteral("payouts"), report.payouts},
            {QStringLiteral("milliseconds"), report.milliseconds},
            {QStringLiteral("checks"), QJsonArray::fromStringList(InvariantChecker::checkIds())},
            {QStringLiteral("violations"), violations}};
        cli.out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
        cli.out().flush();
        return report.ok() ? Exit::Ok : Exit::Failure;
    }
    if (report.ok()) {
        cli.out() << tr("ok: %1 accounts, %2 ledger entries, %3 decisions; every invariant holds")
                         .arg(report.accounts)
                         .arg(report.ledgerEntries)
                         .arg(report.decisions)
                  << Qt::endl;
        return Exit::Ok;
    }
    for (const QString &line : report.violations)
        cli.out() << line << Qt::endl;
    cli.err() << tr("refundctl check: invariants violated in %1").arg(db.url().toDisplayString())
              << Qt::endl;
    return Exit::Failure;
}

int WorkflowCommands::requests(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption statusOption(
        QStringLiteral("status"),
        tr("Only requests in this status: new, pending, escalated, awaiting_approval, "
           "approved, denied."),
        QStringLiteral("status"));
    const QCommandLineOption typeOption(QStringLiteral("type"),
                                        tr("Only requests of this type (e.g. failed_job)."),
                                        QStringLiteral("type"));
    const QCommandLineOption limitOption(QStringLiteral("limit"), tr("At most this many requests."),
                                         QStringLiteral("n"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        tr("One JSON array instead of a table."));
    parser.addOptions({statusOption, typeOption, limitOption, jsonOption});
    int exitCode = 0;
    if (!cli.parse(parser, tr("Lists refund requests with their stored recommendation."),
                   &exitCode) ||
        !cli.rejectPositional(parser, &exitCode))
        return exitCode;
    RequestFilter filter;
    filter.status = parser.value(statusOption);
    static const QStringList statuses{QStringLiteral("new"), QStringLiteral("pending"),
                                      QStringLiteral("escalated"), QStringLiteral("approved"),
                                      QStringLiteral("denied")};
    if (!filter.status.isEmpty() && !statuses.contains(filter.status))
        return cli.usageError(tr("--status must be one of %1, not '%2'")
                                  .arg(statuses.join(QStringLiteral(", ")), filter.status));
    filter.type = parser.value(typeOption);
    if (!filter.type.isEmpty() && !PolicyNames::toRequestType(filter.type))
        return cli.usageError(tr("unknown request type '%1'").arg(filter.type));
    if (parser.isSet(limitOption)) {
        bool ok = false;
        filter.limit = parser.value(limitOption).toInt(&ok);
        if (!ok || filter.limit <= 0)
            return cli.usageError(tr("--limit needs a positive whole number, not '%1'")
                                      .arg(parser.value(limitOption)));
    }
    const QList<RequestRecord> list = RequestRepository(cli.database().connection()).list(filter);
    if (parser.isSet(jsonOption)) {
        QJsonArray array;
        for (const RequestRecord &r : list) {
            const StoredRecommendation &rec = r.recommendation;
            QJsonObject recommendation;
            if (rec.isSet())
                recommendation = QJsonObject{
                    {QStringLiteral("verdict"), rec.verdict},
                    {QStringLiteral("remedy"), rec.remedy},
                    {QStringLiteral("refund_cents"), rec.refundCents},
                    {QStringLiteral("credits"), rec.credits},
                    {QStringLiteral("actions"), QJsonArray::fromStringList(rec.actions)},
                    {QStringLiteral("clauses"), QJsonArray::fromStringList(rec.clauses)},
                    {QStringLiteral("respond_by"),
                     rec.respondBy.isEmpty() ? QJsonValue() : QJsonValue(rec.respondBy)},
                    {QStringLiteral("profile"), rec.profile},
                    {QStringLiteral("profile_version"), rec.profileVersion},
                    {QStringLiteral("explanation"), rec.explanation}};
            array.append(QJsonObject{
                {QStringLiteral("id"), r.id},
                {QStringLiteral("account_id"), r.accountId},
                {QStringLiteral("type"), r.type},
                {QStringLiteral("status"), r.status},
                {QStringLiteral("purchase_id"),
                 r.purchaseId ? QJsonValue(r.purchaseId) : QJsonValue()},
                {QStringLiteral("job_id"), r.jobId ? QJsonValue(r.jobId) : QJsonValue()},
                {QStringLiteral("received_at"), isoTime(r.receivedAt)},
                {QStringLiteral("assigned_to"),
                 r.assignedTo.isEmpty() ? QJsonValue() : QJsonValue(r.assignedTo)},
                {QStringLiteral("decided_at"),
                 r.decidedAt ? QJsonValue(isoTime(r.decidedAt)) : QJsonValue()},
                {QStringLiteral("recommendation"),
                 rec.isSet() ? QJsonValue(recommendation) : QJsonValue()}});
        }
        cli.out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return Exit::Ok;
    }
    cli.out() << QStringLiteral("%1  %2  %3  %4  %5  %6  %7  %8\n")
                     .arg(tr("id"), 8)
                     .arg(tr("status"), -9)
                     .arg(tr("type"), -19)
                     .arg(tr("account"), 8)
                     .arg(tr("received"), -20)
                     .arg(tr("recommendation"), -32)
                     .arg(tr("respond by"), -10)
                     .arg(tr("assigned to"));
    const PurchaseRepository purchases(cli.database().connection());
    for (const RequestRecord &r : list) {
        const StoredRecommendation &rec = r.recommendation;
        QString recommendation = QStringLiteral("-");
        if (rec.isSet()) {
            recommendation = rec.verdict;
            if (rec.remedy == QLatin1String("money_refund")) {
                // Money with its currency, as everywhere else: the purchase's.
                const auto p = r.purchaseId ? purchases.find(r.purchaseId) : std::nullopt;
                recommendation +=
                    QLatin1Char(' ') +
                    tr("refund %1")
                        .arg(formatMoney(rec.refundCents, p ? p->currency : QString()).trimmed());
            } else if (rec.remedy == QLatin1String("credit_restore")) {
                recommendation += QLatin1Char(' ') + tr("restore %1").arg(creditCount(rec.credits));
            }
        }
        cli.out() << QStringLiteral("%1  %2  %3  %4  %5  %6  %7  %8\n")
                         .arg(r.id, 8)
                         .arg(r.status, -9)
                         .arg(r.type, -19)
                         .arg(r.accountId, 8)
                         .arg(isoTime(r.receivedAt), -20)
                         .arg(recommendation, -32)
                         .arg(rec.respondBy.isEmpty() ? QStringLiteral("-") : rec.respondBy, -10)
                         .arg(r.assignedTo.isEmpty() ? QStringLiteral("-") : r.assignedTo);
    }
    return Exit::Ok;
}

int WorkflowCommands::chargeback(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption reasonOption(QStringLiteral("reason"),
                                          tr("The reason the bank gives."), QStringLiteral("text"));
    const QCommandLineOption contactedOption(
        QStringLiteral("contacted-support"),
        tr("The customer contacted support before disputing the charge."));
    parser.addOptions({reasonOption, contactedOption});
    parser.addPositionalArgument(QStringLiteral("PURCHASE_ID"), tr("The disputed purchase."));
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Records a chargeback the bank reports: marks the purchase disputed, "
                      "applies the profile's account actions (suspension, clawback) and opens a "
                      "chargeback case in the queue. Approving the case records it as lost, "
                      "denying it as won."),
                   &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return cli.usageError(tr("name exactly one purchase id"));
    bool ok = false;
    const qint64 purchase = parser.positionalArguments().first().toLongLong(&ok);
    if (!ok || purchase <= 0)
        return cli.usageError(
            tr("'%1' is not a purchase id").arg(parser.positionalArguments().first()));
    RefundWorkflow workflow(cli.database());
    const qint64 request = workflow.recordChargeback(purchase, parser.value(reasonOption),
                                                     parser.isSet(contactedOption));
    cli.out() << tr("chargeback on purchase %1 recorded as request %2").arg(purchase).arg(request)
              << Qt::endl;
    return Exit::Ok;
}

int WorkflowCommands::approvals(CliContext &cli)
{
    QStringList args = cli.arguments();
    const QString action = args.isEmpty() ? QString() : args.takeFirst();
    if (action == QLatin1String("--help") || action == QLatin1String("-h")) {
        cli.out() << tr("Usage: refundctl approvals list [--json]\n"
                        "       refundctl approvals approve ID... [--reviewer NAME]\n"
                        "       refundctl approvals send-back ID --note TEXT [--reviewer NAME]\n"
                        "Four-eyes: a money refund above the desk's threshold (refundctl "
                        "settings) and every override wait for a second approval by another "
                        "lead.\n");
        return Exit::Ok;
    }
    if (action != QLatin1String("list") && action != QLatin1String("approve") &&
        action != QLatin1String("send-back"))
        return cli.usageError(
            action.isEmpty()
                ? tr("say list, approve or send-back")
                : tr("unknown action '%1'; say list, approve or send-back").arg(action));
    CliContext sub(QStringLiteral("approvals ") + action, args);
    QCommandLineParser parser;
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        tr("One JSON array instead of a table."));
    const QCommandLineOption reviewerOption(
        QStringLiteral("reviewer"),
        tr("Who approves or sends back (on a team's database: the signed-in login, always)."),
        QStringLiteral("name"));
    const QCommandLineOption noteOption(QStringLiteral("note"), tr("Why it goes back (required)."),
                                        QStringLiteral("text"));
    QString about;
    if (action == QLatin1String("list")) {
        parser.addOption(jsonOption);
        about = tr("Lists the requests waiting for a second approval, oldest first.");
    } else {
        parser.addOption(reviewerOption);
        parser.addPositionalArgument(QStringLiteral("ID"), tr("Refund request ids."),
                                     QStringLiteral("ID..."));
        if (action == QLatin1String("send-back")) {
            parser.addOption(noteOption);
            about = tr("Sends waiting requests back to the queue with a note.");
        } else {
            about = tr("Gives the second approval: the first approval's decision is written and "
                       "carried out (payout, credits), one transaction per request.");
        }
    }
    int exitCode = 0;
    if (!sub.parse(parser, about, &exitCode))
        return exitCode;
    if (action == QLatin1String("list")) {
        if (!sub.rejectPositional(parser, &exitCode))
            return exitCode;
        const QList<ApprovalRecord> waiting =
            ApprovalRepository(sub.database().connection()).waiting();
        if (parser.isSet(jsonOption)) {
            QJsonArray rows;
            for (const ApprovalRecord &a : waiting)
                rows.append(QJsonObject{{QStringLiteral("request"), a.requestId},
                                        {QStringLiteral("first_approval"), a.actor},
                                        {QStringLiteral("at"), a.at},
                                        {QStringLiteral("verdict"), a.verdict},
                                        {QStringLiteral("refund_cents"), a.refundCents},
                                        {QStringLiteral("currency"), a.currency},
                                        {QStringLiteral("override"), a.isOverride},
                                        {QStringLiteral("note"), a.note}});
            cli.out() << QJsonDocument(rows).toJson(QJsonDocument::Indented);
            cli.out().flush();
            return Exit::Ok;
        }
        for (const ApprovalRecord &a : waiting) {
            QString what = a.verdict;
            if (a.refundCents > 0)
                what += QLatin1Char(' ') + formatMoney(a.refundCents, a.currency);
            if (a.isOverride)
                what += QLatin1Char(' ') + tr("(override)");
            cli.out() << QStringLiteral("%1  %2  %3  %4\n")
                             .arg(a.requestId, 8)
                             .arg(a.actor, -16)
                             .arg(what, -28)
                             .arg(a.note);
        }
        if (waiting.isEmpty())
            cli.out() << tr("no request is waiting for a second approval") << Qt::endl;
        cli.out().flush();
        return Exit::Ok;
    }
    QList<qint64> ids;
    for (const QString &arg : parser.positionalArguments()) {
        bool ok = false;
        const qint64 id = arg.toLongLong(&ok);
        if (!ok || id <= 0)
            return sub.usageError(tr("'%1' is not a request id").arg(arg));
        ids << id;
    }
    if (ids.isEmpty())
        return sub.usageError(tr("name at least one request id"));
    const QString name = parser.isSet(reviewerOption) ? parser.value(reviewerOption).trimmed()
                                                      : CliContext::osUser();
    if (action == QLatin1String("send-back") && parser.value(noteOption).trimmed().isEmpty())
        return sub.usageError(tr("--note TEXT is required: say why it goes back"));
    RefundWorkflow workflow(sub.database());
    bool all = true;
    for (const qint64 id : ids) {
        if (action == QLatin1String("send-back")) {
            try {
                workflow.sendBack(id, name, parser.value(noteOption));
                cli.out() << tr("%1 sent back").arg(id) << Qt::endl;
            } catch (const DatabaseError &e) {
                cli.out() << tr("%1 error: %2").arg(id).arg(e.message()) << Qt::endl;
                all = false;
            }
            continue;
        }
        const DecisionResult r = workflow.approveSecond(id, name);
        if (r.status == DecisionResult::Status::Approved)
            cli.out() << tr("%1 approved").arg(id) << approvedWhat(r) << Qt::endl;
        else if (r.status == DecisionResult::Status::Denied)
            cli.out() << tr("%1 denied").arg(id) << Qt::endl;
        else {
            cli.out() << tr("%1 error: %2").arg(id).arg(r.error) << Qt::endl;
            all = false;
        }
    }
    return all ? Exit::Ok : Exit::Failure;
}

int WorkflowCommands::reverse(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption reasonOption(QStringLiteral("reason"),
                                          tr("Why the decision is reversed (required)."),
                                          QStringLiteral("text"));
    const QCommandLineOption reviewerOption(
        QStringLiteral("reviewer"),
        tr("The lead who reverses (on a team's database: the signed-in login, always)."),
        QStringLiteral("name"));
    parser.addOptions({reasonOption, reviewerOption});
    parser.addPositionalArgument(QStringLiteral("ID"), tr("The decided request."));
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Reverses a decision (a lead's correction, never an UPDATE): the credits it "
                      "moved move back and the request is reopened as a new one, triaged at "
                      "once. Money that left for the card is not reversed."),
                   &exitCode))
        return exitCode;
    const QStringList pos = parser.positionalArguments();
    bool ok = false;
    const qint64 id = pos.value(0).toLongLong(&ok);
    if (pos.size() != 1 || !ok || id <= 0)
        return cli.usageError(tr("name one decided request id"));
    if (parser.value(reasonOption).trimmed().isEmpty())
        return cli.usageError(tr("--reason TEXT is required: say why the decision is reversed"));
    const QString name =
        parser.isSet(reviewerOption) ? parser.value(reviewerOption) : CliContext::osUser();
    try {
        const ReversalResult r =
            RefundWorkflow(cli.database()).reverse(id, name, parser.value(reasonOption));
        cli.out() << tr("%1 reversed: reopened as request %2").arg(id).arg(r.reopenedAs);
        if (r.creditsTaken > 0)
            cli.out() << QStringLiteral(", ")
                      << tr("%1 taken back").arg(creditCount(r.creditsTaken));
        if (r.creditsReturned > 0)
            cli.out() << QStringLiteral(", ")
                      << tr("%1 returned").arg(creditCount(r.creditsReturned));
        cli.out() << Qt::endl;
        return Exit::Ok;
    } catch (const DatabaseError &e) {
        cli.err() << tr("refundctl reverse: %1").arg(e.message()) << Qt::endl;
        return Exit::Failure;
    }
}
