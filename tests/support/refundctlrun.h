#pragma once
// Runs the built refundctl as a user would and collects what it said.

#include <QByteArray>
#include <QProcess>
#include <QStringList>

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
