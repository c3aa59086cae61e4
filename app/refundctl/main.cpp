// refundctl: the command-line twin of Refund Desk, for servers and cron.

#include "auditcommands.h"
#include "benchcommands.h"
#include "clicontext.h"
#include "databasecommands.h"
#include "exportcommands.h"
#include "intakecommands.h"
#include "models/databaseerror.h"
#include "payoutcommands.h"
#include "policycommands.h"
#include "servecommands.h"
#include "teamcommands.h"
#include "translations/translations.h"
#include "workflowcommands.h"

#include <QCoreApplication>
#include <QTextStream>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>

namespace {
struct Command
{
    const char *summary;
    std::function<int(CliContext &)> run;
};

const std::map<QString, Command> &commands()
{
    static const std::map<QString, Command> list{
        {QStringLiteral("approvals"),
         {QT_TRANSLATE_NOOP("refundctl", "list, approve or send back the requests waiting for a "
                                         "second approval"),
          WorkflowCommands::approvals}},
        {QStringLiteral("audit"),
         {QT_TRANSLATE_NOOP("refundctl", "verify the audit trail's hash chain, print its head"),
          AuditCommands::audit}},
        {QStringLiteral("bench"),
         {QT_TRANSLATE_NOOP("refundctl", "time the desk's views against sqlite3 or psql"),
          BenchCommands::run}},
        {QStringLiteral("chargeback"),
         {QT_TRANSLATE_NOOP("refundctl", "record a chargeback the bank reports on a purchase"),
          WorkflowCommands::chargeback}},
        {QStringLiteral("check"),
         {QT_TRANSLATE_NOOP("refundctl", "check the ledger's invariants"),
          WorkflowCommands::check}},
        {QStringLiteral("decide"),
         {QT_TRANSLATE_NOOP("refundctl", "approve, deny or escalate refund requests"),
          WorkflowCommands::decide}},
        {QStringLiteral("export"),
         {QT_TRANSLATE_NOOP("refundctl", "export a report as CSV"), ExportCommands::run}},
        {QStringLiteral("ingest"),
         {QT_TRANSLATE_NOOP("refundctl", "apply the platform's events from an NDJSON file"),
          IntakeCommands::ingest}},
        {QStringLiteral("init"),
         {QT_TRANSLATE_NOOP("refundctl", "create or upgrade the database schema"),
          DatabaseCommands::init}},
        {QStringLiteral("demo"),
         {QT_TRANSLATE_NOOP("refundctl", "fill the database with reproducible demo data"),
          DatabaseCommands::demo}},
        {QStringLiteral("outbox"),
         {QT_TRANSLATE_NOOP("refundctl", "print the desk's changes for the platform (NDJSON)"),
          IntakeCommands::outbox}},
        {QStringLiteral("payouts"),
         {QT_TRANSLATE_NOOP("refundctl", "send money refunds to the processor, reconcile, list, "
                                         "mark or retry them"),
          PayoutCommands::payouts}},
        {QStringLiteral("policy"),
         {QT_TRANSLATE_NOOP("refundctl", "evaluate a refund case, list or show policy profiles"),
          PolicyCommands::run}},
        {QStringLiteral("requests"),
         {QT_TRANSLATE_NOOP("refundctl", "list refund requests with their recommendation"),
          WorkflowCommands::requests}},
        {QStringLiteral("rollups"),
         {QT_TRANSLATE_NOOP("refundctl", "count the dashboard's rollups again from the facts, or "
                                         "compare them"),
          DatabaseCommands::rollups}},
        {QStringLiteral("serve"),
         {QT_TRANSLATE_NOOP("refundctl", "serve the platform's intake and outbox over HTTP"),
          ServeCommands::serve}},
        {QStringLiteral("reverse"),
         {QT_TRANSLATE_NOOP("refundctl", "reverse a decision (a lead's correction) and reopen "
                                         "its request"),
          WorkflowCommands::reverse}},
        {QStringLiteral("settings"),
         {QT_TRANSLATE_NOOP("refundctl", "list, get or set the desk's shared settings"),
          TeamCommands::settings}},
        {QStringLiteral("stats"),
         {QT_TRANSLATE_NOOP("refundctl", "print counts of the database as JSON"),
          DatabaseCommands::stats}},
        {QStringLiteral("tokens"),
         {QT_TRANSLATE_NOOP("refundctl", "add, list or revoke the API tokens of serve"),
          ServeCommands::tokens}},
        {QStringLiteral("users"),
         {QT_TRANSLATE_NOOP("refundctl", "add, list or disable the people of a team's database, "
                                         "set their role"),
          TeamCommands::users}},
        {QStringLiteral("triage"),
         {QT_TRANSLATE_NOOP("refundctl", "evaluate new requests, apply automatic credit-backs"),
          WorkflowCommands::triage}},
    };
    return list;
}

void printHelp(QTextStream &out)
{
    out << QCoreApplication::translate("refundctl",
                                       "Usage: refundctl COMMAND [options]\n"
                                       "The command-line twin of Refund Desk.\n\nCommands:\n");
    for (const auto &[name, command] : commands())
        out << QStringLiteral("  %1  %2\n")
                   .arg(name, -10)
                   .arg(QCoreApplication::translate("refundctl", command.summary));
    out << QCoreApplication::translate(
        "refundctl",
        "\nEvery command takes --database URL (sqlite:/path/file.db or "
        "postgresql://user[:password]@host[:port]/dbname);\nwithout it $REFUNDDESK_DATABASE, "
        "else the embedded demo file.\n'refundctl COMMAND --help' describes a command.\n");
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    Translations::install(app);
    QCoreApplication::setApplicationName(QStringLiteral("refunddesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(REFUNDDESK_VERSION));

    QStringList args = app.arguments().mid(1);
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (args.isEmpty() || args.first() == QLatin1String("--help") ||
        args.first() == QLatin1String("-h") || args.first() == QLatin1String("help")) {
        printHelp(args.isEmpty() ? err : out);
        return args.isEmpty() ? Exit::Usage : Exit::Ok;
    }
    if (args.first() == QLatin1String("--version")) {
        out << QStringLiteral("refundctl %1\n").arg(QCoreApplication::applicationVersion());
        return Exit::Ok;
    }
    // A global --database before the command is passed on to it, after the command's own
    // arguments (a command with actions, `users add`, reads its action first).
    QStringList leading;
    while (!args.isEmpty() && args.first().startsWith(QLatin1String("--database"))) {
        leading << args.takeFirst();
        if (!leading.last().contains(QLatin1Char('=')) && !args.isEmpty())
            leading << args.takeFirst();
    }
    if (args.isEmpty()) {
        printHelp(err);
        return Exit::Usage;
    }
    const QString name = args.takeFirst();
    const auto it = commands().find(name);
    if (it == commands().end()) {
        err << QCoreApplication::translate("refundctl", "refundctl: unknown command '%1'").arg(name)
            << Qt::endl;
        printHelp(err);
        return Exit::Usage;
    }
    CliContext cli(name, args + leading);
    try {
        const int code = it->second.run(cli);
        // Output that could not be written (a full disk, a closed pipe) is a failure, not 0.
        cli.out().flush();
        if (cli.out().status() != QTextStream::Ok || std::fflush(stdout) != 0 ||
            std::ferror(stdout)) {
            cli.err() << QCoreApplication::translate("refundctl",
                                                     "refundctl %1: cannot write the output: %2")
                             .arg(name, QString::fromLocal8Bit(std::strerror(errno)))
                      << Qt::endl;
            return code == Exit::Ok ? Exit::Failure : code;
        }
        return code;
    } catch (const DatabaseError &e) {
        cli.err()
            << QCoreApplication::translate("refundctl", "refundctl %1: %2").arg(name, e.message())
            << Qt::endl;
        return Exit::Failure;
    }
}
