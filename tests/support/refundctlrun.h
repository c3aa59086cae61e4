#pragma once
// Runs the built refundctl as a user would and collects what it said.

#include <QByteArray>
#include <QProcess>
#include <QStringList>
#include <utility>

struct RefundctlRun
{
    int exitCode = -1; // -1: it crashed or did not finish
    QByteArray out;
    QByteArray err;
};

inline RefundctlRun runRefundctl(const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(QStringLiteral(REFUNDCTL_PATH), args);
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(300000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

// Two reviewers, "p1" and "p2", approving at the same moment with `refundctl decide`, each in
// its own process and its own order of request ids; what each said.
inline std::pair<RefundctlRun, RefundctlRun> approveConcurrently(const QString &databaseUrl,
                                                                 const QStringList &firstOrder,
                                                                 const QStringList &secondOrder)
{
    QProcess first, second;
    auto start = [&](QProcess &p, const QString &reviewer, const QStringList &ids) {
        p.start(QStringLiteral(REFUNDCTL_PATH),
                QStringList{QStringLiteral("decide"), QStringLiteral("--database"), databaseUrl,
                            QStringLiteral("--verdict"), QStringLiteral("approve"),
                            QStringLiteral("--reviewer"), reviewer} +
                    ids);
    };
    start(first, QStringLiteral("p1"), firstOrder);
    start(second, QStringLiteral("p2"), secondOrder);
    auto collect = [](QProcess &p) -> RefundctlRun {
        if (!p.waitForFinished(300000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), p.readAllStandardError()};
    };
    RefundctlRun a = collect(first);
    return {a, collect(second)};
}
