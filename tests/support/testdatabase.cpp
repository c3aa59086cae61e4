#include "testdatabase.h"

#include "models/databaseerror.h"
#include "models/sqlstatement.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QTest>

namespace {
QAtomicInt counter;

void adminExec(const DatabaseUrl &server, const QString &sql)
{
    Database admin(server);
    SqlStatement::run(admin.connection(), sql);
}
} // namespace

void TestDatabase::addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

QString TestDatabase::postgresServerUrl()
{
    return qEnvironmentVariable("REFUNDDESK_TEST_PG_URL");
}

TestDatabase::TestDatabase(const QString &backend)
{
    if (backend == QLatin1String("sqlite")) {
        m_url = DatabaseUrl::sqliteFile(m_dir.filePath(QStringLiteral("test.db")));
    } else {
        const QString server = postgresServerUrl();
        if (server.isEmpty()) {
            m_skipReason = QStringLiteral("REFUNDDESK_TEST_PG_URL is not set (./test.sh sets it)");
            return;
        }
        const DatabaseUrl serverUrl = DatabaseUrl::parse(server);
        m_pgName = QStringLiteral("refunddesk_test_%1_%2")
                       .arg(QCoreApplication::applicationPid())
                       .arg(counter.fetchAndAddRelaxed(1));
        adminExec(serverUrl, QStringLiteral("CREATE DATABASE %1").arg(m_pgName));
        m_url = serverUrl.withDatabaseName(m_pgName);
    }
    m_db = std::make_unique<Database>(m_url);
    m_available = true;
}

TestDatabase::~TestDatabase()
{
    m_db.reset();
    if (!m_pgName.isEmpty()) {
        try {
            adminExec(DatabaseUrl::parse(postgresServerUrl()),
                      QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_pgName));
        } catch (const DatabaseError &e) {
            qWarning("could not drop test database: %s", qPrintable(e.message()));
        }
    }
}

std::unique_ptr<Database> TestDatabase::openAnother() const
{
    return std::make_unique<Database>(m_url);
}
