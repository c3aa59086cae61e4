#pragma once
// The audit trail as a hash chain (issue "Who decides"): each row carries the SHA-256 of the
// previous row's hash and its own canonical content, in the order the database appended them
// (chain_seq, given under the audit_head row's lock, so concurrent writers keep one chain).
// The database computes it as the row is inserted (a trigger: the program cannot get it
// wrong or leave it out); `refundctl audit verify` recomputes it here, and names the first
// row that does not match.

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <QVariant>
#include <functional>

class SqlDialect;

class AuditChain
{
public:
    // The hash before the first row.
    static QString genesis();
    // PostgreSQL: the transaction-level advisory lock writers take turns on the chain with.
    static constexpr qint64 lockKey = 0x52444175646974; // "RDAudit"
    // The content a row's hash covers, each field as "<bytes>:<text>" ("-" for NULL), joined
    // by '|': chain_seq, id, at, actor, action, account_id, request_id, profile,
    // profile_version, recommendation, note, details, then actor_role only when it is not null
    // (rows older than schema v10 have none).
    static QByteArray canonical(const QVariantList &fields);
    static QString hash(const QString &previous, const QByteArray &canonical);
    // The lowercase hex SHA-256 of `data` (OpenSSL: the CPU's SHA instructions where it has
    // them).
    static QByteArray sha256Hex(QByteArrayView data);

    // The same in SQL over a row named `row` (NEW in a trigger, a record in a loop), for
    // `dialect`; SQLite calls refunddesk_sha256(), registered on every connection. Without
    // `withRole`, the form of schema v8 (before audit_log had actor_role).
    static QString canonicalSql(const SqlDialect &dialect, const QString &row,
                                bool withRole = true);
    static QString hashSql(const SqlDialect &dialect, const QString &previous,
                           const QString &canonical);

    struct Result
    {
        bool ok = true;
        qint64 rows = 0;
        qint64 firstBadSeq = 0; // the chain position of the first row that does not match
        qint64 firstBadId = 0;
        QString problem; // what is wrong there, in words
        QString head;    // the newest hash
        int parts = 1;   // read in one pass, or in two halves at once
    };
    // The query verify reads: the chained columns, prev_hash and hash, in chain order (of the
    // rows `where` selects, when given).
    static QString selectSql(const QString &where = {});
    // Recomputes the chain in order; `progress` gets the rows done now and then.
    // A chain longer than `splitAbove` rows is read in two halves at once, on a second
    // connection of its own (tests lower it to check both halves on a short chain).
    static Result verify(const QSqlDatabase &db,
                         const std::function<void(qint64 rows)> &progress = {},
                         qint64 splitAbove = 200000);
    // The newest position and hash as the database keeps them (audit_head).
    static std::pair<qint64, QString> head(const QSqlDatabase &db);
};
