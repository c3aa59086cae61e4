// How many cases per second the policy engine evaluates on one core, facts in memory.
// Usage: bench_policy [evaluations]   (default 5,000,000)

#include "policy/rules/policycasejson.h"
#include "policy/rules/policyengine.h"
#include "policy/rules/policyprofile.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <vector>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const qint64 evaluations = argc > 1 ? QByteArray(argv[1]).toLongLong() : 5'000'000;
    QTextStream out(stdout);

    struct Item
    {
        PolicyCase c;
        const PolicyProfile *profile;
    };
    std::vector<Item> items;
    const QList<PolicyProfile> &profiles = PolicyProfile::builtIn();
    const QDir dir(QStringLiteral(CASES_DIR));
    for (const QString &name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        QString error;
        const auto parsed = PolicyCaseJson::parse(f.readAll(), &error);
        if (!parsed)
            continue;
        for (const PolicyProfile &p : profiles)
            if (p.id == parsed->profile)
                items.push_back({parsed->policyCase, &p});
    }
    if (items.empty()) {
        out << "no cases found in " << dir.path() << Qt::endl;
        return 1;
    }

    QElapsedTimer timer;
    timer.start();
    quint64 checksum = 0; // unsigned: sums of 10^18-sized refunds wrap by definition
    for (qint64 i = 0; i < evaluations; ++i) {
        const Item &item = items[size_t(i) % items.size()];
        const PolicyOutcome o = PolicyEngine::evaluate(item.c, *item.profile);
        checksum += quint64(o.refundCents) + quint64(o.credits) + quint64(o.verdict);
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    out << QStringLiteral("policy engine: %1 evaluations of %2 distinct cases in %3 s = %4 cases/s "
                          "(one core; target 5,000,000; checksum %5)")
               .arg(evaluations)
               .arg(items.size())
               .arg(seconds, 0, 'f', 3)
               .arg(qint64(double(evaluations) / seconds))
               .arg(checksum)
        << Qt::endl;
    return 0;
}
