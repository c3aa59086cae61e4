#pragma once
// What a draft of a company's policy would change, before it is saved: the requests of the
// accounts on the profile within a time range, evaluated under today's version and under the
// draft, side by side (POLICIES.md: a profile is "edited in the app and versioned").

#include "rules/policyprofile.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>

class Database;

struct PreviewChange
{
    qint64 requestId = 0;
    QString type;
    QString currency;
    QString todayVerdict, draftVerdict; // approve, deny, review
    qint64 todayCents = 0, draftCents = 0;
    qint64 todayCredits = 0, draftCredits = 0;
    QString todayClause, draftClause; // the clause that decided
};

// For one request type (or "" for all): requests by verdict, money and credits, today and
// under the draft. Money per currency.
struct PreviewTally
{
    QMap<QString, qint64> todayVerdicts, draftVerdicts;
    QMap<QString, qint64> todayCents, draftCents; // by currency, approved money refunds
    qint64 todayCredits = 0, draftCredits = 0;
};

struct PreviewResult
{
    QString profile; // whose accounts' requests were evaluated
    int todayVersion = 0;
    qint64 evaluated = 0;
    QMap<QString, PreviewTally> byType; // "" holds the totals
    QList<PreviewChange> changed;       // requests whose outcome differs, oldest first
    QStringList errors;                 // requests that could not be evaluated, one line each
    bool cancelled = false;
};

class PolicyPreview
{
public:
    // Evaluates every request received in [from, to] (UTC seconds) of the accounts on
    // `profile` (default: the draft's id) under its current version and under `draft`.
    // Reads only. `progress(done, total)` now and then; `cancel` stops it early. Throws
    // DatabaseError (an unknown profile, a lost connection).
    static PreviewResult run(Database &database, const PolicyProfile &draft, qint64 from, qint64 to,
                             const QString &profile = {},
                             const std::function<void(qint64, qint64)> &progress = {},
                             const std::atomic<bool> *cancel = nullptr);
};
