#include "payoutworker.h"

#include "models/database.h"
#include "models/databaseerror.h"
#include "models/payoutrepository.h"
#include "models/stripeclient.h"
#include "payoutbook.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>

PayoutWorker::PayoutWorker(Database &database, PayoutBook &book, StripeClient &client,
                           const Options &options, QObject *parent)
    : QObject(parent), m_db(database), m_book(book), m_client(client), m_options(options)
{
    m_clock.start();
    // A 429 holds every request back, not only the one that got it.
    connect(&m_client, &StripeClient::slowDown, this,
            [this](int ms) { m_nextSlotMs = std::max(m_nextSlotMs, m_clock.elapsed() + ms); });
}

void PayoutWorker::sendPending(int limit)
{
    std::deque<Item> items;
    for (const qint64 id : PayoutRepository(m_db.connection()).pendingIds(limit))
        items.push_back({id, false, false});
    start(std::move(items));
}

void PayoutWorker::reconcile(int limit, qint64 now)
{
    std::deque<Item> items;
    for (const PayoutRecord &p : PayoutRepository(m_db.connection())
                                     .unresolved(now - m_options.sentStaleAfterSecs, limit)) {
        const bool recent = p.sentAt > now - m_options.resendWithinSecs;
        items.push_back({p.id, recent, !recent});
    }
    start(std::move(items));
}

PayoutWorker::Summary PayoutWorker::wait(const std::function<void()> &start)
{
    Summary summary;
    QEventLoop loop;
    const auto connection = connect(this, &PayoutWorker::finished, &loop, [&](const Summary &s) {
        summary = s;
        loop.quit();
    });
    start();
    loop.exec();
    disconnect(connection);
    return summary;
}

PayoutWorker::Summary PayoutWorker::sendPendingAndWait(int limit)
{
    return wait([&] { sendPending(limit); });
}

PayoutWorker::Summary PayoutWorker::reconcileAndWait(int limit, qint64 now)
{
    return wait([&] { reconcile(limit, now); });
}

void PayoutWorker::start(std::deque<Item> items)
{
    Q_ASSERT(!m_busy);
    m_busy = true;
    m_summary = {};
    m_queue = std::move(items);
    QTimer::singleShot(0, this, &PayoutWorker::pump);
}

void PayoutWorker::pump()
{
    while (m_inFlight < m_options.inFlight && !m_queue.empty()) {
        const qint64 now = m_clock.elapsed();
        if (now < m_nextSlotMs) {
            QTimer::singleShot(int(m_nextSlotMs - now), this, &PayoutWorker::pump);
            return;
        }
        const qint64 interval = m_options.perSecond > 0 ? qint64(1000.0 / m_options.perSecond) : 0;
        m_nextSlotMs = std::max(m_nextSlotMs, now) + interval;
        const Item item = m_queue.front();
        m_queue.pop_front();
        launch(item);
    }
    if (m_busy && m_queue.empty() && m_inFlight == 0) {
        m_busy = false;
        emit finished(m_summary);
    }
}

void PayoutWorker::launch(const Item &item)
{
    QElapsedTimer own;
    own.start();
    const qint64 id = item.payoutId;
    try {
        const std::optional<PayoutSending> s =
            item.resend || item.list ? m_book.resend(id) : m_book.startSending(id);
        if (s) {
            ++m_summary.taken;
            ++m_inFlight;
            if (item.list) {
                // After 24 h the processor no longer knows the key: what it made for this
                // payout is found by listing the payment's refunds. Only when there is none
                // does the request go again (with the same key).
                const StripeClient::RefundParams params = s->params;
                m_client.listRefunds(
                    params.paymentRef,
                    [this, id, params](const QList<StripeRefund> &refunds,
                                       const std::optional<StripeAnswer> &failure) {
                        if (failure) {
                            m_summary.errors
                                << tr("payout %1: the processor's refunds could not be "
                                      "listed: %2")
                                       .arg(id)
                                       .arg(failure->describe());
                            done();
                            return;
                        }
                        for (const StripeRefund &r : refunds)
                            if (r.payoutId == id) {
                                StripeAnswer found;
                                found.kind = StripeAnswer::Kind::Refund;
                                found.refund = r;
                                answered(id, found);
                                return;
                            }
                        m_client.createRefund(
                            params, [this, id](const StripeAnswer &a) { answered(id, a); });
                    });
            } else {
                m_client.createRefund(s->params,
                                      [this, id](const StripeAnswer &a) { answered(id, a); });
            }
        }
    } catch (const DatabaseError &e) {
        m_summary.errors << e.message();
    }
    m_summary.overheadNs += own.nsecsElapsed();
}

void PayoutWorker::answered(qint64 payoutId, const StripeAnswer &answer)
{
    QElapsedTimer own;
    own.start();
    try {
        const PayoutRecord p = m_book.recordAnswer(payoutId, answer);
        if (p.status == QLatin1String("succeeded"))
            ++m_summary.succeeded;
        else if (p.status == QLatin1String("failed"))
            ++m_summary.failed;
        else if (p.status == QLatin1String("unknown"))
            ++m_summary.unknown;
        else
            ++m_summary.waiting;
    } catch (const DatabaseError &e) {
        // The answer could not be stored: the payout stays "sent" and reconcile asks again
        // with the same key, so the refund is still made once.
        m_summary.errors << tr("payout %1: the processor's answer could not be recorded: %2")
                                .arg(payoutId)
                                .arg(e.message());
    }
    m_summary.overheadNs += own.nsecsElapsed();
    done();
}

void PayoutWorker::done()
{
    --m_inFlight;
    QTimer::singleShot(0, this, &PayoutWorker::pump);
}
