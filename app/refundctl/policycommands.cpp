#include "policycommands.h"

#include "clicontext.h"
#include "models/accountrepository.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/profilerepository.h"
#include "policy/policylibrary.h"
#include "policy/policypreview.h"
#include "policy/profilecatalog.h"
#include "policy/refundworkflow.h"
#include "policy/rules/money.h"
#include "policy/rules/policycasejson.h"
#include "policy/rules/policyengine.h"
#include "policy/rules/policyprofile.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <climits>

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

// A built-in profile, or a company's own in its newest stored version (the database is
// opened only then). Sets `error` naming the profile when it is neither.
std::optional<PolicyProfile> findProfile(CliContext &sub, const QString &name, QString *error)
{
    if (auto builtIn = PolicyProfile::findBuiltIn(name))
        return builtIn;
    try {
        ProfileCatalog catalog;
        return catalog.find(sub.database().connection(), name);
    } catch (const DatabaseError &e) {
        *error = tr("profile: unknown profile '%1' (%2)").arg(name, e.message());
        return std::nullopt;
    }
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
        profile = findProfile(sub, name, &error);
        if (!profile)
            return badInput(cli, error);
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
    const QString name = parser.positionalArguments().first();
    QString error;
    const std::optional<PolicyProfile> found = findProfile(sub, name, &error);
    if (!found)
        return badInput(cli, error);
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

int importProfile(CliContext &cli, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption byOption(
        QStringLiteral("by"),
        tr("Who saves it (on a team's database: the signed-in login, always)."),
        QStringLiteral("name"));
    parser.addOption(byOption);
    parser.addPositionalArgument(QStringLiteral("file"), tr("The profile as JSON; - reads "
                                                            "standard input."));
    int exitCode = 0;
    CliContext sub(QStringLiteral("policy import"), args);
    if (!sub.parse(parser,
                   tr("Saves a company's profile as its next version (versions never change). "
                      "Checked first: the first wrong field is named and nothing is saved."),
                   &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return sub.usageError(tr("give one profile file (or - for standard input)"));
    const QString path = parser.positionalArguments().first();
    QByteArray json;
    QString error;
    if (!readFile(path, &json, &error))
        return badInput(cli, error);
    const std::optional<PolicyProfile> profile = PolicyProfile::fromJson(json, &error);
    if (!profile)
        return badInput(cli, tr("%1: %2").arg(path, error));
    if (PolicyProfile::findBuiltIn(profile->id))
        return badInput(cli, tr("%1: id: '%2' is a built-in profile; a company's own profile "
                                "takes an id of its own")
                                 .arg(path, profile->id));
    try {
        const PolicyLibrary::Saved saved =
            PolicyLibrary(sub.database())
                .save(json, parser.isSet(byOption) ? parser.value(byOption) : CliContext::osUser());
        if (saved.unchanged)
            cli.out() << tr("%1 is the same as its version %2: nothing saved")
                             .arg(saved.id)
                             .arg(saved.version)
                      << Qt::endl;
        else
            cli.out() << tr("%1 version %2 saved").arg(saved.id).arg(saved.version) << Qt::endl;
        return Exit::Ok;
    } catch (const DatabaseError &e) {
        cli.err() << tr("refundctl policy import: %1").arg(e.message()) << Qt::endl;
        return Exit::Failure;
    }
}

int exportProfile(CliContext &cli, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption versionOption(
        QStringLiteral("version"), tr("This version (default: the newest)."), QStringLiteral("n"));
    parser.addOption(versionOption);
    parser.addPositionalArgument(QStringLiteral("name"), tr("The profile id."));
    int exitCode = 0;
    CliContext sub(QStringLiteral("policy export"), args);
    if (!sub.parse(parser, tr("Prints a profile's JSON, as import reads it."), &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return sub.usageError(tr("give one profile id"));
    int version = 0;
    if (parser.isSet(versionOption)) {
        bool ok = false;
        version = parser.value(versionOption).toInt(&ok);
        if (!ok || version < 1)
            return sub.usageError(tr("--version takes a version number, 1 or more"));
    }
    QString error;
    try {
        const auto json = PolicyLibrary(sub.database())
                              .json(parser.positionalArguments().first(), version, &error);
        if (!json)
            return badInput(cli, error);
        cli.out() << QString::fromUtf8(*json);
        if (!json->endsWith('\n'))
            cli.out() << Qt::endl;
        return Exit::Ok;
    } catch (const DatabaseError &e) {
        return badInput(cli, e.message());
    }
}

int versions(CliContext &cli, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("name"), tr("The profile id."));
    int exitCode = 0;
    CliContext sub(QStringLiteral("policy versions"), args);
    if (!sub.parse(parser, tr("Lists a company profile's versions: who saved each, and when."),
                   &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return sub.usageError(tr("give one profile id"));
    const QString name = parser.positionalArguments().first();
    if (PolicyProfile::findBuiltIn(name)) {
        cli.out() << tr("%1 is built in: version 1, part of the program").arg(name) << Qt::endl;
        return Exit::Ok;
    }
    try {
        const QList<StoredProfile> all =
            ProfileRepository(sub.database().connection()).versions(name);
        if (all.isEmpty())
            return badInput(cli, tr("no profile '%1', built in or stored").arg(name));
        for (const StoredProfile &p : all)
            cli.out() << QStringLiteral("%1  %2  %3  %4\n")
                             .arg(p.version, 4)
                             .arg(QDateTime::fromSecsSinceEpoch(p.createdAt, Qt::UTC)
                                      .toString(Qt::ISODate))
                             .arg(p.createdBy, -16)
                             .arg(p.company);
        return Exit::Ok;
    } catch (const DatabaseError &e) {
        return badInput(cli, e.message());
    }
}

int diff(CliContext &cli, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("name"), tr("The profile id."));
    parser.addPositionalArgument(QStringLiteral("v1"), tr("A version."));
    parser.addPositionalArgument(QStringLiteral("v2"), tr("Another version."));
    int exitCode = 0;
    CliContext sub(QStringLiteral("policy diff"), args);
    if (!sub.parse(parser,
                   tr("What changed between two versions of a profile, field by field: - the "
                      "first's value, + the second's. Exit 1 when they differ."),
                   &exitCode))
        return exitCode;
    const QStringList pos = parser.positionalArguments();
    bool ok1 = false, ok2 = false;
    const int v1 = pos.value(1).toInt(&ok1), v2 = pos.value(2).toInt(&ok2);
    if (pos.size() != 3 || !ok1 || !ok2 || v1 < 1 || v2 < 1)
        return sub.usageError(tr("give a profile id and two version numbers"));
    QString error;
    try {
        PolicyLibrary library(sub.database());
        const auto a = library.json(pos.first(), v1, &error);
        const auto b = a ? library.json(pos.first(), v2, &error) : std::nullopt;
        if (!a || !b)
            return badInput(cli, error);
        const QList<ProfileChange> changes = PolicyLibrary::diff(*a, *b);
        for (const ProfileChange &c : changes) {
            if (c.hadBefore)
                cli.out() << QStringLiteral("- %1: %2\n").arg(c.path, c.before);
            if (c.hasAfter)
                cli.out() << QStringLiteral("+ %1: %2\n").arg(c.path, c.after);
        }
        const qsizetype changed = changes.size();
        if (changed == 0)
            cli.out()
                << tr("versions %1 and %2 of %3 are the same").arg(v1).arg(v2).arg(pos.first())
                << Qt::endl;
        return changed == 0 ? Exit::Ok : Exit::Failure;
    } catch (const DatabaseError &e) {
        return badInput(cli, e.message());
    }
}

int preview(CliContext &cli, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption daysOption(QStringLiteral("days"),
                                        tr("The requests received in the last N days (default "
                                           "90)."),
                                        QStringLiteral("n"), QStringLiteral("90"));
    const QCommandLineOption profileOption(
        QStringLiteral("of"),
        tr("The requests of the accounts on this profile (default: the draft's id)."),
        QStringLiteral("name"));
    const QCommandLineOption fromOption(QStringLiteral("from"),
                                        tr("Instead: the requests received from this day (UTC, "
                                           "YYYY-MM-DD)..."),
                                        QStringLiteral("date"));
    const QCommandLineOption toOption(QStringLiteral("to"),
                                      tr("...to this day, included (default: today)."),
                                      QStringLiteral("date"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), tr("One JSON object."));
    parser.addOptions({daysOption, fromOption, toOption, profileOption, jsonOption});
    parser.addPositionalArgument(QStringLiteral("file"),
                                 tr("The draft profile as JSON; - reads standard input."));
    int exitCode = 0;
    CliContext sub(QStringLiteral("policy preview"), args);
    if (!sub.parse(parser,
                   tr("What a draft profile would change before it is saved: the requests of the "
                      "accounts on the profile, evaluated under today's version and under the "
                      "draft: verdicts and money by type, and every request whose outcome "
                      "differs. Reads only."),
                   &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return sub.usageError(tr("give one draft profile file (or - for standard input)"));
    bool ok = false;
    const int days = parser.value(daysOption).toInt(&ok);
    if (!ok || days < 1)
        return sub.usageError(tr("--days takes a number of days, 1 or more"));
    const QString path = parser.positionalArguments().first();
    QByteArray json;
    QString error;
    if (!readFile(path, &json, &error))
        return badInput(cli, error);
    const std::optional<PolicyProfile> draft = PolicyProfile::fromJson(json, &error);
    if (!draft)
        return badInput(cli, tr("%1: %2").arg(path, error));
    qint64 to = QDateTime::currentSecsSinceEpoch();
    qint64 from = to - qint64(days) * 86400;
    const auto dayStart = [](const QDate &d) { return d.startOfDay(Qt::UTC).toSecsSinceEpoch(); };
    if (parser.isSet(fromOption)) {
        const QDate d = QDate::fromString(parser.value(fromOption), Qt::ISODate);
        if (!d.isValid())
            return sub.usageError(tr("--from takes a day as YYYY-MM-DD"));
        from = dayStart(d);
    }
    if (parser.isSet(toOption)) {
        const QDate d = QDate::fromString(parser.value(toOption), Qt::ISODate);
        if (!d.isValid())
            return sub.usageError(tr("--to takes a day as YYYY-MM-DD"));
        to = dayStart(d.addDays(1)) - 1; // the whole day
    }
    QElapsedTimer clock;
    clock.start();
    PreviewResult r;
    try {
        r = PolicyPreview::run(sub.database(), *draft, from, to, parser.value(profileOption));
    } catch (const DatabaseError &e) {
        return badInput(cli, e.message());
    }
    const qint64 ms = clock.elapsed();
    QTextStream &out = cli.out();
    if (parser.isSet(jsonOption)) {
        QJsonObject types;
        for (auto it = r.byType.cbegin(); it != r.byType.cend(); ++it) {
            const auto map = [](const QMap<QString, qint64> &m) {
                QJsonObject o;
                for (auto i = m.cbegin(); i != m.cend(); ++i)
                    o.insert(i.key(), i.value());
                return o;
            };
            types.insert(it.key().isEmpty() ? QStringLiteral("all") : it.key(),
                         QJsonObject{{QStringLiteral("today"), map(it->todayVerdicts)},
                                     {QStringLiteral("draft"), map(it->draftVerdicts)},
                                     {QStringLiteral("today_cents"), map(it->todayCents)},
                                     {QStringLiteral("draft_cents"), map(it->draftCents)},
                                     {QStringLiteral("today_credits"), it->todayCredits},
                                     {QStringLiteral("draft_credits"), it->draftCredits}});
        }
        QJsonArray changed;
        for (const PreviewChange &c : std::as_const(r.changed))
            changed.append(QJsonObject{{QStringLiteral("request"), c.requestId},
                                       {QStringLiteral("type"), c.type},
                                       {QStringLiteral("today"), c.todayVerdict},
                                       {QStringLiteral("draft"), c.draftVerdict},
                                       {QStringLiteral("today_cents"), c.todayCents},
                                       {QStringLiteral("draft_cents"), c.draftCents},
                                       {QStringLiteral("today_clause"), c.todayClause},
                                       {QStringLiteral("draft_clause"), c.draftClause}});
        out << QJsonDocument(
                   QJsonObject{{QStringLiteral("profile"), r.profile},
                               {QStringLiteral("today_version"), r.todayVersion},
                               {QStringLiteral("evaluated"), r.evaluated},
                               {QStringLiteral("milliseconds"), ms},
                               {QStringLiteral("by_type"), types},
                               {QStringLiteral("changed"), changed},
                               {QStringLiteral("errors"), QJsonArray::fromStringList(r.errors)}})
                   .toJson(QJsonDocument::Indented);
        return Exit::Ok;
    }
    out << tr("%1 requests received %2 to %3 on %4 (version %5 today) in %6 ms; %7 would "
              "change")
               .arg(r.evaluated)
               .arg(QDateTime::fromSecsSinceEpoch(from, Qt::UTC).date().toString(Qt::ISODate),
                    QDateTime::fromSecsSinceEpoch(to, Qt::UTC).date().toString(Qt::ISODate))
               .arg(r.profile)
               .arg(r.todayVersion)
               .arg(ms)
               .arg(r.changed.size())
        << '\n';
    const auto verdicts = [](const QMap<QString, qint64> &m) {
        QStringList parts;
        for (const char *v : {"approve", "review", "deny"})
            parts << QStringLiteral("%1 %2").arg(m.value(QLatin1String(v))).arg(QLatin1String(v));
        return parts.join(QStringLiteral(", "));
    };
    const auto money = [](const QMap<QString, qint64> &m) {
        QStringList parts;
        for (auto i = m.cbegin(); i != m.cend(); ++i)
            parts << formatMoney(i.value(), i.key());
        return parts.isEmpty() ? QStringLiteral("-") : parts.join(QStringLiteral(" + "));
    };
    for (auto it = r.byType.cbegin(); it != r.byType.cend(); ++it) {
        out << QStringLiteral("%1\n  %2: %3; %4; %5 credits\n  %6: %7; %8; %9 credits\n")
                   .arg(it.key().isEmpty() ? tr("all types") : it.key())
                   .arg(tr("today"), verdicts(it->todayVerdicts), money(it->todayCents))
                   .arg(it->todayCredits)
                   .arg(tr("draft"), verdicts(it->draftVerdicts), money(it->draftCents))
                   .arg(it->draftCredits);
    }
    for (const PreviewChange &c : std::as_const(r.changed))
        out << QStringLiteral("request %1 (%2): %3 %4 -> %5 %6\n")
                   .arg(c.requestId)
                   .arg(c.type, c.todayVerdict,
                        c.todayCents ? formatMoney(c.todayCents, c.currency) : c.todayClause,
                        c.draftVerdict,
                        c.draftCents ? formatMoney(c.draftCents, c.currency) : c.draftClause);
    for (const QString &e : std::as_const(r.errors))
        cli.err() << e << '\n';
    return Exit::Ok;
}

int assign(CliContext &cli, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption accountOption(QStringLiteral("account"), tr("One account."),
                                           QStringLiteral("id"));
    const QCommandLineOption fromOption(
        QStringLiteral("from"), tr("Every account on this profile."), QStringLiteral("name"));
    const QCommandLineOption byOption(
        QStringLiteral("by"), tr("Who (on a team's database: the signed-in login, always)."),
        QStringLiteral("name"));
    parser.addOptions({accountOption, fromOption, byOption});
    parser.addPositionalArgument(QStringLiteral("name"), tr("The profile to put them on."));
    int exitCode = 0;
    CliContext sub(QStringLiteral("policy assign"), args);
    if (!sub.parse(parser,
                   tr("Puts one account, or every account on a profile, on a policy profile "
                      "(built in or stored). Later recommendations follow it; decisions made "
                      "keep theirs."),
                   &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1 ||
        parser.isSet(accountOption) == parser.isSet(fromOption))
        return sub.usageError(tr("give one profile and either --account ID or --from PROFILE"));
    qint64 account = 0;
    if (parser.isSet(accountOption)) {
        bool ok = false;
        account = parser.value(accountOption).toLongLong(&ok);
        if (!ok || account <= 0)
            return sub.usageError(tr("--account takes an account id"));
    }
    try {
        RefundWorkflow workflow(sub.database());
        const qint64 moved = workflow.assignProfile(
            parser.positionalArguments().first(), account, parser.value(fromOption),
            parser.isSet(byOption) ? parser.value(byOption) : CliContext::osUser());
        cli.out() << tr("%n account(s) now on %1", nullptr, int(qMin<qint64>(moved, INT_MAX)))
                         .arg(parser.positionalArguments().first())
                  << Qt::endl;
        return Exit::Ok;
    } catch (const DatabaseError &e) {
        cli.err() << tr("refundctl policy assign: %1").arg(e.message()) << Qt::endl;
        return Exit::Failure;
    }
}

int accounts(CliContext &cli, const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption limitOption(QStringLiteral("limit"),
                                         tr("List at most this many (default 20)."),
                                         QStringLiteral("n"), QStringLiteral("20"));
    parser.addOption(limitOption);
    parser.addPositionalArgument(QStringLiteral("name"), tr("The profile id."));
    int exitCode = 0;
    CliContext sub(QStringLiteral("policy accounts"), args);
    if (!sub.parse(parser, tr("How many accounts are on a profile, and the first of them."),
                   &exitCode))
        return exitCode;
    bool ok = false;
    const int limit = parser.value(limitOption).toInt(&ok);
    if (parser.positionalArguments().size() != 1 || !ok || limit < 0)
        return sub.usageError(tr("give one profile id (and --limit N)"));
    try {
        const AccountRepository repository(sub.database().connection());
        const QString name = parser.positionalArguments().first();
        const qint64 n = repository.countOnProfile(name);
        cli.out() << tr("%1 account(s) on %2").arg(n).arg(name) << '\n';
        for (const AccountRecord &a : repository.onProfile(name, limit))
            cli.out() << QStringLiteral("%1  %2  %3\n").arg(a.id, 8).arg(a.email, a.displayName);
        return Exit::Ok;
    } catch (const DatabaseError &e) {
        return badInput(cli, e.message());
    }
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
    if (action == QLatin1String("import"))
        return importProfile(cli, args);
    if (action == QLatin1String("export"))
        return exportProfile(cli, args);
    if (action == QLatin1String("versions"))
        return versions(cli, args);
    if (action == QLatin1String("diff"))
        return diff(cli, args);
    if (action == QLatin1String("preview"))
        return preview(cli, args);
    if (action == QLatin1String("assign"))
        return assign(cli, args);
    if (action == QLatin1String("accounts"))
        return accounts(cli, args);
    if (action == QLatin1String("--help") || action == QLatin1String("-h")) {
        cli.out() << tr(
            "Usage: refundctl policy evaluate CASE.json [--profile NAME | --profile-file FILE]\n"
            "       refundctl policy list\n"
            "       refundctl policy show NAME\n"
            "       refundctl policy import FILE         (a company profile's next version)\n"
            "       refundctl policy export NAME [--version N]\n"
            "       refundctl policy versions NAME\n"
            "       refundctl policy diff NAME V1 V2\n"
            "       refundctl policy preview FILE [--days 90] [--of NAME] [--json]\n"
            "       refundctl policy assign NAME --account ID | --from PROFILE\n"
            "       refundctl policy accounts NAME [--limit N]\n");
        return Exit::Ok;
    }
    return cli.usageError(
        action.isEmpty()
            ? tr("say evaluate, list, show, import, export, versions, diff, preview, assign or "
                 "accounts")
            : tr("unknown action '%1'; say evaluate, list, show, import, export, versions, diff, "
                 "preview, assign or accounts")
                  .arg(action));
}
