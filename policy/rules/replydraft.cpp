#include "replydraft.h"

#include "money.h"

#include <QCoreApplication>
#include <QLocale>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("ReplyDraft", text);
}
} // namespace

const PolicyClause *ReplyDraft::findClause(const PolicyProfile &profile, const QString &id)
{
    for (const PolicyClause &c : profile.clauses())
        if (c.id == id)
            return &c;
    return nullptr;
}

QString ReplyDraft::compose(const PolicyOutcome &outcome, const PolicyProfile &profile,
                            const QString &customer, const QString &currency)
{
    QStringList parts;
    parts << (customer.trimmed().isEmpty() ? tr("Hello,")
                                           : tr("Hello %1,").arg(customer.trimmed()));
    parts << tr("thank you for contacting us about your request.");
    switch (outcome.verdict) {
    case Verdict::Approve:
        if (outcome.remedy == Remedy::MoneyRefund)
            parts << tr("We have approved a refund of %1 to your original payment method.")
                         .arg(formatMoney(outcome.refundCents, currency, QLocale()));
        else if (outcome.remedy == Remedy::CreditRestore)
            parts << QCoreApplication::translate("ReplyDraft",
                                                 "We have restored %n credit(s) to your account.",
                                                 nullptr, int(outcome.credits));
        else
            parts << tr("We have approved your request.");
        break;
    case Verdict::Deny:
        parts << tr("After reviewing your account we are unable to offer a refund in this case.");
        break;
    case Verdict::Review:
        parts << tr("Your request needs a closer look by our billing team; we will come back to "
                    "you shortly.");
        break;
    }
    for (const QString &id : outcome.clauses) {
        const PolicyClause *clause = findClause(profile, id);
        if (clause && !clause->quote.isEmpty()) {
            parts << tr("Our refund policy (%1) says:").arg(profile.company);
            parts << QStringLiteral("\u201C%1\u201D").arg(clause->quote);
            break;
        }
    }
    if (outcome.respondBy.isValid() && outcome.verdict == Verdict::Review)
        parts << tr("You will hear from us by %1.")
                     .arg(QLocale().toString(outcome.respondBy, QLocale::LongFormat));
    parts << tr("Kind regards,\nThe %1 billing team").arg(profile.company);
    return parts.join(QStringLiteral("\n\n"));
}
