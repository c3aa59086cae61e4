#include "policycase.h"

#include <QCoreApplication>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("PolicyCase", text);
}
} // namespace

QString PolicyBounds::check(qint64 value, qint64 min, qint64 max)
{
    if (value >= min && value <= max)
        return {};
    const QString upper = max == maxFigure ? QStringLiteral("10^15") : QString::number(max);
    return tr("must be a whole number from %1 to %2, not %3").arg(min).arg(upper).arg(value);
}

QString PolicyCase::boundsError() const
{
    auto field = [](const QString &name, qint64 value, qint64 min, qint64 max) {
        const QString what = PolicyBounds::check(value, min, max);
        return what.isEmpty() ? QString() : QStringLiteral("%1: %2").arg(name, what);
    };
    using PolicyBounds::maxFigure;
    for (qsizetype i = 0; i < purchases.size(); ++i) {
        const CasePurchase &p = purchases.at(i);
        const QString f = QStringLiteral("purchases[%1].").arg(i);
        for (const QString &e :
             {field(f + QStringLiteral("credits"), p.credits, 0, maxFigure),
              field(f + QStringLiteral("credits_used"), p.creditsUsed, 0, maxFigure),
              field(f + QStringLiteral("amount_cents"), p.amountCents, 0, maxFigure),
              field(f + QStringLiteral("fee_cents"), p.feeCents, 0, maxFigure),
              field(f + QStringLiteral("charge_count"), p.chargeCount, 1,
                    PolicyBounds::maxChargeCount),
              field(f + QStringLiteral("refunded_cents"), p.refundedCents, 0, maxFigure),
              field(f + QStringLiteral("restored_credits"), p.restoredCredits, 0, maxFigure)})
            if (!e.isEmpty())
                return e;
        if (p.feeCents > p.amountCents)
            return f + QStringLiteral("fee_cents: ") +
                   tr("%1 is above amount_cents %2").arg(p.feeCents).arg(p.amountCents);
        if (p.creditsUsed > p.credits)
            return f + QStringLiteral("credits_used: ") +
                   tr("%1 is above credits %2").arg(p.creditsUsed).arg(p.credits);
    }
    for (qsizetype i = 0; i < jobs.size(); ++i) {
        const QString e =
            field(QStringLiteral("jobs[%1].credits").arg(i), jobs.at(i).credits, 0, maxFigure);
        if (!e.isEmpty())
            return e;
    }
    if (request.amountCents)
        return field(QStringLiteral("request.amount_cents"), *request.amountCents, 0, maxFigure);
    return {};
}
