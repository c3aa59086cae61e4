#pragma once
// Writes what a database holds as the platform's events (INTEGRATION.md, section 1): outages,
// then each account with its purchases and jobs in time order, its refund requests and
// chargebacks. `refundctl demo --events` uses it, so the intake can be tried and measured on
// realistic data. Reads in id order, one account at a time: memory stays flat.

#include <QSqlDatabase>
#include <QString>
#include <functional>

class QIODevice;

class EventsWriter
{
public:
    // `tag` makes every event id of one file unique and the same for the same data.
    EventsWriter(const QSqlDatabase &db, const QString &tag) : m_db(db), m_tag(tag) {}

    // Returns the number of events written. Throws DatabaseError; a write error of `out`
    // is reported by its own errorString().
    qint64 write(QIODevice *out, const std::function<void(qint64 accounts)> &progress = {});

private:
    QSqlDatabase m_db;
    QString m_tag;
};
