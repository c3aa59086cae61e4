// The main window on a demo database, offscreen.

#include "policy/demodatagenerator.h"
#include "support/testdatabase.h"
#include "ui/mainwindow.h"

#include <QLineEdit>
#include <QTableView>
#include <QTest>

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void showsAndSearchesAccounts()
    {
        TestDatabase t(QStringLiteral("sqlite"));
        t.db().open();
        DemoOptions options;
        options.accounts = 300;
        DemoDataGenerator(t.db()).generate(options);

        MainWindow window(t.db());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *view = window.findChild<QTableView *>();
        QVERIFY(view);
        QAbstractItemModel *model = view->model();
        while (model->canFetchMore({}))
            model->fetchMore({});
        QCOMPARE(model->rowCount(), 300);

        auto *search = window.findChild<QLineEdit *>();
        QVERIFY(search);
        // The emails of the demo data carry the account id: search for one exactly.
        QTest::keyClicks(search, QStringLiteral(".123@"));
        QTRY_COMPARE(model->rowCount(), 1);
        QVERIFY(model->index(0, 1).data().toString().contains(QStringLiteral(".123@")));
        search->clear();
        QTRY_VERIFY(model->rowCount() > 1);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
