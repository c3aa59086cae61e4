#include "auditchain.h"

#include "nativehandle.h"
#include "sqldialect.h"
#include "sqlstatement.h"

#include <QCoreApplication>
#include <QVarLengthArray>
#include <charconv>
#include <cstring>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <sqlite3.h>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("AuditChain", text);
}

// The chained columns, in canonical order. The first `required` are always part of a row's
// canonical form (a null one as "-"); a later one only when it is not null, so the rows
// chained before it existed keep their hashes (actor_role: schema v10).
const char *const columns[] = {
    "chain_seq",  "id",         "at",        "actor",           "action",
    "account_id", "request_id", "profile",   "profile_version", "recommendation",
    "note",       "details",    "actor_role"};
constexpr int chained = int(std::size(columns));
constexpr int required = 12;
} // namespace

QString AuditChain::genesis()
{
    return QString(64, QLatin1Char('0'));
}

namespace {
// The canonical form of a row's fields (see canonical()), appended to `out`; a null field
// (`nulls[i]`) is "-". The one spelling the upgrade and verify both use.
void appendCanonical(QByteArray &out, const QByteArrayView *fields, const bool *nulls, qsizetype n)
{
    for (qsizetype i = 0; i < n; ++i) {
        if (i >= required && nulls[i])
            continue;
        if (i)
            out += '|';
        if (nulls[i]) {
            out += '-';
            continue;
        }
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, fields[i].size()).ptr;
        out.append(digits, end - digits);
        out += ':';
        out += fields[i];
    }
}
} // namespace

QByteArray AuditChain::canonical(const QVariantList &fields)
{
    QList<QByteArray> texts;
    QVarLengthArray<bool, 16> nulls;
    for (const QVariant &v : fields) {
        texts << v.toString().toUtf8();
        nulls.append(v.isNull());
    }
    QVarLengthArray<QByteArrayView, 16> views;
    for (const QByteArray &t : std::as_const(texts))
        views.append(t);
    QByteArray out;
    out.reserve(256);
    appendCanonical(out, views.constData(), nulls.constData(), views.size());
    return out;
}

QByteArray AuditChain::sha256Hex(QByteArrayView data)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(data.data(), size_t(data.size()), md, &size, EVP_sha256(), nullptr);
    return QByteArray::fromRawData(reinterpret_cast<const char *>(md), int(size)).toHex();
}

QString AuditChain::hash(const QString &previous, const QByteArray &canonical)
{
    return QString::fromLatin1(sha256Hex(previous.toLatin1() + '\n' + canonical));
}

QString AuditChain::canonicalSql(const SqlDialect &d, const QString &row, bool withRole)
{
    QStringList parts;
    for (int i = 0; i < (withRole ? chained : required); ++i) {
        const char *c = columns[i];
        const QString v = QStringLiteral("%1.%2").arg(row, QLatin1String(c));
        const QString text = d.isSqlite() ? QStringLiteral("CAST(%1 AS TEXT)").arg(v)
                                          : QStringLiteral("%1::text").arg(v);
        const QString bytes = d.isSqlite() ? QStringLiteral("length(CAST(%1 AS BLOB))").arg(text)
                                           : QStringLiteral("octet_length(%1)").arg(text);
        const QString length = d.isSqlite() ? bytes : bytes + QStringLiteral("::text");
        if (i < required)
            parts << QStringLiteral("CASE WHEN %1 IS NULL THEN '-' ELSE %2 || ':' || %3 END")
                         .arg(v, length, text);
        else // an optional field is left out, separator and all, when null
            parts.last() += QStringLiteral(" || CASE WHEN %1 IS NULL THEN '' ELSE '|' || %2 ||"
                                           " ':' || %3 END")
                                .arg(v, length, text);
    }
    return parts.join(QStringLiteral(" || '|' || "));
}

QString AuditChain::hashSql(const SqlDialect &d, const QString &previous, const QString &canonical)
{
    if (d.isSqlite())
        return QStringLiteral("refunddesk_sha256(%1 || char(10) || %2)").arg(previous, canonical);
    return QStringLiteral("encode(sha256(convert_to(%1 || E'\\n' || %2, 'UTF8')), 'hex')")
        .arg(previous, canonical);
}

std::pair<qint64, QString> AuditChain::head(const QSqlDatabase &db)
{
    SqlStatement st(db, QStringLiteral("SELECT last_seq, last_hash FROM audit_head WHERE id = 1"));
    st.exec();
    if (!st.next())
        return {0, genesis()};
    return {st.value(0).toLongLong(), st.value(1).toString()};
}

