#include "databasecommands.h"

#include "clicontext.h"
#include "models/database.h"
#include "models/eventswriter.h"
#include "models/rollups.h"
#include "models/schema.h"
#include "models/statsrepository.h"
#include "policy/demodatagenerator.h"
#include "teamcommands.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTemporaryDir>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("refundctl", text);
}
} // namespace

int DatabaseCommands::init(CliContext &cli)
{
    QCommandLineParser parser;
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Creates the database schema, or upgrades it to the latest version; on "
                      "PostgreSQL, with a login that may create roles, also the team's roles "
                      "and what each may do. Safe to run again."),
                   &exitCode))
        return exitCode;
    if (!cli.rejectPositional(parser, &exitCode))
        return exitCode;

    Database &db = cli.database(false);
    const int before = db.schemaVersion();
    db.migrate();
    const int after = db.schemaVersion();
    if (before == after)
        cli.out() << tr("%1: schema is up to date (version %2)")
                         .arg(db.url().toDisplayString())
                         .arg(after)
                  << Qt::endl;
    else
        cli.out() << tr("%1: schema upgraded from version %2 to %3")
                         .arg(db.url().toDisplayString())
                         .arg(before)
                         .arg(after)
                  << Qt::endl;
    return TeamCommands::setUpRoles(cli) ? Exit::Ok : Exit::Failure;
}

namespace {
// The demo's data as events: generated into a scratch SQLite file, then written out in order.
int demoEvents(CliContext &cli, const DemoOptions &options, const QString &path, bool quiet)
{
    QTemporaryDir scratch;
    if (!scratch.isValid()) {
        cli.err() << tr("cannot make a temporary folder: %1").arg(scratch.errorString())
                  << Qt::endl;
        return Exit::Failure;
    }
    QSaveFile file(path == QLatin1String("-") ? QString() : path);
    QFile stdoutFile;
    QIODevice *out = nullptr;
    if (path == QLatin1String("-")) {
        if (!stdoutFile.open(stdout, QIODevice::WriteOnly))
            return Exit::Failure;
        out = &stdoutFile;
    } else {
        if (!file.open(QIODevice::WriteOnly)) {
            cli.err() << tr("%1: cannot write: %2").arg(path, file.errorString()) << Qt::endl;
            return Exit::Failure;
        }
        out = &file;
    }
    Database db(DatabaseUrl::parse(QStringLiteral("sqlite:") +
                                   scratch.filePath(QStringLiteral("demo.db"))));
    db.open();
    DemoDataGenerator(db).generate(options, [&](qint64 done, qint64 total) {
        if (!quiet && total > 0)
            cli.err() << '\r' << tr("accounts: %1 / %2").arg(done).arg(total) << Qt::flush;
    });
    const qint64 events =
        EventsWriter(db.connection(), QStringLiteral("demo%1").arg(options.seed)).write(out);
    if (!quiet)
        cli.err() << Qt::endl;
    if (out == &file && !file.commit()) {
        cli.err() << tr("%1: cannot write: %2").arg(path, file.errorString()) << Qt::endl;
        return Exit::Failure;
    }
    cli.err()
        << tr("%1 events of %2 accounts written to %3").arg(events).arg(options.accounts).arg(path)
        << Qt::endl;
    return Exit::Ok;
}
} // namespace

int DatabaseCommands::demo(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption accountsOption(QStringLiteral("accounts"),
                                            tr("Number of accounts to create (default 200)."),
                                            QStringLiteral("n"), QStringLiteral("200"));
    const QCommandLineOption seedOption(
        QStringLiteral("seed"), tr("Random seed: the same seed gives the same data (default 1)."),
        QStringLiteral("s"), QStringLiteral("1"));
    const QCommandLineOption untilOption(
        QStringLiteral("until"),
        tr("Last day (YYYY-MM-DD, UTC) of the 12 months the data covers (default today)."),
        QStringLiteral("date"));
    const QCommandLineOption quietOption(QStringLiteral("quiet"), tr("Print no progress."));
    const QCommandLineOption eventsOption(
        QStringLiteral("events"),
        tr("Write the demo's accounts, purchases, jobs, outages, requests and chargebacks as "
           "an NDJSON events file for 'refundctl ingest' instead of into the database."),
        QStringLiteral("file"));
    parser.addOptions({accountsOption, seedOption, untilOption, quietOption, eventsOption});
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Fills the database with realistic, reproducible demo data: accounts on all "
                      "five policy profiles, purchases, jobs, credit-backs, refund requests, "
                      "chargebacks and outages."),
                   &exitCode))
        return exitCode;
    if (!cli.rejectPositional(parser, &exitCode))
        return exitCode;

    DemoOptions options;
    bool ok = false;
    options.accounts = parser.value(accountsOption).toInt(&ok);
    if (!ok || options.accounts < 0 || options.accounts > 10'000'000)
        return cli.usageError(tr("--accounts needs a whole number from 0 to 10000000, not '%1'")
                                  .arg(parser.value(accountsOption)));
    options.seed = parser.value(seedOption).toULongLong(&ok);
    if (!ok)
        return cli.usageError(
            tr("--seed needs a non-negative whole number, not '%1'").arg(parser.value(seedOption)));
    if (parser.isSet(untilOption)) {
        options.until = QDate::fromString(parser.value(untilOption), Qt::ISODate);
        if (!options.until.isValid())
            return cli.usageError(
                tr("--until needs a date as YYYY-MM-DD, not '%1'").arg(parser.value(untilOption)));
    }

    const bool quiet = parser.isSet(quietOption);
    if (parser.isSet(eventsOption))
        return demoEvents(cli, options, parser.value(eventsOption), quiet);
    Database &db = cli.database();
    DemoDataGenerator generator(db);
    const DemoResult result = generator.generate(options, [&](qint64 done, qint64 total) {
        if (quiet || total == 0)
            return;
        cli.err() << '\r' << tr("accounts: %1 / %2").arg(done).arg(total);
        // The last accounts are written; indexing and committing them takes a while yet.
        if (done == total)
            cli.err() << tr(", indexing and committing…");
        cli.err() << Qt::flush;
    });
    if (!quiet && options.accounts > 0)
        cli.err() << Qt::endl;
    const double rate = result.seconds > 0 ? double(result.rows) / result.seconds : 0;
    cli.out() << tr("%1 rows (%2 accounts, %3 ledger entries, %4 refund requests) in %5 s: "
                    "%6 rows/s into %7")
                     .arg(result.rows)
                     .arg(result.accounts)
                     .arg(result.ledgerEntries)
                     .arg(result.requests)
                     .arg(result.seconds, 0, 'f', 2)
                     .arg(qint64(rate))
                     .arg(db.url().toDisplayString())
              << Qt::endl;
    return Exit::Ok;
}

