#include "databaseurl.h"

#include <QCoreApplication>
#include <QDir>
#include <QUrl>
#include <QUrlQuery>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("DatabaseUrl", text);
}
} // namespace

QString DatabaseUrl::maskPassword(const QString &text)
{
    const qsizetype scheme = text.indexOf(QLatin1String("://"));
    const qsizetype at = text.lastIndexOf(QLatin1Char('@'));
    if (scheme < 0 || at < scheme)
        return text;
    const qsizetype colon = text.indexOf(QLatin1Char(':'), scheme + 3);
    if (colon < 0 || colon > at)
        return text;
    return text.left(colon + 1) + QStringLiteral("***") + text.mid(at);
}

DatabaseUrl DatabaseUrl::sqliteFile(const QString &path)
{
    DatabaseUrl url;
    url.m_backend = Backend::Sqlite;
    url.m_path = QDir::cleanPath(QDir::current().absoluteFilePath(path));
    return url;
}

DatabaseUrl DatabaseUrl::parse(const QString &text)
{
    DatabaseUrl url;
    const QString trimmed = text.trimmed();
    url.m_raw = trimmed;
    if (trimmed.isEmpty()) {
        url.m_error = tr("the database URL is empty");
        return url;
    }
    if (trimmed.startsWith(QLatin1String("sqlite:"))) {
        QString path = trimmed.mid(int(qstrlen("sqlite:")));
        if (path.startsWith(QLatin1String("//")))
            path = path.mid(2); // sqlite:///abs/path
        if (path.isEmpty()) {
            url.m_error = tr("a sqlite: URL needs a file path, e.g. sqlite:/home/me/refunds.db");
            return url;
        }
        return sqliteFile(path);
    }
    if (trimmed.startsWith(QLatin1String("postgresql://")) ||
        trimmed.startsWith(QLatin1String("postgres://"))) {
        const QUrl parsed(trimmed, QUrl::StrictMode);
        if (!parsed.isValid() || parsed.host().isEmpty()) {
            url.m_error =
                tr("a PostgreSQL URL looks like postgresql://user[:password]@host[:port]/dbname");
            return url;
        }
        QString db = parsed.path();
        if (db.startsWith(QLatin1Char('/')))
            db = db.mid(1);
        if (db.isEmpty() || db.contains(QLatin1Char('/'))) {
            url.m_error = tr("the PostgreSQL URL names no database (…/dbname)");
            return url;
        }
        url.m_backend = Backend::Postgres;
        url.m_host = parsed.host();
        url.m_port = parsed.port(5432);
        url.m_user = parsed.userName(QUrl::FullyDecoded);
        url.m_password = parsed.password(QUrl::FullyDecoded);
        url.m_database = QUrl::fromPercentEncoding(db.toUtf8());
        // Parameters are honoured or refused, never dropped: a connection asked to be
        // encrypted must not go out in the clear.
        const QUrlQuery query(parsed);
        for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
            if (key == QLatin1String("sslmode")) {
                if (!sslModes().contains(value)) {
                    url.m_backend = Backend::Invalid;
                    url.m_error = tr("sslmode must be one of %1, not \"%2\"")
                                      .arg(sslModes().join(QStringLiteral(", ")), value);
                    return url;
                }
                url.m_sslMode = value;
            } else if (key == QLatin1String("sslrootcert")) {
                url.m_sslRootCert = value;
            } else {
                url.m_backend = Backend::Invalid;
                url.m_error = tr("unknown parameter \"%1\" in the PostgreSQL URL (known: "
                                 "sslmode, sslrootcert)")
                                  .arg(key);
                return url;
            }
        }
        return url;
    }
    // A plain file path, as people type one (no scheme, no colon at all): a SQLite file.
    if (!trimmed.contains(QLatin1Char(':')))
        return sqliteFile(trimmed);
    url.m_error = tr("unknown database URL scheme; use sqlite:/path/file.db or "
                     "postgresql://user@host[:port]/dbname");
    return url;
}

QString DatabaseUrl::qtDriver() const
{
    switch (m_backend) {
    case Backend::Sqlite:
        return QStringLiteral("QSQLITE");
    case Backend::Postgres:
        return QStringLiteral("QPSQL");
    case Backend::Invalid:
        break;
    }
    return {};
}

DatabaseUrl DatabaseUrl::withDatabaseName(const QString &name) const
{
    DatabaseUrl copy = *this;
    copy.m_database = name;
    return copy;
}

static QString postgresUrl(const DatabaseUrl &u, const QString &password)
{
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setHost(u.host());
    url.setPort(u.port());
    url.setUserName(u.user());
    if (!password.isEmpty())
        url.setPassword(password);
    url.setPath(QLatin1Char('/') + u.databaseName());
    QUrlQuery query;
    if (!u.sslMode().isEmpty())
        query.addQueryItem(QStringLiteral("sslmode"), u.sslMode());
    if (!u.sslRootCert().isEmpty())
        query.addQueryItem(QStringLiteral("sslrootcert"), u.sslRootCert());
    if (query.isEmpty())
        return url.toString();
    url.setQuery(query);
    return url.toString(QUrl::FullyEncoded); // a path with spaces parses back the same
}

QStringList DatabaseUrl::sslModes()
{
    return {QStringLiteral("disable"), QStringLiteral("allow"),     QStringLiteral("prefer"),
            QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
}

void DatabaseUrl::setSsl(const QString &mode, const QString &rootCert)
{
    m_sslMode = mode;
    m_sslRootCert = rootCert;
}

QString DatabaseUrl::toDisplayString() const
{
    switch (m_backend) {
    case Backend::Sqlite:
        return QStringLiteral("sqlite:") + m_path;
    case Backend::Postgres:
        return postgresUrl(*this, m_password.isEmpty() ? QString() : QStringLiteral("***"));
    case Backend::Invalid:
        break;
    }
    return maskPassword(m_raw);
}

QString DatabaseUrl::toString() const
{
    if (m_backend == Backend::Postgres)
        return postgresUrl(*this, m_password);
    return toDisplayString();
}

DatabaseUrl DatabaseUrl::postgres(const QString &host, int port, const QString &user,
                                  const QString &password, const QString &databaseName)
{
    DatabaseUrl url;
    url.m_backend = Backend::Postgres;
    url.m_host = host.trimmed();
    url.m_port = port;
    url.m_user = user.trimmed();
    url.m_password = password;
    url.m_database = databaseName.trimmed();
    url.m_raw = postgresUrl(url, QString());
    if (url.m_host.isEmpty() || url.m_user.isEmpty() || url.m_database.isEmpty()) {
        url.m_backend = Backend::Invalid;
        url.m_error =
            QCoreApplication::translate("DatabaseUrl", "host, user and database name are required");
    }
    return url;
}
