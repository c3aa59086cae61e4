#pragma once
// What every refundctl subcommand shares: its arguments, output streams and exit codes.

#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>
#include <memory>

class Database;

namespace Exit {
constexpr int Ok = 0;
constexpr int Failure = 1;
constexpr int Usage = 2;
} // namespace Exit

class CliContext
{
public:
    CliContext(const QString &command, const QStringList &arguments);
    ~CliContext();

    const QString &command() const { return m_command; }
    // Who a command acts as when not told (--reviewer, --by): the operating-system user. On a
    // team's database the database records the signed-in login instead.
    static QString osUser() { return qEnvironmentVariable("USER", QStringLiteral("refundctl")); }
    const QStringList &arguments() const { return m_arguments; }
    // Parses the subcommand's arguments (adds --database and --help). Returns false and sets
    // `exitCode` when the caller should stop: help was printed, or the usage was wrong.
    bool parse(QCommandLineParser &parser, const QString &description, int *exitCode);
    // Opens the database of --database / $REFUNDDESK_DATABASE / the default file. Throws.
    Database &database(bool migrate = true);

    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }
    int usageError(const QString &message);
    // For commands without positional arguments: false, with a usage error in `exitCode`,
    // when the command line has one.
    bool rejectPositional(const QCommandLineParser &parser, int *exitCode);

private:
    QString m_command;
    QStringList m_arguments;
    QString m_databaseUrl;
    QTextStream m_out;
    QTextStream m_err;
    std::unique_ptr<Database> m_database;
};