int DatabaseCommands::stats(CliContext &cli)
{
    QCommandLineParser parser;
    int exitCode = 0;
    if (!cli.parse(parser, tr("Prints counts of the database as one JSON object."), &exitCode))
        return exitCode;
    if (!cli.rejectPositional(parser, &exitCode))
        return exitCode;

    const DatabaseStats s = StatsRepository(cli.database().connection()).collect();
    QJsonObject byStatus;
    for (auto it = s.requestsByStatus.cbegin(); it != s.requestsByStatus.cend(); ++it)
        byStatus.insert(it.key(), it.value());
    const QJsonObject json{{QStringLiteral("accounts"), s.accounts},
                           {QStringLiteral("purchases"), s.purchases},
                           {QStringLiteral("jobs"), s.jobs},
                           {QStringLiteral("ledger_entries"), s.ledgerEntries},
                           {QStringLiteral("requests_by_status"), byStatus},
                           {QStringLiteral("refunded_cents"), s.refundedCents},
                           {QStringLiteral("credits_restored"), s.creditsRestored}};
    cli.out() << QJsonDocument(json).toJson(QJsonDocument::Compact) << Qt::endl;
    return Exit::Ok;
}

int DatabaseCommands::rollups(CliContext &cli)
{
    QStringList args = cli.arguments();
    const QString action = args.isEmpty() ? QString() : args.takeFirst();
    if (action == QLatin1String("--help") || action == QLatin1String("-h")) {
        cli.out() << tr("Usage: refundctl rollups rebuild\n"
                        "       refundctl rollups check\n"
                        "The dashboard reads small tables of sums per day (rollups) that the "
                        "database keeps with every write. rebuild counts them all again from the "
                        "facts, in one transaction (writers wait; readers do not); check compares "
                        "each with a count of its facts and exits 1 when one differs. refundctl "
                        "check does the same among its checks.\n");
        return Exit::Ok;
    }
    if (action != QLatin1String("rebuild") && action != QLatin1String("check"))
        return cli.usageError(action.isEmpty()
                                  ? tr("say rebuild or check")
                                  : tr("unknown action '%1'; say rebuild or check").arg(action));
    CliContext sub(QStringLiteral("rollups ") + action, args);
    QCommandLineParser parser;
    int exitCode = 0;
    if (!sub.parse(parser, tr("The dashboard's rollups."), &exitCode) ||
        !sub.rejectPositional(parser, &exitCode))
        return exitCode;
    Database &db = sub.database();
    const QLocale locale;
    if (action == QLatin1String("rebuild")) {
        for (const Rollups::Count &c : Rollups::rebuild(db))
            cli.out() << tr("%1: %2 groups, counted in %3 ms")
                             .arg(c.table, locale.toString(c.value),
                                  locale.toString(c.milliseconds))
                      << Qt::endl;
        return Exit::Ok;
    }
    bool same = true;
    for (const Rollups::Count &c : Rollups::compare(db.connection())) {
        same = same && c.value == 0;
        const int groups = c.value > INT_MAX ? INT_MAX : int(c.value);
        cli.out() << (groups == 0 ? tr("%1: agrees with the facts (%2 ms)")
                                        .arg(c.table, locale.toString(c.milliseconds))
                                  : QCoreApplication::translate(
                                        "refundctl", "%1: %n group(s) differ from the facts",
                                        nullptr, groups)
                                        .arg(c.table))
                  << Qt::endl;
    }
    return same ? Exit::Ok : Exit::Failure;
}
