#include "scopedsetting.h"

#include "databaseerror.h"
#include "sqldialect.h"
#include "sqlstatement.h"

ScopedSetting::ScopedSetting(const QSqlDatabase &db, const QString &enter, const QString &leave)
    : m_db(db), m_leave(leave)
{
    if (!enter.isEmpty())
        SqlStatement::run(m_db, enter);
}

ScopedSetting::~ScopedSetting()
{
    if (m_leave.isEmpty())
        return;
    try {
        SqlStatement::run(m_db, m_leave);
    } catch (const DatabaseError &e) {
        qWarning("%s", qPrintable(e.message()));
    }
}

ScopedSetting::ScopedSetting(const QSqlDatabase &db, BigPageCache)
    : ScopedSetting(
          db,
          SqlDialect::of(db).isSqlite() ? QStringLiteral("PRAGMA cache_size = -65536") : QString(),
          SqlDialect::of(db).isSqlite() ? QStringLiteral("PRAGMA cache_size = -2000") : QString())
{
}
