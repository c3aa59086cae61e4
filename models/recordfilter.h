#pragma once
// The filters the ledger, purchases, jobs and accounts tables share; each reads what applies.

#include <QDate>
#include <QString>

struct RecordFilter
{
    qint64 accountId = 0; // 0: every account
    QDate from;           // invalid: open-ended
    QDate to;
    bool utcDays = false; // from/to are UTC days (a dashboard slice), else local days
    QString kind;         // entry type, purchase state, job status or account status; empty: any
    QString cause;        // jobs: failure cause; empty: any
    QString profile;      // empty: any
    QString search;       // accounts: email, name or id

    bool hasDays() const { return from.isValid() || to.isValid(); }
    bool operator==(const RecordFilter &) const = default;
};
