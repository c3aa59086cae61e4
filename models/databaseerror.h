#pragma once
// The one exception type of the data layer: what failed, in words a user can act on.

#include <QString>
#include <stdexcept>

class DatabaseError : public std::runtime_error
{
public:
    explicit DatabaseError(const QString &message)
        : std::runtime_error(message.toStdString()), m_message(message)
    {
    }
    QString message() const { return m_message; }

private:
    QString m_message;
};
