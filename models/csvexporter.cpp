#include "csvexporter.h"

#include "csvwriter.h"
#include "nativehandle.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <charconv>

#include <libpq-fe.h>
#include <sqlite3.h>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("CsvExporter", text);
}

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm; proleptic Gregorian).
void civil(qint64 days, qint64 &y, unsigned &m, unsigned &d)
{
    days += 719468;
    const qint64 era = (days >= 0 ? days : days - 146096) / 146097;
    const unsigned doe = unsigned(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = qint64(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

// "2026-11-21T05:45:00Z" into `out` (at least 24 bytes); its length. Outside years 0 to 9999
// the seconds themselves.
qsizetype writeIsoUtc(qint64 secs, char *out);

// "-12.05" from -1205 into `out` (at least 24 bytes); its length.
qsizetype writeDecimal(qint64 minor, char *out)
{
    const quint64 magnitude = minor < 0 ? 0 - quint64(minor) : quint64(minor);
    char *p = out;
    if (minor < 0)
        *p++ = '-';
    p = std::to_chars(p, out + 21, magnitude / 100).ptr;
    *p++ = '.';
    *p++ = char('0' + magnitude % 100 / 10);
    *p++ = char('0' + magnitude % 10);
    return p - out;
}

// One cell of a typed column from raw values, formatted on the stack.
void cell(CsvWriter &csv, ReportColumn::Kind kind, qint64 integer, QByteArrayView text)
{
    char buffer[32];
    switch (kind) {
    case ReportColumn::Kind::Integer:
        csv.number(integer);
        break;
    case ReportColumn::Kind::Money:
        csv.number(QByteArrayView(buffer, writeDecimal(integer, buffer)));
        break;
    case ReportColumn::Kind::Timestamp:
        csv.number(QByteArrayView(buffer, writeIsoUtc(integer, buffer)));
        break;
    case ReportColumn::Kind::Boolean:
        csv.number(integer ? QByteArrayView("true") : QByteArrayView("false"));
        break;
    case ReportColumn::Kind::Text:
        csv.text(text);
        break;
    }
}

// The words a column shows for a stored code, looked up once per distinct code.
class Labels
{
public:
    explicit Labels(const QList<ReportColumn> &columns)
        : m_columns(columns), m_cache(columns.size())
    {
    }
    QByteArrayView operator()(qsizetype column, QByteArrayView stored)
    {
        const ReportColumn::Labeller labeller = m_columns.at(column).labeller;
        if (!labeller || stored.isEmpty())
            return stored;
        QHash<QByteArray, QByteArray> &cache = m_cache[column];
        auto it = cache.constFind(stored.toByteArray());
        if (it == cache.cend())
            it = cache.insert(stored.toByteArray(), labeller(QString::fromUtf8(stored)).toUtf8());
        return it.value();
    }

private:
    const QList<ReportColumn> &m_columns;
    QList<QHash<QByteArray, QByteArray>> m_cache;
};

void two(char *out, unsigned v)
{
    out[0] = char('0' + v / 10);
    out[1] = char('0' + v % 10);
}
} // namespace

namespace {
qsizetype writeIsoUtc(qint64 secs, char *buf)
{
    qint64 days = secs / 86400;
    qint64 rest = secs % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    qint64 y;
    unsigned m, d;
    civil(days, y, m, d);
    if (y < 0 || y > 9999)
        return std::to_chars(buf, buf + 24, secs).ptr - buf;
    const unsigned h = unsigned(rest / 3600), mi = unsigned(rest / 60 % 60),
                   s = unsigned(rest % 60);
    buf[0] = char('0' + y / 1000);
    buf[1] = char('0' + y / 100 % 10);
    buf[2] = char('0' + y / 10 % 10);
    buf[3] = char('0' + y % 10);
    buf[4] = '-';
    two(buf + 5, m);
    buf[7] = '-';
    two(buf + 8, d);
    buf[10] = 'T';
    two(buf + 11, h);
    buf[13] = ':';
    two(buf + 14, mi);
    buf[16] = ':';
    two(buf + 17, s);
    buf[19] = 'Z';
    return 20;
}
} // namespace

QByteArray CsvExporter::isoUtc(qint64 secs)
{
    char buffer[32];
    return QByteArray(buffer, writeIsoUtc(secs, buffer));
}

QByteArray CsvExporter::decimal(qint64 minor)
{
    char buffer[32];
    return QByteArray(buffer, writeDecimal(minor, buffer));
}

ExportResult CsvExporter::exportReport(const Report &report, const QString &path)
{
    return exportQuery(report.sql, report.values, report.columns, path);
}

ExportResult CsvExporter::exportQuery(const QString &sql, const QVariantList &values,
                                      const QList<ReportColumn> &columns, const QString &path)
{
    if (path == QLatin1String("-")) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly)) {
            ExportResult r;
            r.error = tr("cannot write to standard output: %1").arg(out.errorString());
            return r;
        }
        return write(sql, values, columns, &out);
    }
    const QFileInfo target(path);
    if (target.exists() && !target.isFile()) {
        // A device or a pipe: written to directly, never replaced by a renamed file.
        QFile device(path);
        ExportResult r;
        if (!device.open(QIODevice::WriteOnly))
            r.error = tr("cannot write %1: %2").arg(path, device.errorString());
        else
            r = write(sql, values, columns, &device);
        if (!r.error.isEmpty() && !r.error.startsWith(path))
            r.error = tr("%1: %2").arg(path, r.error);
        return r;
    }
    // Written beside the target and renamed over it only when complete: a cancelled or failed
    // export leaves no half file and keeps an older one intact.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        ExportResult r;
        r.error =
            tr("cannot write %1: %2").arg(QFileInfo(path).absoluteFilePath(), file.errorString());
        return r;
    }
    ExportResult r = write(sql, values, columns, &file);
    if (!r.ok()) {
        file.cancelWriting();
        if (!r.error.isEmpty())
            r.error = tr("%1: %2").arg(QFileInfo(path).absoluteFilePath(), r.error);
        return r;
    }
    if (!file.commit())
        r.error =
            tr("cannot write %1: %2").arg(QFileInfo(path).absoluteFilePath(), file.errorString());
    return r;
}

