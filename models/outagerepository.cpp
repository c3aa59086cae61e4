#include "outagerepository.h"

#include "sqlstatement.h"

qint64 OutageRepository::create(const OutageRecord &o)
{
    SqlStatement st(m_db, QStringLiteral("INSERT INTO outages (started_at, ended_at, description)"
                                         " VALUES (?, ?, ?) RETURNING id"));
    st.bindAll({o.startedAt, o.endedAt, o.description}).exec();
    st.next();
    return st.value(0).toLongLong();
}

void OutageRepository::update(const OutageRecord &o)
{
    SqlStatement st(m_db, QStringLiteral("UPDATE outages SET started_at = ?, ended_at = ?,"
                                         " description = ? WHERE id = ?"));
    st.bindAll({o.startedAt, o.endedAt, o.description, o.id}).exec();
}

QList<OutageRecord> OutageRepository::overlapping(qint64 from, qint64 to) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT id, started_at, ended_at, description FROM outages"
                                         " WHERE ended_at >= ? AND started_at <= ?"
                                         " ORDER BY started_at"));
    st.bindAll({from, to}).exec();
    QList<OutageRecord> result;
    while (st.next())
        result << OutageRecord{st.value(0).toLongLong(), st.value(1).toLongLong(),
                               st.value(2).toLongLong(), st.value(3).toString()};
    return result;
}
