#include "intakerequirements.h"

QStringList IntakeRequirements::missing(const QString &profile, const Draft &d)
{
    QStringList out;
    // What the type itself refers to (POLICIES.md, "refers to").
    const bool purchaseType = d.type != RequestType::FailedJob &&
                              d.type != RequestType::Dissatisfaction &&
                              d.type != RequestType::Legal;
    if (d.type == RequestType::FailedJob && !d.hasJob)
        out << QStringLiteral("job");
    if (purchaseType && !d.hasPurchase)
        out << QStringLiteral("purchase");
    if (d.type == RequestType::BillingError && !d.hasAmount)
        out << QStringLiteral("amount");
    // aidancing: the order or transaction id and the reason.
    if (profile == QLatin1String("aidancing")) {
        if (!d.hasPurchase && !d.hasJob && !out.contains(QStringLiteral("job")) &&
            !out.contains(QStringLiteral("purchase")))
            out << QStringLiteral("purchase_or_job");
        if (!d.hasMessage)
            out << QStringLiteral("message");
    }
    // vysage: the approximate time and the error of the failed generation.
    if (profile == QLatin1String("vysage") &&
        (d.type == RequestType::FailedJob || d.type == RequestType::Dissatisfaction)) {
        if (!d.hasJob && !out.contains(QStringLiteral("job")))
            out << QStringLiteral("job");
        if (!d.hasMessage)
            out << QStringLiteral("message");
    }
    // hummingbytes: a job id or an invoice id (the purchase date and amount come with it).
    if (profile == QLatin1String("hummingbytes") && !d.hasPurchase && !d.hasJob &&
        !out.contains(QStringLiteral("job")) && !out.contains(QStringLiteral("purchase")))
        out << QStringLiteral("purchase_or_job");
    // aiimagestudio: the purchase date and amount, i.e. the purchase.
    if (profile == QLatin1String("aiimagestudio") && !d.hasPurchase &&
        d.type != RequestType::FailedJob && !out.contains(QStringLiteral("purchase")))
        out << QStringLiteral("purchase");
    return out;
}