ExportResult CsvExporter::write(const QString &sql, const QVariantList &values,
                                const QList<ReportColumn> &columns, QIODevice *device)
{
    ExportResult result;
    CsvWriter csv(device, m_bom);
    for (const ReportColumn &c : columns)
        csv.text(c.header);
    csv.endRow();
    // Both drivers hand out their native handle: rows are read through it, without a QVariant
    // and a QString per value.
    if (void *handle = nativeHandle(m_db, "sqlite3*"))
        writeSqlite(handle, sql, values, columns, csv, result);
    else if (void *handle = nativeHandle(m_db, "pg_conn*"))
        writePostgres(handle, sql, values, columns, csv, result);
    else
        result.error = tr("the %1 driver is not supported for exports").arg(m_db.driverName());
    if (result.error.isEmpty() && !result.cancelled && !csv.flush())
        result.error = tr("cannot write: %1").arg(csv.errorString());
    else if (result.ok() && m_progress)
        m_progress(result.rows);
    return result;
}

bool CsvExporter::rowWritten(CsvWriter &csv, ExportResult &result)
{
    csv.endRow();
    ++result.rows;
    if (result.rows % 4096 != 0)
        return true;
    if (!csv.flush())
        return false; // the final flush in write() reports why
    if (m_progress && !m_progress(result.rows)) {
        result.cancelled = true;
        return false;
    }
    return true;
}

void CsvExporter::writeSqlite(void *handle, const QString &sql, const QVariantList &values,
                              const QList<ReportColumn> &columns, CsvWriter &csv,
                              ExportResult &result)
{
    // The same rows as through QSqlQuery, without a QVariant and a QString per value: text goes
    // from SQLite's UTF-8 straight into the CSV buffer.
    auto *db = static_cast<sqlite3 *>(handle);
    sqlite3_stmt *stmt = nullptr;
    const QByteArray utf8 = sql.toUtf8();
    if (sqlite3_prepare_v2(db, utf8.constData(), int(utf8.size()), &stmt, nullptr) != SQLITE_OK) {
        result.error = tr("%1 in %2").arg(QString::fromUtf8(sqlite3_errmsg(db)), sql);
        return;
    }
    for (qsizetype i = 0; i < values.size(); ++i) {
        const QVariant &v = values.at(i);
        if (v.typeId() == QMetaType::QString) {
            const QByteArray text = v.toString().toUtf8();
            sqlite3_bind_text(stmt, int(i + 1), text.constData(), int(text.size()),
                              SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_int64(stmt, int(i + 1), v.toLongLong());
        }
    }
    const int n = int(columns.size());
    Labels labels(columns);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (int i = 0; i < n; ++i) {
            if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
                csv.empty();
                continue;
            }
            const ReportColumn::Kind kind = columns.at(i).kind;
            if (kind == ReportColumn::Kind::Text) {
                const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, i));
                cell(csv, kind, 0, labels(i, QByteArrayView(text, sqlite3_column_bytes(stmt, i))));
            } else {
                cell(csv, kind, sqlite3_column_int64(stmt, i), {});
            }
        }
        if (!rowWritten(csv, result))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        result.error = tr("%1 in %2").arg(QString::fromUtf8(sqlite3_errmsg(db)), sql);
    sqlite3_finalize(stmt);
}

