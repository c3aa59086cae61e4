#pragma once
// The one exception type of the data layer: what failed, in words a user can act on.

#include <QString>
#include <stdexcept>

class DatabaseError : public std::runtime_error
{
public:
    explicit DatabaseError(const QString &message, const QString &nativeCode = {})
        : std::runtime_error(message.toStdString()), m_message(message), m_nativeCode(nativeCode)
    {
    }
    QString message() const { return m_message; }
    // The driver's error code (SQLSTATE on PostgreSQL, result code on SQLite), when one is known.
    QString nativeCode() const { return m_nativeCode; }

private:
    QString m_message;
    QString m_nativeCode;
};
