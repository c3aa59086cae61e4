#include "displaynames.h"

#include <QLocale>

#include "models/compensationrepository.h"
#include "policy/rules/money.h"

QStringList DisplayNames::requestTypes()
{
    return {QStringLiteral("failed_job"),
            QStringLiteral("unused_credits"),
            QStringLiteral("accidental_purchase"),
            QStringLiteral("duplicate_charge"),
            QStringLiteral("billing_error"),
            QStringLiteral("not_delivered"),
            QStringLiteral("outage"),
            QStringLiteral("dissatisfaction"),
            QStringLiteral("subscription"),
            QStringLiteral("legal"),
            QStringLiteral("chargeback")};
}

QString DisplayNames::requestType(const QString &type)
{
    static const QHash<QString, const char *> names{
        {QStringLiteral("failed_job"), QT_TR_NOOP("Failed job")},
        {QStringLiteral("unused_credits"), QT_TR_NOOP("Unused credits")},
        {QStringLiteral("accidental_purchase"), QT_TR_NOOP("Accidental purchase")},
        {QStringLiteral("duplicate_charge"), QT_TR_NOOP("Duplicate charge")},
        {QStringLiteral("billing_error"), QT_TR_NOOP("Billing error")},
        {QStringLiteral("not_delivered"), QT_TR_NOOP("Not delivered")},
        {QStringLiteral("outage"), QT_TR_NOOP("Outage")},
        {QStringLiteral("dissatisfaction"), QT_TR_NOOP("Dissatisfied")},
        {QStringLiteral("subscription"), QT_TR_NOOP("Subscription")},
        {QStringLiteral("legal"), QT_TR_NOOP("Legal")},
        {QStringLiteral("chargeback"), QT_TR_NOOP("Chargeback")},
    };
    const char *name = names.value(type);
    return name ? tr(name) : type;
}

QString DisplayNames::status(const QString &status)
{
    static const QHash<QString, const char *> names{
        {QStringLiteral("new"), QT_TR_NOOP("New")},
        {QStringLiteral("pending"), QT_TR_NOOP("Pending")},
        {QStringLiteral("escalated"), QT_TR_NOOP("Escalated")},
        {QStringLiteral("awaiting_approval"), QT_TR_NOOP("Waiting for second approval")},
        {QStringLiteral("approved"), QT_TR_NOOP("Approved")},
        {QStringLiteral("denied"), QT_TR_NOOP("Denied")},
        {QStringLiteral("active"), QT_TR_NOOP("Active")},
        {QStringLiteral("suspended"), QT_TR_NOOP("Suspended")},
        {QStringLiteral("terminated"), QT_TR_NOOP("Terminated")},
    };
    const char *name = names.value(status);
    return name ? tr(name) : status;
}

QString DisplayNames::payoutStatus(const QString &status)
{
    static const QHash<QString, const char *> names{
        {QStringLiteral("pending"), QT_TR_NOOP("Pending: not sent yet")},
        {QStringLiteral("sent"), QT_TR_NOOP("Sent: the processor is paying it back")},
        {QStringLiteral("succeeded"), QT_TR_NOOP("Paid back")},
        {QStringLiteral("failed"), QT_TR_NOOP("Failed: nothing was paid back")},
        {QStringLiteral("unknown"), QT_TR_NOOP("Unknown: being reconciled")},
    };
    const char *name = names.value(status);
    return name ? tr(name) : status;
}

