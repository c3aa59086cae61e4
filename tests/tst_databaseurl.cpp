// Parsing database URLs, and the messages for bad ones (no database needed).

#include "models/database.h"
#include "models/databaseerror.h"
#include "models/databaseurl.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

class TestDatabaseUrl : public QObject
{
    Q_OBJECT
private slots:
    void sqlite()
    {
        const DatabaseUrl url = DatabaseUrl::parse(QStringLiteral("sqlite:/var/lib/refunds.db"));
        QVERIFY(url.isValid());
        QCOMPARE(url.backend(), DatabaseUrl::Backend::Sqlite);
        QCOMPARE(url.path(), QStringLiteral("/var/lib/refunds.db"));
        QCOMPARE(url.toDisplayString(), QStringLiteral("sqlite:/var/lib/refunds.db"));
        QCOMPARE(DatabaseUrl::parse(QStringLiteral("sqlite:///tmp/x.db")).path(),
                 QStringLiteral("/tmp/x.db"));
        // A bare path, as typed: the same SQLite file (relative to the working folder).
        const DatabaseUrl bare = DatabaseUrl::parse(QStringLiteral("/var/lib/refunds.db"));
        QVERIFY(bare.isValid());
        QCOMPARE(bare.backend(), DatabaseUrl::Backend::Sqlite);
        QCOMPARE(bare.path(), QStringLiteral("/var/lib/refunds.db"));
        QCOMPARE(DatabaseUrl::parse(QStringLiteral("refunds.db")).path(),
                 QDir::current().absoluteFilePath(QStringLiteral("refunds.db")));
    }

    void postgres()
    {
        const DatabaseUrl url = DatabaseUrl::parse(
            QStringLiteral("postgresql://billing:s%40cret@db.internal:6543/refunds"));
        QVERIFY2(url.isValid(), qPrintable(url.errorString()));
        QCOMPARE(url.backend(), DatabaseUrl::Backend::Postgres);
        QCOMPARE(url.host(), QStringLiteral("db.internal"));
        QCOMPARE(url.port(), 6543);
        QCOMPARE(url.user(), QStringLiteral("billing"));
        QCOMPARE(url.password(), QStringLiteral("s@cret"));
        QCOMPARE(url.databaseName(), QStringLiteral("refunds"));
        QVERIFY(!url.toDisplayString().contains(QStringLiteral("cret")));
        QVERIFY(url.toDisplayString().contains(QStringLiteral("***")));
        QCOMPARE(DatabaseUrl::parse(QStringLiteral("postgresql://u@h/d")).port(), 5432);
    }

    // sslmode is honoured or refused, never dropped; it survives the round trip.
    void postgresSslMode()
    {
        const DatabaseUrl u = DatabaseUrl::parse(
            QStringLiteral("postgresql://billing@db.internal/refunds?sslmode=verify-full&"
                           "sslrootcert=/etc/ssl/team%20ca.pem"));
        QVERIFY2(u.isValid(), qPrintable(u.errorString()));
        QCOMPARE(u.sslMode(), QStringLiteral("verify-full"));
        QCOMPARE(u.sslRootCert(), QStringLiteral("/etc/ssl/team ca.pem"));
        const DatabaseUrl again = DatabaseUrl::parse(u.toString());
        QCOMPARE(again.sslMode(), u.sslMode());
        QCOMPARE(again.sslRootCert(), u.sslRootCert());
        QVERIFY(u.toDisplayString().contains(QLatin1String("sslmode=verify-full")));
        const DatabaseUrl wrong =
            DatabaseUrl::parse(QStringLiteral("postgresql://h/db?sslmode=required"));
        QVERIFY(!wrong.isValid());
        QVERIFY2(wrong.errorString().contains(QLatin1String("verify-full")),
                 qPrintable(wrong.errorString()));
        const DatabaseUrl unknown =
            DatabaseUrl::parse(QStringLiteral("postgresql://h/db?ssl=true"));
        QVERIFY(!unknown.isValid());
        QVERIFY2(unknown.errorString().contains(QLatin1String("\"ssl\"")),
                 qPrintable(unknown.errorString()));
    }

    void invalid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("scheme") << QStringLiteral("mysql://u@h/d");
        QTest::newRow("no db") << QStringLiteral("postgresql://u@h");
        QTest::newRow("no path") << QStringLiteral("sqlite:");
        QTest::newRow("no host") << QStringLiteral("postgresql:///d");
        QTest::newRow("other scheme, no slashes") << QStringLiteral("mysql:refunds");
    }
    void invalid()
    {
        QFETCH(QString, text);
        const DatabaseUrl url = DatabaseUrl::parse(text);
        QVERIFY(!url.isValid());
        QVERIFY(!url.errorString().isEmpty());
    }

    void passwordMaskedInErrors()
    {
        // Nothing listens on port 1: the message names the URL, never the password.
        Database db(DatabaseUrl::parse(QStringLiteral("postgresql://u:topsecret@127.0.0.1:1/x")));
        try {
            db.open();
            QFAIL("opening an unreachable server succeeded");
        } catch (const DatabaseError &e) {
            QVERIFY2(e.message().contains(QStringLiteral("postgresql://u:***@127.0.0.1:1/x")),
                     qPrintable(e.message()));
            QVERIFY(!e.message().contains(QStringLiteral("topsecret")));
            QVERIFY(!e.message().contains(QLatin1Char('\n')));
        }
        QCOMPARE(DatabaseUrl::maskPassword(QStringLiteral("foo://a:b@c")),
                 QStringLiteral("foo://a:***@c"));
    }

    void sqliteErrors()
    {
        QTemporaryDir dir;
        Database missingFolder(DatabaseUrl::sqliteFile(dir.filePath(QStringLiteral("nope/x.db"))));
        QVERIFY_THROWS_EXCEPTION(DatabaseError, missingFolder.open());

        const QString junk = dir.filePath(QStringLiteral("junk.db"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        Database notADatabase(DatabaseUrl::sqliteFile(junk));
        try {
            notADatabase.open();
            QFAIL("a junk file opened as a database");
        } catch (const DatabaseError &e) {
            QVERIFY2(e.message().contains(junk), qPrintable(e.message()));
            QVERIFY2(e.message().contains(QStringLiteral("not a database")),
                     qPrintable(e.message()));
        }
        QFile check(junk);
        QVERIFY(check.open(QIODevice::ReadOnly));
        QCOMPARE(check.readAll(), QByteArray(4096, 'x')); // left as it was
    }

    void resolveOrder()
    {
        qputenv("REFUNDDESK_DATABASE", "sqlite:/from/env.db");
        QCOMPARE(Database::resolveUrl(QStringLiteral("sqlite:/from/cli.db")).path(),
                 QStringLiteral("/from/cli.db"));
        QCOMPARE(Database::resolveUrl({}).path(), QStringLiteral("/from/env.db"));
        qunsetenv("REFUNDDESK_DATABASE");
        QVERIFY(Database::resolveUrl({}).path().endsWith(QStringLiteral("/refunddesk.db")));
    }
};

QTEST_GUILESS_MAIN(TestDatabaseUrl)
#include "tst_databaseurl.moc"
