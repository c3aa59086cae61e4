// The reviewer's desk on both backends, offscreen: the queue and its filters, the decision
// dialogs, keyboard triage, and what another reviewer does meanwhile.

#include "models/accountrepository.h"
#include "models/changewatcher.h"
#include "models/decisionrepository.h"
#include "models/externalidrepository.h"
#include "models/payouttablemodel.h"
#include "models/profilerepository.h"
#include "models/requestqueuemodel.h"
#include "models/requestrepository.h"
#include "models/sqlstatement.h"
#include "models/sqlwindowmodel.h"
#include "policy/demodatagenerator.h"
#include "policy/payoutbook.h"
#include "policy/refundworkflow.h"
#include "policy/rules/policyprofile.h"
#include "support/queryvalues.h"
#include "support/testdatabase.h"
#include "support/workflowshop.h"
#include "ui/accountview.h"
#include "ui/connectionbanner.h"
#include "ui/connectiondialog.h"
#include "ui/csvexportrunner.h"
#include "ui/decisiondialog.h"
#include "ui/mainwindow.h"
#include "ui/newrequestdialog.h"
#include "ui/notedialog.h"
#include "ui/payoutsview.h"
#include "ui/policyeditor.h"
#include "ui/queueview.h"
#include "ui/recordtableview.h"
#include "ui/reportdialog.h"
#include "ui/requestdetailview.h"
#include "ui/tablecelldelegate.h"
#include "ui/welcomepage.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QScrollArea>
#include <QScrollBar>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>
#include <QTranslator>

namespace {
void fill(Database &db)
{
    DemoOptions options;
    options.accounts = 160;
    options.until = QDate::currentDate().addDays(-1);
    DemoDataGenerator(db).generate(options);
    RefundWorkflow(db).triage();
}

// The window's model once its count is in.
RequestQueueModel *queueModel(MainWindow &w)
{
    auto *model = qobject_cast<RequestQueueModel *>(w.queue()->table()->model());
    return model;
}

template <typename T> T *waitForDialog(MainWindow &w)
{
    T *found = nullptr;
    const bool shown = QTest::qWaitFor(
        [&] {
            for (T *candidate : w.findChildren<T *>())
                if (candidate->isVisible())
                    found = candidate;
            return found != nullptr;
        },
        5000);
    return shown ? found : nullptr;
}

// Another reviewer, "mallory", denies the request through a connection of her own.
DecisionResult::Status denyElsewhere(const TestDatabase &t, qint64 id, const QString &note)
{
    std::unique_ptr<Database> other = t.openAnother();
    ReviewDecision d;
    d.requestId = id;
    d.action = ReviewAction::Deny;
    d.reviewer = QStringLiteral("mallory");
    d.note = note;
    d.allowOverride = true;
    return RefundWorkflow(*other).decide(d).status;
}

// Runs `act` on the modal dialog of type T once it shows: QInputDialog::getText and
// QMessageBox::question block in an event loop of their own.
template <typename T> void whenModal(std::function<void(T *)> act)
{
    auto *timer = new QTimer;
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, [timer, act] {
        if (auto *dialog = qobject_cast<T *>(QApplication::activeModalWidget())) {
            timer->stop();
            timer->deleteLater();
            act(dialog);
        }
    });
    timer->start();
}

void answer(QMessageBox *box, QMessageBox::StandardButton button)
{
    QVERIFY(box->button(button));
    box->button(button)->click();
}

void confirm(QWidget *dialog)
{
    // Ctrl+Enter is a window shortcut: it needs the dialog to be the active window, as it is
    // for a reviewer who just opened it.
    QApplication::setActiveWindow(dialog);
    QTest::keyClick(dialog, Qt::Key_Return, Qt::ControlModifier);
}
// One account: a desk with data shows its tabs, not the welcome page.
void addSomeone(Database &db)
{
    AccountRecord someone;
    someone.email = QStringLiteral("someone@example.com");
    someone.displayName = QStringLiteral("Someone");
    someone.profile = QStringLiteral("aidancing");
    someone.createdAt = 1'772'000'000;
    AccountRepository(db.connection()).create(someone);
}
} // namespace

