#include "database.h"

#include "auditchain.h"
#include "databaseerror.h"
#include "nativehandle.h"
#include "schema.h"
#include "sqlstatement.h"
#include "writetransaction.h"

#include "sqlerrortext.h"
#include <QAtomicInt>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>
#include <sqlite3.h>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("Database", text);
}

QAtomicInt instanceCounter;

// SQLite's own lower() folds ASCII letters only, so a search for "émilie" missed "Émilie".
// This one lowers every letter, as PostgreSQL's does in a UTF-8 database.
// refunddesk_sha256(text): the hex SHA-256 of the text's UTF-8 bytes, for the audit chain's
// trigger (AuditChain); NULL gives NULL, so a row without its chain fails its NOT NULL checks.
void sha256Hex(sqlite3_context *context, int, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(argv[0]));
    const int size = sqlite3_value_bytes(argv[0]);
    const QByteArray hex = AuditChain::sha256Hex(QByteArrayView(text, size));
    sqlite3_result_text(context, hex.constData(), int(hex.size()), SQLITE_TRANSIENT);
}

void unicodeLower(sqlite3_context *context, int, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(argv[0]));
    const int size = sqlite3_value_bytes(argv[0]);
    QByteArray lower(text, size);
    bool ascii = true;
    for (char &c : lower) {
        if (uchar(c) >= 0x80) {
            ascii = false;
            break;
        }
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    }
    if (!ascii)
        lower = QString::fromUtf8(text, size).toLower().toUtf8();
    sqlite3_result_text(context, lower.constData(), int(lower.size()), SQLITE_TRANSIENT);
}

SqlDialect::Kind kindOf(const DatabaseUrl &url)
{
    return url.backend() == DatabaseUrl::Backend::Postgres ? SqlDialect::Kind::Postgres
                                                           : SqlDialect::Kind::Sqlite;
}
} // namespace

Database::Database(const DatabaseUrl &url)
    : m_url(url), m_dialect(kindOf(url)),
      m_prefix(QStringLiteral("refunddesk-%1-").arg(instanceCounter.fetchAndAddRelaxed(1)))
{
}

Database::~Database()
{
    QMutexLocker lock(&m_mutex);
    for (const QString &name : std::as_const(m_connectionNames)) {
        SqlStatement::forgetConnection(name); // this thread's; the others released theirs
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isOpen())
                db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
}

QString Database::describe(const QString &what) const
{
    return tr("%1: %2").arg(m_url.toDisplayString(), what);
}

void Database::open(Migrate migrate)
{
    connection();
    if (migrate == Migrate::Yes)
        this->migrate();
}

QString Database::threadConnectionName() const
{
    return m_prefix + QString::number(reinterpret_cast<quintptr>(QThread::currentThread()), 16);
}

void Database::releaseConnection()
{
    const QString name = threadConnectionName();
    {
        QMutexLocker lock(&m_mutex);
        if (!m_connectionNames.removeOne(name))
            return;
    }
    SqlStatement::forgetConnection(name);
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

void Database::reconnect()
{
    const QString name = threadConnectionName();
    SqlStatement::forgetConnection(name);
    if (QSqlDatabase::contains(name))
        QSqlDatabase::database(name, false).close();
}

QSqlDatabase Database::connection()
{
    const QString name = threadConnectionName();
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            return db;
    }
    return openConnection(name);
}

