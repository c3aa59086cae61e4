#include "payoutcommands.h"

#include "clicontext.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/payoutrepository.h"
#include "models/stripeclient.h"
#include "policy/payoutbook.h"
#include "policy/payoutworker.h"
#include "policy/refundworkflow.h"
#include "policy/rules/money.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("refundctl", text);
}

QString isoTime(qint64 secs)
{
    return secs > 0 ? QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(Qt::ISODate)
                    : QString();
}

const QString keyFileOption = QStringLiteral("stripe-key-file");
const QString apiBaseOption = QStringLiteral("stripe-api-base");

// The payout id of `payouts mark ID` or `payouts retry ID`; 0 when it is not one.
qint64 payoutId(const QCommandLineParser &parser)
{
    bool ok = false;
    const qint64 id = parser.positionalArguments().value(0).toLongLong(&ok);
    return parser.positionalArguments().size() == 1 && ok && id > 0 ? id : 0;
}

int markPayout(CliContext &cli)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("ID"), tr("The payout (refundctl payouts)."));
    const QCommandLineOption paidOption(QStringLiteral("paid"),
                                        tr("The money reached the customer."));
    const QCommandLineOption failedOption(QStringLiteral("failed"),
                                          tr("It could not be sent back; a person may retry it "
                                             "as a new payout (payouts retry)."));
    const QCommandLineOption refOption(QStringLiteral("ref"),
                                       tr("The reference of the transfer (required with --paid)."),
                                       QStringLiteral("REF"));
    const QCommandLineOption noteOption(QStringLiteral("note"),
                                        tr("How it was handled (required; kept in the history)."),
                                        QStringLiteral("TEXT"));
    parser.addOptions({paidOption, failedOption, refOption, noteOption});
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Records by hand what happened to a payout when no payment processor is "
                      "configured: paid back (with the transfer's reference) or failed. The "
                      "payout moves forward once, with an audit row and a refund.updated event "
                      "in the outbox."),
                   &exitCode))
        return exitCode;
    const qint64 id = payoutId(parser);
    if (!id)
        return cli.usageError(tr("give the id of one payout, such as: payouts mark 12 --paid "
                                 "--ref TR-889 --note \"sent by bank transfer\""));
    if (parser.isSet(paidOption) == parser.isSet(failedOption))
        return cli.usageError(tr("say --paid or --failed"));
    try {
        RefundWorkflow workflow(cli.database());
        const PayoutRecord p =
            PayoutBook(cli.database(), workflow)
                .markByHand(id, parser.isSet(paidOption), parser.value(refOption),
                            parser.value(noteOption), CliContext::osUser());
        cli.out() << tr("payout %1 (%2): %3")
                         .arg(p.id)
                         .arg(formatMoney(p.amountCents, p.currency), p.status)
                  << Qt::endl;
        return Exit::Ok;
    } catch (const DatabaseError &e) {
        cli.err() << tr("refundctl payouts mark: %1").arg(e.message()) << Qt::endl;
        return Exit::Failure;
    }
}

int retryPayout(CliContext &cli)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("ID"), tr("The failed payout."));
    const QCommandLineOption noteOption(QStringLiteral("note"),
                                        tr("Why it is sent again (required; kept in the "
                                           "history)."),
                                        QStringLiteral("TEXT"));
    parser.addOption(noteOption);
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Sends a failed payout again as a new payout of the same amount (the next "
                      "payouts run sends it). Once per failed payout."),
                   &exitCode))
        return exitCode;
    const qint64 id = payoutId(parser);
    if (!id)
        return cli.usageError(tr("give the id of one failed payout, such as: payouts retry 12 "
                                 "--note \"the customer has a new card\""));
    try {
        RefundWorkflow workflow(cli.database());
        const PayoutRecord p = PayoutBook(cli.database(), workflow)
                                   .retry(id, parser.value(noteOption), CliContext::osUser());
        cli.out() << tr("payout %1 retried as payout %2 (%3): pending")
                         .arg(id)
                         .arg(p.id)
                         .arg(formatMoney(p.amountCents, p.currency))
                  << Qt::endl;
        return Exit::Ok;
    } catch (const DatabaseError &e) {
        cli.err() << tr("refundctl payouts retry: %1").arg(e.message()) << Qt::endl;
        return Exit::Failure;
    }
}

