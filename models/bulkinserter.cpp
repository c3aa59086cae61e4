#include "bulkinserter.h"

#include "nativehandle.h"

#include "databaseerror.h"
#include "sqldialect.h"
#include "sqlstatement.h"

#include <QCoreApplication>
#include <QSqlDriver>

#include "sqlerrortext.h"
#include <libpq-fe.h>
#include <sqlite3.h>

BulkInserter::BulkInserter(const QSqlDatabase &db, const SqlDialect &dialect, const QString &table,
                           const QStringList &columns)
    : m_db(db), m_table(table), m_columns(columns),
      // SQLite parses a long VALUES list slowly, and its single-row inserts are cheap anyway;
      // PostgreSQL pays a round trip per statement, so it gets long ones.
      m_rowsPerStatement(qMax(
          1, qMin(dialect.isSqlite() ? 256 : 512, dialect.maxBindValues() / int(columns.size()))))
{
    m_values.reserve(m_rowsPerStatement * columns.size());
}

BulkInserter::~BulkInserter()
{
    if (m_sqliteStatement)
        sqlite3_finalize(static_cast<sqlite3_stmt *>(m_sqliteStatement));
    if (m_sqliteWideStatement)
        sqlite3_finalize(static_cast<sqlite3_stmt *>(m_sqliteWideStatement));
}

namespace {
// PostgreSQL COPY text format: tab-separated, \N for NULL, backslash escapes.
void appendCopyValue(QByteArray &out, const QVariant &v)
{
    if (v.isNull()) {
        out += "\\N";
        return;
    }
    switch (v.typeId()) {
    case QMetaType::Bool:
        out += v.toBool() ? 't' : 'f';
        return;
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        out += QByteArray::number(v.toLongLong());
        return;
    default:
        break;
    }
    const QByteArray text = v.toString().toUtf8();
    for (char c : text) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += c;
        }
    }
}
} // namespace

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
    if (m_pendingRows == 0)
        return;
    if (void *h = nativeHandle(m_db, "sqlite3*"))
        flushSqlite(h);
    else if (void *h = nativeHandle(m_db, "pg_conn*")) // QPSQL registers PGconn by its struct name
        flushPostgres(h);
    else
        flushQtSql();
    m_pendingRows = 0;
    m_values.clear();
}

void BulkInserter::flushSqlite(void *handle)
{
    auto *db = static_cast<sqlite3 *>(handle);
    auto fail = [&](const char *what) {
        throw DatabaseError(
            QCoreApplication::translate("BulkInserter", "%1 into %2 failed: %3")
                .arg(QLatin1String(what), m_table, QString::fromUtf8(sqlite3_errmsg(db))));
    };
    auto prepare = [&](int rows) {
        const QByteArray sql = statementFor(rows).toUtf8();
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v3(db, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT,
                               &stmt, nullptr) != SQLITE_OK)
            fail("preparing the insert");
        return stmt;
    };
    // Several rows per statement: every INSERT statement ends by writing the AUTOINCREMENT
    // counter and resetting its virtual machine, which single-row statements pay per row.
    const int columns = int(m_columns.size());
    const int wide = qMax(1, qMin(m_rowsPerStatement, 32000 / columns));
    if (!m_sqliteStatement)
        m_sqliteStatement = prepare(1);
    if (!m_sqliteWideStatement && wide > 1)
        m_sqliteWideStatement = prepare(wide);
    QByteArray text;
    qint64 row = 0;
    while (row < m_pendingRows) {
        const bool useWide = wide > 1 && m_pendingRows - row >= wide;
        auto *stmt =
            static_cast<sqlite3_stmt *>(useWide ? m_sqliteWideStatement : m_sqliteStatement);
        const int rows = useWide ? wide : 1;
        int param = 1;
        for (int r = 0; r < rows; ++r, ++row) {
            for (int col = 0; col < columns; ++col, ++param) {
                const QVariant &v = m_values.at(row * columns + col);
                int rc = SQLITE_OK;
                if (v.isNull()) {
                    rc = sqlite3_bind_null(stmt, param);
                } else {
                    switch (v.typeId()) {
                    case QMetaType::Bool:
                    case QMetaType::Int:
                    case QMetaType::LongLong:
                    case QMetaType::UInt:
                    case QMetaType::ULongLong:
                        rc = sqlite3_bind_int64(stmt, param, v.toLongLong());
                        break;
                    default:
                        text = v.toString().toUtf8();
                        rc = sqlite3_bind_text(stmt, param, text.constData(), int(text.size()),
                                               SQLITE_TRANSIENT);
                    }
                }
                if (rc != SQLITE_OK)
                    fail("binding a value");
            }
        }
        const int rc = sqlite3_step(stmt);
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE)
            fail("inserting");
    }
    m_written += m_pendingRows;
}

void BulkInserter::flushPostgres(void *handle)
{
    auto *conn = static_cast<PGconn *>(handle);
    auto fail = [&](const QString &why) {
        throw DatabaseError(
            QCoreApplication::translate("BulkInserter", "copying into %1 failed: %2")
                .arg(m_table, why.simplified()));
    };
    const QByteArray copy = QStringLiteral("COPY %1 (%2) FROM STDIN")
                                .arg(m_table, m_columns.join(QLatin1Char(',')))
                                .toUtf8();
    PGresult *res = PQexec(conn, copy.constData());
    const bool started = PQresultStatus(res) == PGRES_COPY_IN;
    const QString startError = QString::fromUtf8(PQresultErrorMessage(res));
    PQclear(res);
    if (!started)
        fail(startError);

    const int columns = int(m_columns.size());
    QByteArray buffer;
    buffer.reserve(1 << 20);
    for (qint64 row = 0; row < m_pendingRows; ++row) {
        for (int col = 0; col < columns; ++col) {
            if (col)
                buffer += '\t';
            appendCopyValue(buffer, m_values.at(row * columns + col));
        }
        buffer += '\n';
        if (buffer.size() > (1 << 20) || row + 1 == m_pendingRows) {
            if (PQputCopyData(conn, buffer.constData(), int(buffer.size())) != 1)
                fail(QString::fromUtf8(PQerrorMessage(conn)));
            buffer.clear();
        }
    }
    if (PQputCopyEnd(conn, nullptr) != 1)
        fail(QString::fromUtf8(PQerrorMessage(conn)));
    QString error;
    while (PGresult *r = PQgetResult(conn)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && error.isEmpty())
            error = QString::fromUtf8(PQresultErrorMessage(r));
        PQclear(r);
    }
    if (!error.isEmpty())
        fail(error);
    m_written += m_pendingRows;
}

void BulkInserter::flushQtSql()
{
    qsizetype offset = 0;
    qint64 pending = m_pendingRows;
    while (pending > 0) {
        int rows = m_rowsPerStatement;
        if (pending < rows) {
            rows = 1;
            while (rows * 2 <= pending)
                rows *= 2;
        }
        execute(statement(rows), offset, rows);
        offset += qsizetype(rows) * m_columns.size();
        pending -= rows;
    }
}
