#pragma once
// What the engine recommends for one case.

#include "policytypes.h"

#include <QDate>
#include <QStringList>

struct PolicyOutcome
{
    Verdict verdict = Verdict::Review;
    Remedy remedy = Remedy::None;
    qint64 refundCents = 0;
    qint64 credits = 0;
    quint8 actions = NoAction;
    QStringList clauses;
    QDate respondBy; // invalid: the profile states no answer time
    QString profile;
    int profileVersion = 0;
    QString explanation;
};
