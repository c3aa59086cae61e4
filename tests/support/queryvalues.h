#pragma once
// What a test reads back to check a result: the first column of a query, bound values.

#include "models/database.h"
#include "models/sqlstatement.h"

#include <QList>
#include <QVariantList>

// The first column of every row, as integers.
inline QList<qint64> ids(Database &db, const QString &sql, const QVariantList &values = {})
{
    SqlStatement st(db.connection(), sql);
    for (const QVariant &v : values)
        st.bind(v);
    st.exec();
    QList<qint64> result;
    while (st.next())
        result << st.value(0).toLongLong();
    return result;
}

// The first column of the first row as an integer; 0 when there is no row.
inline qint64 scalar(Database &db, const QString &sql, const QVariantList &values = {})
{
    const QList<qint64> r = ids(db, sql, values);
    return r.isEmpty() ? 0 : r.first();
}
