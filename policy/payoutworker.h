#pragma once
// The payouts worker (INTEGRATION.md section 4): sends pending payouts to the processor and
// records each answer, at most `perSecond` requests a second with at most `inFlight` waiting
// for an answer; reconciles the payouts whose outcome is not known. Every state move goes
// through PayoutBook. Runs on the caller's event loop (refundctl payouts run, refundctl serve).

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QStringList>
#include <deque>
#include <functional>

class PayoutBook;
class StripeClient;
class Database;
struct PayoutSending;
struct StripeAnswer;

class PayoutWorker : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        double perSecond = 20;
        int inFlight = 8;
        // reconcile: how long a payout in `sent` is left to its worker before it is treated
        // as unknown (a worker killed between sending and recording).
        qint64 sentStaleAfterSecs = 15 * 60;
        // reconcile: within this, the same request is sent again with the same key; after it
        // (the processor forgets keys after 24 h) the payment's refunds are listed instead.
        qint64 resendWithinSecs = 24 * 3600;
    };
    struct Summary
    {
        int taken = 0; // payouts looked at
        int succeeded = 0;
        int failed = 0;
        int unknown = 0;
        int waiting = 0;       // accepted by the processor, not settled yet (pending there)
        QStringList errors;    // one line each: payouts that stayed as they were
        qint64 overheadNs = 0; // time spent in the worker itself (database, bookkeeping)
        bool isClean() const { return errors.isEmpty() && unknown == 0; }
    };

    PayoutWorker(Database &database, PayoutBook &book, StripeClient &client, const Options &options,
                 QObject *parent = nullptr);

    bool isBusy() const { return m_busy; }
    // Sends up to `limit` pending payouts; finished() when every answer is recorded.
    void sendPending(int limit);
    // Settles up to `limit` payouts whose outcome is not known; finished() when done.
    void reconcile(int limit, qint64 now);

    // The same, waiting on a local event loop until every answer is recorded (refundctl).
    Summary sendPendingAndWait(int limit);
    Summary reconcileAndWait(int limit, qint64 now);

signals:
    void finished(const PayoutWorker::Summary &summary);

private:
    struct Item
    {
        qint64 payoutId = 0;
        bool resend = false; // reconcile: the same request again (else: start sending)
        bool list = false;   // reconcile after 24 h: list the payment's refunds
    };
    void start(std::deque<Item> items);
    void pump();
    void launch(const Item &item);
    void answered(qint64 payoutId, const StripeAnswer &answer);
    void done();
    Summary wait(const std::function<void()> &start);

    Database &m_db;
    PayoutBook &m_book;
    StripeClient &m_client;
    Options m_options;
    std::deque<Item> m_queue;
    int m_inFlight = 0;
    bool m_busy = false;
    QElapsedTimer m_clock;
    qint64 m_nextSlotMs = 0; // the earliest time the next request may leave
    Summary m_summary;
};