// payouts run and payouts reconcile: the worker on this process's event loop.
int work(CliContext &cli, bool reconcile)
{
    QCommandLineParser parser;
    const QCommandLineOption limitOption(QStringLiteral("limit"),
                                         tr("At most this many payouts (default 1000)."),
                                         QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption rateOption(QStringLiteral("rate"),
                                        tr("At most this many requests a second (default 20)."),
                                        QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption inFlightOption(QStringLiteral("in-flight"),
                                            tr("At most this many requests waiting (default 8)."),
                                            QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption olderOption(
        QStringLiteral("older-than"),
        tr("reconcile: payouts still \"sent\" this many seconds after they left are treated as "
           "unknown (default 900; a worker may still be waiting for their answer)."),
        QStringLiteral("SECONDS"), QStringLiteral("900"));
    const QCommandLineOption resendOption(
        QStringLiteral("resend-within"),
        tr("reconcile: payouts sent less than this many seconds ago are asked again with the "
           "same idempotency key; older ones are looked up in the payment's refunds (default "
           "86400: the processor keeps keys for 24 hours)."),
        QStringLiteral("SECONDS"), QStringLiteral("86400"));
    const QCommandLineOption quietOption(
        QStringLiteral("quiet"), tr("Print nothing when there was nothing to do (for cron)."));
    parser.addOptions({limitOption, rateOption, inFlightOption, quietOption});
    if (reconcile)
        parser.addOptions({olderOption, resendOption});
    parser.addOptions(PayoutCommands::processorOptions());
    int exitCode = 0;
    if (!cli.parse(parser,
                   reconcile
                       ? tr("Finds out what happened to payouts whose outcome is not known "
                            "(unknown, or sent without an answer): within 24 hours the same "
                            "request is sent again with the same idempotency key; later the "
                            "payment's refunds are listed and matched by payout. Exit 1 while "
                            "any stays unknown.")
                       : tr("Sends pending payouts to the payment processor and records each "
                            "answer. Exit 1 when a payout's outcome is not known (run payouts "
                            "reconcile) or one could not be sent."),
                   &exitCode) ||
        !cli.rejectPositional(parser, &exitCode))
        return exitCode;
    bool limitOk = false, rateOk = false, flightOk = false, olderOk = true;
    const int limit = parser.value(limitOption).toInt(&limitOk);
    const double rate = parser.value(rateOption).toDouble(&rateOk);
    const int inFlight = parser.value(inFlightOption).toInt(&flightOk);
    const qint64 older = reconcile ? parser.value(olderOption).toLongLong(&olderOk) : 0;
    bool resendOk = true;
    const qint64 resendWithin =
        reconcile ? parser.value(resendOption).toLongLong(&resendOk) : 86400;
    if (!limitOk || limit <= 0 || !rateOk || rate <= 0 || !flightOk || inFlight <= 0 || !olderOk ||
        older < 0 || !resendOk || resendWithin < 0)
        return cli.usageError(tr("--limit, --rate and --in-flight take positive numbers, "
                                 "--older-than and --resend-within numbers of seconds"));
    QString error;
    const std::unique_ptr<StripeClient> client = PayoutCommands::processorClient(parser, &error);
    if (!error.isEmpty()) {
        cli.err() << tr("refundctl payouts: %1").arg(error) << Qt::endl;
        return Exit::Usage;
    }
    if (!client) {
        cli.err() << tr("refundctl payouts: no payment processor is configured "
                        "(--stripe-key-file or REFUNDDESK_STRIPE_KEY_FILE): payouts stay pending "
                        "for manual handling (refundctl payouts mark)")
                  << Qt::endl;
        return Exit::Usage;
    }
    Database &db = cli.database();
    RefundWorkflow workflow(db);
    PayoutBook book(db, workflow);
    PayoutWorker::Options options;
    options.perSecond = rate;
    options.inFlight = inFlight;
    options.sentStaleAfterSecs = older;
    options.resendWithinSecs = resendWithin;
    PayoutWorker worker(db, book, *client, options);
    QElapsedTimer took;
    took.start();
    const PayoutWorker::Summary summary = reconcile ? worker.reconcileAndWait(limit, workflow.now())
                                                    : worker.sendPendingAndWait(limit);
    for (const QString &e : std::as_const(summary.errors))
        cli.err() << tr("refundctl payouts: %1").arg(e) << Qt::endl;
    const bool quiet = parser.isSet(quietOption);
    if (quiet && summary.taken == 0 && summary.errors.isEmpty())
        return Exit::Ok;
    cli.out() << tr("%1 payouts: %2 succeeded, %3 failed, %4 waiting at the processor, %5 "
                    "unknown")
                     .arg(summary.taken)
                     .arg(summary.succeeded)
                     .arg(summary.failed)
                     .arg(summary.waiting)
                     .arg(summary.unknown)
              << Qt::endl;
    if (summary.taken && !quiet)
        cli.err() << tr("%1 ms in all; the worker's own time %2 ms per payout")
                         .arg(took.elapsed())
                         .arg(double(summary.overheadNs) / 1e6 / summary.taken, 0, 'f', 3)
                  << Qt::endl;
    if (summary.unknown)
        cli.err() << tr("refundctl payouts: %1 payouts are unknown: run refundctl payouts "
                        "reconcile")
                         .arg(summary.unknown)
                  << Qt::endl;
    return summary.isClean() ? Exit::Ok : Exit::Failure;
}
int listPayouts(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption statusOption(
        QStringLiteral("status"),
        tr("Only payouts in this status: pending, sent, succeeded, "
           "failed, unknown."),
        QStringLiteral("status"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        tr("One JSON array instead of a table."));
    parser.addOptions({statusOption, jsonOption});
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Lists money refunds on their way back to the original payment method."),
                   &exitCode) ||
        !cli.rejectPositional(parser, &exitCode))
        return exitCode;
    const QString status = parser.value(statusOption);
    static const QStringList statuses{QStringLiteral("pending"), QStringLiteral("sent"),
                                      QStringLiteral("succeeded"), QStringLiteral("failed"),
                                      QStringLiteral("unknown")};
    if (!status.isEmpty() && !statuses.contains(status))
        return cli.usageError(tr("--status must be one of %1, not '%2'")
                                  .arg(statuses.join(QStringLiteral(", ")), status));
    const QList<PayoutRecord> list = PayoutRepository(cli.database().connection()).list(status);
    if (parser.isSet(jsonOption)) {
        QJsonArray array;
        for (const PayoutRecord &p : list)
            array.append(QJsonObject{
                {QStringLiteral("id"), p.id},
                {QStringLiteral("request_id"),
                 p.requestId ? QJsonValue(p.requestId) : QJsonValue()},
                {QStringLiteral("purchase_id"), p.purchaseId},
                {QStringLiteral("account_id"), p.accountId},
                {QStringLiteral("amount_cents"), p.amountCents},
                {QStringLiteral("currency"), p.currency},
                {QStringLiteral("status"), p.status},
                {QStringLiteral("gateway_ref"),
                 p.gatewayRef.isEmpty() ? QJsonValue() : QJsonValue(p.gatewayRef)},
                {QStringLiteral("failure_reason"), p.failureReason},
                {QStringLiteral("retry_of"), p.retryOf ? QJsonValue(p.retryOf) : QJsonValue()},
                {QStringLiteral("created_at"), isoTime(p.createdAt)},
                {QStringLiteral("sent_at"),
                 p.sentAt ? QJsonValue(isoTime(p.sentAt)) : QJsonValue()},
                {QStringLiteral("updated_at"), isoTime(p.updatedAt)}});
        cli.out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return Exit::Ok;
    }
    cli.out() << QStringLiteral("%1  %2  %3  %4  %5  %6  %7  %8\n")
                     .arg(tr("id"), 8)
                     .arg(tr("request"), 8)
                     .arg(tr("purchase"), 8)
                     .arg(tr("amount"), 14)
                     .arg(tr("status"), -9)
                     .arg(tr("created"), -20)
                     .arg(tr("reference"), -16)
                     .arg(tr("reason"));
    for (const PayoutRecord &p : list)
        cli.out() << QStringLiteral("%1  %2  %3  %4  %5  %6  %7  %8\n")
                         .arg(p.id, 8)
                         .arg(p.requestId, 8)
                         .arg(p.purchaseId, 8)
                         .arg(formatMoney(p.amountCents, p.currency), 14)
                         .arg(p.status, -9)
                         .arg(isoTime(p.createdAt), -20)
                         .arg(p.gatewayRef.isEmpty() ? QStringLiteral("-") : p.gatewayRef, -16)
                         .arg(p.failureReason);
    return Exit::Ok;
}

} // namespace

QList<QCommandLineOption> PayoutCommands::processorOptions()
{
    return {QCommandLineOption(keyFileOption,
                               tr("The payment processor's secret key, in a file of mode 0600 "
                                  "(default: $REFUNDDESK_STRIPE_KEY_FILE). Without one, payouts "
                                  "stay pending for manual handling."),
                               QStringLiteral("file")),
            QCommandLineOption(apiBaseOption,
                               tr("The processor's API base (default: "
                                  "$REFUNDDESK_STRIPE_API_BASE, else https://api.stripe.com)."),
                               QStringLiteral("url"))};
}

std::unique_ptr<StripeClient> PayoutCommands::processorClient(const QCommandLineParser &parser,
                                                              QString *error)
{
    const QString keyFile = parser.isSet(keyFileOption)
                                ? parser.value(keyFileOption)
                                : qEnvironmentVariable("REFUNDDESK_STRIPE_KEY_FILE");
    if (keyFile.isEmpty())
        return nullptr;
    const auto key = StripeClient::readSecretFile(keyFile, error);
    if (!key)
        return nullptr;
    StripeClient::Options options;
    const QString base = parser.isSet(apiBaseOption)
                             ? parser.value(apiBaseOption)
                             : qEnvironmentVariable("REFUNDDESK_STRIPE_API_BASE");
    if (!base.isEmpty()) {
        const QUrl url(base, QUrl::StrictMode);
        if (!url.isValid() ||
            (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))) {
            *error = tr("--stripe-api-base needs an http(s) URL, not '%1'").arg(base);
            return nullptr;
        }
        options.apiBase = url;
    }
    // For tests against a fake processor: how long one attempt may wait.
    bool ok = false;
    const int timeout = qEnvironmentVariableIntValue("REFUNDDESK_STRIPE_TIMEOUT_MS", &ok);
    if (ok && timeout > 0)
        options.timeoutMs = timeout;
    return std::make_unique<StripeClient>(*key, options);
}

QByteArray PayoutCommands::webhookSecret(QString *error)
{
    const QString file = qEnvironmentVariable("REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE");
    if (file.isEmpty())
        return {};
    return StripeClient::readSecretFile(file, error).value_or(QByteArray());
}

int PayoutCommands::payouts(CliContext &cli)
{
    QStringList args = cli.arguments();
    const QString action = args.isEmpty() ? QString() : args.first();
    using Handler = int (*)(CliContext &);
    const std::pair<const char *, Handler> actions[] = {
        {"mark", markPayout},
        {"retry", retryPayout},
        {"list", listPayouts},
        {"run", [](CliContext &c) { return work(c, false); }},
        {"reconcile", [](CliContext &c) { return work(c, true); }},
    };
    for (const auto &[name, handler] : actions)
        if (action == QLatin1String(name)) {
            args.removeFirst();
            CliContext sub(QStringLiteral("payouts ") + action, args);
            return handler(sub);
        }
    return listPayouts(cli);
}
