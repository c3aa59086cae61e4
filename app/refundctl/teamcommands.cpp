#include "teamcommands.h"

#include "clicontext.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/desksettings.h"
#include "models/sqlstatement.h"
#include "models/teamroles.h"

#include <QCoreApplication>
#include <QFile>

namespace {
QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("refundctl", text, disambiguation, n);
}

QString readPasswordFromStdin()
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(in.readLine(4096)).trimmed();
}

bool mayCreateRoles(const QSqlDatabase &db)
{
    return SqlStatement::scalar(db, QStringLiteral("SELECT rolsuper OR rolcreaterole FROM"
                                                   " pg_roles WHERE rolname = current_user"))
        .toBool();
}
} // namespace

bool TeamCommands::setUpRoles(CliContext &cli)
{
    Database &db = cli.database();
    if (db.dialect().isSqlite())
        return true; // one person's file: the identity is the operating-system user
    if (!mayCreateRoles(db.connection())) {
        cli.err() << tr("roles not set up: run refundctl init as a login that may create roles "
                        "(the database's owner or a DBA) to give the team its roles")
                  << Qt::endl;
        return true;
    }
    try {
        TeamRoles(db.connection()).setUp();
    } catch (const DatabaseError &e) {
        cli.err() << tr("refundctl init: the team's roles: %1").arg(e.message()) << Qt::endl;
        return false;
    }
    cli.out() << tr("roles refunddesk_viewer, _reviewer, _lead and _admin are set up; add people "
                    "with refundctl users add NAME --role ROLE --password-stdin")
              << Qt::endl;
    return true;
}

int TeamCommands::users(CliContext &cli)
{
    QStringList args = cli.arguments();
    const QString action = args.isEmpty() ? QString() : args.takeFirst();
    CliContext sub(QStringLiteral("users ") + action, args);
    QCommandLineParser parser;
    const QCommandLineOption roleOption(
        QStringLiteral("role"),
        tr("viewer (read, export), reviewer (decide as the policy says), "
           "lead (overrides, policy), admin (people, tokens, settings)."),
        QStringLiteral("role"));
    const QCommandLineOption passwordOption(
        QStringLiteral("password-stdin"),
        tr("Read the password from the first line of standard input (never on the command "
           "line)."));
    int exitCode = 0;
    auto fail = [&](const QString &message) {
        sub.err() << tr("refundctl users %1: %2").arg(action, message) << Qt::endl;
        return Exit::Failure;
    };
    if (action == QLatin1String("add") || action == QLatin1String("set-role") ||
        action == QLatin1String("disable") || action == QLatin1String("list")) {
        if (action == QLatin1String("add"))
            parser.addOptions({roleOption, passwordOption});
        if (action != QLatin1String("list"))
            parser.addPositionalArgument(QStringLiteral("NAME"), tr("The person's login name."));
        if (action == QLatin1String("set-role"))
            parser.addPositionalArgument(QStringLiteral("ROLE"), tr("Their new role."));
        const QString about =
            action == QLatin1String("add")
                ? tr("Adds a person: a PostgreSQL login role in one of the desk's roles.")
            : action == QLatin1String("set-role") ? tr("Gives a person another role.")
            : action == QLatin1String("disable")
                ? tr("A person can no longer sign in; what they did stays theirs.")
                : tr("Lists the desk's people and their roles.");
        if (!sub.parse(parser, about, &exitCode))
            return exitCode;
        const QStringList pos = parser.positionalArguments();
        const int wanted = action == QLatin1String("list")       ? 0
                           : action == QLatin1String("set-role") ? 2
                                                                 : 1;
        if (pos.size() != wanted)
            return sub.usageError(
                tr("refundctl users %1 takes %n argument(s)", nullptr, wanted).arg(action));
        Database &db = sub.database();
        if (db.dialect().isSqlite())
            return fail(tr("a SQLite file is one person's: its user is the operating-system "
                           "user, and roles do not apply"));
        TeamRoles team(db.connection());
        try {
            if (action == QLatin1String("list")) {
                for (const TeamMember &m : team.members())
                    cli.out() << QStringLiteral("%1  %2  %3\n")
                                     .arg(m.name, -24)
                                     .arg(m.role, -9)
                                     .arg(m.canLogin ? tr("can sign in") : tr("disabled"));
                cli.out().flush();
                return Exit::Ok;
            }
            if (action == QLatin1String("add")) {
                if (!parser.isSet(roleOption))
                    return sub.usageError(tr("say --role viewer, reviewer, lead or admin"));
                const QString password =
                    parser.isSet(passwordOption) ? readPasswordFromStdin() : QString();
                if (parser.isSet(passwordOption) && password.isEmpty())
                    return fail(tr("no password on standard input"));
                team.add(pos.first(), parser.value(roleOption), password);
                cli.out() << tr("%1 added as %2").arg(pos.first(), parser.value(roleOption))
                          << Qt::endl;
            } else if (action == QLatin1String("set-role")) {
                team.setRole(pos.at(0), pos.at(1));
                cli.out() << tr("%1 is now %2").arg(pos.at(0), pos.at(1)) << Qt::endl;
            } else {
                team.disable(pos.first());
                cli.out() << tr("%1 can no longer sign in").arg(pos.first()) << Qt::endl;
            }
            return Exit::Ok;
        } catch (const DatabaseError &e) {
            return fail(e.message());
        }
    }
    if (action == QLatin1String("--help") || action == QLatin1String("-h")) {
        cli.out() << tr("Usage: refundctl users add NAME --role viewer|reviewer|lead|admin "
                        "[--password-stdin]\n"
                        "       refundctl users list\n"
                        "       refundctl users set-role NAME ROLE\n"
                        "       refundctl users disable NAME\n");
        return Exit::Ok;
    }
    return cli.usageError(
        action.isEmpty()
            ? tr("say add, list, set-role or disable")
            : tr("unknown action '%1'; say add, list, set-role or disable").arg(action));
}