namespace {
// A field of COPY's text format as its bytes: \N was handled by the caller; backslash escapes
// are rare (a note with a tab or a line break), so a field without one is used as it arrives.
QByteArrayView copyField(const char *begin, const char *end, QByteArray &scratch)
{
    const char *slash = static_cast<const char *>(memchr(begin, '\\', size_t(end - begin)));
    if (!slash)
        return QByteArrayView(begin, end - begin);
    scratch.clear();
    scratch.append(begin, slash - begin);
    for (const char *p = slash; p < end; ++p) {
        if (*p != '\\' || p + 1 == end) {
            scratch += *p;
            continue;
        }
        const char c = *++p;
        switch (c) {
        case 'b':
            scratch += '\b';
            break;
        case 'f':
            scratch += '\f';
            break;
        case 'n':
            scratch += '\n';
            break;
        case 'r':
            scratch += '\r';
            break;
        case 't':
            scratch += '\t';
            break;
        case 'v':
            scratch += '\v';
            break;
        case 'x': {
            int value = 0;
            int digits = 0;
            while (digits < 2 && p + 1 < end && isxdigit(static_cast<unsigned char>(p[1]))) {
                const char h = *++p;
                value = value * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
                ++digits;
            }
            scratch += char(value);
            break;
        }
        default:
            if (c >= '0' && c <= '7') {
                int value = c - '0';
                for (int i = 0; i < 2 && p + 1 < end && p[1] >= '0' && p[1] <= '7'; ++i)
                    value = value * 8 + (*++p - '0');
                scratch += char(value);
            } else {
                scratch += c; // \\ and any other character stand for themselves
            }
        }
    }
    return scratch;
}
} // namespace

void CsvExporter::writePostgres(void *handle, const QString &sql, const QVariantList &values,
                                const QList<ReportColumn> &columns, CsvWriter &csv,
                                ExportResult &result)
{
    // The rows stream in through COPY, as psql's \copy reads them: one buffer per row in
    // text form, so numbers need no conversion and text none either. COPY takes no
    // parameters, so the values are written into the statement as literals, quoted by libpq.
    auto *conn = static_cast<PGconn *>(handle);
    QByteArray statement = "COPY (";
    qsizetype next = 0;
    bool quoted = false;
    for (const char c : sql.toUtf8()) {
        if (c == '\'')
            quoted = !quoted;
        if (c != '?' || quoted) {
            statement += c;
            continue;
        }
        const QVariant &v = values.value(next++);
        if (v.typeId() == QMetaType::QString) {
            const QByteArray text = v.toString().toUtf8();
            char *literal = PQescapeLiteral(conn, text.constData(), size_t(text.size()));
            if (!literal) {
                result.error =
                    tr("%1 in %2").arg(QString::fromUtf8(PQerrorMessage(conn)).trimmed(), sql);
                return;
            }
            statement += literal;
            PQfreemem(literal);
        } else {
            statement += QByteArray::number(v.toLongLong());
        }
    }
    statement += ") TO STDOUT";
    PGresult *started = PQexec(conn, statement.constData());
    const bool copying = PQresultStatus(started) == PGRES_COPY_OUT;
    if (!copying)
        result.error =
            tr("%1 in %2").arg(QString::fromUtf8(PQresultErrorMessage(started)).trimmed(), sql);
    PQclear(started);
    if (!copying) {
        while (PGresult *r = PQgetResult(conn))
            PQclear(r);
        return;
    }
    const int n = int(columns.size());
    Labels labels(columns);
    QByteArray scratch;
    bool stop = false;
    char *row = nullptr;
    int length;
    while ((length = PQgetCopyData(conn, &row, 0)) > 0) {
        if (!stop) {
            const char *p = row;
            const char *end = row + length - (row[length - 1] == '\n' ? 1 : 0);
            for (int i = 0; i < n; ++i) {
                const char *tab = static_cast<const char *>(memchr(p, '\t', size_t(end - p)));
                const char *fieldEnd = tab ? tab : end;
                if (fieldEnd - p == 2 && p[0] == '\\' && p[1] == 'N') {
                    csv.empty();
                } else {
                    const ReportColumn::Kind kind = columns.at(i).kind;
                    // Ids and text arrive as the text we write; the rest is converted.
                    if (kind == ReportColumn::Kind::Text)
                        csv.text(labels(i, copyField(p, fieldEnd, scratch)));
                    else if (kind == ReportColumn::Kind::Integer)
                        csv.number(QByteArrayView(p, fieldEnd - p));
                    else if (kind == ReportColumn::Kind::Boolean)
                        cell(csv, kind, *p == 't' ? 1 : 0, {});
                    else
                        cell(csv, kind, QByteArrayView(p, fieldEnd - p).toLongLong(), {});
                }
                p = tab ? tab + 1 : end;
            }
            if (!rowWritten(csv, result)) {
                // Stop the server too; what still arrives is read and dropped.
                stop = true;
                if (PGcancel *cancel = PQgetCancel(conn)) {
                    char error[256];
                    PQcancel(cancel, error, sizeof error);
                    PQfreeCancel(cancel);
                }
            }
        }
        PQfreemem(row);
        row = nullptr;
    }
    if (length == -2 && !stop)
        result.error = tr("%1 in %2").arg(QString::fromUtf8(PQerrorMessage(conn)).trimmed(), sql);
    while (PGresult *r = PQgetResult(conn)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !stop && result.error.isEmpty())
            result.error =
                tr("%1 in %2").arg(QString::fromUtf8(PQresultErrorMessage(r)).trimmed(), sql);
        PQclear(r);
    }
}
