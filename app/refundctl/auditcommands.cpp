#include "auditcommands.h"

#include "clicontext.h"
#include "models/auditchain.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/sqlstatement.h"

#include <QCoreApplication>
#include <QElapsedTimer>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("refundctl", text);
}

int verify(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption quietOption(QStringLiteral("quiet"), tr("Print no progress."));
    const QCommandLineOption expectOption(
        QStringLiteral("expect-head"),
        tr("The hash `audit head` printed earlier and kept elsewhere: it must still be in the "
           "chain (a chain rewritten from an earlier row on would not hold it)."),
        QStringLiteral("hash"));
    parser.addOptions({quietOption, expectOption});
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Recomputes the audit trail's hash chain from its first row and names the "
                      "first row that does not match: changed, deleted or inserted. Exit 1 "
                      "when one does not."),
                   &exitCode) ||
        !cli.rejectPositional(parser, &exitCode))
        return exitCode;
    const QSqlDatabase db = cli.database().connection();
    QElapsedTimer clock;
    clock.start();
    const bool quiet = parser.isSet(quietOption);
    const AuditChain::Result r = AuditChain::verify(db, [&](qint64 rows) {
        if (!quiet)
            cli.err() << '\r' << tr("rows: %1").arg(rows) << Qt::flush;
    });
    if (!quiet && r.rows >= 100000)
        cli.err() << Qt::endl;
    if (!r.ok) {
        cli.out() << tr("audit chain broken: %1").arg(r.problem) << Qt::endl;
        return Exit::Failure;
    }
    if (parser.isSet(expectOption)) {
        const QString expected = parser.value(expectOption).trimmed().toLower();
        const QVariant found = SqlStatement::scalar(
            db, QStringLiteral("SELECT chain_seq FROM audit_log WHERE hash = ?"), {expected});
        if (found.isNull()) {
            cli.out() << tr("audit chain rewritten: the hash %1 kept earlier is no longer in it")
                             .arg(expected)
                      << Qt::endl;
            return Exit::Failure;
        }
    }
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    cli.out() << tr("ok: %1 audit rows chained, head %2").arg(r.rows).arg(r.head) << Qt::endl;
    if (!quiet && r.rows)
        cli.err() << tr("%1 rows/s").arg(qint64(double(r.rows) / std::max(seconds, 1e-9)))
                  << Qt::endl;
    return Exit::Ok;
}

int head(CliContext &cli)
{
    QCommandLineParser parser;
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Prints the audit chain's newest position and hash: keep it somewhere the "
                      "database's owner cannot write (a log host, a ticket), and give it to "
                      "`audit verify --expect-head` later."),
                   &exitCode) ||
        !cli.rejectPositional(parser, &exitCode))
        return exitCode;
    const auto [seq, hash] = AuditChain::head(cli.database().connection());
    cli.out() << seq << ' ' << hash << Qt::endl;
    return Exit::Ok;
}
} // namespace

int AuditCommands::audit(CliContext &cli)
{
    QStringList args = cli.arguments();
    const QString action = args.isEmpty() ? QString() : args.takeFirst();
    CliContext sub(QStringLiteral("audit ") + action, args);
    if (action == QLatin1String("verify"))
        return verify(sub);
    if (action == QLatin1String("head"))
        return head(sub);
    if (action == QLatin1String("--help") || action == QLatin1String("-h")) {
        cli.out() << tr("Usage: refundctl audit verify [--expect-head HASH]\n"
                        "       refundctl audit head\n");
        return Exit::Ok;
    }
    return cli.usageError(action.isEmpty()
                              ? tr("say verify or head")
                              : tr("unknown action '%1'; say verify or head").arg(action));
}
