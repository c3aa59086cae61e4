#include "auditchain.h"

#include "sqldialect.h"
#include "sqlstatement.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QSqlQuery>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("AuditChain", text);
}

// The chained columns, in canonical order.
const char *const columns[] = {"chain_seq",      "id",      "at",
                               "actor",          "action",  "account_id",
                               "request_id",     "profile", "profile_version",
                               "recommendation", "note",    "details"};
} // namespace

QString AuditChain::genesis()
{
    return QString(64, QLatin1Char('0'));
}

QByteArray AuditChain::canonical(const QVariantList &fields)
{
    QByteArray out;
    out.reserve(256);
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i)
            out += '|';
        const QVariant &v = fields.at(i);
        if (v.isNull()) {
            out += '-';
            continue;
        }
        const QByteArray text = v.toString().toUtf8();
        out += QByteArray::number(text.size());
        out += ':';
        out += text;
    }
    return out;
}

QString AuditChain::hash(const QString &previous, const QByteArray &canonical)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(previous.toLatin1());
    h.addData(QByteArrayView("\n", 1));
    h.addData(canonical);
    return QString::fromLatin1(h.result().toHex());
}

QString AuditChain::canonicalSql(const SqlDialect &d, const QString &row)
{
    QStringList parts;
    for (const char *c : columns) {
        const QString v = QStringLiteral("%1.%2").arg(row, QLatin1String(c));
        const QString text = d.isSqlite() ? QStringLiteral("CAST(%1 AS TEXT)").arg(v)
                                          : QStringLiteral("%1::text").arg(v);
        const QString bytes = d.isSqlite() ? QStringLiteral("length(CAST(%1 AS BLOB))").arg(text)
                                           : QStringLiteral("octet_length(%1)").arg(text);
        parts << QStringLiteral("CASE WHEN %1 IS NULL THEN '-' ELSE %2 || ':' || %3 END")
                     .arg(v, d.isSqlite() ? bytes : bytes + QStringLiteral("::text"), text);
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

AuditChain::Result AuditChain::verify(const QSqlDatabase &db,
                                      const std::function<void(qint64)> &progress)
{
    Result r;
    QStringList names;
    for (const char *c : columns)
        names << QLatin1String(c);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT %1, prev_hash, hash FROM audit_log ORDER BY chain_seq")
                    .arg(names.join(QStringLiteral(", "))))) {
        r.ok = false;
        r.problem = tr("cannot read the audit log");
        return r;
    }
    QString previous = genesis();
    const int n = int(std::size(columns));
    QVariantList fields;
    fields.reserve(n);
    auto bad = [&](qint64 seq, qint64 id, const QString &why) {
        r.ok = false;
        r.firstBadSeq = seq;
        r.firstBadId = id;
        r.problem = why;
    };
    while (q.next()) {
        fields.clear();
        for (int i = 0; i < n; ++i)
            fields << q.value(i);
        const qint64 seq = fields.at(0).toLongLong();
        const qint64 id = fields.at(1).toLongLong();
        ++r.rows;
        if (seq != r.rows) {
            bad(seq, id,
                seq > r.rows ? tr("audit row %1 is at chain position %2, expected %3: a row "
                                  "before it was deleted")
                                   .arg(id)
                                   .arg(seq)
                                   .arg(r.rows)
                             : tr("audit row %1 repeats chain position %2: a row was inserted")
                                   .arg(id)
                                   .arg(seq));
            return r;
        }
        const QString stored = q.value(n + 1).toString();
        if (q.value(n).toString() != previous) {
            bad(seq, id,
                tr("audit row %1 (position %2) does not follow the row before it: a row was "
                   "deleted, inserted or rewritten there")
                    .arg(id)
                    .arg(seq));
            return r;
        }
        const QString computed = hash(previous, canonical(fields));
        if (computed != stored) {
            bad(seq, id,
                tr("audit row %1 (position %2) was changed: its content does not match its "
                   "hash")
                    .arg(id)
                    .arg(seq));
            return r;
        }
        previous = stored;
        if (progress && r.rows % 100000 == 0)
            progress(r.rows);
    }
    r.head = previous;
    const auto [lastSeq, lastHash] = head(db);
    if (lastSeq != r.rows || lastHash != previous)
        bad(lastSeq, 0,
            tr("the audit log ends at position %1 but the database's head says %2: the newest "
               "rows were deleted or the head was rewritten")
                .arg(r.rows)
                .arg(lastSeq));
    return r;
}
