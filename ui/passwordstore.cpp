#include "passwordstore.h"

#include <QEventLoop>
#include <QTimer>
#include <qt6keychain/keychain.h>

namespace {
const QString service = QStringLiteral("refunddesk");

// Runs a keychain job to its end; a keychain that does not answer within 5 s counts as none.
bool finish(QKeychain::Job &job)
{
    job.setAutoDelete(false);
    QEventLoop loop;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    job.start();
    loop.exec();
    return job.error() == QKeychain::NoError;
}
} // namespace

QString PasswordStore::keyFor(const QString &user, const QString &host, int port,
                              const QString &database)
{
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(user, host).arg(port).arg(database);
}

std::optional<QString> PasswordStore::read(const QString &key)
{
    QKeychain::ReadPasswordJob job(service);
    job.setKey(key);
    if (!finish(job))
        return std::nullopt;
    return job.textData();
}

bool PasswordStore::write(const QString &key, const QString &password, QString *error)
{
    QKeychain::WritePasswordJob job(service);
    job.setKey(key);
    job.setTextData(password);
    if (finish(job))
        return true;
    *error =
        job.errorString().isEmpty() ? QStringLiteral("no keychain answered") : job.errorString();
    return false;
}

void PasswordStore::remove(const QString &key)
{
    QKeychain::DeletePasswordJob job(service);
    job.setKey(key);
    finish(job);
}
