#pragma once
// One line of what the database said about an error, without Qt's driver boilerplate.

#include <QSqlError>
#include <QString>

inline QString sqlErrorText(const QSqlError &error)
{
    QString text = error.databaseText().trimmed();
    if (text.isEmpty())
        text = error.driverText().trimmed();
    return text.simplified();
}
