#pragma once
// The refund-request queue as a chunked table: what the reviewer works through, with the
// recommendation stored at triage.

#include "sqlwindowmodel.h"

#include <QDate>

struct QueueFilter
{
    QStringList statuses; // empty: any
    QString type;         // empty: any
    QString profile;      // empty: any
    QString assignedTo;   // empty: anyone
    qint64 accountId = 0; // 0: any
    // Open requests whose answer date is before this day (ISO date); invalid: no such filter.
    QDate overdueBefore;
    // An id (request, purchase, job or account; "#12" works too) or part of an email.
    QString search;

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