int TeamCommands::settings(CliContext &cli)
{
    QStringList args = cli.arguments();
    const QString action = args.isEmpty() ? QString() : args.takeFirst();
    if (action == QLatin1String("--help") || action == QLatin1String("-h")) {
        cli.out() << tr("Usage: refundctl settings list\n"
                        "       refundctl settings get KEY\n"
                        "       refundctl settings set KEY VALUE\n"
                        "Settings: four_eyes_above_cents (default 10000): a money refund above "
                        "this many cents, in the refund's currency, and every override need a "
                        "second approval by another lead (on a team's database).\n");
        return Exit::Ok;
    }
    const int wanted = action == QLatin1String("list")  ? 0
                       : action == QLatin1String("get") ? 1
                       : action == QLatin1String("set") ? 2
                                                        : -1;
    if (wanted < 0)
        return cli.usageError(action.isEmpty()
                                  ? tr("say list, get or set")
                                  : tr("unknown action '%1'; say list, get or set").arg(action));
    CliContext sub(QStringLiteral("settings ") + action, args);
    QCommandLineParser parser;
    if (wanted >= 1)
        parser.addPositionalArgument(QStringLiteral("KEY"), tr("The setting's name."));
    if (wanted == 2)
        parser.addPositionalArgument(QStringLiteral("VALUE"), tr("Its new value."));
    int exitCode = 0;
    if (!sub.parse(parser, tr("The desk's shared settings, stored in its database."), &exitCode))
        return exitCode;
    const QStringList pos = parser.positionalArguments();
    if (pos.size() != wanted)
        return sub.usageError(
            tr("refundctl settings %1 takes %n argument(s)", nullptr, wanted).arg(action));
    try {
        DeskSettings settings(sub.database().connection());
        if (action == QLatin1String("list")) {
            for (const auto &[key, value] : settings.all())
                cli.out() << key << QLatin1Char('=') << value << QLatin1Char('\n');
        } else if (action == QLatin1String("get")) {
            DeskSettings::requireSettable(pos.first());
            cli.out()
                << settings.value(pos.first()).value_or(DeskSettings::defaultValue(pos.first()))
                << QLatin1Char('\n');
        } else {
            settings.set(pos.at(0), pos.at(1));
            cli.out() << tr("%1 is now %2").arg(pos.at(0), pos.at(1).trimmed())
                      << QLatin1Char('\n');
        }
        cli.out().flush();
        return Exit::Ok;
    } catch (const DatabaseError &e) {
        sub.err() << tr("refundctl settings %1: %2").arg(action, e.message()) << Qt::endl;
        return Exit::Failure;
    }
}