class TestReviewerDesk : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("refunddesk-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_reviewerdesk"));
        QSettings().clear();
    }
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void queueShowsOpenRequestsWithRecommendations()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        fill(t.db());
        MainWindow w(t.db());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        RequestQueueModel *model = queueModel(w);
        const qint64 open =
            scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM refund_requests WHERE status IN"
                                          " ('new', 'pending', 'escalated')"));
        QVERIFY(open > 20);
        QTRY_VERIFY(model->isCountKnown());
        QCOMPARE(model->rowCount(), int(open));
        const int rec = model->fieldIndex(QStringLiteral("recommendation"));
        for (int row = 0; row < model->rowCount(); ++row) {
            const qint64 id = model->requestId(row);
            SqlStatement st(t.db().connection(),
                            QStringLiteral("SELECT rec_verdict FROM refund_requests WHERE id = ?"));
            st.bind(id).exec();
            QVERIFY(st.next());
            QCOMPARE(model->value(row, rec).toString(), st.value(0).toString());
            QVERIFY(!model->value(row, rec).toString().isEmpty()); // triage stored every one
        }
        // The detail pane shows the selected request with its outcome and history.
        QVERIFY(w.detail()->hasRequest());
        QCOMPARE(w.detail()->requestId(), model->requestId(0));
        QVERIFY(w.detail()->dossier().outcome.has_value());
        QVERIFY(!w.detail()->dossier().history.isEmpty());
        QVERIFY(!w.detail()->replyDraft().isEmpty());

        // Scrolled down on one request, the next opens at its top (the recommendation); a
        // reload of the same keeps the place.
        w.resize(1280, 600);
        auto *scroll = w.detail()->findChild<QScrollArea *>();
        QVERIFY(scroll);
        QTRY_VERIFY(scroll->verticalScrollBar()->maximum() > 0);
        scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
        w.detail()->reload();
        QVERIFY(scroll->verticalScrollBar()->value() > 0);
        QVERIFY(w.queue()->selectRequest(model->requestId(1)));
        QTRY_COMPARE(w.detail()->requestId(), model->requestId(1));
        QCOMPARE(scroll->verticalScrollBar()->value(), 0);
    }

    void connectingToAMistypedFileAsksFirst()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("a file path is SQLite's");
        QTemporaryDir dir;
        const QString typo = dir.filePath(QStringLiteral("refunds-typo.db"));
        ConnectionDialog dialog(DatabaseUrl::sqliteFile(typo), QStringLiteral("carol"));
        whenModal<QMessageBox>([](QMessageBox *box) { answer(box, QMessageBox::No); });
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(!QFile::exists(typo));
        const QList<QLabel *> labels = dialog.findChildren<QLabel *>();
        bool said = false;
        for (QLabel *l : labels)
            said = said || l->text().contains(QLatin1String("No database file at"));
        QVERIFY(said);
        whenModal<QMessageBox>([](QMessageBox *box) { answer(box, QMessageBox::Yes); });
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(QFile::exists(typo));
    }

    // A lead edits the company's policy by keyboard: opens a built-in profile, saves it under
    // the company's id as version 1, is told the first wrong field, previews and compares.
    void policyEditorByKeyboard()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        PolicyEditor editor(t.db());
        editor.setAuthor(QStringLiteral("lea"));
        editor.resize(1400, 900);
        editor.show();
        QApplication::setActiveWindow(&editor);
        QVERIFY(editor.open(QStringLiteral("aidancing")));
        auto type = [&](const char *field, const QString &text) {
            QWidget *w =
                editor.findChild<QWidget *>(QLatin1String("field_") + QLatin1String(field));
            QVERIFY(w);
            w->setFocus();
            QTest::keyClick(w, Qt::Key_A, Qt::ControlModifier);
            QTest::keyClicks(w, text);
        };
        type("id", QStringLiteral("acme"));
        type("company", QStringLiteral("Acme"));
        type("respond_within_business_days", QStringLiteral("5"));
        QTest::keyClick(&editor, Qt::Key_S, Qt::ControlModifier);
        QVERIFY2(editor.problem().contains(QLatin1String("version 1")),
                 qPrintable(editor.problem()));
        const auto stored = ProfileRepository(t.db().connection()).latest(QStringLiteral("acme"));
        QVERIFY(stored);
        QCOMPARE(stored->createdBy, QStringLiteral("lea"));
        const auto saved = PolicyProfile::fromJson(stored->body, nullptr);
        QCOMPARE(saved->respondWithinBusinessDays, std::optional<int>(5));
        QCOMPARE(saved->company, QStringLiteral("Acme"));
        // Nothing changed: nothing saved.
        QTest::keyClick(&editor, Qt::Key_S, Qt::ControlModifier);
        QVERIFY2(editor.problem().contains(QLatin1String("Nothing changed")),
                 qPrintable(editor.problem()));
        // A built-in id, then a broken field: refused, naming it, and the field has the focus.
        type("id", QStringLiteral("aidancing"));
        QTest::keyClick(&editor, Qt::Key_S, Qt::ControlModifier);
        QVERIFY2(editor.problem().contains(QLatin1String("built-in")),
                 qPrintable(editor.problem()));
        type("id", QStringLiteral("Acme Corp"));
        QTest::keyClick(&editor, Qt::Key_S, Qt::ControlModifier);
        QVERIFY2(editor.problem().startsWith(QLatin1String("Not saved: id")),
                 qPrintable(editor.problem()));
        QCOMPARE(QApplication::focusWidget(),
                 editor.findChild<QWidget *>(QStringLiteral("field_id")));
        QCOMPARE(ProfileRepository(t.db().connection()).latestVersion(QStringLiteral("acme")), 1);
        // Compared with version 1: the one field changed, side by side.
        type("id", QStringLiteral("acme"));
        type("company", QStringLiteral("Acme Inc"));
        QVERIFY(editor.open(QStringLiteral("acme")) && editor.draftJson().contains("\"Acme\""));
        type("company", QStringLiteral("Acme Inc"));
        auto *versions = editor.findChild<QTableWidget *>(QStringLiteral("versions"));
        QCOMPARE(versions->rowCount(), 1);
        versions->selectRow(0);
        for (QPushButton *b : editor.findChildren<QPushButton *>())
            if (b->text().contains(QLatin1String("Co&mpare")))
                b->click();
        auto *diff = editor.findChild<QTableWidget *>(QStringLiteral("diff"));
        QCOMPARE(diff->rowCount(), 1);
        QCOMPARE(diff->item(0, 0)->text(), QStringLiteral("company"));
        QCOMPARE(diff->item(0, 1)->text(), QStringLiteral("\"Acme\""));
        QCOMPARE(diff->item(0, 2)->text(), QStringLiteral("\"Acme Inc\""));
        // Two saved versions side by side: open one (double-click), compare with the other.
        QTest::keyClick(&editor, Qt::Key_S, Qt::ControlModifier); // version 2: "Acme Inc"
        QCOMPARE(versions->rowCount(), 2);
        emit versions->cellDoubleClicked(1, 0); // version 1 into the form
        QVERIFY(editor.draftJson().contains("\"Acme\""));
        versions->selectRow(0); // version 2
        for (QPushButton *b : editor.findChildren<QPushButton *>())
            if (b->text().contains(QLatin1String("Co&mpare")))
                b->click();
        QCOMPARE(diff->rowCount(), 1);
        QCOMPARE(diff->item(0, 1)->text(), QStringLiteral("\"Acme Inc\""));
        QCOMPARE(diff->item(0, 2)->text(), QStringLiteral("\"Acme\""));
        // An account goes on the profile from here, with its audit row.
        AccountRecord customer;
        customer.email = QStringLiteral("acme-customer@example.com");
        customer.displayName = QStringLiteral("Acme customer");
        customer.profile = QStringLiteral("aidancing");
        customer.createdAt = 1'772'000'000;
        const qint64 id = AccountRepository(t.db().connection()).create(customer);
        auto *account = editor.findChild<QLineEdit *>(QStringLiteral("assignAccount"));
        account->setFocus();
        QTest::keyClicks(account, QString::number(id));
        editor.findChild<QPushButton *>(QStringLiteral("assignOne"))->click();
        QCOMPARE(AccountRepository(t.db().connection()).find(id)->profile, QStringLiteral("acme"));
        QVERIFY2(editor.problem().contains(QLatin1String("1 account(s) now on acme")),
                 qPrintable(editor.problem()));
        // The preview runs on its own thread and says what it evaluated.
        editor.findChild<QPushButton *>(QStringLiteral("previewButton"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(!editor.isPreviewRunning(), 20000);
        const QString result =
            editor.findChild<QTextBrowser *>(QStringLiteral("previewResult"))->toPlainText();
        QVERIFY2(result.contains(QLatin1String("evaluated in")), qPrintable(result));
    }

    // A 1280x720 laptop: the window fits, and the queue's filters wrap onto a second row
    // instead of covering one another.
    // In English, German and French the desk fits 1280 pixels, its menus are in the language,
    // and no two entries of a menu (nor two menus) share an Alt key.
    void translatedDesksFitAndKeepTheirAltKeys_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::addColumn<QString>("fileMenu");
        QTest::newRow("English") << QStringLiteral("en_US") << QStringLiteral("&File");
        QTest::newRow("German") << QStringLiteral("de_DE") << QStringLiteral("&Datei");
        QTest::newRow("French") << QStringLiteral("fr_FR") << QStringLiteral("&Fichier");
    }
    void translatedDesksFitAndKeepTheirAltKeys()
    {
        QFETCH(QString, locale);
        QFETCH(QString, fileMenu);
        REFUNDDESK_FRESH_DATABASE(t);
        if (backend != QLatin1String("sqlite"))
            QSKIP("once is enough");
        t.db().open();
        QLocale::setDefault(QLocale(locale));
        QTranslator ours;
        // English is the source language: there is no catalogue to load for it.
        QCOMPARE(ours.load(QLocale(locale), QStringLiteral("refunddesk"), QStringLiteral("_"),
                           QStringLiteral(":/i18n")),
                 !locale.startsWith(QLatin1String("en")));
        QCoreApplication::installTranslator(&ours);
        const auto restore = qScopeGuard([&] {
            QCoreApplication::removeTranslator(&ours);
            QLocale::setDefault(QLocale::c());
        });
        addSomeone(t.db());
        MainWindow w(t.db());
        QVERIFY2(w.minimumSizeHint().width() <= 1280,
                 qPrintable(QString::number(w.minimumSizeHint().width())));
        static const QRegularExpression mnemonic(QStringLiteral("&([^&\\s])"));
        const auto key = [](const QString &text) {
            const QRegularExpressionMatch m = mnemonic.match(text);
            return m.hasMatch() ? m.captured(1).toLower() : QString();
        };
        QStringList titles;
        QSet<QString> menuKeys;
        for (QAction *menuAction : w.menuBar()->actions()) {
            titles << menuAction->text();
            const QString k = key(menuAction->text());
            QVERIFY2(!k.isEmpty() && !menuKeys.contains(k), qPrintable(menuAction->text()));
            menuKeys.insert(k);
            QSet<QString> keys;
            for (QAction *a : menuAction->menu()->actions()) {
                if (a->isSeparator() || !a->isVisible())
                    continue;
                const QString k2 = key(a->text());
                QVERIFY2(!k2.isEmpty(), qPrintable(a->text() + QStringLiteral(": no Alt key")));
                QVERIFY2(!keys.contains(k2),
                         qPrintable(menuAction->text() + QStringLiteral(": ") + a->text() +
                                    QStringLiteral(" shares &") + k2));
                keys.insert(k2);
            }
        }
        QCOMPARE(titles.first(), fileMenu);
    }

    void theDeskFitsA1280PixelScreen()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        addSomeone(t.db()); // a desk with data shows its tabs, not the welcome page
        MainWindow w(t.db());
        QVERIFY2(w.minimumSizeHint().width() <= 1280,
                 qPrintable(QString::number(w.minimumSizeHint().width())));
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.width(), 1280);
        auto *views = w.queue()->findChild<QComboBox *>(QStringLiteral("savedViews"));
        auto *status = w.queue()->findChild<QComboBox *>(QStringLiteral("statusFilter"));
        QVERIFY(views && status);
        const QRect a(views->mapTo(&w, QPoint(0, 0)), views->size());
        const QRect b(status->mapTo(&w, QPoint(0, 0)), status->size());
        QVERIFY(!a.intersects(b));
        QVERIFY(w.rect().contains(a) && w.rect().contains(b));
    }

    void aRememberedPasswordNeverStaysInTheSettingsFile()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("no database involved");
        // An older version kept it in plain text: opening the dialog moves it out (to the
        // system keychain where there is one) and the settings file no longer holds it.
        QSettings().setValue(QStringLiteral("connection/password"), QStringLiteral("s3cret"));
        QSettings().setValue(QStringLiteral("connection/user"), QStringLiteral("billing"));
        QSettings().setValue(QStringLiteral("connection/rememberPassword"), true);
        {
            ConnectionDialog dialog(DatabaseUrl::sqliteFile(QStringLiteral("/tmp/x.db")),
                                    QStringLiteral("carol"));
        }
        QSettings settings;
        QVERIFY(!settings.contains(QStringLiteral("connection/password")));
        // Whether it is remembered is the keychain's to say: nothing about it stays here.
        QVERIFY(!settings.contains(QStringLiteral("connection/rememberPassword")));
        for (const QString &key : settings.allKeys())
            QVERIFY2(settings.value(key).toString() != QLatin1String("s3cret"), qPrintable(key));
    }

    // The Connect dialog offers encryption: its choice reaches the URL and is remembered.
    void connectDialogOffersEncryption()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("no database involved");
        DatabaseUrl pg =
            DatabaseUrl::postgres(QStringLiteral("db.internal"), 5432, QStringLiteral("billing"),
                                  {}, QStringLiteral("refunds"));
        pg.setSsl(QStringLiteral("verify-full"), QStringLiteral("/etc/ssl/team.pem"));
        ConnectionDialog dialog(pg, QStringLiteral("carol"));
        QCOMPARE(dialog.url().sslMode(), QStringLiteral("verify-full"));
        QCOMPARE(dialog.url().sslRootCert(), QStringLiteral("/etc/ssl/team.pem"));
        auto *mode = dialog.findChild<QComboBox *>();
        QVERIFY(mode);
        mode->setCurrentIndex(mode->findData(QStringLiteral("require")));
        QCOMPARE(dialog.url().sslMode(), QStringLiteral("require"));
        QVERIFY(dialog.url().sslRootCert().isEmpty());
        // What a dialog accepted earlier remembered comes back.
        QSettings().setValue(QStringLiteral("connection/kind"), QStringLiteral("postgresql"));
        QSettings().setValue(QStringLiteral("connection/sslmode"), QStringLiteral("require"));
        QSettings().setValue(QStringLiteral("connection/host"), QStringLiteral("db.internal"));
        QSettings().setValue(QStringLiteral("connection/database"), QStringLiteral("refunds"));
        QSettings().setValue(QStringLiteral("connection/user"), QStringLiteral("billing"));
        QCOMPARE(ConnectionDialog::rememberedUrl().sslMode(), QStringLiteral("require"));
        QVERIFY(ConnectionDialog::rememberedUrl().toString().contains(
            QLatin1String("sslmode=require")));
        ConnectionDialog again(DatabaseUrl::sqliteFile(QStringLiteral("/tmp/x.db")),
                               QStringLiteral("carol"));
        QCOMPARE(again.findChild<QComboBox *>()->currentData().toString(),
                 QStringLiteral("require"));
        for (const char *key : {"kind", "sslmode", "host", "database", "user"})
            QSettings().remove(QStringLiteral("connection/") + QLatin1String(key));
    }

    void reportDialogMnemonicsDoNotCollide()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("no database involved");
        ReportDialog dialog(SqlDialect(SqlDialect::Kind::Sqlite));
        // Alt+E exports; the byte-order-mark box has a letter of its own.
        QKeySequence exportKeys;
        QStringList mnemonics;
        for (QAbstractButton *b : dialog.findChildren<QAbstractButton *>()) {
            const QKeySequence keys = QKeySequence::mnemonic(b->text());
            if (keys.isEmpty())
                continue;
            QVERIFY2(!mnemonics.contains(keys.toString()), qPrintable(b->text()));
            mnemonics << keys.toString();
            if (b->text().startsWith(QLatin1String("&Export")))
                exportKeys = keys;
        }
        QCOMPARE(exportKeys, QKeySequence(Qt::ALT | Qt::Key_E));
    }

    void theLedgerShowsEntryTypesAsWords()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        fill(t.db());
        MainWindow w(t.db());
        w.show();
        w.showPage(2); // the ledger
        // The Ledger's table: the one whose model has the entry type.
        QTableView *table = nullptr;
        SqlWindowModel *model = nullptr;
        for (RecordTableView *view : w.findChildren<RecordTableView *>())
            for (QTableView *candidate : view->findChildren<QTableView *>())
                if (auto *m = qobject_cast<SqlWindowModel *>(candidate->model());
                    m && m->fieldIndex(QStringLiteral("entry_type")) >= 0) {
                    table = candidate;
                    model = m;
                }
        QVERIFY(table && model);
        QTRY_VERIFY(model->rowCount() > 0);
        const int type = model->fieldIndex(QStringLiteral("entry_type"));
        QVERIFY(type >= 0);
        auto *delegate = qobject_cast<TableCellDelegate *>(table->itemDelegateForColumn(type));
        QVERIFY(delegate);
        QStringList shown;
        for (int row = 0; row < std::min(model->rowCount(), 50); ++row)
            shown << delegate->shownText(model->index(row, type));
        QVERIFY2(shown.contains(QStringLiteral("Purchase")),
                 qPrintable(shown.join(QStringLiteral(","))));
        for (const QString &s : shown)
            QVERIFY2(!s.contains(QLatin1Char('_')) && s.at(0).isUpper(), qPrintable(s));
    }

    void escapeLeavesTheSearchBox()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        fill(t.db());
        MainWindow w(t.db());
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.action(QStringLiteral("search"))->trigger();
        auto *search = QApplication::focusWidget();
        QVERIFY(qobject_cast<QLineEdit *>(search));
        QTest::keyClicks(search, QStringLiteral("example"));
        QTest::keyClick(search, Qt::Key_Escape);
        QCOMPARE(QApplication::focusWidget(), w.queue()->table());
        QCOMPARE(qobject_cast<QLineEdit *>(search)->text(), QStringLiteral("example"));
    }

    void filtersAndSearchNarrowTheQueue()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        fill(t.db());
        MainWindow w(t.db());
        w.show();
        RequestQueueModel *model = queueModel(w);
        auto *status = w.queue()->findChildren<QComboBox *>().at(0);
        auto *type = w.queue()->findChildren<QComboBox *>().at(1);
        status->setCurrentIndex(status->count() - 1); // all statuses
        type->setCurrentIndex(type->findData(QStringLiteral("duplicate_charge")));
        QTRY_VERIFY(model->isCountKnown());
        QCOMPARE(model->rowCount(),
                 int(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM refund_requests"
                                                   " WHERE type = 'duplicate_charge'"))));
        QVERIFY(model->rowCount() > 0);
        type->setCurrentIndex(0);

        // Search by request id, then by part of an email.
        const qint64 some = scalar(t.db(), QStringLiteral("SELECT MAX(id) FROM refund_requests"));
        auto *search = w.queue()->findChild<QLineEdit *>();
        search->setText(QStringLiteral("#%1").arg(some));
        QTest::keyClick(search, Qt::Key_Return);
        // The number may also be a purchase, job or account id: every row names it somewhere.
        QTRY_VERIFY(model->isCountKnown() && model->rowCount() >= 1 && model->rowCount() <= 4);
        bool found = false;
        for (int row = 0; row < model->rowCount(); ++row) {
            found = found || model->requestId(row) == some;
            QVERIFY(model->requestId(row) == some ||
                    model->value(row, QStringLiteral("purchase_id")).toLongLong() == some ||
                    model->value(row, QStringLiteral("job_id")).toLongLong() == some ||
                    model->value(row, QStringLiteral("account_id")).toLongLong() == some);
        }
        QVERIFY(found);
        const QString email =
            SqlStatement::scalar(
                t.db().connection(),
                QStringLiteral("SELECT a.email FROM refund_requests r JOIN accounts"
                               " a ON a.id = r.account_id WHERE r.id = ?"),
                {some})
                .toString();
        search->setText(email.left(email.indexOf(QLatin1Char('@'))).toUpper());
        QTest::keyClick(search, Qt::Key_Return);
        QTRY_VERIFY(model->isCountKnown());
        QVERIFY(model->rowCount() >= 1);
        for (int row = 0; row < model->rowCount(); ++row)
            QVERIFY(model->value(row, QStringLiteral("email"))
                        .toString()
                        .startsWith(email.left(email.indexOf(QLatin1Char('@')))));

        // "Overdue": open requests whose answer date has passed.
        search->clear();
        QTest::keyClick(search, Qt::Key_Return);
        status->setCurrentIndex(0);
        w.queue()->findChildren<QCheckBox *>().at(1)->setChecked(true);
        QTRY_VERIFY(model->isCountKnown());
        QCOMPARE(
            model->rowCount(),
            int(scalar(t.db(),
                       QStringLiteral("SELECT COUNT(*) FROM refund_requests WHERE status IN"
                                      " ('new', 'pending', 'escalated') AND rec_respond_by < ?"),
                       {QDate::currentDate().toString(Qt::ISODate)})));
    }

    void savedViewsKeepTheFilters()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        fill(t.db());
        QSettings().remove(QStringLiteral("queue/savedViews"));
        MainWindow w(t.db());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        RequestQueueModel *model = queueModel(w);
        QueueView *queue = w.queue();
        auto *views = queue->findChild<QComboBox *>(QStringLiteral("savedViews"));
        auto *save = queue->findChild<QToolButton *>(QStringLiteral("saveView"));
        auto *remove = queue->findChild<QToolButton *>(QStringLiteral("deleteView"));
        QVERIFY(views && save && remove);
        QCOMPARE(views->count(), 1); // only the "Saved views" heading
        QVERIFY(!remove->isEnabled());

        // Every pending request of any type, searched for ".org": saved as a view.
        QueueFilter pendingOrg;
        pendingOrg.statuses = {QStringLiteral("pending")};
        pendingOrg.search = QStringLiteral(".org");
        queue->applyFilter(pendingOrg);
        QTRY_VERIFY(model->isCountKnown());
        const int expected = int(scalar(
            t.db(), QStringLiteral("SELECT COUNT(*) FROM refund_requests r JOIN accounts a ON"
                                   " a.id = r.account_id WHERE r.status = 'pending' AND"
                                   " (a.email LIKE '%.org%' OR a.display_name LIKE '%.org%')")));
        QVERIFY(expected > 0);
        QCOMPARE(model->rowCount(), expected);
        whenModal<QInputDialog>([](QInputDialog *dialog) {
            dialog->setTextValue(QStringLiteral("  Pending .org  "));
            dialog->accept();
        });
        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(views->count(), 2);
        QCOMPARE(views->currentText(), QStringLiteral("Pending .org")); // trimmed
        QVERIFY(remove->isEnabled());

        // Elsewhere, then back through the list (from the keyboard, as a reviewer would).
        QueueFilter legal;
        legal.type = QStringLiteral("legal");
        queue->applyFilter(legal);
        QTRY_VERIFY(model->isCountKnown());
        views->setCurrentIndex(0);
        views->setFocus();
        QTest::keyClick(views, Qt::Key_Down);
        QTRY_VERIFY(model->isCountKnown());
        QCOMPARE(model->queueFilter().statuses, pendingOrg.statuses);
        QCOMPARE(model->queueFilter().search, pendingOrg.search);
        QVERIFY(model->queueFilter().type.isEmpty());
        QCOMPARE(model->rowCount(), expected);
        QCOMPARE(queue->findChild<QLineEdit *>()->text(), QStringLiteral(".org"));

        // Saving over it asks first: No keeps the saved filters.
        queue->applyFilter(legal);
        whenModal<QInputDialog>([](QInputDialog *dialog) {
            whenModal<QMessageBox>([](QMessageBox *box) { answer(box, QMessageBox::No); });
            dialog->setTextValue(QStringLiteral("Pending .org"));
            dialog->accept();
        });
        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(views->count(), 2);
        views->setCurrentIndex(0);
        QTest::keyClick(views, Qt::Key_Down);
        QTRY_VERIFY(model->isCountKnown());
        QVERIFY(model->queueFilter().type.isEmpty());
        QCOMPARE(model->rowCount(), expected);

        // Deleting asks too; No keeps it, Yes removes it for good.
        whenModal<QMessageBox>([](QMessageBox *box) {
            QVERIFY(box->text().contains(QStringLiteral("Pending .org")));
            answer(box, QMessageBox::No);
        });
        QTest::mouseClick(remove, Qt::LeftButton);
        QCOMPARE(views->count(), 2);
        whenModal<QMessageBox>([](QMessageBox *box) { answer(box, QMessageBox::Yes); });
        QTest::mouseClick(remove, Qt::LeftButton);
        QCOMPARE(views->count(), 1);
        QVERIFY(!remove->isEnabled());
        QVERIFY(QSettings().value(QStringLiteral("queue/savedViews")).toMap().isEmpty());
    }

    void approveThroughTheDialogWritesTheDecision()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        fill(t.db());
        const qint64 id =
            scalar(t.db(), QStringLiteral("SELECT id FROM refund_requests WHERE status IN ('new',"
                                          " 'pending', 'escalated') AND rec_verdict = 'review' AND"
                                          " rec_remedy = 'money_refund' AND type <> 'chargeback'"
                                          " ORDER BY id LIMIT 1"));
        QVERIFY(id > 0);
        MainWindow w(t.db());
        w.setReviewer(QStringLiteral("carol"));
        w.show();
        QVERIFY(w.queue()->selectRequest(id) ||
                (w.queue()->applyFilter({}), w.queue()->selectRequest(id)));
        QCOMPARE(w.detail()->requestId(), id);
        const qint64 recommended = w.detail()->dossier().outcome->refundCents;

        w.action(QStringLiteral("approve"))->trigger();
        auto *dialog = waitForDialog<DecisionDialog>(w);
        QVERIFY(dialog);
        QVERIFY(!dialog->isOverride());
        // REFUNDDESK_SCREENSHOTS=dir keeps pictures of the window and the dialog to look at.
        if (const QString dir = qEnvironmentVariable("REFUNDDESK_SCREENSHOTS"); !dir.isEmpty()) {
            w.grab().save(dir + QStringLiteral("/desk.png"));
            dialog->grab().save(dir + QStringLiteral("/approve-dialog.png"));
        }
        confirm(dialog);
        QTRY_VERIFY(!dialog->isVisible());

        const auto request = RequestRepository(t.db().connection()).find(id);
        QCOMPARE(request->status, QStringLiteral("approved"));
        SqlStatement d(t.db().connection(),
                       QStringLiteral("SELECT reviewer, refund_cents, verdict FROM decisions"
                                      " WHERE request_id = ?"));
        d.bind(id).exec();
        QVERIFY(d.next());
        QCOMPARE(d.value(0).toString(), QStringLiteral("carol"));
        QCOMPARE(d.value(1).toLongLong(), recommended);
        QCOMPARE(d.value(2).toString(), QStringLiteral("approve"));
        // The decided request left the open queue; the row shows the next one.
        RequestQueueModel *model = queueModel(w);
        QTRY_VERIFY(model->isCountKnown());
        for (int row = 0; row < model->rowCount(); ++row)
            QVERIFY(model->requestId(row) != id);
        QVERIFY(w.detail()->requestId() != id);
    }

    void theDialogSaysWhatGoesBackAndWhatWasGiven()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        // An unused-credits refund overridden on a purchase of which 40 credits were spent.
        const qint64 a = shop.account(QStringLiteral("aidancing"));
        const qint64 p = shop.purchase(a, 300, 2000, 88);
        shop.workflow.recordJob(a, 40, QStringLiteral("gen"));
        const qint64 r = shop.request(a, QStringLiteral("unused_credits"), p);
        // Another purchase already refunded once: the second request of that type.
        const qint64 b = shop.account(QStringLiteral("hummingbytes"));
        const qint64 q = shop.purchase(b, 300, 2000, 88);
        const qint64 first = shop.request(b, QStringLiteral("unused_credits"), q);
        const qint64 second = shop.request(b, QStringLiteral("unused_credits"), q);
        shop.workflow.triage();
        QCOMPARE(shop.decide(first, ReviewAction::Approve).status,
                 DecisionResult::Status::Approved);

        MainWindow w(t.db());
        w.setReviewer(QStringLiteral("carol"));
        w.show();
        const QString shots = qEnvironmentVariable("REFUNDDESK_SCREENSHOTS");
        auto open = [&](qint64 id) {
            if (!w.queue()->selectRequest(id)) {
                w.queue()->applyFilter({});
                QTRY_VERIFY(w.queue()->selectRequest(id));
            }
            QTRY_COMPARE(w.detail()->requestId(), id);
            w.action(QStringLiteral("approve"))->trigger();
        };

        open(r);
        auto *dialog = waitForDialog<DecisionDialog>(w);
        QVERIFY(dialog);
        QVERIFY(dialog->isOverride());
        auto *credits = dialog->findChild<QLabel *>(QStringLiteral("creditsTakenBack"));
        QVERIFY(credits);
        QVERIFY2(credits->text().contains(QLatin1String("260")) &&
                     credits->text().contains(QLatin1String("40")),
                 qPrintable(credits->text()));
        QVERIFY(!dialog->findChild<QLabel *>(QStringLiteral("priorCompensation")));
        if (!shots.isEmpty())
            dialog->grab().save(shots + QStringLiteral("/approve-takes-credits-back.png"));
        dialog->reject();
        QTRY_VERIFY(!dialog->isVisible());

        open(second);
        dialog = waitForDialog<DecisionDialog>(w);
        QVERIFY(dialog);
        auto *prior = dialog->findChild<QLabel *>(QStringLiteral("priorCompensation"));
        QVERIFY(prior);
        QVERIFY2(
            prior->text().contains(QStringLiteral("19.12 USD refunded by request %1").arg(first)),
            qPrintable(prior->text()));
        auto *approve = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!approve->isEnabled());
        QVERIFY(!approve->toolTip().isEmpty());
        if (!shots.isEmpty())
            dialog->grab().save(shots + QStringLiteral("/approve-already-compensated.png"));
        // Ctrl+Enter cannot get past it either.
        confirm(dialog);
        QVERIFY(dialog->isVisible());
        QCOMPARE(shop.status(second), QStringLiteral("pending"));
        dialog->reject();
    }

    void newRequestByKeyboard()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        shop.clock = QDateTime::currentSecsSinceEpoch() - 86400;
        const qint64 a = shop.account(QStringLiteral("hummingbytes"));
        const qint64 p = shop.purchase(a, 300, 2000, 88);
        MainWindow w(t.db());
        w.setReviewer(QStringLiteral("carol"));
        w.show();
        QApplication::setActiveWindow(&w);
        bool driven = false;
        QString recommendation;
        QString missingBefore;
        whenModal<NewRequestDialog>([&](NewRequestDialog *dialog) {
            QApplication::setActiveWindow(dialog);
            auto keys = [](const QString &text) {
                QTest::keyClicks(QApplication::focusWidget(), text);
            };
            auto key = [](Qt::Key k, Qt::KeyboardModifiers m = Qt::NoModifier) {
                QTest::keyClick(QApplication::focusWidget(), k, m);
            };
            keys(QStringLiteral("user1@example.com"));
            auto *email = dialog->findChild<QLineEdit *>(QStringLiteral("email"));
            QVERIFY(email->completer()->completionCount() >= 1); // it was offered
            // The list of completions has the keyboard while it shows: Escape closes it.
            if (email->completer()->popup()->isVisible())
                QTest::keyClick(email->completer()->popup(), Qt::Key_Escape);
            QVERIFY(!email->completer()->popup()->isVisible());
            key(Qt::Key_Tab); // the account is looked up; on to the type
            QCOMPARE(QApplication::focusWidget()->objectName(), QStringLiteral("type"));
            missingBefore = dialog->findChild<QLabel *>(QStringLiteral("missing"))->text();
            key(Qt::Key_Down); // failed_job -> unused_credits
            key(Qt::Key_Tab);  // purchase: the latest is chosen
            key(Qt::Key_Tab);  // job
            key(Qt::Key_Tab);  // amount
            key(Qt::Key_Tab);  // message
            keys(QStringLiteral("Bought by mistake, never used them."));
            key(Qt::Key_Tab); // ticket
            keys(QStringLiteral("T-77"));
            recommendation = dialog->findChild<QLabel *>(QStringLiteral("recommendation"))->text();
            if (const QString dir = qEnvironmentVariable("REFUNDDESK_SCREENSHOTS"); !dir.isEmpty())
                dialog->grab().save(dir + QStringLiteral("/new-request.png"));
            key(Qt::Key_Return, Qt::ControlModifier);
            driven = true;
        });
        QTest::keyClick(&w, Qt::Key_N, Qt::ControlModifier);
        QTRY_VERIFY(driven);
        QVERIFY2(recommendation.contains(QLatin1String("Approve")) &&
                     recommendation.contains(QLatin1String("19.12 USD")),
                 qPrintable(recommendation));
        QVERIFY2(missingBefore.contains(QLatin1String("hummingbytes")), qPrintable(missingBefore));
        const auto id = ExternalIdRepository(t.db().connection())
                            .find(ExternalIdRepository::Kind::Request, QStringLiteral("T-77"));
        QVERIFY(id);
        const auto r = RequestRepository(t.db().connection()).find(*id);
        QCOMPARE(r->type, QStringLiteral("unused_credits"));
        QCOMPARE(r->purchaseId, p);
        QCOMPARE(r->accountId, a);
        QCOMPARE(r->message, QStringLiteral("Bought by mistake, never used them."));
        QCOMPARE(r->status, QStringLiteral("pending")); // triaged on arrival
        QCOMPARE(r->recommendation.verdict, QStringLiteral("approve"));
        QTRY_COMPARE(w.detail()->requestId(), *id);
    }

    void anEmptyDatabaseWelcomesWithAnImport()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        MainWindow w(t.db());
        w.show();
        WelcomePage *welcome = w.welcome();
        QVERIFY(welcome);
        QVERIFY(welcome->isVisible());
        QTemporaryDir dir;
        auto write = [&](const QString &name, const QByteArray &text) {
            QFile f(dir.filePath(name));
            if (!f.open(QIODevice::WriteOnly))
                return QString();
            f.write(text);
            return f.fileName();
        };
        const QByteArray account =
            "{\"id\":\"e1\",\"type\":\"account.upserted\",\"at\":\"2026-03-01T10:00:00Z\","
            "\"data\":{\"account\":\"A-1\",\"email\":\"ana@example.com\",\"name\":\"Ana\","
            "\"profile\":\"vysage\"}}\n";
        const QByteArray purchase =
            "{\"id\":\"e2\",\"type\":\"purchase.completed\",\"at\":\"2026-03-01T10:00:00Z\","
            "\"data\":{\"purchase\":\"P-1\",\"account\":\"A-1\",\"credits\":100,"
            "\"amount_cents\":900,\"currency\":\"EUR\",\"payment_ref\":\"pi_1\"}}\n";
        const QByteArray ticket =
            "{\"id\":\"e3\",\"type\":\"refund.requested\",\"at\":\"2026-03-02T10:00:00Z\","
            "\"data\":{\"request\":\"T-1\",\"account\":\"A-1\",\"type\":\"unused_credits\","
            "\"purchase\":\"P-1\"}}\n";
        // Refused: the problem is listed, nothing written, the page stays.
        welcome->importFile(write(QStringLiteral("bad.ndjson"),
                                  account + QByteArray(purchase).replace("EUR", "eur")));
        QTRY_VERIFY(!welcome->isBusy());
        auto *problems = welcome->findChild<QPlainTextEdit *>(QStringLiteral("welcomeProblems"));
        QVERIFY(problems->isVisible());
        QVERIFY2(problems->toPlainText().startsWith(
                     QLatin1String("line 2 (e2): data.currency: \"eur\" is not an ISO 4217 code")),
                 qPrintable(problems->toPlainText()));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM accounts")), 0);
        QVERIFY(welcome->isVisible());
        // Accepted: the queue takes over, with the ticket triaged.
        welcome->importFile(write(QStringLiteral("good.ndjson"), account + purchase + ticket));
        QTRY_VERIFY(!welcome->isVisible());
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM refund_requests WHERE"
                                               " rec_verdict = 'deny'")),
                 1);
        RequestQueueModel *model = queueModel(w);
        QTRY_VERIFY(model && model->isCountKnown() && model->rowCount() == 1);
    }

    void denyNeedsAReasonAndAnOverrideNeedsANote()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        fill(t.db());
        const qint64 deniable =
            scalar(t.db(), QStringLiteral("SELECT id FROM refund_requests WHERE status IN ('new',"
                                          " 'pending', 'escalated') AND rec_verdict = 'deny' AND"
                                          " purchase_id IS NOT NULL AND type IN ('unused_credits',"
                                          " 'accidental_purchase') ORDER BY id LIMIT 1"));
        const qint64 review = scalar(
            t.db(), QStringLiteral("SELECT r.id FROM refund_requests r JOIN accounts a ON"
                                   " a.id = r.account_id WHERE r.status IN ('new', 'pending',"
                                   " 'escalated') AND r.rec_verdict = 'review'"
                                   " AND r.type <> 'chargeback' ORDER BY r.id LIMIT 1"));
        QVERIFY(deniable > 0 && review > 0);
        MainWindow w(t.db());
        w.setReviewer(QStringLiteral("dave"));
        w.show();
        w.queue()->applyFilter({});

        // Approving what the policy denies is an override: a note is required.
        QVERIFY(w.queue()->selectRequest(deniable));
        w.action(QStringLiteral("approve"))->trigger();
        auto *dialog = waitForDialog<DecisionDialog>(w);
        QVERIFY(dialog);
        QVERIFY(dialog->isOverride());
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("overrideWarning")));
        auto *note = dialog->findChild<QPlainTextEdit *>();
        note->clear();
        confirm(dialog);
        if (const QString dir = qEnvironmentVariable("REFUNDDESK_SCREENSHOTS"); !dir.isEmpty())
            dialog->grab().save(dir + QStringLiteral("/override-dialog.png"));
        auto *error = dialog->findChild<QLabel *>(QStringLiteral("decisionError"));
        QVERIFY(dialog->isVisible());
        QVERIFY(error->isVisible());
        QVERIFY(error->text().contains(QLatin1String("override")));
        QCOMPARE(RequestRepository(t.db().connection()).find(deniable)->isDecided(), false);
        note->setPlainText(QStringLiteral("Goodwill: first purchase, bought the wrong package"));
        // The policy names no amount: one must be given, and never above what was paid.
        auto *amount = dialog->findChild<QLineEdit *>();
        QVERIFY(amount);
        amount->setText(QStringLiteral("99999"));
        confirm(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(error->text().contains(QLatin1String("more than")));
        amount->setText(QStringLiteral("1.50"));
        confirm(dialog);
        QTRY_VERIFY(!dialog->isVisible());
        QCOMPARE(RequestRepository(t.db().connection()).find(deniable)->status,
                 QStringLiteral("approved"));
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT refund_cents FROM decisions WHERE"
                                       " request_id = ? AND is_override"),
                        {deniable}),
                 qint64(150));

        // A `review` case denied without a reason: refused, the dialog stays.
        QVERIFY(w.queue()->selectRequest(review) ||
                (w.queue()->applyFilter({}), w.queue()->selectRequest(review)));
        w.action(QStringLiteral("deny"))->trigger();
        QTRY_VERIFY(w.findChildren<DecisionDialog *>().size() == 1 &&
                    w.findChild<DecisionDialog *>() != dialog);
        dialog = waitForDialog<DecisionDialog>(w);
        QVERIFY(dialog);
        dialog->findChild<QPlainTextEdit *>()->clear();
        confirm(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("decisionError"))
                    ->text()
                    .contains(QLatin1String("reason")));
        QVERIFY(!RequestRepository(t.db().connection()).find(review)->isDecided());
        dialog->reject();
    }

    void keyboardTriage()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        fill(t.db());
        MainWindow w(t.db());
        w.setReviewer(QStringLiteral("erin"));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTableView *table = w.queue()->table();
        RequestQueueModel *model = queueModel(w);
        QTRY_VERIFY(model->isCountKnown());
        table->setFocus();
        QCOMPARE(table->currentIndex().row(), 0);
        QTest::keyClick(table, Qt::Key_J);
        QTest::keyClick(table, Qt::Key_J);
        QCOMPARE(table->currentIndex().row(), 2);
        QTest::keyClick(table, Qt::Key_K);
        QCOMPARE(table->currentIndex().row(), 1);
        QCOMPARE(w.detail()->requestId(), model->requestId(1));

        // E escalates the selected request through the dialog, Ctrl+Enter confirms.
        // Pick an open, not yet escalated request with the keyboard.
        int row = 1;
        while (model->value(row, QStringLiteral("status")).toString() ==
               QLatin1String("escalated")) {
            QTest::keyClick(table, Qt::Key_J);
            row = table->currentIndex().row();
        }
        const qint64 id = model->requestId(row);
        QTest::keyClick(table, Qt::Key_E);
        auto *dialog = waitForDialog<DecisionDialog>(w);
        QVERIFY(dialog);
        QTest::keyClicks(dialog->findChild<QPlainTextEdit *>(), QStringLiteral("second opinion"));
        confirm(dialog);
        QTRY_VERIFY2(
            !dialog->isVisible(),
            qPrintable(dialog->findChild<QLabel *>(QStringLiteral("decisionError"))->text()));
        QCOMPARE(RequestRepository(t.db().connection()).find(id)->status,
                 QStringLiteral("escalated"));

        // N writes a note.
        QTest::keyClick(table, Qt::Key_N);
        auto *noteDialog = waitForDialog<NoteDialog>(w);
        QVERIFY(noteDialog);
        const qint64 noted = w.detail()->requestId();
        QTest::keyClicks(noteDialog->findChild<QPlainTextEdit *>(), QStringLiteral("called back"));
        confirm(noteDialog);
        QTRY_VERIFY(!noteDialog->isVisible());
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE request_id"
                                       " = ? AND action = 'note' AND note = 'called back'"),
                        {noted}),
                 qint64(1));

        // `/` jumps to the search box.
        QApplication::setActiveWindow(&w);
        table->setFocus();
        QTest::keyClick(table, Qt::Key_Slash);
        QCOMPARE(QApplication::focusWidget(), w.queue()->findChild<QLineEdit *>());
    }

    void aConflictingDecisionIsReportedNotOverwritten()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        fill(t.db());
        const qint64 id =
            scalar(t.db(), QStringLiteral("SELECT id FROM refund_requests WHERE status IN ('new',"
                                          " 'pending', 'escalated') AND rec_verdict = 'review' AND"
                                          " type <> 'chargeback' ORDER BY id LIMIT 1"));
        QVERIFY(id > 0);
        MainWindow w(t.db());
        w.setReviewer(QStringLiteral("carol"));
        w.show();
        w.queue()->applyFilter({});
        QVERIFY(w.queue()->selectRequest(id));
        w.action(QStringLiteral("approve"))->trigger();
        auto *dialog = waitForDialog<DecisionDialog>(w);
        QVERIFY(dialog);

        // Meanwhile another reviewer, on another connection, denies it.
        QCOMPARE(denyElsewhere(t, id, QStringLiteral("fraud pattern")),
                 DecisionResult::Status::Denied);

        confirm(dialog);
        auto *box = waitForDialog<QMessageBox>(w);
        QVERIFY(box);
        QVERIFY2(box->text().contains(QLatin1String("mallory")), qPrintable(box->text()));
        box->accept();
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT COUNT(*) FROM decisions WHERE request_id = ?"),
                        {id}),
                 qint64(1));
        QCOMPARE(RequestRepository(t.db().connection()).find(id)->status, QStringLiteral("denied"));
    }

    void decisionsElsewhereShowUp()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        fill(t.db());
        MainWindow w(t.db());
        w.show();
        RequestQueueModel *model = queueModel(w);
        QTRY_VERIFY(model->isCountKnown());
        const int before = model->rowCount();
        const qint64 id = model->requestId(0);

        QCOMPARE(denyElsewhere(t, id, QStringLiteral("elsewhere")), DecisionResult::Status::Denied);
        // PostgreSQL notifies; SQLite's change check runs on the watcher's timer.
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), before - 1, 10000);
        QVERIFY(model->requestId(0) != id);
    }

    void aLostConnectionShowsTheBannerAndRecovers()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        if (backend != QLatin1String("postgresql"))
            QSKIP("an open SQLite file cannot be taken away from a running process");
        t.db().open();
        fill(t.db());
        MainWindow w(t.db());
        w.show();
        QVERIFY(!w.banner()->isVisible());
        // The server ends our session, as a restart or a network cut would.
        std::unique_ptr<Database> other = t.openAnother();
        SqlStatement::scalar(other->connection(),
                             QStringLiteral("SELECT COUNT(pg_terminate_backend(pid)) FROM"
                                            " pg_stat_activity WHERE datname = current_database()"
                                            " AND pid <> pg_backend_pid()"));
        w.watcher()->check();
        QTRY_VERIFY(w.banner()->isVisible());
        QVERIFY(w.banner()->message().contains(QLatin1String("cannot be reached")));
        w.watcher()->check(); // the server is still there: the next probe reconnects
        QTRY_VERIFY(!w.banner()->isVisible());
        QVERIFY(queueModel(w)->rowCount() > 0);
    }

    void exportsTheTableAsShown()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        fill(t.db());
        MainWindow w(t.db());
        w.show();
        QueueFilter f;
        f.type = QStringLiteral("duplicate_charge");
        w.queue()->applyFilter(f);
        RequestQueueModel *model = queueModel(w);
        QTRY_VERIFY(model->isCountKnown());
        QVERIFY(model->rowCount() > 0);
        QTableView *table = w.queue()->table();
        table->setColumnHidden(model->fieldIndex(QStringLiteral("assigned_to")), true);
        table->sortByColumn(model->fieldIndex(QStringLiteral("id")), Qt::DescendingOrder);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("queue.csv"));
        CsvExportRunner *runner = w.exportCurrentView(path, false, true);
        QVERIFY(runner);
        QSignalSpy done(runner, &CsvExportRunner::finished);
        QVERIFY(done.wait(20000));
        QCOMPARE(done.first().at(0).toLongLong(), qint64(model->rowCount()));
        QVERIFY(done.first().at(2).toString().isEmpty());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        const QByteArray header = lines.first();
        QVERIFY(header.startsWith("Request,Received,Type,Account,Amount"));
        QVERIFY(!header.contains("Assigned"));
        QVERIFY(header.trimmed().endsWith("Currency")); // the currency of the amounts
        // Rows in the order shown: the first data row is the highest id.
        QCOMPARE(lines.at(1).split(',').first().toLongLong(), model->requestId(0));
        // Codes as the table shows them: words, not stored codes.
        QCOMPARE(lines.at(1).split(',').at(2), QByteArray("Duplicate charge"));
        QVERIFY(model->requestId(0) > model->requestId(model->rowCount() - 1));
    }

    // The Payouts tab puts a failed payout first; a person retries it with a note (once); the
    // request's detail shows both payouts and where each stands.
    void payoutsTabRetriesAFailedPayout()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        Shop shop(t.db());
        shop.paymentPrefix = QStringLiteral("pi_");
        QList<qint64> requests;
        for (int i = 0; i < 3; ++i) {
            const qint64 a = shop.account(QStringLiteral("aiimagestudio"));
            const qint64 dup = shop.purchase(a, 120, 1500 + i, 0, 2);
            requests << shop.request(a, QStringLiteral("duplicate_charge"), dup);
            shop.workflow.triage();
            QCOMPARE(shop.decide(requests.last(), ReviewAction::Approve).status,
                     DecisionResult::Status::Approved);
        }
        const qint64 failed = scalar(t.db(),
                                     QStringLiteral("SELECT id FROM payouts WHERE"
                                                    " request_id = ?"),
                                     {requests.at(1)});
        PayoutBook(t.db(), shop.workflow)
            .markByHand(failed, false, {}, QStringLiteral("card expired"), QStringLiteral("bob"));

        MainWindow w(t.db());
        w.resize(1500, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *payouts = w.findChild<PayoutsView *>();
        QVERIFY(payouts);
        auto *tabs = w.findChild<QTabWidget *>();
        tabs->setCurrentWidget(payouts);
        QTableView *table = payouts->table()->table();
        auto *model = qobject_cast<PayoutTableModel *>(table->model());
        QTRY_COMPARE(model->rowCount(), 3);
        QCOMPARE(model->payoutId(0), failed); // failed ones first
        auto *retry = payouts->findChild<QPushButton *>();
        QVERIFY(retry);
        table->setCurrentIndex(model->index(1, 1));
        QVERIFY(!retry->isEnabled()); // pending: nothing to retry
        table->setCurrentIndex(model->index(0, 1));
        QVERIFY(retry->isEnabled());
        // Without a reviewer name nothing is written.
        w.setReviewer(QString());
        QVERIFY(!payouts->retrySelected(QStringLiteral("new card")));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM payouts")), 3);
        w.setReviewer(QStringLiteral("alice"));
        QVERIFY(payouts->retrySelected(QStringLiteral("the customer has a new card")));
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT COUNT(*) FROM payouts WHERE retry_of = ?"
                                       " AND status = 'pending'"),
                        {failed}),
                 1);
        QCOMPARE(SqlStatement::scalar(t.db().connection(),
                                      QStringLiteral("SELECT actor FROM audit_log WHERE action ="
                                                     " 'payout_retried'"))
                     .toString(),
                 QStringLiteral("alice"));
        QTRY_COMPARE(model->rowCount(), 4);
        table->setCurrentIndex(model->index(0, 1));
        QCOMPARE(model->payoutId(0), failed);
        QVERIFY(!retry->isEnabled()); // retried once already
        QVERIFY(!payouts->retrySelected(QStringLiteral("again")));

        // The request's detail: the failed payout with its reason, and its retry.
        w.detail()->showRequest(requests.at(1));
        QString shown;
        for (QLabel *l : w.detail()->findChildren<QLabel *>())
            shown += l->text();
        QVERIFY2(shown.contains(QLatin1String("Failed: nothing was paid back")) &&
                     shown.contains(QLatin1String("card expired")) &&
                     shown.contains(QStringLiteral("retry of %1").arg(failed)) &&
                     shown.contains(QLatin1String("Pending: not sent yet")),
                 qPrintable(shown));

        // The account's page shows its whole audit trail, newest first, in words.
        const qint64 account = scalar(t.db(),
                                      QStringLiteral("SELECT account_id FROM payouts"
                                                     " WHERE id = ?"),
                                      {failed});
        w.openAccount(account);
        auto *page = qobject_cast<AccountView *>(tabs->currentWidget());
        QVERIFY(page);
        auto *pageTabs = page->findChild<QTabWidget *>();
        QTableView *audit = nullptr;
        for (int i = 0; i < pageTabs->count(); ++i)
            if (pageTabs->tabText(i) == QLatin1String("&Audit trail"))
                audit = qobject_cast<QTableView *>(pageTabs->widget(i));
        QVERIFY(audit);
        auto *auditModel = qobject_cast<SqlWindowModel *>(audit->model());
        const qint64 rows = scalar(t.db(),
                                   QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE"
                                                  " account_id = ?"),
                                   {account});
        QVERIFY(rows >= 4); // triage, approve, payout failed, payout retried
        QTRY_COMPARE(qint64(auditModel->rowCount()), rows);
        const int what = auditModel->fieldIndex(QStringLiteral("action"));
        QCOMPARE(auditModel->value(0, what).toString(), QStringLiteral("payout_retried"));
        auto *words = qobject_cast<TableCellDelegate *>(audit->itemDelegateForColumn(what));
        QVERIFY(words);
        QCOMPARE(words->shownText(auditModel->index(0, what)), QStringLiteral("Payout retried"));
    }

    void layeringHolds()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != QLatin1String("sqlite"))
            QSKIP("a source scan; it does not depend on the backend");
        // ARCHITECTURE.md: ui/ reads through item models and writes through policy/; models/
        // knows nothing above it; the rules touch no database.
        const QList<std::pair<const char *, QRegularExpression>> rules{
            {"ui", QRegularExpression(
                       QStringLiteral("#include\\s*[<\"](QSqlQuery|models/sqlstatement\\.h)"))},
            {"models", QRegularExpression(QStringLiteral("#include\\s*\"(policy|ui)/"))},
            {"policy/rules", QRegularExpression(QStringLiteral("#include\\s*[<\"](QSql|models/)"))},
        };
        int scanned = 0;
        for (const auto &[folder, forbidden] : rules) {
            QDirIterator it(QStringLiteral(TESTS_SOURCE_DIR "/../") + QLatin1String(folder),
                            {QStringLiteral("*.cpp"), QStringLiteral("*.h")}, QDir::Files,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                QFile f(it.next());
                QVERIFY(f.open(QIODevice::ReadOnly));
                ++scanned;
                const QRegularExpressionMatch m = forbidden.match(QString::fromUtf8(f.readAll()));
                QVERIFY2(!m.hasMatch(),
                         qPrintable(f.fileName() + QStringLiteral(": ") + m.captured()));
            }
        }
        QVERIFY(scanned > 60);
    }
};

QTEST_MAIN(TestReviewerDesk)
#include "tst_reviewerdesk.moc"
