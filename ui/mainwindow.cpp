#include "mainwindow.h"

#include "models/accounttablemodel.h"
#include "models/database.h"
#include "models/databaseerror.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

MainWindow::MainWindow(Database &database, QWidget *parent)
    : QMainWindow(parent), m_database(database), m_accounts(new AccountTableModel(this)),
      m_accountView(new QTableView), m_accountSearch(new QLineEdit), m_searchDelay(new QTimer(this))
{
    setWindowTitle(tr("Refund Desk"));

    auto *accountsPage = new QWidget;
    auto *layout = new QVBoxLayout(accountsPage);
    m_accountSearch->setPlaceholderText(tr("Search accounts by email or name"));
    m_accountSearch->setClearButtonEnabled(true);
    layout->addWidget(m_accountSearch);
    m_accountView->setModel(m_accounts);
    m_accountView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_accountView->setAlternatingRowColors(true);
    m_accountView->verticalHeader()->hide();
    m_accountView->horizontalHeader()->setStretchLastSection(true);
    m_accountView->setWordWrap(false);
    layout->addWidget(m_accountView);

    auto *tabs = new QTabWidget;
    tabs->addTab(accountsPage, tr("&Accounts"));
    setCentralWidget(tabs);

    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(250);
    connect(m_accountSearch, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, &MainWindow::reloadAccounts);

    statusBar()->addPermanentWidget(new QLabel(m_database.url().toDisplayString()));
    createMenus();
    reloadAccounts();
    m_accountView->resizeColumnsToContents();

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
        resize(1200, 760);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *refresh = view->addAction(tr("&Refresh"), this, &MainWindow::reloadAccounts);
    refresh->setShortcut(QKeySequence::Refresh);
    QAction *find = view->addAction(tr("&Search"), this, [this] {
        m_accountSearch->setFocus();
        m_accountSearch->selectAll();
    });
    find->setShortcuts({QKeySequence(Qt::Key_Slash), QKeySequence::Find});

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Refund Desk"), this, [this] {
        QMessageBox::about(
            this, tr("About Refund Desk"),
            tr("<b>Refund Desk</b> %1<br>Refund review for prepaid-credit platforms.")
                .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::reloadAccounts()
{
    try {
        m_accounts->load(m_database.connection(), m_accountSearch->text().trimmed());
        statusBar()->showMessage(tr("%n account(s) shown", nullptr, m_accounts->rowCount()));
    } catch (const DatabaseError &e) {
        showError(e.message());
    }
}

void MainWindow::showError(const QString &message)
{
    QMessageBox::warning(this, tr("Refund Desk"), message);
}
