#pragma once
// The refund-request queue as a chunked table: what the reviewer works through, with the
// recommendation stored at triage.

#include "sqlwindowmodel.h"

#include <QDate>

// What narrows the queue beyond the filter bar: one account, or a slice of the dashboard
// (requests decided within these UTC days, by this reviewer, overriding the recommendation,
// answered "on_time" or "late" against their answer date).
struct QueueSlice
{
    qint64 accountId = 0; // 0: any
    QDate decidedFrom;
    QDate decidedTo;
    QString decidedBy;
    bool overridesOnly = false;
    QString answered;

    bool isEmpty() const { return *this == QueueSlice(); }
    bool operator==(const QueueSlice &) const = default;
};

struct QueueFilter
{
    QStringList statuses; // empty: any
    QString type;         // empty: any
    QString profile;      // empty: any
    QString assignedTo;   // empty: anyone
    // Four-eyes: requests waiting for a second approval this person may give (not their own
    // first approval); empty: no such filter.
    QString secondApprover;
    // Open requests whose answer date is before this day (ISO date); invalid: no such filter.
    QDate overdueBefore;
    // An id (request, purchase, job or account; "#12" works too) or part of an email.
    QString search;
    QueueSlice slice;

    bool operator==(const QueueFilter &) const = default;
};

class RequestQueueModel : public SqlWindowModel
{
    Q_OBJECT
public:
    explicit RequestQueueModel(Database &database, QObject *parent = nullptr);

    void setQueueFilter(const QueueFilter &filter);
    const QueueFilter &queueFilter() const { return m_filter; }
    // The request shown in `row`, 0 when none.
    qint64 requestId(int row) const { return value(row, QStringLiteral("id")).toLongLong(); }

    static QStringList openStatuses();

private:
    QueueFilter m_filter;
};
