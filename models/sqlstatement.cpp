#include "sqlstatement.h"

#include "databaseerror.h"

#include "sqlerrortext.h"
#include <QCoreApplication>

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

SqlStatement::SqlStatement(const QSqlDatabase &db, const QString &sql) : m_query(db), m_sql(sql)
{
    m_query.setForwardOnly(true);
    if (!m_query.prepare(sql))
        fail(m_query.lastError(), sql);
}

QVariant SqlStatement::bindable(const QVariant &value)
{
    if (value.typeId() == QMetaType::QString && value.toString().isNull())
        return QStringLiteral("");
    return value;
}

SqlStatement &SqlStatement::bind(const QVariant &value)
{
    m_query.addBindValue(bindable(value));
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
    if (!m_query.exec())
        fail(m_query.lastError(), m_sql);
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
