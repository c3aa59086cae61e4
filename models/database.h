#pragma once
// Owns the connections to one database (one per thread) and its schema.

#include "databaseurl.h"
#include "sqldialect.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QStringList>

class Database
{
public:
    explicit Database(const DatabaseUrl &url);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Opens (or reuses) the calling thread's connection and, unless told otherwise, brings
    // the schema up to date. Throws DatabaseError naming the URL and what failed.
    enum class Migrate
    {
        Yes,
        No
    };
    void open(Migrate migrate = Migrate::Yes);

    // The calling thread's connection, opened on first use. Throws DatabaseError.
    QSqlDatabase connection();
    // Closes and forgets the calling thread's connection (a worker thread about to end).
    void releaseConnection();
    // Closes the calling thread's connection so the next connection() opens a new one (after
    // the server went away).
    void reconnect();

    const DatabaseUrl &url() const { return m_url; }
    // A SQLite file this user may read but not write (or in a folder it may not write): it
    // is opened read-only, nothing is upgraded, and every write fails with a clear message.
    bool isReadOnly() const { return m_readOnly; }
    const SqlDialect &dialect() const { return m_dialect; }

    // Schema version stored in the database; 0 for an empty one.
    int schemaVersion();
    // Runs the missing migration steps up to `target` (default: latest). Throws on a
    // database newer than this program.
    void migrate(int target = -1);

    // The default embedded database: AppDataLocation/refunddesk.db
    static DatabaseUrl defaultUrl();
    // --database value, else $REFUNDDESK_DATABASE, else the default.
    static DatabaseUrl resolveUrl(const QString &commandLineValue);

private:
    QString threadConnectionName() const;
    QSqlDatabase openConnection(const QString &name);
    QString describe(const QString &what) const;

    DatabaseUrl m_url;
    SqlDialect m_dialect;
    QString m_prefix;
    QMutex m_mutex;
    QStringList m_connectionNames;
    bool m_readOnly = false;
};
