#include "intakeproblems.h"

#include <QCoreApplication>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("EventIntake", text);
}
} // namespace

void IntakeProblems::raise(const QString &field, const QString &message)
{
    throw EventProblem{field, message};
}

void IntakeProblems::unknownReference(ExternalIdRepository::Kind kind, const QString &externalId,
                                      const char *field, const char *sendFirst)
{
    raise(QStringLiteral("data.") + QLatin1String(field),
          tr("unknown %1 \"%2\" (send %3 first)")
              .arg(ExternalIdRepository::kindName(kind), externalId, QLatin1String(sendFirst)));
}

void IntakeProblems::unknownProfile(const QString &profile)
{
    raise(QStringLiteral("data.profile"), tr("unknown policy profile \"%1\"").arg(profile));
}

void IntakeProblems::emailTaken(const QString &email, const QString &ownerAccount)
{
    raise(QStringLiteral("data.email"),
          tr("\"%1\" already belongs to account %2").arg(email, ownerAccount));
}

void IntakeProblems::paymentRefTaken(const QString &paymentRef, const QString &ownerPurchase)
{
    raise(QStringLiteral("data.payment_ref"),
          tr("\"%1\" is already the payment of purchase %2").arg(paymentRef, ownerPurchase));
}

void IntakeProblems::notEnoughCredits(const QString &account, qint64 balance, qint64 credits)
{
    raise(QStringLiteral("data.credits"), tr("account \"%1\" has %2 credits; the job spends %3")
                                              .arg(account)
                                              .arg(balance)
                                              .arg(credits));
}
