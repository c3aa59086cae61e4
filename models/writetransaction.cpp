#include "writetransaction.h"

#include "database.h"
#include "databaseerror.h"
#include "sqlstatement.h"

#include <QCoreApplication>
#include <QSqlQuery>

WriteTransaction::WriteTransaction(Database &database) : m_db(database.connection())
{
    if (database.isReadOnly())
        throw DatabaseError(QCoreApplication::translate("WriteTransaction",
                                                        "%1 is read-only here: nothing can be "
                                                        "written to it")
                                .arg(database.url().toDisplayString()));
    // Not QSqlDatabase::transaction(): on SQLite that issues a deferred BEGIN, and two
    // writers upgrading their read locks at once fail with "database is locked".
    SqlStatement::run(m_db, database.dialect().beginWrite());
    m_open = true;
}

WriteTransaction::~WriteTransaction()
{
    if (m_open) {
        QSqlQuery rollback(m_db);
        rollback.exec(QStringLiteral("ROLLBACK"));
    }
}

void WriteTransaction::commit()
{
    SqlStatement::run(m_db, QStringLiteral("COMMIT"));
    m_open = false;
}

bool WriteTransaction::retryable(Database &database, const DatabaseError &e)
{
    return database.dialect().isRetryable(e.nativeCode(), e.message());
}
