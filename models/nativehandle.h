#pragma once
// The native handle of a QtSql connection (sqlite3*, pg_conn*), when its driver is the one
// named: for the few paths where the driver's per-value QVariant costs too much.

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

inline void *nativeHandle(const QSqlDatabase &db, const char *typeName)
{
    const QVariant v = db.driver()->handle();
    if (!v.isValid() || qstrcmp(v.typeName(), typeName) != 0)
        return nullptr;
    return *static_cast<void *const *>(v.constData());
}
