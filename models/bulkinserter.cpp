#include "bulkinserter.h"

#include "databaseerror.h"
#include "sqldialect.h"
#include "sqlstatement.h"

#include <QCoreApplication>
#include "sqlerrortext.h"

BulkInserter::BulkInserter(const QSqlDatabase &db, const SqlDialect &dialect, const QString &table,
                           const QStringList &columns)
    : m_db(db), m_table(table), m_columns(columns),
      // SQLite parses a long VALUES list slowly, and its single-row inserts are cheap anyway;
      // PostgreSQL pays a round trip per statement, so it gets long ones.
      m_rowsPerStatement(qMax(1, qMin(dialect.isSqlite() ? 64 : 512,
                                      dialect.maxBindValues() / int(columns.size()))))
{
    m_values.reserve(m_rowsPerStatement * columns.size());
}

BulkInserter::~BulkInserter() = default;

QString BulkInserter::statementFor(int rows) const
{
    QString one = QStringLiteral("(?");
    for (qsizetype i = 1; i < m_columns.size(); ++i)
        one += QStringLiteral(",?");
    one += QLatin1Char(')');
    QString sql = QStringLiteral("INSERT INTO %1 (%2) VALUES ")
                      .arg(m_table, m_columns.join(QLatin1Char(',')));
    sql.reserve(sql.size() + rows * (one.size() + 1));
    for (int r = 0; r < rows; ++r) {
        if (r)
            sql += QLatin1Char(',');
        sql += one;
    }
    return sql;
}

void BulkInserter::addRow(std::initializer_list<QVariant> values)
{
    Q_ASSERT(values.size() == size_t(m_columns.size()));
    for (const QVariant &v : values)
        m_values.append(SqlStatement::bindable(v));
    ++m_pendingRows;
}

static QString prepareError(const QString &table, const QSqlQuery &query)
{
    return QCoreApplication::translate("BulkInserter", "cannot prepare insert into %1: %2")
        .arg(table, sqlErrorText(query.lastError()));
}

void BulkInserter::execute(QSqlQuery &query, qsizetype firstValue, int rows)
{
    const qsizetype count = qsizetype(rows) * m_columns.size();
    for (qsizetype i = 0; i < count; ++i)
        query.bindValue(int(i), m_values.at(firstValue + i));
    if (!query.exec())
        throw DatabaseError(
            QCoreApplication::translate("BulkInserter", "inserting into %1 failed: %2")
                .arg(m_table, sqlErrorText(query.lastError())));
    m_written += rows;
}

QSqlQuery &BulkInserter::statement(int rows)
{
    auto &slot = m_statements[rows];
    if (!slot) {
        slot = std::make_unique<QSqlQuery>(m_db);
        if (!slot->prepare(statementFor(rows)))
            throw DatabaseError(prepareError(m_table, *slot));
    }
    return *slot;
}

void BulkInserter::flush()
{
    qsizetype offset = 0;
    while (m_pendingRows > 0) {
        int rows = m_rowsPerStatement;
        if (m_pendingRows < rows) {
            rows = 1;
            while (rows * 2 <= m_pendingRows)
                rows *= 2;
        }
        execute(statement(rows), offset, rows);
        offset += qsizetype(rows) * m_columns.size();
        m_pendingRows -= rows;
    }
    m_values.clear();
}
