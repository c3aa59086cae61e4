#include "intakecommands.h"

#include "clicontext.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/outboxrepository.h"
#include "policy/eventintake.h"
#include "policy/refundworkflow.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <unistd.h>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("refundctl", text);
}

} // namespace

int IntakeCommands::ingest(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption dryRunOption(
        QStringLiteral("dry-run"), tr("Check every event against the database; write nothing."));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        tr("Print the result as one JSON object."));
    const QCommandLineOption quietOption(QStringLiteral("quiet"), tr("Print no progress."));
    parser.addOptions({dryRunOption, jsonOption, quietOption});
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 tr("Events as NDJSON, one per line; - reads standard input."));
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Applies the platform's events (accounts, purchases, jobs, outages, refund "
                      "requests, chargebacks; INTEGRATION.md): the whole file in one "
                      "transaction or nothing, each event once by its id. Prints 'N applied, M "
                      "duplicates'; on a problem, one line each on stderr (at most 20), nothing "
                      "written, exit 2."),
                   &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return cli.usageError(tr("give one events file (or - for standard input)"));
    const QString path = parser.positionalArguments().first();
    QFile file;
    const bool opened = path == QLatin1String("-")
                            ? file.open(stdin, QIODevice::ReadOnly)
                            : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened) {
        cli.err() << tr("%1: cannot read: %2").arg(path, file.errorString()) << Qt::endl;
        return Exit::Usage;
    }
    Database &db = cli.database();
    RefundWorkflow workflow(db);
    EventIntake intake(db, workflow);
    NdjsonSource source(&file);
    EventIntake::Options options;
    options.dryRun = parser.isSet(dryRunOption);
    const bool showProgress = !parser.isSet(quietOption) && isatty(STDERR_FILENO);
    if (showProgress)
        options.progress = [&](qint64 read) {
            cli.err() << '\r' << tr("%1 events read…").arg(read) << Qt::flush;
        };
    QElapsedTimer timer;
    timer.start();
    const IntakeResult result = intake.ingest(source, options);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    if (showProgress && result.read >= 10000)
        cli.err() << '\r' << QString(40, QLatin1Char(' ')) << '\r' << Qt::flush;
    if (parser.isSet(jsonOption)) {
        QJsonArray errors;
        for (const IntakeError &e : result.errors)
            errors.append(QJsonObject{{QStringLiteral("line"), e.position},
                                      {QStringLiteral("id"), e.eventId},
                                      {QStringLiteral("field"), e.field},
                                      {QStringLiteral("message"), e.message}});
        cli.out() << QJsonDocument(
                         QJsonObject{{QStringLiteral("applied"), result.ok() ? result.applied : 0},
                                     {QStringLiteral("duplicates"), result.duplicates},
                                     {QStringLiteral("read"), result.read},
                                     {QStringLiteral("dry_run"), options.dryRun},
                                     {QStringLiteral("error_count"), result.errorCount},
                                     {QStringLiteral("errors"), errors}})
                         .toJson(QJsonDocument::Compact)
                  << Qt::endl;
    }
    if (!result.ok()) {
        for (const IntakeError &e : result.errors)
            cli.err() << e.describe() << Qt::endl;
        if (result.errorCount > result.errors.size())
            cli.err()
                << tr("... and %1 more problems").arg(result.errorCount - result.errors.size())
                << Qt::endl;
        cli.err() << tr("%1: nothing was written (%2 of %3 events refused)")
                         .arg(path)
                         .arg(result.errorCount)
                         .arg(result.read)
                  << Qt::endl;
        return Exit::Usage;
    }
    if (!parser.isSet(jsonOption))
        cli.out() << (options.dryRun ? tr("%1 would be applied, %2 duplicates (dry run: nothing "
                                          "written)")
                                     : tr("%1 applied, %2 duplicates"))
                         .arg(result.applied)
                         .arg(result.duplicates)
                  << Qt::endl;
    if (showProgress && seconds > 0)
        cli.err() << tr("%1 events in %2 s: %3 events/s")
                         .arg(result.read)
                         .arg(seconds, 0, 'f', 2)
                         .arg(qint64(double(result.read) / seconds))
                  << Qt::endl;
    return Exit::Ok;
}

int IntakeCommands::outbox(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption afterOption(QStringLiteral("after"),
                                         tr("Only events after this sequence number (default 0)."),
                                         QStringLiteral("seq"), QStringLiteral("0"));
    const QCommandLineOption limitOption(
        QStringLiteral("limit"), tr("At most this many events (default 500, at most 5000)."),
        QStringLiteral("n"), QStringLiteral("500"));
    parser.addOptions({afterOption, limitOption});
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Prints, as NDJSON in commit order, what the platform must mirror of the "
                      "desk's changes: credits restored and revoked, account suspensions, "
                      "decisions with their reply, refunds on their way."),
                   &exitCode) ||
        !cli.rejectPositional(parser, &exitCode))
        return exitCode;
    bool ok = false;
    const qint64 after = parser.value(afterOption).toLongLong(&ok);
    if (!ok || after < 0)
        return cli.usageError(
            tr("--after needs a sequence number, not '%1'").arg(parser.value(afterOption)));
    const int limit = parser.value(limitOption).toInt(&ok);
    if (!ok || limit < 1 || limit > 5000)
        return cli.usageError(tr("--limit needs a whole number from 1 to 5000, not '%1'")
                                  .arg(parser.value(limitOption)));
    for (const OutboxEvent &e : OutboxRepository(cli.database().connection()).after(after, limit))
        cli.out() << e.toJson() << '\n';
    cli.out().flush();
    return Exit::Ok;
}
