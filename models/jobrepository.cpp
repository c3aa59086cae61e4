#include "jobrepository.h"

#include "sqlstatement.h"

qint64 JobRepository::create(const JobRecord &j)
{
    SqlStatement st(m_db, QStringLiteral("INSERT INTO jobs (account_id, created_at, model, credits,"
                                         " status, failure, error_detail)"
                                         " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    st.bindAll({j.accountId, j.createdAt, j.model, j.credits, j.status,
                j.failure.isEmpty() ? QVariant() : QVariant(j.failure), j.errorDetail})
        .exec();
    st.next();
    return st.value(0).toLongLong();
}

namespace {
const QString jobColumns =
    QStringLiteral("id, account_id, created_at, model, credits, status, failure, error_detail");

JobRecord readJob(const SqlStatement &st)
{
    JobRecord j;
    j.id = st.value(0).toLongLong();
    j.accountId = st.value(1).toLongLong();
    j.createdAt = st.value(2).toLongLong();
    j.model = st.value(3).toString();
    j.credits = st.value(4).toLongLong();
    j.status = st.value(5).toString();
    j.failure = st.value(6).toString();
    j.errorDetail = st.value(7).toString();
    return j;
}
} // namespace

QList<JobRecord> JobRepository::where(const QString &condition, const QVariantList &values) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM jobs WHERE ").arg(jobColumns) + condition);
    for (const QVariant &v : values)
        st.bind(v);
    st.exec();
    QList<JobRecord> out;
    while (st.next())
        out << readJob(st);
    return out;
}

std::optional<JobRecord> JobRepository::find(qint64 id) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM jobs WHERE id = ?").arg(jobColumns));
    st.bind(id).exec();
    if (!st.next())
        return std::nullopt;
    return readJob(st);
}

QList<JobRecord> JobRepository::recentForAccount(qint64 accountId, int limit) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT %1 FROM jobs WHERE account_id = ?"
                                         " ORDER BY created_at DESC, id DESC LIMIT ?")
                              .arg(jobColumns));
    st.bindAll({accountId, limit}).exec();
    QList<JobRecord> jobs;
    while (st.next())
        jobs << readJob(st);
    return jobs;
}

bool JobRepository::setFailed(qint64 id, const QString &failure, const QString &errorDetail)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE jobs SET status = 'failed', failure = ?,"
                                         " error_detail = ? WHERE id = ? AND status <> 'failed'"));
    st.bindAll({failure, errorDetail, id}).exec();
    return st.numRowsAffected() == 1;
}