QSqlDatabase Database::openConnection(const QString &name)
{
    // Statements prepared in an earlier session of this connection died with it.
    SqlStatement::forgetConnection(name);
    if (!m_url.isValid())
        throw DatabaseError(tr("invalid database URL \"%1\": %2")
                                .arg(m_url.toDisplayString(), m_url.errorString()));
    const QString driver = m_url.qtDriver();
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        const QString package = m_url.backend() == DatabaseUrl::Backend::Postgres
                                    ? QStringLiteral("libqt6sql6-psql")
                                    : QStringLiteral("libqt6sql6-sqlite");
        throw DatabaseError(describe(
            tr("the Qt SQL driver %1 is not installed (Debian package %2)").arg(driver, package)));
    }

    QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name, false)
                                                   : QSqlDatabase::addDatabase(driver, name);
    {
        QMutexLocker lock(&m_mutex);
        if (!m_connectionNames.contains(name))
            m_connectionNames << name;
    }

    if (m_url.backend() == DatabaseUrl::Backend::Sqlite) {
        const QFileInfo file(m_url.path());
        if (m_url.path() == defaultUrl().path())
            QDir().mkpath(file.path()); // first start: the user's data folder may not exist yet
        if (!file.dir().exists())
            throw DatabaseError(describe(tr("the folder %1 does not exist").arg(file.path())));
        // A file we may not write, or in a folder where its journal cannot be created (WAL
        // needs its -wal and -shm files), is read as it is.
        m_readOnly = file.exists() && (!file.isWritable() || !QFileInfo(file.path()).isWritable());
        if (m_readOnly) {
            const bool journalMissing = !QFileInfo::exists(m_url.path() + QStringLiteral("-shm"));
            db.setDatabaseName(
                QStringLiteral("file:%1?mode=ro%2")
                    .arg(QString::fromLatin1(QUrl::toPercentEncoding(m_url.path(), "/")),
                         !QFileInfo(file.path()).isWritable() && journalMissing
                             ? QStringLiteral("&immutable=1")
                             : QString()));
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_URI;QSQLITE_OPEN_READONLY;"
                                                "QSQLITE_BUSY_TIMEOUT=30000"));
        } else {
            db.setDatabaseName(m_url.path());
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=30000"));
        }
    } else {
        db.setHostName(m_url.host());
        db.setPort(m_url.port());
        db.setUserName(m_url.user());
        db.setPassword(m_url.password());
        db.setDatabaseName(m_url.databaseName());
        QString options = QStringLiteral("connect_timeout=10;application_name=refunddesk");
        if (!m_url.sslMode().isEmpty())
            options += QStringLiteral(";sslmode=") + m_url.sslMode();
        if (!m_url.sslRootCert().isEmpty())
            options +=
                QStringLiteral(";sslrootcert='%1'")
                    .arg(QString(m_url.sslRootCert())
                             .replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
                             .replace(QLatin1Char('\''), QStringLiteral("\\'"))); // libpq quoting
        db.setConnectOptions(options);
    }
    if (!db.open()) {
        const QString why = sqlErrorText(db.lastError());
        throw DatabaseError(describe(tr("cannot connect: %1").arg(why)));
    }

    try {
        if (m_dialect.isSqlite()) {
            // A file that is not a database (or is damaged) fails here, not at open().
            SqlStatement::run(db, QStringLiteral("PRAGMA foreign_keys = ON"));
            if (!m_readOnly) {
                SqlStatement::scalar(db, QStringLiteral("PRAGMA journal_mode = WAL"));
                SqlStatement::run(db, QStringLiteral("PRAGMA synchronous = NORMAL"));
            }
            SqlStatement::scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master"));
            if (auto *handle = static_cast<sqlite3 *>(nativeHandle(db, "sqlite3*"))) {
                sqlite3_create_function_v2(handle, "lower", 1,
                                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                           nullptr, unicodeLower, nullptr, nullptr, nullptr);
                sqlite3_create_function_v2(handle, "refunddesk_sha256", 1,
                                           SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, sha256Hex,
                                           nullptr, nullptr, nullptr);
            }
        } else {
            SqlStatement::run(db, QStringLiteral("SET TIME ZONE 'UTC'"));
            SqlStatement::run(db, QStringLiteral("SET client_min_messages = WARNING"));
        }
    } catch (const DatabaseError &e) {
        db.close();
        throw DatabaseError(describe(tr("cannot use the database: %1").arg(e.message())));
    }
    return db;
}

int Database::schemaVersion()
{
    QSqlDatabase db = connection();
    if (!db.tables().contains(QStringLiteral("schema_version")))
        return 0;
    return SqlStatement::scalar(db, QStringLiteral("SELECT MAX(version) FROM schema_version"))
        .toInt();
}

void Database::migrate(int target)
{
    const int latest = Schema::latestVersion();
    if (target < 0 || target > latest)
        target = latest;
    QSqlDatabase db = connection();

    int current = schemaVersion();
    if (current > latest)
        throw DatabaseError(
            describe(tr("the database has schema version %1, newer than this program knows (%2); "
                        "use a newer Refund Desk")
                         .arg(current)
                         .arg(latest)));
    if (current >= target)
        return;
    if (m_readOnly)
        throw DatabaseError(describe(
            tr("the file is read-only and has schema version %1, older than this program's %2; "
               "open it once where it may be written to upgrade it")
                .arg(current)
                .arg(target)));

    if (current == 0) {
        WriteTransaction tx(*this);
        SqlStatement::run(db, QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version ("
                                             " version INTEGER PRIMARY KEY,"
                                             " applied_at BIGINT NOT NULL)"));
        tx.commit();
    }

    for (int version = current + 1; version <= target; ++version) {
        try {
            WriteTransaction tx(*this);
            if (m_dialect.isPostgres())
                SqlStatement::run(db,
                                  QStringLiteral("LOCK TABLE schema_version IN EXCLUSIVE MODE"));
            // Another process may have upgraded while we waited for the lock.
            const int now =
                SqlStatement::scalar(db, QStringLiteral("SELECT MAX(version) FROM schema_version"))
                    .toInt();
            if (now >= version)
                continue;
            Schema::upgrade(version, db, m_dialect);
            SqlStatement st(
                db,
                QStringLiteral("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)"));
            st.bindAll({version, QDateTime::currentSecsSinceEpoch()}).exec();
            tx.commit();
        } catch (const DatabaseError &e) {
            throw DatabaseError(
                describe(tr("upgrading the schema to version %1 failed, nothing was changed: %2")
                             .arg(version)
                             .arg(e.message())));
        }
    }
}

DatabaseUrl Database::defaultUrl()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.local/share/refunddesk");
    return DatabaseUrl::sqliteFile(dir + QStringLiteral("/refunddesk.db"));
}

DatabaseUrl Database::resolveUrl(const QString &commandLineValue)
{
    if (!commandLineValue.isEmpty())
        return DatabaseUrl::parse(commandLineValue);
    const QString env = qEnvironmentVariable("REFUNDDESK_DATABASE");
    if (!env.isEmpty())
        return DatabaseUrl::parse(env);
    return defaultUrl();
}
