#include "clicontext.h"
#include "models/databaseerror.h"
#include <QFileInfo>

#include "models/database.h"

#include <QCoreApplication>
#include <cstdio>

CliContext::CliContext(const QString &command, const QStringList &arguments)
    : m_command(command), m_arguments(arguments), m_out(stdout), m_err(stderr)
{
}

CliContext::~CliContext() = default;

int CliContext::usageError(const QString &message)
{
    m_err << QCoreApplication::translate("refundctl", "refundctl %1: %2").arg(m_command, message)
          << Qt::endl;
    m_err << QCoreApplication::translate("refundctl", "Try 'refundctl %1 --help'.").arg(m_command)
          << Qt::endl;
    return Exit::Usage;
}

bool CliContext::rejectPositional(const QCommandLineParser &parser, int *exitCode)
{
    if (parser.positionalArguments().isEmpty())
        return true;
    *exitCode = usageError(QCoreApplication::translate("refundctl", "unexpected argument '%1'")
                               .arg(parser.positionalArguments().first()));
    return false;
}

bool CliContext::parse(QCommandLineParser &parser, const QString &description, int *exitCode)
{
    parser.setApplicationDescription(description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption databaseOption(
        QStringLiteral("database"),
        QCoreApplication::translate("refundctl",
                                    "Database URL: sqlite:/path/file.db or "
                                    "postgresql://user[:password]@host[:port]/dbname "
                                    "(default: $REFUNDDESK_DATABASE, else the demo file)."),
        QStringLiteral("url"));
    const QCommandLineOption helpOption(
        {QStringLiteral("h"), QStringLiteral("help")},
        QCoreApplication::translate("refundctl", "Show this help."));
    parser.addOption(databaseOption);
    parser.addOption(helpOption);

    QStringList args{QStringLiteral("refundctl %1").arg(m_command)};
    args += m_arguments;
    if (!parser.parse(args)) {
        *exitCode = usageError(parser.errorText());
        return false;
    }
    if (parser.isSet(helpOption)) {
        m_out << parser.helpText();
        m_out.flush();
        *exitCode = Exit::Ok;
        return false;
    }
    m_databaseUrl = parser.value(databaseOption);
    return true;
}

Database &CliContext::database(bool migrate)
{
    if (!m_database) {
        const DatabaseUrl url = Database::resolveUrl(m_databaseUrl);
        // Only the commands that fill a database may create its file: a mistyped path given
        // to check or requests is an error, not a new empty database that looks fine.
        static const QStringList creating{QStringLiteral("init"), QStringLiteral("demo"),
                                          QStringLiteral("ingest"), QStringLiteral("serve"),
                                          QStringLiteral("bench")};
        const bool mayCreate =
            creating.contains(m_command) || m_command.startsWith(QLatin1String("tokens"));
        if (url.isValid() && url.backend() == DatabaseUrl::Backend::Sqlite && !mayCreate &&
            !QFileInfo::exists(url.path()))
            throw DatabaseError(
                QCoreApplication::translate("refundctl",
                                            "%1: no such database file (refundctl init creates "
                                            "one, refundctl ingest or demo fill it)")
                    .arg(url.path()));
        m_database = std::make_unique<Database>(url);
        m_database->open(migrate ? Database::Migrate::Yes : Database::Migrate::No);
    }
    return *m_database;
}
