#pragma once
// Applies the platform's events (INTEGRATION.md, section 1): one batch is one transaction, all
// or nothing; each event once, by its id; facts never change; every problem named by position,
// event id and field. `refundctl ingest` and `POST /v1/events` both come through here.

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QString>
#include <functional>
#include <memory>

class Database;
class QIODevice;
class RefundWorkflow;

struct IntakeError
{
    qint64 position = 0; // a line number (NDJSON, from 1) or an index (a JSON array, from 0)
    QString eventId;     // empty when the event has none that could be read
    QString field;       // "data.currency"; empty for the event as a whole
    QString message;

    // "line 7 (evt-991): data.currency: "usd" is not an ISO 4217 code"
    QString describe() const;
};

struct IntakeResult
{
    qint64 read = 0;
    qint64 applied = 0;
    qint64 duplicates = 0;
    qint64 errorCount = 0;     // all of them
    QList<IntakeError> errors; // the first ones (Options::maxErrors)
    bool ok() const { return errorCount == 0; }
};

// Where the events of one batch come from, one raw JSON object at a time.
class EventSource
{
public:
    virtual ~EventSource() = default;
    // The next event and its position; false at the end. A problem of the input itself (a line
    // over 1 MiB) comes back in `problem` with an empty `json`.
    virtual bool next(QByteArray *json, qint64 *position, QString *problem) = 0;
    // Starts again from the first event, for a batch retried after a lost race; false when
    // the input cannot be read twice (a pipe).
    virtual bool rewind() { return false; }
};

// NDJSON from a file or a pipe, streamed: one line in memory at a time. Positions are lines.
class NdjsonSource : public EventSource
{
public:
    explicit NdjsonSource(QIODevice *device) : m_device(device) {}
    bool next(QByteArray *json, qint64 *position, QString *problem) override;
    bool rewind() override;

private:
    QIODevice *m_device;
    qint64 m_line = 0;
};

// An HTTP body: NDJSON lines or one JSON array. Positions are indexes from 0.
class BodySource : public EventSource
{
public:
    // Returns an error message (and no source) when the body is not what its type says.
    static std::unique_ptr<BodySource> fromNdjson(const QByteArray &body, QString *error);
    static std::unique_ptr<BodySource> fromJsonArray(const QByteArray &body, QString *error);
    bool next(QByteArray *json, qint64 *position, QString *problem) override;
    bool rewind() override;

private:
    QList<QByteArray> m_items;
    qsizetype m_next = 0;
};

class EventIntake
{
public:
    struct Options
    {
        bool dryRun = false; // check everything, write nothing
        int maxErrors = 20;
        std::function<void(qint64 read)> progress; // every 10,000 events
        // New accounts, purchases and jobs in bulk (BulkEventApplier); false applies every
        // event the ordinary way, one by one (the same rows, slower: tests compare the two).
        bool bulk = true;
    };

    EventIntake(Database &database, RefundWorkflow &workflow);

    // Applies every event of `source` in one transaction, or none of them. Throws DatabaseError
    // when the database cannot be reached (nothing written).
    IntakeResult ingest(EventSource &source, const Options &options);

private:
    IntakeResult attempt(EventSource &source, const Options &options);

    Database &m_db;
    RefundWorkflow &m_workflow;
};
