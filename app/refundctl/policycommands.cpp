#include "policycommands.h"

#include "clicontext.h"
#include "policy/rules/money.h"
#include "policy/rules/policycasejson.h"
#include "policy/rules/policyengine.h"
#include "policy/rules/policyprofile.h"

#include <QCoreApplication>
#include <QFile>

namespace {
QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("refundctl", text, disambiguation, n);
}

// Bad input: one line on stderr naming what is wrong, nothing on stdout, exit 2.
int badInput(CliContext &cli, const QString &message)
{
    cli.err() << message << Qt::endl;
    return Exit::Usage;
}

// Reads a case or profile file, refusing one over PolicyCaseJson::maxCaseBytes before it is
// read (a regular file by its size; a pipe or device such as /dev/zero by reading one byte
// past the limit), so no input can exhaust memory.
bool readFile(const QString &path, QByteArray *data, QString *error)
{
    QFile file;
    bool opened = false;
    if (path == QLatin1String("-"))
        opened = file.open(stdin, QIODevice::ReadOnly);
    else {
        file.setFileName(path);
        opened = file.open(QIODevice::ReadOnly);
    }
    if (!opened) {
        *error = tr("%1: cannot read: %2").arg(path, file.errorString());
        return false;
    }
    constexpr qint64 limit = PolicyCaseJson::maxCaseBytes;
    const auto tooLarge = [&] {
        *error = tr("%1: larger than the 16 MiB a case or profile may be").arg(path);
        return false;
    };
    if (!file.isSequential() && file.size() > limit)
        return tooLarge();
    data->clear();
    while (data->size() <= limit) {
        // A pipe hands over what it has: read on until the end or one byte past the limit.
        const QByteArray chunk = file.read(std::min<qint64>(1 << 20, limit + 1 - data->size()));
        if (chunk.isEmpty())
            break;
        data->append(chunk);
    }
    if (data->size() > limit)
        return tooLarge();
    if (file.error() != QFileDevice::NoError) {
        *error = tr("%1: cannot read: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

int evaluate(CliContext &cli, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption profileOption(
        QStringLiteral("profile"),
        tr("Evaluate under this built-in profile instead of the case's."), QStringLiteral("name"));
    const QCommandLineOption profileFileOption(
        QStringLiteral("profile-file"),
        tr("Evaluate under a company profile read from this JSON file."), QStringLiteral("file"));
    parser.addOptions({profileOption, profileFileOption});
    parser.addPositionalArgument(QStringLiteral("case"),
                                 tr("The case as JSON (POLICIES.md); - reads standard input."));
    int exitCode = 0;
    CliContext sub(QStringLiteral("policy evaluate"), args);
    if (!sub.parse(parser, tr("Evaluates one refund case and prints the outcome as JSON."),
                   &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return sub.usageError(tr("give exactly one case file (or - for standard input)"));
    if (parser.isSet(profileOption) && parser.isSet(profileFileOption))
        return sub.usageError(tr("--profile and --profile-file exclude each other"));

    QByteArray caseJson;
    QString error;
    if (!readFile(parser.positionalArguments().first(), &caseJson, &error))
        return badInput(cli, error);
    const auto parsed = PolicyCaseJson::parse(caseJson, &error);
    if (!parsed)
        return badInput(cli, error);

    std::optional<PolicyProfile> profile;
    if (parser.isSet(profileFileOption)) {
        QByteArray profileJson;
        const QString path = parser.value(profileFileOption);
        if (!readFile(path, &profileJson, &error))
            return badInput(cli, error);
        profile = PolicyProfile::fromJson(profileJson, &error);
        if (!profile)
            return badInput(cli, tr("%1: %2").arg(path, error));
    } else {
        const QString name =
            parser.isSet(profileOption) ? parser.value(profileOption) : parsed->profile;
        if (name.isEmpty())
            return badInput(cli, tr("profile: the case names no profile (or use --profile NAME)"));
        profile = PolicyProfile::findBuiltIn(name);
        if (!profile)
            return badInput(cli, tr("profile: unknown profile '%1'").arg(name));
    }
    PolicyOutcome outcome;
    try {
        outcome = PolicyEngine::evaluate(parsed->policyCase, *profile);
    } catch (const ArithmeticOverflow &) {
        // Unreachable within the case bounds; should it ever happen, it is bad input.
        return badInput(cli, tr("case: a figure computed from it is out of range"));
    }
    cli.out() << PolicyCaseJson::outcomeToJson(outcome) << Qt::endl;
    return Exit::Ok;
}

int list(CliContext &cli, const QStringList &args)
{
    QCommandLineParser parser;
    int exitCode = 0;
    CliContext sub(QStringLiteral("policy list"), args);
    if (!sub.parse(parser, tr("Lists the built-in policy profiles."), &exitCode))
        return exitCode;
    if (!sub.rejectPositional(parser, &exitCode))
        return exitCode;
    cli.out() << QStringLiteral("%1  %2  %3\n")
                     .arg(tr("id"), -14)
                     .arg(tr("company"), -18)
                     .arg(tr("version"));
    for (const PolicyProfile &p : PolicyProfile::builtIn())
        cli.out()
            << QStringLiteral("%1  %2  %3\n").arg(p.id, -14).arg(p.company, -18).arg(p.version);
    return Exit::Ok;
}

QString days(const std::optional<int> &n)
{
    return n ? tr("%n business day(s)", nullptr, *n) : tr("not stated");
}

int show(CliContext &cli, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("name"),
                                 tr("The profile id (see 'refundctl policy list')."));
    int exitCode = 0;
    CliContext sub(QStringLiteral("policy show"), args);
    if (!sub.parse(parser, tr("Shows a profile's rules in plain words, with its clauses."),
                   &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return sub.usageError(tr("give one profile id"));
    const auto found = PolicyProfile::findBuiltIn(parser.positionalArguments().first());
    if (!found)
        return badInput(
            cli, tr("profile: unknown profile '%1'").arg(parser.positionalArguments().first()));
    const PolicyProfile &p = *found;
    QTextStream &out = cli.out();
    const auto verdictWord = [](Verdict v) {
        return v == Verdict::Approve ? tr("approved")
               : v == Verdict::Deny  ? tr("denied")
                                     : tr("reviewed by a person");
    };
    const auto remedyWord = [](Remedy r) {
        return r == Remedy::MoneyRefund     ? tr("money back to the original payment method")
               : r == Remedy::CreditRestore ? tr("credits restored")
                                            : tr("nothing");
    };
    out << tr("%1 (%2), version %3").arg(p.company, p.id).arg(p.version) << '\n';
    if (!p.source.isEmpty())
        out << tr("Source text: %1").arg(p.source) << '\n';
    out << tr("Time zone: %1; holidays: %2")
               .arg(QString::fromUtf8(p.timeZone))
               .arg(p.holidays.size())
        << "\n\n";
    out << tr("Rules, in the order they are applied:") << '\n';
    QStringList rules;
    rules << tr("Terminated account: %1.").arg(verdictWord(p.terminatedAccount));
    rules << tr("Suspended account: reviewed by a person.");
    rules << tr("Statutory (legal) claims: reviewed by a person; the purchase amount if approved.");
    QStringList actions = PolicyNames::actions(p.chargebackActions);
    rules << tr("Chargeback: reviewed by a person; account actions: %1%2.")
                 .arg(actions.isEmpty() ? tr("none") : actions.join(QStringLiteral(", ")),
                      p.suspendOnlyWithoutSupportContact
                          ? tr(" (suspension only when support was not contacted first)")
                          : QString());
    rules << tr("A purchase under an open bank dispute: reviewed by a person.");
    rules << tr("Failed job: platform failure credited back automatically; user error denied; "
                "unknown cause "
                "reviewed; a job already compensated or that succeeded is denied.");
    rules << tr("Dissatisfaction with a result: denied. Subscription fees: denied.");
    if (p.purchaseRequestWindowDays)
        rules << tr("Any purchase request more than %n day(s) after the purchase: denied.", nullptr,
                    *p.purchaseRequestWindowDays);
    rules << (p.unusedRefundWindowDays
                  ? tr("Unused or accidental purchase: refunded minus processor fees when no "
                       "credit was used "
                       "and the request comes within %n day(s); otherwise denied.",
                       nullptr, *p.unusedRefundWindowDays)
                  : tr("Unused or accidental purchase: denied (purchases are final)."));
    rules << tr("Duplicate charge: %1, %2 for the extra charges.")
                 .arg(verdictWord(p.duplicateChargeVerdict), remedyWord(p.duplicateChargeRemedy));
    rules << tr("Billing error: reviewed by a person, %1.").arg(remedyWord(p.billingErrorRemedy));
    rules << tr("Credits never delivered: %1, credits restored.")
                 .arg(verdictWord(p.notDeliveredVerdict));
    switch (p.outageRule) {
    case PolicyProfile::OutageRule::Deny:
        rules << tr("Outage: denied.");
        break;
    case PolicyProfile::OutageRule::ReviewCreditRestore:
        rules << tr("Outage: reviewed by a person, credits restored.");
        break;
    case PolicyProfile::OutageRule::ReviewUnusedShare:
        rules << tr("Outage: when one downtime of more than %n hour(s) overlaps the purchase, "
                    "reviewed by a "
                    "person for the unused share of the amount; otherwise denied.",
                    nullptr, p.outageMinimumHours);
        break;
    }
    rules << tr("Answer within: %1. Approved money refunds reach the customer within: %2.")
                 .arg(days(p.respondWithinBusinessDays), days(p.refundDueBusinessDays));
    for (int i = 0; i < rules.size(); ++i)
        out << QStringLiteral("%1. %2\n").arg(i + 1, 2).arg(rules.at(i));
    out << '\n' << tr("Clauses:") << '\n';
    for (const PolicyClause &c : p.clauses())
        out << QStringLiteral("  [%1] %2\n    \"%3\"\n").arg(c.id, c.title, c.quote);
    return Exit::Ok;
}
} // namespace

int PolicyCommands::run(CliContext &cli)
{
    QStringList args = cli.arguments();
    const QString action = args.isEmpty() ? QString() : args.takeFirst();
    if (action == QLatin1String("evaluate"))
        return evaluate(cli, args);
    if (action == QLatin1String("list"))
        return list(cli, args);
    if (action == QLatin1String("show"))
        return show(cli, args);
    if (action == QLatin1String("--help") || action == QLatin1String("-h")) {
        cli.out() << tr(
            "Usage: refundctl policy evaluate CASE.json [--profile NAME | --profile-file FILE]\n"
            "       refundctl policy list\n"
            "       refundctl policy show NAME\n");
        return Exit::Ok;
    }
    return cli.usageError(action.isEmpty()
                              ? tr("say evaluate, list or show")
                              : tr("unknown action '%1'; say evaluate, list or show").arg(action));
}
