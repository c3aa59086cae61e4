#pragma once
// A connection setting for one piece of work: `enter` runs when it is made, `leave` when it
// goes out of scope (a failure then is only logged: a destructor must not throw). An empty
// statement does nothing, so a backend that needs no setting passes none.

#include <QSqlDatabase>
#include <QString>

class ScopedSetting
{
public:
    ScopedSetting(const QSqlDatabase &db, const QString &enter, const QString &leave);
    // SQLite: a 64 MiB page cache for a batch that touches the same pages again and again
    // (a load, an ingest), the default 2 MB again afterwards. On 7.5M demo rows 256 MiB was
    // barely faster (3%) and kept 480 MB resident instead of 190 MB. Nothing on PostgreSQL.
    struct BigPageCache
    {
    };
    ScopedSetting(const QSqlDatabase &db, BigPageCache);
    ~ScopedSetting();
    ScopedSetting(const ScopedSetting &) = delete;
    ScopedSetting &operator=(const ScopedSetting &) = delete;

private:
    QSqlDatabase m_db;
    QString m_leave;
};
