#include "ledgerrepository.h"

#include "databaseerror.h"
#include "sqlstatement.h"

#include <QCoreApplication>

qint64 LedgerRepository::append(const LedgerEntryRecord &e)
{
    SqlStatement insert(
        m_db, QStringLiteral("INSERT INTO ledger_entries (account_id, created_at, entry_type,"
                             " credits, purchase_id, job_id, request_id, reverses_entry_id,"
                             " created_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                             " RETURNING id"));
    insert
        .bindAll({e.accountId, e.createdAt, e.entryType, e.credits,
                  SqlStatement::idOrNull(e.purchaseId), SqlStatement::idOrNull(e.jobId),
                  SqlStatement::idOrNull(e.requestId), SqlStatement::idOrNull(e.reversesEntryId),
                  e.createdBy, e.note})
        .exec();
    insert.next();
    const qint64 id = insert.value(0).toLongLong();

    SqlStatement balance(m_db,
                         QStringLiteral("UPDATE accounts SET balance_credits = balance_credits + ?"
                                        " WHERE id = ?"));
    balance.bindAll({e.credits, e.accountId}).exec();
    if (balance.numRowsAffected() != 1)
        throw DatabaseError(QCoreApplication::translate("LedgerRepository", "no account with id %1")
                                .arg(e.accountId));
    return id;
}

qint64 LedgerRepository::sumForAccount(qint64 accountId) const
{
    return SqlStatement::scalar(
               m_db,
               QStringLiteral(
                   "SELECT COALESCE(SUM(credits), 0) FROM ledger_entries WHERE account_id = ?"),
               {accountId})
        .toLongLong();
}

QList<LedgerEntryRecord> LedgerRepository::forRequest(qint64 requestId) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT id, account_id, created_at, entry_type, credits,"
                                         " purchase_id, job_id, request_id, reverses_entry_id,"
                                         " created_by, note FROM ledger_entries"
                                         " WHERE request_id = ? ORDER BY id"));
    st.bind(requestId).exec();
    QList<LedgerEntryRecord> out;
    while (st.next()) {
        LedgerEntryRecord e;
        e.id = st.value(0).toLongLong();
        e.accountId = st.value(1).toLongLong();
        e.createdAt = st.value(2).toLongLong();
        e.entryType = st.value(3).toString();
        e.credits = st.value(4).toLongLong();
        e.purchaseId = st.value(5).toLongLong();
        e.jobId = st.value(6).toLongLong();
        e.requestId = st.value(7).toLongLong();
        e.reversesEntryId = st.value(8).toLongLong();
        e.createdBy = st.value(9).toString();
        e.note = st.value(10).toString();
        out << e;
    }
    return out;
}

bool LedgerRepository::hasCreditBack(qint64 jobId) const
{
    return SqlStatement::scalar(
               m_db,
               QStringLiteral("SELECT COUNT(*) FROM ledger_entries WHERE job_id = ?"
                              " AND entry_type = 'job_credit_back'"),
               {jobId})
               .toLongLong() > 0;
}

QSet<qint64> LedgerRepository::creditedBack(const QString &jobIds, const QVariantList &values) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT job_id FROM ledger_entries"
                                         " WHERE entry_type = 'job_credit_back'"
                                         " AND job_id IN (%1)")
                              .arg(jobIds));
    for (const QVariant &v : values)
        st.bind(v);
    st.exec();
    QSet<qint64> out;
    while (st.next())
        out.insert(st.value(0).toLongLong());
    return out;
}
