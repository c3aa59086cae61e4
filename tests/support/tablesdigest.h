#pragma once
// A fingerprint of every row of the given tables, to compare two databases' contents.

#include "models/database.h"
#include "models/sqlstatement.h"

#include <QCryptographicHash>
#include <QSqlRecord>

inline QByteArray tablesDigest(Database &db, const QStringList &tables)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &table : tables) {
        SqlStatement st(db.connection(), QStringLiteral("SELECT * FROM %1 ORDER BY 1, 2").arg(table));
        st.exec();
        while (st.next()) {
            const QSqlRecord rec = st.query().record();
            for (int i = 0; i < rec.count(); ++i) {
                const QVariant v = rec.value(i);
                // Booleans read back as 1/0 on SQLite and true/false on PostgreSQL.
                const QString text = v.isNull()                      ? QStringLiteral("<null>")
                                     : v.typeId() == QMetaType::Bool ? QString::number(v.toInt())
                                                                     : v.toString();
                hash.addData(text.toUtf8());
                hash.addData(QByteArrayView("\x1f", 1));
            }
            hash.addData(QByteArrayView("\x1e", 1));
        }
    }
    return hash.result().toHex();
}