namespace {
// Whether SHA-256(data) is the lowercase hex `hex`, without building strings.
bool sameDigest(QByteArrayView data, QByteArrayView hex)
{
    // The digest fetched once and one context reused: EVP_sha256() per call looks the
    // algorithm up under a lock each time (a sixth of verify's time).
    struct Sha256
    {
        EVP_MD *md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        ~Sha256()
        {
            EVP_MD_CTX_free(ctx);
            EVP_MD_free(md);
        }
    };
    static thread_local Sha256 sha;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!sha.md || !sha.ctx || !EVP_DigestInit_ex(sha.ctx, sha.md, nullptr) ||
        !EVP_DigestUpdate(sha.ctx, data.data(), size_t(data.size())) ||
        !EVP_DigestFinal_ex(sha.ctx, md, &size))
        return false;
    if (hex.size() != qsizetype(size) * 2)
        return false;
    static const char digits[] = "0123456789abcdef";
    unsigned char diff = 0;
    for (unsigned int i = 0; i < size; ++i)
        diff |= (digits[md[i] >> 4] ^ hex[2 * i]) | (digits[md[i] & 15] ^ hex[2 * i + 1]);
    return diff == 0;
}

// Walks the chain row by row: each row's own hash, its link to the row before, its position.
class Walker
{
public:
    explicit Walker(AuditChain::Result &r) : m_r(r) {}

    // One row: the chained fields as text (null: absent), then prev_hash and hash.
    // Returns false once a row does not match (m_r says which and why).
    bool row(const QByteArrayView *fields, const bool *nulls, QByteArrayView prev,
             QByteArrayView stored)
    {
        ++m_r.rows;
        const qint64 seq = fields[0].toLongLong();
        const qint64 id = fields[1].toLongLong();
        if (seq != m_r.rows) {
            bad(seq, id,
                seq > m_r.rows ? tr("audit row %1 is at chain position %2, expected %3: a row "
                                    "before it was deleted")
                                     .arg(id)
                                     .arg(seq)
                                     .arg(m_r.rows)
                               : tr("audit row %1 repeats chain position %2: a row was inserted")
                                     .arg(id)
                                     .arg(seq));
            return false;
        }
        if (prev != QByteArrayView(m_previous)) {
            bad(seq, id,
                tr("audit row %1 (position %2) does not follow the row before it: a row was "
                   "deleted, inserted or rewritten there")
                    .arg(id)
                    .arg(seq));
            return false;
        }
        m_buffer.resize(0); // keeps its capacity (clear() would free it)
        m_buffer += m_previous;
        m_buffer += '\n';
        appendCanonical(m_buffer, fields, nulls, chained);
        if (!sameDigest(m_buffer, stored)) {
            bad(seq, id,
                tr("audit row %1 (position %2) was changed: its content does not match its "
                   "hash")
                    .arg(id)
                    .arg(seq));
            return false;
        }
        m_previous.resize(stored.size());
        memcpy(m_previous.data(), stored.data(), size_t(stored.size()));
        return true;
    }
    QString previous() const { return QString::fromLatin1(m_previous); }

private:
    void bad(qint64 seq, qint64 id, const QString &why)
    {
        m_r.ok = false;
        m_r.firstBadSeq = seq;
        m_r.firstBadId = id;
        m_r.problem = why;
    }
    AuditChain::Result &m_r;
    QByteArray m_previous = AuditChain::genesis().toLatin1();
    QByteArray m_buffer;
};

} // namespace

QString AuditChain::selectSql()
{
    QStringList names;
    for (const char *c : columns)
        names << QLatin1String(c);
    return QStringLiteral("SELECT %1, prev_hash, hash FROM audit_log ORDER BY chain_seq")
        .arg(names.join(QStringLiteral(", ")));
}

namespace {

// SQLite and PostgreSQL are read through their own libraries: a QVariant and a QString per
// field cost more than the hash.
bool walkSqlite(sqlite3 *handle, Walker &w, AuditChain::Result &r,
                const std::function<void(qint64)> &progress)
{
    sqlite3_stmt *stmt = nullptr;
    const QByteArray sql = AuditChain::selectSql().toUtf8();
    if (sqlite3_prepare_v2(handle, sql.constData(), int(sql.size()), &stmt, nullptr) != SQLITE_OK) {
        r.ok = false;
        r.problem =
            tr("cannot read the audit log: %1").arg(QString::fromUtf8(sqlite3_errmsg(handle)));
        return false;
    }
    QByteArrayView fields[chained];
    bool nulls[chained];
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (int i = 0; i < chained; ++i) {
            nulls[i] = sqlite3_column_type(stmt, i) == SQLITE_NULL;
            const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, i));
            fields[i] = QByteArrayView(text, sqlite3_column_bytes(stmt, i));
        }
        const auto *prev = reinterpret_cast<const char *>(sqlite3_column_text(stmt, chained));
        const QByteArrayView prevView(prev, sqlite3_column_bytes(stmt, chained));
        const auto *stored = reinterpret_cast<const char *>(sqlite3_column_text(stmt, chained + 1));
        if (!w.row(fields, nulls, prevView,
                   QByteArrayView(stored, sqlite3_column_bytes(stmt, chained + 1))))
            break;
        if (progress && r.rows % 100000 == 0)
            progress(r.rows);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        r.ok = false;
        r.problem =
            tr("cannot read the audit log: %1").arg(QString::fromUtf8(sqlite3_errmsg(handle)));
    }
    return r.ok;
}

