#include "auditchain.h"

#include "nativehandle.h"
#include "sqldialect.h"
#include "sqlstatement.h"

#include <QCoreApplication>
#include <QVarLengthArray>
#include <atomic>
#include <charconv>
#include <cstring>
#include <libpq-fe.h>
#include <memory>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <thread>

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
    // `after`: the chain position before the first row read. From the genesis the first
    // row's link is checked here; after a position it is only remembered (firstPrevious()),
    // for whoever read the rows before to check it.
    explicit Walker(AuditChain::Result &r, qint64 after = 0) : m_r(r), m_after(after) {}

    // One row: the chained fields as text (null: absent), then prev_hash and hash.
    // Returns false once a row does not match (m_r says which and why).
    bool row(const QByteArrayView *fields, const bool *nulls, QByteArrayView prev,
             QByteArrayView stored)
    {
        ++m_r.rows;
        const qint64 expected = m_after + m_r.rows;
        const qint64 seq = fields[0].toLongLong();
        const qint64 id = fields[1].toLongLong();
        if (m_after > 0 && m_r.rows == 1) {
            m_firstPrevious = prev.toByteArray();
            m_firstSeq = seq;
            m_firstId = id;
            m_previous = m_firstPrevious;
        }
        if (seq != expected) {
            bad(seq, id,
                seq > expected ? tr("audit row %1 is at chain position %2, expected %3: a row "
                                    "before it was deleted")
                                     .arg(id)
                                     .arg(seq)
                                     .arg(expected)
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
    const QByteArray &lastHash() const { return m_previous; }
    const QByteArray &firstPrevious() const { return m_firstPrevious; }
    qint64 firstSeq() const { return m_firstSeq; }
    qint64 firstId() const { return m_firstId; }

private:
    void bad(qint64 seq, qint64 id, const QString &why)
    {
        m_r.ok = false;
        m_r.firstBadSeq = seq;
        m_r.firstBadId = id;
        m_r.problem = why;
    }
    AuditChain::Result &m_r;
    qint64 m_after = 0;
    QByteArray m_previous = AuditChain::genesis().toLatin1();
    QByteArray m_buffer;
    QByteArray m_firstPrevious;
    qint64 m_firstSeq = 0;
    qint64 m_firstId = 0;
};

} // namespace

QString AuditChain::selectSql(const QString &where)
{
    QStringList names;
    for (const char *c : columns)
        names << QLatin1String(c);
    return QStringLiteral("SELECT %1, prev_hash, hash FROM audit_log%2 ORDER BY chain_seq")
        .arg(names.join(QStringLiteral(", ")),
             where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where);
}

namespace {

// SQLite and PostgreSQL are read through their own libraries: a QVariant and a QString per
// field cost more than the hash.
bool walkSqlite(sqlite3 *handle, Walker &w, AuditChain::Result &r,
                const std::function<void(qint64)> &progress, const QString &where)
{
    sqlite3_stmt *stmt = nullptr;
    const QByteArray sql = AuditChain::selectSql(where).toUtf8();
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

// COPY's binary format, one row (one CopyData message): a 16-bit field count, then each field
// as a 32-bit length (-1: null) and its bytes, big-endian throughout. The whole-number columns
// (8 or 4 bytes) are written out in decimal into `digits`, as the text form the chain hashes.
// Returns false for a row that does not parse.
bool splitBinaryRow(const char *data, qsizetype size, QByteArrayView *fields, bool *nulls,
                    int count, char (*digits)[24])
{
    auto be = [](const char *p, int bytes) {
        quint64 v = 0;
        for (int i = 0; i < bytes; ++i)
            v = (v << 8) | quint8(p[i]);
        return v;
    };
    if (size < 2 || qint16(be(data, 2)) != count)
        return false;
    qsizetype at = 2;
    for (int f = 0; f < count; ++f) {
        if (at + 4 > size)
            return false;
        const qint32 length = qint32(be(data + at, 4));
        at += 4;
        nulls[f] = length < 0;
        if (nulls[f]) {
            fields[f] = {};
            continue;
        }
        if (at + length > size)
            return false;
        const bool number = f == 0 || f == 1 || f == 2 || f == 5 || f == 6 || f == 8;
        if (number && (length == 8 || length == 4)) {
            const qint64 v = length == 8 ? qint64(be(data + at, 8)) : qint32(be(data + at, 4));
            const auto end = std::to_chars(digits[f], digits[f] + 24, v).ptr;
            fields[f] = QByteArrayView(digits[f], end - digits[f]);
        } else {
            fields[f] = QByteArrayView(data + at, length);
        }
        at += length;
    }
    return true;
}

bool walkPostgres(PGconn *conn, Walker &w, AuditChain::Result &r,
                  const std::function<void(qint64)> &progress, const QString &where)
{
    // COPY streams the rows, one message per row: far less per row than a result set (single-
    // row mode builds a PGresult for each), and in binary the server neither formats the
    // numbers nor escapes the text; the check keeps pace with the server.
    const QByteArray sql = QStringLiteral("COPY (%1) TO STDOUT (FORMAT binary)")
                               .arg(AuditChain::selectSql(where))
                               .toUtf8();
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
    char digits[columnsRead][24];
    bool going = true;
    bool first = true;
    char *message = nullptr;
    int size;
    while ((size = PQgetCopyData(conn, &message, 0)) > 0) {
        const char *row = message;
        qsizetype length = size;
        if (first) { // the header: signature, flags, extension
            first = false;
            static const char signature[] = "PGCOPY\n\377\r\n";
            if (length < 19 || memcmp(row, signature, 11) != 0) {
                failed(tr("the server's COPY output has no binary header"));
                going = false;
            } else {
                const qsizetype extension = qsizetype(quint8(row[15])) << 24 |
                                            qsizetype(quint8(row[16])) << 16 |
                                            qsizetype(quint8(row[17])) << 8 | quint8(row[18]);
                row += 19 + extension;
                length -= 19 + extension;
            }
        }
        const bool trailer = length == 2 && quint8(row[0]) == 0xff && quint8(row[1]) == 0xff;
        if (going && length > 0 && !trailer) {
            if (!splitBinaryRow(row, length, fields, nulls, columnsRead, digits)) {
                failed(tr("row %1 of the audit log is not in the expected form").arg(r.rows + 1));
                going = false;
            } else {
                going = w.row(fields, nulls, fields[chained], fields[chained + 1]);
                if (progress && r.rows % 100000 == 0)
                    progress(r.rows);
            }
        }
        PQfreemem(message); // read to the end: the connection must be free for the next query
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

namespace {
// The second half of a long chain is read on a connection of its own, in a thread of its own,
// while the first half is read on the caller's: the rows are independent but for the link
// where the halves meet, checked once both are read.

// A thread that opens its own connection to the same database (native: SQLite's or libpq's),
// walks the rows the condition selects after position `after`, and closes it. Without a way to
// a second connection (an in-memory SQLite database) it says so and walks nothing.
struct SecondHalf
{
    AuditChain::Result result;
    Walker walker;
    bool opened = false;
    std::atomic<qint64> rows{0};
    std::thread thread;

    explicit SecondHalf(qint64 after) : walker(result, after) {}
    ~SecondHalf()
    {
        if (thread.joinable())
            thread.join();
    }

    bool startSqlite(sqlite3 *handle, const QString &where)
    {
        const char *file = sqlite3_db_filename(handle, "main");
        if (!file || !*file)
            return false;
        sqlite3 *own = nullptr;
        if (sqlite3_open_v2(file, &own, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
            SQLITE_OK) {
            sqlite3_close(own);
            return false;
        }
        opened = true;
        thread = std::thread([this, own, where] {
            walkSqlite(
                own, walker, result, [this](qint64 n) { rows = n; }, where);
            sqlite3_close(own);
        });
        return true;
    }

    bool startPostgres(PGconn *conn, const QString &where)
    {
        // The same server, database, user and password as the caller's connection.
        PQconninfoOption *options = PQconninfo(conn);
        if (!options)
            return false;
        QList<const char *> keys, values;
        for (PQconninfoOption *o = options; o->keyword; ++o)
            if (o->val && *o->val) {
                keys << o->keyword;
                values << o->val;
            }
        keys << nullptr;
        values << nullptr;
        PGconn *own = PQconnectdbParams(keys.constData(), values.constData(), 0);
        PQconninfoFree(options);
        if (PQstatus(own) != CONNECTION_OK) {
            PQfinish(own);
            return false;
        }
        opened = true;
        thread = std::thread([this, own, where] {
            walkPostgres(
                own, walker, result, [this](qint64 n) { rows = n; }, where);
            PQfinish(own);
        });
        return true;
    }
};
} // namespace

namespace {
QString headMismatch(qint64 rows, qint64 headSeq)
{
    return tr("the audit log ends at position %1 but the database's head says %2: the newest "
              "rows were deleted or the head was rewritten")
        .arg(rows)
        .arg(headSeq);
}
} // namespace

AuditChain::Result AuditChain::verify(const QSqlDatabase &db,
                                      const std::function<void(qint64)> &progress,
                                      qint64 splitAbove)
{
    Result r;
    auto *handle = static_cast<sqlite3 *>(nativeHandle(db, "sqlite3*"));
    auto *conn = handle ? nullptr : static_cast<PGconn *>(nativeHandle(db, "pg_conn*"));
    if (!handle && !conn) {
        r.ok = false;
        r.problem = tr("cannot read the audit log: an unknown database driver");
        return r;
    }
    // A long chain in two halves, read at once (see SecondHalf). The second connection's
    // snapshot may be newer than the caller's: it reads up to the head the caller sees, and
    // whatever lies beyond that head in the caller's snapshot is counted there.
    const auto [headSeq, headHash] = head(db);
    const qint64 half = headSeq / 2;
    std::unique_ptr<SecondHalf> second;
    QString firstWhere;
    if (headSeq > splitAbove && half > 0) {
        second = std::make_unique<SecondHalf>(half);
        const QString secondWhere =
            QStringLiteral("chain_seq > %1 AND chain_seq <= %2").arg(half).arg(headSeq);
        if (handle ? second->startSqlite(handle, secondWhere)
                   : second->startPostgres(conn, secondWhere))
            firstWhere = QStringLiteral("chain_seq <= %1").arg(half);
        else
            second.reset();
    }
    Walker w(r);
    const auto report = [&](qint64 n) {
        if (progress)
            progress(n + (second ? second->rows.load() : 0));
    };
    if (handle)
        walkSqlite(handle, w, r, report, firstWhere);
    else
        walkPostgres(conn, w, r, report, firstWhere);
    if (!second) {
        if (!r.ok)
            return r;
        r.head = w.previous();
        const auto [lastSeq, lastHash] = head(db);
        if (lastSeq != r.rows || lastHash != r.head) {
            r.ok = false;
            r.firstBadSeq = lastSeq;
            r.problem = headMismatch(r.rows, lastSeq);
        }
        return r;
    }
    second->thread.join();
    r.parts = 2;
    const Result &b = second->result;
    const Walker &bw = second->walker;
    if (!r.ok)
        return r;
    if (r.rows != half) { // the first half ended early: rows before the split are missing
        r.ok = false;
        if (b.rows == 0) { // and nothing after it: the newest rows are gone
            r.firstBadSeq = headSeq;
            r.problem = headMismatch(r.rows, headSeq);
        } else {
            r.firstBadSeq = bw.firstSeq();
            r.firstBadId = bw.firstId();
            r.problem = tr("audit row %1 is at chain position %2, expected %3: a row before it "
                           "was deleted")
                            .arg(bw.firstId())
                            .arg(bw.firstSeq())
                            .arg(r.rows + 1);
        }
        return r;
    }
    if (b.rows > 0 && bw.firstSeq() == half + 1 && bw.firstPrevious() != w.lastHash()) {
        r.ok = false;
        r.firstBadSeq = half + 1;
        r.firstBadId = bw.firstId();
        r.problem = tr("audit row %1 (position %2) does not follow the row before it: a row was "
                       "deleted, inserted or rewritten there")
                        .arg(bw.firstId())
                        .arg(half + 1);
        return r;
    }
    if (!b.ok) {
        r.ok = false;
        r.firstBadSeq = b.firstBadSeq;
        r.firstBadId = b.firstBadId;
        r.problem = b.problem;
        return r;
    }
    r.rows += b.rows;
    r.head = b.rows > 0 ? bw.previous() : w.previous();
    const qint64 beyond = SqlStatement::scalar(db,
                                               QStringLiteral("SELECT COUNT(*) FROM audit_log"
                                                              " WHERE chain_seq > ?"),
                                               {headSeq})
                              .toLongLong();
    if (r.rows != headSeq || r.head != headHash || beyond > 0) {
        r.ok = false;
        r.firstBadSeq = headSeq;
        r.problem = headMismatch(r.rows + beyond, headSeq);
    }
    return r;
}
