// refunddesk: the reviewer's desktop application.

#include "models/database.h"
#include "models/databaseerror.h"
#include "models/sqlstatement.h"
#include "policy/demodatagenerator.h"
#include "policy/refundworkflow.h"
#include "translations/translations.h"
#include "ui/connectiondialog.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QMessageBox>
#include <QProgressDialog>
#include <QScreen>
#include <QTextStream>
#include <QTimer>

namespace {
// First start on the embedded file: give the newcomer something to look at.
void createDemoIfEmpty(Database &db)
{
    const qint64 accounts =
        SqlStatement::scalar(db.connection(), QStringLiteral("SELECT COUNT(*) FROM accounts"))
            .toLongLong();
    if (accounts > 0)
        return;
    QProgressDialog progress(QCoreApplication::translate("main", "Creating the demo database…"),
                             QString(), 0, 2000);
    progress.setWindowTitle(QCoreApplication::translate("main", "Refund Desk"));
    progress.setMinimumDuration(300);
    DemoOptions options;
    options.accounts = 2000;
    DemoDataGenerator(db).generate(options,
                                   [&](qint64 done, qint64) { progress.setValue(int(done)); });
    // The queue shows what the policy recommends: evaluate the new requests once.
    progress.setLabelText(QCoreApplication::translate("main", "Evaluating the refund requests…"));
    RefundWorkflow(db).triage();
}

// The command line, for the application and for --help and --version without a display.
struct Options
{
    QCommandLineParser parser;
    QCommandLineOption database{
        QStringLiteral("database"),
        QCoreApplication::translate(
            "main", "Database URL: sqlite:/path/file.db or postgresql://user@host[:port]/dbname."),
        QCoreApplication::translate("main", "URL")};
    QCommandLineOption demo{
        QStringLiteral("create-demo"),
        QCoreApplication::translate("main",
                                    "Fill the database with demo data if it has no accounts yet.")};
    QCommandLineOption screenshot{
        QStringLiteral("screenshot"),
        QCoreApplication::translate("main", "Save a PNG of the main window to FILE and quit (no "
                                            "display needed)."),
        QCoreApplication::translate("main", "FILE")};
    QCommandLineOption page{QStringLiteral("page"),
                            QCoreApplication::translate(
                                "main", "Open on PAGE: queue, accounts, ledger, purchases, jobs, "
                                        "payouts, dashboard or policy."),
                            QCoreApplication::translate("main", "PAGE")};
    QCommandLineOption size{
        QStringLiteral("size"),
        QCoreApplication::translate("main", "Window size for --screenshot, e.g. 1600x1900."),
        QCoreApplication::translate("main", "WxH")};

    Options()
    {
        parser.setApplicationDescription(
            QCoreApplication::translate("main", "Refund review for prepaid-credit platforms."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({database, demo, screenshot, page, size});
    }
};

void describeApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("refunddesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(REFUNDDESK_VERSION));
}
} // namespace

int main(int argc, char *argv[])
{
    bool textOnly = false;
    bool screenshot = false;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        textOnly = textOnly || arg == "--help" || arg == "-h" || arg == "-?" ||
                   arg == "--help-all" || arg == "--version" || arg == "-v";
        screenshot = screenshot || arg == "--screenshot" || arg.startsWith("--screenshot=");
    }
    if (textOnly) {
        // Help and version are text: no display, no window system needed.
        QCoreApplication app(argc, argv);
        Translations::install(app);
        describeApplication();
        Options options;
        options.parser.process(app); // prints and exits
        return 0;
    }
    // A screenshot needs no screen either: without one, draw off screen.
    if (screenshot && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");

    QApplication app(argc, argv);
    Translations::install(app);
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("refunddesk"),
                                                 QIcon(QStringLiteral(":/icons/refunddesk.svg"))));
    describeApplication();
    QApplication::setApplicationDisplayName(QApplication::translate("main", "Refund Desk"));

    Options options;
    QCommandLineParser &parser = options.parser;
    const QCommandLineOption &databaseOption = options.database;
    const QCommandLineOption &demoOption = options.demo;
    const QCommandLineOption &screenshotOption = options.screenshot;
    const QCommandLineOption &pageOption = options.page;
    const QCommandLineOption &sizeOption = options.size;
    parser.process(app);

    // --database, else $REFUNDDESK_DATABASE, else what the connection dialog remembered, else
    // the embedded demo file.
    DatabaseUrl url = Database::resolveUrl(parser.value(databaseOption));
    if (!parser.isSet(databaseOption) && qEnvironmentVariableIsEmpty("REFUNDDESK_DATABASE") &&
        ConnectionDialog::rememberedUrl().isValid())
        url = ConnectionDialog::rememberedUrl();
    while (true) {
        Database database(url);
        try {
            database.open();
            if (parser.isSet(demoOption))
                createDemoIfEmpty(database);
        } catch (const DatabaseError &e) {
            // A screenshot runs unattended: say what went wrong instead of asking.
            if (parser.isSet(screenshotOption)) {
                QTextStream(stderr)
                    << QApplication::translate("main", "refunddesk: %1").arg(e.message())
                    << Qt::endl;
                return 1;
            }
            QMessageBox::critical(nullptr, QApplication::translate("main", "Refund Desk"),
                                  QApplication::translate("main", "Cannot open the database.\n\n%1")
                                      .arg(e.message()));
            ConnectionDialog dialog(url, ConnectionDialog::rememberedReviewer());
            if (dialog.exec() != QDialog::Accepted)
                return 1;
            url = dialog.url();
            continue;
        }

        MainWindow window(database);
        window.show();
        if (parser.isSet(pageOption)) {
            const QStringList pages{QStringLiteral("queue"),     QStringLiteral("accounts"),
                                    QStringLiteral("ledger"),    QStringLiteral("purchases"),
                                    QStringLiteral("jobs"),      QStringLiteral("payouts"),
                                    QStringLiteral("dashboard"), QStringLiteral("policy")};
            const int page = pages.indexOf(parser.value(pageOption).toLower());
            if (page < 0) {
                const QString unknown =
                    QApplication::translate("main", "Unknown page \"%1\"; use one of: %2.")
                        .arg(parser.value(pageOption), pages.join(QStringLiteral(", ")));
                if (parser.isSet(screenshotOption)) // unattended: no dialog to wait on
                    QTextStream(stderr) << unknown << Qt::endl;
                else
                    QMessageBox::critical(nullptr, QApplication::translate("main", "Refund Desk"),
                                          unknown);
                return 2;
            }
            window.showPage(page);
        }
        if (parser.isSet(screenshotOption)) {
            const QStringList size = parser.value(sizeOption).split(QLatin1Char('x'));
            if (size.size() == 2 && size.first().toInt() > 0 && size.last().toInt() > 0)
                window.resize(size.first().toInt(), size.last().toInt());
            const QString file = parser.value(screenshotOption);
            QTimer::singleShot(2500, &window, [&window, file] {
                window.grab().save(file);
                QApplication::quit();
            });
        }
        const int status = app.exec();
        if (!window.requestedUrl().isValid())
            return status;
        url = window.requestedUrl(); // the user chose another database: reopen on it
    }
}
