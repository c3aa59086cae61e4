#include "sqlstatement.h"

#include "databaseerror.h"

#include "sqlerrortext.h"
#include <QCoreApplication>
#include <QHash>
#include <QSqlError>

namespace {
[[noreturn]] void fail(const QSqlError &error, const QString &sql)
{
    QString shortSql = sql.simplified();
    if (shortSql.size() > 160)
        shortSql = shortSql.left(157) + QStringLiteral("...");
    throw DatabaseError(QCoreApplication::translate("SqlStatement", "%1 (in: %2)")
                            .arg(sqlErrorText(error), shortSql),
                        error.nativeErrorCode());
}
} // namespace

struct CachedStatement
{
    QSqlQuery query;
    bool inUse = false;
};

namespace {
// Per thread, as connections are; keyed by connection name and SQL. Bounded: statements built
// from many different texts are prepared as before once it is full.
thread_local QHash<QString, std::shared_ptr<CachedStatement>> cache;
constexpr qsizetype maxCached = 512;

QString cacheKey(const QString &connection, const QString &sql)
{
    return connection + QLatin1Char('\n') + sql;
}
} // namespace

SqlStatement::SqlStatement(const QSqlDatabase &db, const QString &sql) : m_sql(sql)
{
    const QString key = cacheKey(db.connectionName(), sql);
    if (const auto found = cache.value(key); found && !found->inUse) {
        m_cached = found;
    } else if (!found && cache.size() < maxCached) {
        auto entry = std::make_shared<CachedStatement>(CachedStatement{QSqlQuery(db), false});
        // On PostgreSQL a forward-only query reads row by row (libpq's single-row mode) and a
        // result left half-read would keep the connection busy after finish(): a reused
        // statement reads its (small) results whole instead.
        entry->query.setForwardOnly(db.driverName() != QLatin1String("QPSQL"));
        if (!entry->query.prepare(sql))
            fail(entry->query.lastError(), sql);
        cache.insert(key, entry);
        m_cached = entry;
    }
    if (m_cached) {
        m_cached->inUse = true;
        m_query = &m_cached->query;
        return;
    }
    // In use further up the stack (a statement run while iterating its own results), or the
    // cache is full: a statement of its own.
    m_own.emplace(db);
    m_query = &*m_own;
    m_query->setForwardOnly(true);
    if (!m_query->prepare(sql))
        fail(m_query->lastError(), sql);
}

SqlStatement::~SqlStatement()
{
    if (m_cached) {
        m_query->finish(); // releases the result (and SQLite's read lock) for the next use
        m_cached->inUse = false;
    }
}

void SqlStatement::forgetConnection(const QString &connectionName)
{
    const QString prefix = connectionName + QLatin1Char('\n');
    for (auto it = cache.begin(); it != cache.end();) {
        if (it.key().startsWith(prefix)) {
            it.value()->query.finish();
            it = cache.erase(it);
        } else {
            ++it;
        }
    }
}

QVariant SqlStatement::bindable(const QVariant &value)
{
    if (value.typeId() == QMetaType::QString && value.toString().isNull())
        return QStringLiteral("");
    return value;
}

SqlStatement &SqlStatement::bind(const QVariant &value)
{
    m_query->addBindValue(bindable(value));
    return *this;
}

SqlStatement &SqlStatement::bindAll(std::initializer_list<QVariant> values)
{
    for (const QVariant &v : values)
        bind(v);
    return *this;
}

SqlStatement &SqlStatement::exec()
{
    if (!m_query->exec())
        fail(m_query->lastError(), m_sql);
    return *this;
}

void SqlStatement::run(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery q(db);
    if (!q.exec(sql))
        fail(q.lastError(), sql);
}

QVariant SqlStatement::scalar(const QSqlDatabase &db, const QString &sql,
                              std::initializer_list<QVariant> values, const QVariant &fallback)
{
    SqlStatement st(db, sql);
    st.bindAll(values);
    st.exec();
    return st.next() ? st.value(0) : fallback;
}