QString DisplayNames::value(const QString &stored)
{
    static const QHash<QString, const char *> names{
        {QStringLiteral("purchase"), QT_TR_NOOP("Purchase")},
        {QStringLiteral("usage"), QT_TR_NOOP("Usage")},
        {QStringLiteral("job_credit_back"), QT_TR_NOOP("Job credit-back")},
        {QStringLiteral("refund"), QT_TR_NOOP("Refund")},
        {QStringLiteral("clawback"), QT_TR_NOOP("Clawback")},
        {QStringLiteral("forfeiture"), QT_TR_NOOP("Forfeiture")},
        {QStringLiteral("adjustment"), QT_TR_NOOP("Adjustment")},
        {QStringLiteral("queued"), QT_TR_NOOP("Queued")},
        {QStringLiteral("running"), QT_TR_NOOP("Running")},
        {QStringLiteral("succeeded"), QT_TR_NOOP("Succeeded")},
        {QStringLiteral("sent"), QT_TR_NOOP("Sent")},
        {QStringLiteral("pending"), QT_TR_NOOP("Pending")},
        {QStringLiteral("attention"), QT_TR_NOOP("Needs attention (failed, unknown)")},
        {QStringLiteral("viewer"), QT_TR_NOOP("viewer")},
        {QStringLiteral("reviewer"), QT_TR_NOOP("reviewer")},
        {QStringLiteral("lead"), QT_TR_NOOP("lead")},
        {QStringLiteral("admin"), QT_TR_NOOP("admin")},
        {QStringLiteral("failed"), QT_TR_NOOP("Failed")},
        {QStringLiteral("platform"), QT_TR_NOOP("Platform")},
        {QStringLiteral("user"), QT_TR_NOOP("User")},
        {QStringLiteral("unknown"), QT_TR_NOOP("Unknown")},
        {QStringLiteral("disputed"), QT_TR_NOOP("Disputed")},
        {QStringLiteral("undelivered"), QT_TR_NOOP("Not delivered")},
        {QStringLiteral("duplicate"), QT_TR_NOOP("Charged twice")},
        {QStringLiteral("chargeback_open"), QT_TR_NOOP("Chargeback open (opened in dates)")},
        {QStringLiteral("chargeback_won"), QT_TR_NOOP("Chargeback won (opened in dates)")},
        {QStringLiteral("chargeback_lost"), QT_TR_NOOP("Chargeback lost (opened in dates)")},
        {QStringLiteral("open"), QT_TR_NOOP("Open")},
        {QStringLiteral("won"), QT_TR_NOOP("Won")},
        {QStringLiteral("lost"), QT_TR_NOOP("Lost")},
        {QStringLiteral("on_time"), QT_TR_NOOP("On time")},
        {QStringLiteral("late"), QT_TR_NOOP("Late")},
        {QStringLiteral("money_refund"), QT_TR_NOOP("Money refund")},
        {QStringLiteral("credit_restore"), QT_TR_NOOP("Credits restored")},
        {QStringLiteral("none"), QT_TR_NOOP("Nothing")},
    };
    const char *name = names.value(stored);
    return name ? tr(name) : status(stored);
}

QString DisplayNames::auditAction(const QString &action)
{
    static const QHash<QString, const char *> names{
        {QStringLiteral("triage"), QT_TR_NOOP("Triaged")},
        {QStringLiteral("approve"), QT_TR_NOOP("Approved")},
        {QStringLiteral("deny"), QT_TR_NOOP("Denied")},
        {QStringLiteral("escalate"), QT_TR_NOOP("Escalated")},
        {QStringLiteral("awaiting_approval"), QT_TR_NOOP("First approval, waiting for a second")},
        {QStringLiteral("send_back"), QT_TR_NOOP("Sent back")},
        {QStringLiteral("reverse"), QT_TR_NOOP("Decision reversed")},
        {QStringLiteral("assign"), QT_TR_NOOP("Assigned")},
        {QStringLiteral("note"), QT_TR_NOOP("Note")},
        {QStringLiteral("chargeback"), QT_TR_NOOP("Chargeback opened")},
        {QStringLiteral("credit_back"), QT_TR_NOOP("Credited back")},
        {QStringLiteral("payout_sent"), QT_TR_NOOP("Payout sent")},
        {QStringLiteral("payout_accepted"), QT_TR_NOOP("Payout accepted by the processor")},
        {QStringLiteral("payout_paid"), QT_TR_NOOP("Payout paid back")},
        {QStringLiteral("payout_failed"), QT_TR_NOOP("Payout failed")},
        {QStringLiteral("payout_unknown"), QT_TR_NOOP("Payout outcome unknown")},
        {QStringLiteral("payout_retried"), QT_TR_NOOP("Payout retried")},
    };
    const char *name = names.value(action);
    return name ? tr(name) : action;
}

QStringList DisplayNames::priorGrants(const PurchaseCompensation &c, const QString &currency)
{
    QStringList given;
    for (const PriorGrant &g : c.grants)
        given << (g.remedy == QLatin1String("money_refund")
                      ? tr("%1 refunded by request %2 (%3)")
                            .arg(formatMoney(g.refundCents, currency, QLocale()))
                            .arg(g.requestId)
                            .arg(requestType(g.type))
                      : tr("%1 credits restored by request %2 (%3)")
                            .arg(g.credits)
                            .arg(g.requestId)
                            .arg(requestType(g.type)));
    if (c.lostChargebackCents > 0)
        given << tr("%1 charged back by the bank")
                     .arg(formatMoney(c.lostChargebackCents, currency, QLocale()));
    return given;
}

QString DisplayNames::dateFormat()
{
    const QLocale locale;
    if (locale.language() == QLocale::C)
        return QStringLiteral("yyyy-MM-dd");
    QString format = locale.dateFormat(QLocale::ShortFormat);
    if (!format.contains(QLatin1String("yyyy")))
        format.replace(QLatin1String("yy"), QLatin1String("yyyy"));
    return format;
}

QString DisplayNames::dateTimeFormat()
{
    const QLocale locale;
    if (locale.language() == QLocale::C)
        return QStringLiteral("yyyy-MM-dd HH:mm");
    return dateFormat() + QLatin1Char(' ') + locale.timeFormat(QLocale::ShortFormat);
}

QString DisplayNames::profileText(const QString &text)
{
    return QCoreApplication::translate("PolicyProfileText", text.toUtf8().constData());
}
