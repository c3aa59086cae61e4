#pragma once
// Where the data lives: a parsed `sqlite:/path` or `postgresql://user[:pw]@host[:port]/db` URL.

#include <QString>
#include <QStringList>

class DatabaseUrl
{
public:
    enum class Backend
    {
        Invalid,
        Sqlite,
        Postgres
    };

    static DatabaseUrl parse(const QString &text);
    static DatabaseUrl sqliteFile(const QString &path);
    static DatabaseUrl postgres(const QString &host, int port, const QString &user,
                                const QString &password, const QString &databaseName);
    // Raw URL text with any password replaced by "***", for messages about unparsable URLs.
    static QString maskPassword(const QString &text);

    bool isValid() const { return m_backend != Backend::Invalid; }
    QString errorString() const { return m_error; }

    Backend backend() const { return m_backend; }
    QString qtDriver() const;
    QString path() const { return m_path; } // SQLite file
    QString host() const { return m_host; }
    int port() const { return m_port; }
    QString user() const { return m_user; }
    QString password() const { return m_password; }
    QString databaseName() const { return m_database; }
    // PostgreSQL's TLS: sslmode (disable, allow, prefer, require, verify-ca, verify-full;
    // empty: libpq's default) and the CA file verify-ca and verify-full check the server with.
    QString sslMode() const { return m_sslMode; }
    QString sslRootCert() const { return m_sslRootCert; }
    void setSsl(const QString &mode, const QString &rootCert);
    static QStringList sslModes();

    // A copy pointing at another database on the same PostgreSQL server.
    DatabaseUrl withDatabaseName(const QString &name) const;

    // The URL with any password replaced by "***": safe for messages and logs.
    QString toDisplayString() const;
    QString toString() const;

private:
    Backend m_backend = Backend::Invalid;
    QString m_raw; // what was parsed, for messages about an invalid URL
    QString m_error;
    QString m_path;
    QString m_host;
    int m_port = 5432;
    QString m_user;
    QString m_password;
    QString m_database;
    QString m_sslMode;
    QString m_sslRootCert;
};
