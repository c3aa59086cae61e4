#pragma once
// A PostgreSQL server of one test's own, in a temporary folder on a free loopback port, that
// the test may stop and start again (a database restart) without disturbing the shared test
// server other tests use. As root, its binaries run as the postgres user.

#include <QDir>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <pwd.h>
#include <unistd.h>

class PrivatePostgres
{
public:
    PrivatePostgres()
    {
        const QStringList versions = QDir(QStringLiteral("/usr/lib/postgresql"))
                                         .entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        if (!versions.isEmpty())
            m_bin = QStringLiteral("/usr/lib/postgresql/%1/bin/").arg(versions.last());
        if (geteuid() == 0)
            if (const passwd *pw = getpwnam("postgres")) [[maybe_unused]]
                const int ignored =
                    chown(QFile::encodeName(m_dir.path()).constData(), pw->pw_uid, pw->pw_gid);
    }
    ~PrivatePostgres() { stop(); }

    // Creates the cluster the first time; false (with the reason in `error`) if it cannot run.
    bool start(QString *error)
    {
        if (m_bin.isEmpty() || !QFile::exists(m_bin + QStringLiteral("initdb"))) {
            *error = QStringLiteral("no PostgreSQL server binaries under /usr/lib/postgresql");
            return false;
        }
        const QString data = m_dir.filePath(QStringLiteral("data"));
        if (!QFile::exists(data) &&
            !run(QStringLiteral("initdb"),
                 {QStringLiteral("-D"), data, QStringLiteral("-U"), QStringLiteral("postgres"),
                  QStringLiteral("-A"), QStringLiteral("trust"), QStringLiteral("--no-sync")},
                 error))
            return false;
        if (!m_port) {
            QTcpServer probe;
            probe.listen(QHostAddress::LocalHost, 0);
            m_port = probe.serverPort();
        }
        return run(QStringLiteral("pg_ctl"),
                   {QStringLiteral("-D"), data, QStringLiteral("-w"), QStringLiteral("-l"),
                    m_dir.filePath(QStringLiteral("server.log")), QStringLiteral("-o"),
                    QStringLiteral("-c listen_addresses=127.0.0.1 -p %1 -k %2 -c fsync=off")
                        .arg(m_port)
                        .arg(m_dir.path()),
                    QStringLiteral("start")},
                   error);
    }
    void stop()
    {
        if (m_port) {
            QString ignored;
            run(QStringLiteral("pg_ctl"),
                {QStringLiteral("-D"), m_dir.filePath(QStringLiteral("data")), QStringLiteral("-m"),
                 QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("stop")},
                &ignored);
        }
    }
    QString url() const
    {
        return QStringLiteral("postgresql://postgres@127.0.0.1:%1/postgres").arg(m_port);
    }

private:
    bool run(const QString &program, const QStringList &args, QString *error)
    {
        QProcess p;
        if (geteuid() == 0)
            p.start(QStringLiteral("runuser"),
                    QStringList{QStringLiteral("-u"), QStringLiteral("postgres"),
                                QStringLiteral("--"), m_bin + program} +
                        args);
        else
            p.start(m_bin + program, args);
        if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit ||
            p.exitCode() != 0) {
            *error = QStringLiteral("%1 failed: %2%3")
                         .arg(program, QString::fromLocal8Bit(p.readAllStandardError()),
                              QString::fromLocal8Bit(p.readAllStandardOutput()));
            return false;
        }
        return true;
    }

    QTemporaryDir m_dir;
    QString m_bin;
    int m_port = 0;
};
