#include "exportcommands.h"

#include "clicontext.h"
#include "models/csvexporter.h"
#include "models/database.h"
#include "policy/profilecatalog.h"

#include <QElapsedTimer>

int ExportCommands::run(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption listOption(QStringLiteral("list"), tr("List the reports."));
    const QCommandLineOption fromOption(QStringLiteral("from"),
                                        tr("First day (YYYY-MM-DD, UTC) to include."),
                                        QStringLiteral("date"));
    const QCommandLineOption toOption(
        QStringLiteral("to"), tr("Last day (YYYY-MM-DD, UTC) to include."), QStringLiteral("date"));
    const QCommandLineOption profileOption(QStringLiteral("profile"),
                                           tr("Only accounts on this policy profile."),
                                           QStringLiteral("name"));
    const QCommandLineOption outOption(QStringLiteral("out"),
                                       tr("Where to write the CSV; - (the default) for standard "
                                          "output. A file appears only when complete."),
                                       QStringLiteral("file"), QStringLiteral("-"));
    const QCommandLineOption bomOption(QStringLiteral("bom"),
                                       tr("Start with a UTF-8 byte order mark (for Excel)."));
    parser.addOptions({listOption, fromOption, toOption, profileOption, outOption, bomOption});
    parser.addPositionalArgument(QStringLiteral("report"), tr("The report to export."));
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Exports a report as CSV (RFC 4180, UTF-8, times in ISO 8601 UTC, money as "
                      "exact decimals with a currency column; text a spreadsheet would run as a "
                      "formula is neutralised)."),
                   &exitCode))
        return exitCode;
    if (parser.isSet(listOption)) {
        Database &db = cli.database();
        for (const QString &name : ReportCatalog::names())
            cli.out() << QStringLiteral("%1  %2\n")
                             .arg(name, -16)
                             .arg(ReportCatalog::find(name, db.dialect())->description);
        return Exit::Ok;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return cli.usageError(tr("name one report (refundctl export --list shows them)"));
    ReportParameters parameters;
    for (const auto &[option, date] :
         {std::pair{&fromOption, &parameters.from}, std::pair{&toOption, &parameters.to}}) {
        if (!parser.isSet(*option))
            continue;
        *date = QDate::fromString(parser.value(*option), Qt::ISODate);
        if (!date->isValid())
            return cli.usageError(tr("--%1 wants a date like 2026-11-01, not '%2'")
                                      .arg(option->names().first(), parser.value(*option)));
    }
    if (parameters.from.isValid() && parameters.to.isValid() && parameters.to < parameters.from)
        return cli.usageError(tr("--to is before --from"));
    Database &db = cli.database();
    const std::optional<Report> report = ReportCatalog::find(positional.first(), db.dialect());
    if (!report)
        return cli.usageError(
            tr("unknown report '%1' (refundctl export --list shows them)").arg(positional.first()));
    if (parser.isSet(profileOption)) {
        parameters.profile = parser.value(profileOption);
        ProfileCatalog profiles;
        profiles.find(db.connection(), parameters.profile); // throws: unknown profile
    }
    const QString out = parser.value(outOption);
    CsvExporter exporter(db.connection(), parser.isSet(bomOption));
    QElapsedTimer timer;
    timer.start();
    if (out != QLatin1String("-"))
        exporter.setProgress([&](qint64 rows) {
            if (rows % (1 << 16) == 0)
                cli.err() << '\r' << tr("rows: %1").arg(rows) << Qt::flush;
            return true;
        });
    const ExportResult result = exporter.exportReport(*report, out);
    if (!result.ok()) {
        cli.err() << tr("refundctl export: %1").arg(result.error) << Qt::endl;
        return Exit::Failure;
    }
    if (out != QLatin1String("-")) {
        const double secs = qMax<double>(timer.nsecsElapsed() / 1e9, 1e-9);
        cli.err() << '\r'
                  << tr("%1 rows to %2 in %3 s (%4 rows/s)")
                         .arg(result.rows)
                         .arg(out)
                         .arg(secs, 0, 'f', 2)
                         .arg(qint64(double(result.rows) / secs))
                  << Qt::endl;
    }
    return Exit::Ok;
}
