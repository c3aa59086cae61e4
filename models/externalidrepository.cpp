#include "externalidrepository.h"

#include "sqlstatement.h"

QString ExternalIdRepository::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Account:
        return QStringLiteral("account");
    case Kind::Purchase:
        return QStringLiteral("purchase");
    case Kind::Job:
        return QStringLiteral("job");
    case Kind::Request:
        return QStringLiteral("request");
    case Kind::Outage:
        return QStringLiteral("outage");
    }
    return {};
}

void ExternalIdRepository::add(Kind kind, const QString &externalId, qint64 internalId)
{
    SqlStatement st(m_db, QStringLiteral("INSERT INTO external_ids (kind, external_id,"
                                         " internal_id) VALUES (?, ?, ?)"));
    st.bindAll({kindName(kind), externalId, internalId}).exec();
}

std::optional<qint64> ExternalIdRepository::find(Kind kind, const QString &externalId) const
{
    const QVariant v = SqlStatement::scalar(
        m_db,
        QStringLiteral("SELECT internal_id FROM external_ids WHERE kind = ? AND external_id = ?"),
        {kindName(kind), externalId});
    if (v.isNull())
        return std::nullopt;
    return v.toLongLong();
}

QString ExternalIdRepository::externalOf(Kind kind, qint64 internalId) const
{
    const QVariant v = SqlStatement::scalar(
        m_db,
        QStringLiteral("SELECT external_id FROM external_ids WHERE kind = ? AND internal_id = ?"),
        {kindName(kind), internalId});
    return v.isNull() ? QString::number(internalId) : v.toString();
}
