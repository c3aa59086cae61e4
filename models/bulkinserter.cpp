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
void appendCopyValue(QByteArray &out, const BulkRows &rows, const BulkRows::Value &v)
{
    switch (v.kind) {
    case BulkRows::Kind::Null:
        out += "\\N";
        return;
    case BulkRows::Kind::Boolean:
        out += v.number ? 't' : 'f';
        return;
    case BulkRows::Kind::Integer:
        out += QByteArray::number(v.number);
        return;
    case BulkRows::Kind::Text:
        break;
    }
    const char *text = rows.text(v);
    for (quint32 i = 0; i < v.size; ++i) {
        const char c = text[i];
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

BulkRows::BulkRows(const QString &table, const QStringList &columns)
    : m_table(table), m_columns(columns)
{
}

void BulkRows::add(std::initializer_list<QVariant> values)
{
    Q_ASSERT(values.size() == size_t(m_columns.size()));
    for (const QVariant &v : values) {
        Value value;
        switch (v.typeId()) {
        case QMetaType::UnknownType:
            break;
        case QMetaType::Bool:
            value.kind = Kind::Boolean;
            value.number = v.toBool() ? 1 : 0;
            break;
        case QMetaType::Int:
        case QMetaType::LongLong:
        case QMetaType::UInt:
        case QMetaType::ULongLong:
            value.kind = Kind::Integer;
            value.number = v.toLongLong();
            break;
        default: {
            if (v.isNull() && v.typeId() != QMetaType::QString)
                break;
            const QByteArray utf8 = v.toString().toUtf8();
            value.kind = Kind::Text;
            value.number = m_text.size();
            value.size = quint32(utf8.size());
            m_text += utf8;
        }
        }
        m_values.push_back(value);
    }
    ++m_rows;
}

QVariant BulkRows::variant(const Value &v) const
{
    switch (v.kind) {
    case Kind::Null:
        return {};
    case Kind::Integer:
        return v.number;
    case Kind::Boolean:
        return v.number != 0;
    case Kind::Text:
        return QString::fromUtf8(text(v), v.size);
    }
    return {};
}

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

static QString prepareError(const QString &table, const QSqlQuery &query)
{
    return QCoreApplication::translate("BulkInserter", "cannot prepare insert into %1: %2")
        .arg(table, sqlErrorText(query.lastError()));
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

void BulkInserter::write(const BulkRows &rows)
{
    Q_ASSERT(rows.table() == m_table && rows.columns() == m_columns);
    if (rows.isEmpty())
        return;
    if (void *h = nativeHandle(m_db, "sqlite3*"))
        writeSqlite(h, rows);
    else if (void *h = nativeHandle(m_db, "pg_conn*")) // QPSQL registers PGconn by its struct name
        writePostgres(h, rows);
    else
        writeQtSql(rows);
    m_written += rows.rows();
}

void BulkInserter::writeSqlite(void *handle, const BulkRows &rows)
{
    auto *db = static_cast<sqlite3 *>(handle);
    auto fail = [&](const char *what) {
        throw DatabaseError(
            QCoreApplication::translate("BulkInserter", "%1 into %2 failed: %3")
                .arg(QLatin1String(what), m_table, QString::fromUtf8(sqlite3_errmsg(db))));
    };
    auto prepare = [&](int count) {
        const QByteArray sql = statementFor(count).toUtf8();
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
    const qint64 total = rows.rows();
    qint64 row = 0;
    while (row < total) {
        const bool useWide = wide > 1 && total - row >= wide;
        auto *stmt =
            static_cast<sqlite3_stmt *>(useWide ? m_sqliteWideStatement : m_sqliteStatement);
        const int count = useWide ? wide : 1;
        int param = 1;
        for (int r = 0; r < count; ++r, ++row) {
            for (int col = 0; col < columns; ++col, ++param) {
                const BulkRows::Value &v = rows.at(row, col);
                int rc = SQLITE_OK;
                switch (v.kind) {
                case BulkRows::Kind::Null:
                    rc = sqlite3_bind_null(stmt, param);
                    break;
                case BulkRows::Kind::Integer:
                case BulkRows::Kind::Boolean:
                    rc = sqlite3_bind_int64(stmt, param, v.number);
                    break;
                case BulkRows::Kind::Text:
                    // The rows outlive the step: SQLite need not copy the text.
                    rc = sqlite3_bind_text(stmt, param, rows.text(v), int(v.size), SQLITE_STATIC);
                    break;
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
}

void BulkInserter::writePostgres(void *handle, const BulkRows &rows)
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
    const qint64 total = rows.rows();
    QByteArray buffer;
    buffer.reserve(1 << 20);
    for (qint64 row = 0; row < total; ++row) {
        for (int col = 0; col < columns; ++col) {
            if (col)
                buffer += '\t';
            appendCopyValue(buffer, rows, rows.at(row, col));
        }
        buffer += '\n';
        if (buffer.size() > (1 << 20) || row + 1 == total) {
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
}

void BulkInserter::writeQtSql(const BulkRows &rows)
{
    const int columns = int(m_columns.size());
    qint64 row = 0;
    qint64 pending = rows.rows();
    while (pending > 0) {
        int count = m_rowsPerStatement;
        if (pending < count) {
            count = 1;
            while (count * 2 <= pending)
                count *= 2;
        }
        QSqlQuery &query = statement(count);
        int param = 0;
        for (int r = 0; r < count; ++r, ++row)
            for (int col = 0; col < columns; ++col)
                query.bindValue(param++, SqlStatement::bindable(rows.variant(rows.at(row, col))));
        if (!query.exec())
            throw DatabaseError(
                QCoreApplication::translate("BulkInserter", "inserting into %1 failed: %2")
                    .arg(m_table, sqlErrorText(query.lastError())));
        pending -= count;
    }
}
