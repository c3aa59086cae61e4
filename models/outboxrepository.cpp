#include "outboxrepository.h"

#include "sqldialect.h"
#include "sqlstatement.h"

#include <QDateTime>
#include <QJsonDocument>

QJsonObject OutboxEvent::toJsonObject() const
{
    return QJsonObject{
        {QStringLiteral("seq"), seq},
        {QStringLiteral("id"), id()},
        {QStringLiteral("type"), type},
        {QStringLiteral("at"), QDateTime::fromSecsSinceEpoch(at, Qt::UTC).toString(Qt::ISODate)},
        {QStringLiteral("data"), data}};
}

QByteArray OutboxEvent::toJson() const
{
    return QJsonDocument(toJsonObject()).toJson(QJsonDocument::Compact);
}

qint64 OutboxRepository::append(const QString &type, qint64 at, const QJsonObject &data)
{
    const QString json = QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact));
    if (SqlDialect::of(m_db).isPostgres()) {
        // One round trip: the next number and the row together (the head's row lock is held
        // until the commit all the same).
        SqlStatement st(m_db, QStringLiteral("WITH h AS (UPDATE outbox_head SET last_seq ="
                                             " last_seq + 1 WHERE id = 1 RETURNING last_seq)"
                                             " INSERT INTO outbox (seq, type, at, data)"
                                             " SELECT last_seq, ?, ?, ? FROM h RETURNING seq"));
        st.bindAll({type, at, json}).exec();
        st.next();
        return st.value(0).toLongLong();
    }
    SqlStatement head(m_db, QStringLiteral("UPDATE outbox_head SET last_seq = last_seq + 1"
                                           " WHERE id = 1 RETURNING last_seq"));
    head.exec();
    head.next();
    const qint64 seq = head.value(0).toLongLong();
    SqlStatement insert(m_db, QStringLiteral("INSERT INTO outbox (seq, type, at, data)"
                                             " VALUES (?, ?, ?, ?)"));
    insert.bindAll({seq, type, at, json}).exec();
    return seq;
}

QList<OutboxEvent> OutboxRepository::after(qint64 seq, int limit) const
{
    SqlStatement st(m_db, QStringLiteral("SELECT seq, type, at, data FROM outbox WHERE seq > ?"
                                         " ORDER BY seq LIMIT ?"));
    st.bindAll({seq, limit}).exec();
    QList<OutboxEvent> events;
    while (st.next())
        events << OutboxEvent{st.value(0).toLongLong(), st.value(1).toString(),
                              st.value(2).toLongLong(),
                              QJsonDocument::fromJson(st.value(3).toString().toUtf8()).object()};
    return events;
}

qint64 OutboxRepository::lastSeq() const
{
    return SqlStatement::scalar(m_db, QStringLiteral("SELECT last_seq FROM outbox_head"))
        .toLongLong();
}
