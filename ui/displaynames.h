#pragma once
// The words a reviewer reads for the values the database stores (types, statuses, causes).

#include <QCoreApplication>
#include <QString>
#include <QStringList>

struct PurchaseCompensation;

class DisplayNames
{
    Q_DECLARE_TR_FUNCTIONS(DisplayNames)
public:
    static QStringList requestTypes();
    static QString requestType(const QString &type);
    static QString status(const QString &status);
    // A payout's state, as a reviewer reads it: what it means for the customer's money.
    static QString payoutStatus(const QString &status);
    static QString value(const QString &stored); // entry types, job states, causes, remedies
    static QString auditAction(const QString &action);
    // What a purchase's requests already got, one phrase each ("19.12 USD refunded by request
    // 2 (Unused credits)"), with what the bank took back; empty when nothing.
    static QStringList priorGrants(const PurchaseCompensation &c, const QString &currency);
    // Dates and times as the user's locale writes them, with four-digit years ("19.11.2026
    // 01:23" in German); ISO 8601 ("2026-11-19 01:23") under the C locale.
    // A built-in profile's clause title or explanation in the user's language (company
    // profiles' own texts, and every quote, stay as written).
    static QString profileText(const QString &text);
    static QString dateFormat();
    static QString dateTimeFormat();
};
