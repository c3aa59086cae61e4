#pragma once
// The platform's own ids ("A-123", "pi_3Nx...") of what it sent us, beside our numeric ids.

#include <QSqlDatabase>
#include <QString>
#include <optional>

class ExternalIdRepository
{
public:
    // What an external id names: the INTEGRATION.md data fields of the same names.
    enum class Kind
    {
        Account,
        Purchase,
        Job,
        Request,
        Outage
    };

    explicit ExternalIdRepository(const QSqlDatabase &db) : m_db(db) {}

    static QString kindName(Kind kind);
    // Records that `externalId` is our `internalId`. Throws DatabaseError when either is taken.
    void add(Kind kind, const QString &externalId, qint64 internalId);
    std::optional<qint64> find(Kind kind, const QString &externalId) const;
    // The platform's id of one of ours; our number as text when it came from elsewhere (the
    // desk, the demo), so every outbox event names what it is about.
    QString externalOf(Kind kind, qint64 internalId) const;

private:
    QSqlDatabase m_db;
};
