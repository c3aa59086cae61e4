#include "backgroundreader.h"

#include "database.h"
#include "databaseerror.h"

#include <QPointer>

BackgroundReader::BackgroundReader(Database &database, QObject *parent)
    : QObject(parent), m_database(database), m_worker(new QObject)
{
    m_thread.setObjectName(QStringLiteral("refunddesk-reader"));
    m_worker->moveToThread(&m_thread);
    m_thread.start();
}

BackgroundReader::~BackgroundReader()
{
    // The connection belongs to the reader's thread: close it there, before the thread ends.
    QMetaObject::invokeMethod(
        m_worker, [this] { m_database.releaseConnection(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

void BackgroundReader::run(QObject *context, Work work, Done done)
{
    ++m_pending;
    QPointer<QObject> guard(context);
    QMetaObject::invokeMethod(
        m_worker,
        [this, work = std::move(work), done = std::move(done), guard] {
            QVariant result;
            QString error;
            try {
                result = work(m_database.connection());
            } catch (const DatabaseError &e) {
                error = e.message();
            }
            QMetaObject::invokeMethod(
                this,
                [this, done, guard, result, error] {
                    if (guard)
                        done(result, error);
                    if (--m_pending == 0)
                        emit idle();
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}