// COPY's text format, one row: fields split on tabs, \N is null, and backslash escapes undone
// in place (only fields that contain one). Returns false for a row that does not parse.
bool splitCopyRow(char *line, qsizetype size, QByteArrayView *fields, bool *nulls, int count)
{
    if (size > 0 && line[size - 1] == '\n')
        --size;
    int f = 0;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= size; ++i) {
        if (i < size && line[i] != '\t')
            continue;
        if (f == count)
            return false;
        char *field = line + start;
        qsizetype length = i - start;
        nulls[f] = length == 2 && field[0] == '\\' && field[1] == 'N';
        if (!nulls[f] && memchr(field, '\\', size_t(length))) {
            qsizetype out = 0;
            for (qsizetype k = 0; k < length; ++k) {
                char c = field[k];
                if (c == '\\' && k + 1 < length) {
                    switch (field[++k]) {
                    case 'n':
                        c = '\n';
                        break;
                    case 't':
                        c = '\t';
                        break;
                    case 'r':
                        c = '\r';
                        break;
                    case 'b':
                        c = '\b';
                        break;
                    case 'f':
                        c = '\f';
                        break;
                    case 'v':
                        c = '\v';
                        break;
                    default:
                        c = field[k];
                        break; // \\ and any other escaped byte
                    }
                }
                field[out++] = c;
            }
            length = out;
        }
        fields[f] = QByteArrayView(field, nulls[f] ? 0 : length);
        ++f;
        start = i + 1;
    }
    return f == count;
}

bool walkPostgres(PGconn *conn, Walker &w, AuditChain::Result &r,
                  const std::function<void(qint64)> &progress)
{
    // COPY streams the rows as text, one buffer per row: far less per row than a result set
    // (single-row mode builds a PGresult for each), and the check keeps pace with the server.
    const QByteArray sql =
        QStringLiteral("COPY (%1) TO STDOUT").arg(AuditChain::selectSql()).toUtf8();
    auto failed = [&](const QString &why) {
        if (r.ok) {
            r.ok = false;
            r.problem = tr("cannot read the audit log: %1").arg(why.trimmed());
        }
    };
    PGresult *start = PQexec(conn, sql.constData());
    const bool copying = PQresultStatus(start) == PGRES_COPY_OUT;
    if (!copying)
        failed(QString::fromUtf8(PQresultErrorMessage(start)));
    PQclear(start);
    if (!copying)
        return false;
    constexpr int columnsRead = chained + 2; // then prev_hash and hash
    QByteArrayView fields[columnsRead];
    bool nulls[columnsRead];
    bool going = true;
    char *line = nullptr;
    int size;
    while ((size = PQgetCopyData(conn, &line, 0)) > 0) {
        if (going) {
            if (!splitCopyRow(line, size, fields, nulls, columnsRead)) {
                failed(tr("row %1 of the audit log is not in the expected form").arg(r.rows + 1));
                going = false;
            } else {
                going = w.row(fields, nulls, fields[chained], fields[chained + 1]);
                if (progress && r.rows % 100000 == 0)
                    progress(r.rows);
            }
        }
        PQfreemem(line); // read to the end: the connection must be free for the next query
    }
    if (size == -2)
        failed(QString::fromUtf8(PQerrorMessage(conn)));
    while (PGresult *res = PQgetResult(conn)) {
        if (PQresultStatus(res) == PGRES_FATAL_ERROR)
            failed(QString::fromUtf8(PQresultErrorMessage(res)));
        PQclear(res);
    }
    return r.ok;
}
} // namespace

AuditChain::Result AuditChain::verify(const QSqlDatabase &db,
                                      const std::function<void(qint64)> &progress)
{
    Result r;
    Walker w(r);
    if (auto *handle = static_cast<sqlite3 *>(nativeHandle(db, "sqlite3*")))
        walkSqlite(handle, w, r, progress);
    else if (auto *conn = static_cast<PGconn *>(nativeHandle(db, "pg_conn*")))
        walkPostgres(conn, w, r, progress);
    else {
        r.ok = false;
        r.problem = tr("cannot read the audit log: an unknown database driver");
    }
    if (!r.ok)
        return r;
    r.head = w.previous();
    const auto [lastSeq, lastHash] = head(db);
    if (lastSeq != r.rows || lastHash != r.head) {
        r.ok = false;
        r.firstBadSeq = lastSeq;
        r.problem = tr("the audit log ends at position %1 but the database's head says %2: the "
                       "newest rows were deleted or the head was rewritten")
                        .arg(r.rows)
                        .arg(lastSeq);
    }
    return r;
}
