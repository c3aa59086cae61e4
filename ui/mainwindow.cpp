#include "mainwindow.h"

#include "models/accountrepository.h"

#include "accountview.h"
#include "connectionbanner.h"
#include "connectiondialog.h"
#include "csvexportrunner.h"
#include "dashboardview.h"
#include "decisiondialog.h"
#include "displaynames.h"
#include "models/accountrepository.h"
#include "models/accounttablemodel.h"
#include "models/backgroundreader.h"
#include "models/changewatcher.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/jobtablemodel.h"
#include "models/ledgertablemodel.h"
#include "models/payouttablemodel.h"
#include "models/purchasetablemodel.h"
#include "models/requestqueuemodel.h"
#include "models/teamroles.h"
#include "newrequestdialog.h"
#include "notedialog.h"
#include "payoutsview.h"
#include "policy/rules/money.h"
#include "policyeditor.h"
#include "queueview.h"
#include "recordtableview.h"
#include "reportdialog.h"
#include "requestdetailview.h"
#include "tablecelldelegate.h"
#include "welcomepage.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <memory>

namespace {
// What a viewer's session may not do (the database refuses it; the desk does not offer it).
const char *const viewerCannot[] = {"newRequest",     "approve",  "deny",    "escalate", "assign",
                                    "secondApproval", "sendBack", "reverse", "note"};
} // namespace

MainWindow::MainWindow(Database &database, QWidget *parent)
    : QMainWindow(parent), m_database(database), m_workflow(database),
      m_reader(new BackgroundReader(database, this)), m_watcher(new ChangeWatcher(database, this)),
      m_reviewer(ConnectionDialog::rememberedReviewer()),
      m_queueModel(new RequestQueueModel(database, this)),
      m_accountModel(new AccountTableModel(database, this)),
      m_ledgerModel(new LedgerTableModel(database, LedgerTableModel::Scope::AllAccounts, this)),
      m_purchaseModel(new PurchaseTableModel(database, this)),
      m_jobModel(new JobTableModel(database, this)),
      m_payoutModel(new PayoutTableModel(database, this)), m_queue(new QueueView(m_queueModel)),
      m_detail(new RequestDetailView(database, m_workflow)),
      m_dashboard(new DashboardView(database)), m_splitter(new QSplitter), m_tabs(new QTabWidget),
      m_banner(new ConnectionBanner), m_reviewerLabel(new QLabel), m_changeDelay(new QTimer(this))
{
    setWindowTitle(tr("Refund Desk"));
    for (SqlWindowModel *m :
         std::initializer_list<SqlWindowModel *>{m_queueModel, m_accountModel, m_ledgerModel,
                                                 m_purchaseModel, m_jobModel, m_payoutModel}) {
        m->setBackgroundReader(m_reader);
        // A failed read may be a lost connection: let the watcher find out now.
        connect(m, &SqlWindowModel::readFailed, m_watcher, &ChangeWatcher::check,
                Qt::QueuedConnection);
    }
    createActions();
    createTabs();
    applySessionRole();
    createMenus();

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs);
    // An empty database opens on what to do about it, not on an empty queue.
    bool empty = false;
    try {
        empty = AccountRepository(m_database.connection()).count() == 0;
    } catch (const DatabaseError &) {
        // The banner reports a lost connection; the queue is shown as usual.
    }
    if (empty) {
        m_welcome = new WelcomePage(m_database);
        layout->addWidget(m_welcome);
        m_tabs->hide();
        connect(m_welcome, &WelcomePage::connectRequested, this, [this] { connectToDatabase(); });
        connect(m_welcome, &WelcomePage::dataLoaded, this, [this] {
            m_welcome->hide();
            m_tabs->show();
            showPage(0);
            m_queue->refresh();
        });
    }
    setCentralWidget(central);

    statusBar()->addPermanentWidget(m_reviewerLabel);
    statusBar()->addPermanentWidget(new QLabel(
        m_database.isReadOnly()
            ? tr("%1 (read-only: nothing can be changed)").arg(m_database.url().toDisplayString())
            : m_database.url().toDisplayString()));
    setReviewer(m_reviewer);

    connect(m_queue, &QueueView::currentRequestChanged, this, &MainWindow::requestChanged);
    connect(m_queue, &QueueView::requestActivated, this,
            [this] { m_detail->setFocus(Qt::OtherFocusReason); });
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateActions);
    connect(m_detail, &RequestDetailView::loadFailed, m_watcher, &ChangeWatcher::check,
            Qt::QueuedConnection);

    m_changeDelay->setSingleShot(true);
    m_changeDelay->setInterval(400); // a burst of writes elsewhere refreshes once
    connect(m_changeDelay, &QTimer::timeout, this, [this] {
        const qint64 id = m_pendingChange;
        m_pendingChange = -1;
        refreshAfterWrite(id);
    });
    connect(m_watcher, &ChangeWatcher::changed, this, &MainWindow::externalChange);
    connect(m_watcher, &ChangeWatcher::connectionLost, this, [this](const QString &message) {
        m_banner->showLost(message);
        updateActions();
    });
    connect(m_watcher, &ChangeWatcher::connectionRestored, this, [this] {
        m_banner->hide();
        statusBar()->showMessage(tr("Connection restored."), 5000);
        updateActions();
    });
    connect(m_banner, &ConnectionBanner::retryRequested, m_watcher, &ChangeWatcher::check);

    restoreLayout();
    QueueFilter open;
    open.statuses = RequestQueueModel::openStatuses();
    m_queue->applyFilter(open);
    m_accounts->reload();
    m_watcher->start();
    updateActions();
    if (m_queueModel->rowCount() > 0)
        m_queue->moveSelection(0);
    m_queue->table()->setFocus();
}

MainWindow::~MainWindow() = default;

QAction *MainWindow::action(const QString &name) const
{
    return m_actions.value(name);
}

void MainWindow::createActions()
{
    auto add = [this](const QString &name, const QString &text, const QKeySequence &keys,
                      auto slot) {
        auto *a = new QAction(text, this);
        if (!keys.isEmpty())
            a->setShortcut(keys);
        connect(a, &QAction::triggered, this, slot);
        m_actions.insert(name, a);
        addAction(a);
        return a;
    };
    add(QStringLiteral("newRequest"), tr("&New request…"), QKeySequence::New, [this] {
        NewRequestDialog dialog(m_database, m_workflow, this);
        if (dialog.exec() != QDialog::Accepted)
            return;
        showPage(0);
        m_queue->refresh();
        statusBar()->showMessage(tr("Request %1 saved and triaged.").arg(dialog.requestId()), 8000);
        QTimer::singleShot(0, this, [this, id = dialog.requestId()] {
            if (!m_queue->selectRequest(id)) {
                m_queue->applyFilter({});
                m_queue->selectRequest(id);
            }
        });
    });
    add(QStringLiteral("approve"), tr("&Approve…"), QKeySequence(Qt::Key_A),
        [this] { decide(int(ReviewAction::Approve)); });
    add(QStringLiteral("deny"), tr("&Deny…"), QKeySequence(Qt::Key_D),
        [this] { decide(int(ReviewAction::Deny)); });
    add(QStringLiteral("escalate"), tr("&Escalate…"), QKeySequence(Qt::Key_E),
        [this] { decide(int(ReviewAction::Escalate)); });
    add(QStringLiteral("secondApproval"), tr("Give second appro&val…"),
        QKeySequence(Qt::SHIFT | Qt::Key_A), [this] { approveSecond(); });
    add(QStringLiteral("sendBack"), tr("Send bac&k…"), QKeySequence(Qt::SHIFT | Qt::Key_B),
        [this] { sendBack(); });
    add(QStringLiteral("reverse"), tr("&Reverse decision…"), QKeySequence(),
        [this] { reverseDecision(); });
    add(QStringLiteral("assign"), tr("Assign to &me"), QKeySequence(Qt::Key_M),
        [this] { assignToMe(); });
    add(QStringLiteral("note"), tr("Add no&te…"), QKeySequence(Qt::Key_N), [this] { addNote(); });
    add(QStringLiteral("openAccount"), tr("Open acco&unt"), QKeySequence(Qt::Key_O), [this] {
        if (m_detail->hasRequest())
            openAccount(m_detail->dossier().account.id);
    });
    add(QStringLiteral("copyReply"), tr("&Copy reply draft"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
        [this] { QApplication::clipboard()->setText(m_detail->replyDraft()); });
    QAction *next = add(QStringLiteral("next"), tr("Ne&xt request"), QKeySequence(Qt::Key_J),
                        [this] { m_queue->moveSelection(1); });
    next->setShortcuts({QKeySequence(Qt::Key_J)});
    add(QStringLiteral("previous"), tr("&Previous request"), QKeySequence(Qt::Key_K),
        [this] { m_queue->moveSelection(-1); });
    QAction *search =
        add(QStringLiteral("search"), tr("&Search"), QKeySequence(Qt::Key_Slash), [this] {
            QWidget *page = m_tabs->currentWidget();
            if (page == m_splitter)
                m_queue->focusSearch();
            else if (auto *view = recordView(page))
                view->focusSearch();
        });
    search->setShortcuts({QKeySequence(Qt::Key_Slash), QKeySequence::Find});
    add(QStringLiteral("refresh"), tr("&Refresh"), QKeySequence::Refresh, [this] {
        m_queue->refresh();
        m_detail->reload();
        if (auto *view = recordView(m_tabs->currentWidget()))
            view->reload();
        else if (auto *account = qobject_cast<AccountView *>(m_tabs->currentWidget()))
            account->reload();
        else if (m_tabs->currentWidget() == m_dashboard)
            m_dashboard->reload();
    });
    add(QStringLiteral("printDashboard"), tr("&Print the dashboard…"), QKeySequence::Print, [this] {
        showPage(m_tabs->indexOf(m_dashboard));
        m_dashboard->printWithDialog();
    });
    add(QStringLiteral("connect"), tr("&Connect to database…"), QKeySequence::Open,
        [this] { connectToDatabase(); });
    add(QStringLiteral("exportView"), tr("Export this &table as CSV…"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), [this] { exportView(); });
    add(QStringLiteral("exportReport"), tr("Export a &report…"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), [this] { exportReport(); });
    add(QStringLiteral("reviewer"), tr("Reviewer &name…"), QKeySequence(),
        [this] { askReviewerName(); });
    add(QStringLiteral("quit"), tr("&Quit"), QKeySequence::Quit, [this] { close(); });
    add(QStringLiteral("shortcuts"), tr("&Keyboard shortcuts"), QKeySequence(Qt::Key_F1),
        [this] { showShortcuts(); });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(action(QStringLiteral("connect")));
    file->addAction(action(QStringLiteral("reviewer")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("exportView")));
    file->addAction(action(QStringLiteral("exportReport")));
    file->addAction(action(QStringLiteral("printDashboard")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("quit")));

    QMenu *request = menuBar()->addMenu(tr("&Request"));
    for (const char *name : std::initializer_list<const char *>{
             "newRequest", nullptr, "approve", "deny", "escalate", "secondApproval", "sendBack",
             "reverse", nullptr, "assign", "note", "copyReply", "openAccount", nullptr, "next",
             "previous"}) {
        if (name)
            request->addAction(action(QLatin1String(name)));
        else
            request->addSeparator();
    }

    QMenu *view = menuBar()->addMenu(tr("&View"));
    // In the tabs' order (Ctrl+1 to Ctrl+8).
    const QStringList pages{tr("&Queue"), tr("A&ccounts"), tr("&Ledger"),    tr("&Purchases"),
                            tr("&Jobs"),  tr("Pa&youts"),  tr("&Dashboard"), tr("P&olicy")};
    for (int i = 0; i < pages.size(); ++i) {
        QAction *a = view->addAction(pages.at(i), this, [this, i] { showPage(i); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
    view->addSeparator();
    view->addAction(action(QStringLiteral("search")));
    view->addAction(action(QStringLiteral("refresh")));

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(action(QStringLiteral("shortcuts")));
    help->addAction(tr("&About Refund Desk"), this, [this] {
        QMessageBox::about(
            this, tr("About Refund Desk"),
            tr("<b>Refund Desk</b> %1<br>Refund review for prepaid-credit platforms.")
                .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::createTabs()
{
    m_detail->setActions(action(QStringLiteral("approve")), action(QStringLiteral("deny")),
                         action(QStringLiteral("escalate")), action(QStringLiteral("assign")),
                         action(QStringLiteral("note")), action(QStringLiteral("openAccount")));
    m_detail->setWaitingActions(action(QStringLiteral("secondApproval")),
                                action(QStringLiteral("sendBack")));
    m_splitter->addWidget(m_queue);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    m_tabs->addTab(m_splitter, tr("Queue"));

    // Each large table with the filters that apply to it, feeding its model's filter.
    auto addTable = [this](auto *model, const RecordTableOptions &options, const QString &title) {
        auto *view = new RecordTableView(
            model, [model](const RecordFilter &f) { model->setRecordFilter(f); }, options);
        m_tabs->addTab(view, title);
        return view;
    };
    RecordTableOptions accounts;
    accounts.search = true;
    accounts.searchHint = tr("Search accounts by email, name or id  ( / )");
    accounts.kindLabel = tr("Any status");
    accounts.kinds = AccountTableModel::kinds();
    accounts.profiles = true;
    m_accounts = addTable(m_accountModel, accounts, tr("Accounts"));
    connect(m_accounts, &RecordTableView::rowActivated, this,
            [this](int row) { openAccount(m_accountModel->accountId(row)); });

    RecordTableOptions ledger;
    ledger.account = true;
    ledger.dates = true;
    ledger.profiles = true;
    ledger.kindLabel = tr("Any entry type");
    ledger.kinds = LedgerTableModel::kinds();
    m_ledger = addTable(m_ledgerModel, ledger, tr("Ledger"));

    RecordTableOptions purchases;
    purchases.account = true;
    purchases.dates = true;
    purchases.profiles = true;
    purchases.kindLabel = tr("Any purchase");
    purchases.kinds = PurchaseTableModel::kinds();
    m_purchases = addTable(m_purchaseModel, purchases, tr("Purchases"));

    RecordTableOptions jobs;
    jobs.account = true;
    jobs.dates = true;
    jobs.profiles = true;
    jobs.kindLabel = tr("Any status");
    jobs.kinds = JobTableModel::kinds();
    jobs.causes = JobTableModel::causes();
    m_jobs = addTable(m_jobModel, jobs, tr("Jobs"));

    // The money on its way back; a person retries a failed payout here.
    RecordTableOptions payouts;
    payouts.account = true;
    payouts.dates = true;
    payouts.profiles = true;
    payouts.kindLabel = tr("Any payout");
    payouts.kinds = PayoutTableModel::kinds();
    auto *payoutTable = new RecordTableView(
        m_payoutModel, [this](const RecordFilter &f) { m_payoutModel->setRecordFilter(f); },
        payouts);
    m_payouts = new PayoutsView(m_database, m_workflow, m_payoutModel, payoutTable);
    m_payouts->setReviewer(m_reviewer);
    m_tabs->addTab(m_payouts, tr("Payouts"));
    connect(m_payouts, &PayoutsView::payoutsChanged, this, [this] { m_detail->reload(); });

    // The dashboard computes when first shown; a click on a chart opens its slice.
    m_tabs->addTab(m_dashboard, tr("Dashboard"));
    connect(m_dashboard, &DashboardView::queueRequested, this, [this](const QueueFilter &f) {
        m_queue->applyFilter(f);
        showPage(0);
        m_queue->table()->setFocus();
    });
    connect(m_dashboard, &DashboardView::recordsRequested, this,
            [this](DashboardView::Records records, const RecordFilter &f) {
                RecordTableView *view = records == DashboardView::Records::Ledger      ? m_ledger
                                        : records == DashboardView::Records::Purchases ? m_purchases
                                                                                       : m_jobs;
                view->setProperty("loaded", true);
                view->setFilter(f);
                m_tabs->setCurrentWidget(view);
                view->table()->setFocus();
            });

    // A company's own policy: edited, previewed and versioned here (a lead saves).
    m_policy = new PolicyEditor(m_database);
    m_policy->setAuthor(m_reviewer);
    m_tabs->addTab(m_policy, tr("Policy"));

    // The large tables load when first shown, not at start.
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        QWidget *page = m_tabs->widget(index);
        for (RecordTableView *v : {m_ledger, m_purchases, m_jobs, m_payouts->table()})
            if (recordView(page) == v && !v->property("loaded").toBool()) {
                v->setProperty("loaded", true);
                v->reload();
            }
        if (page == m_dashboard && !m_dashboard->hasData() && !m_dashboard->isLoading())
            m_dashboard->reload();
    });
    m_tabs->setTabsClosable(true);
    for (int i = 0; i < m_tabs->count(); ++i)
        m_tabs->tabBar()->setTabButton(i, QTabBar::RightSide, nullptr);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (auto *account = qobject_cast<AccountView *>(m_tabs->widget(index)))
            account->deleteLater();
    });
}

void MainWindow::showPage(int index)
{
    if (index >= 0 && index < m_tabs->count())
        m_tabs->setCurrentIndex(index);
}

void MainWindow::applySessionRole()
{
    m_sessionRole.clear();
    if (!m_database.dialect().isPostgres())
        return;
    QString login;
    try {
        const TeamRoles::Session session = TeamRoles(m_database.connection()).session();
        m_sessionRole = session.role;
        login = session.user;
    } catch (const DatabaseError &) {
        return; // a database without the team's roles: names as typed
    }
    if (m_sessionRole.isEmpty())
        return;
    if (m_policy && m_sessionRole != QLatin1String("lead") &&
        m_sessionRole != QLatin1String("admin"))
        m_policy->setMaySave(false, tr("Only a lead saves a policy profile or puts accounts on it "
                                       "(you are signed in as %1).")
                                        .arg(DisplayNames::value(m_sessionRole)));
    // The database records the login whatever name is typed: the desk says so.
    setReviewer(login);
    if (QAction *name = action(QStringLiteral("reviewer"))) {
        name->setEnabled(false);
        name->setToolTip(tr("On a team's database you act as the login you signed in with."));
    }
    if (m_sessionRole == QLatin1String("viewer")) {
        for (const char *id : viewerCannot)
            if (QAction *a = action(QLatin1String(id)))
                a->setToolTip(tr("A viewer reads and exports; a reviewer, lead or admin may do "
                                 "this (ask an admin)."));
        updateActions();
    }
}

void MainWindow::setReviewer(const QString &name)
{
    m_reviewer = name.trimmed();
    m_queue->setReviewer(m_reviewer);
    if (m_policy)
        m_policy->setAuthor(m_reviewer);
    if (m_payouts)
        m_payouts->setReviewer(m_reviewer);
    m_reviewerLabel->setText(
        !m_sessionRole.isEmpty()
            ? tr("Signed in as %1 (%2)").arg(m_reviewer, DisplayNames::value(m_sessionRole))
        : m_reviewer.isEmpty() ? tr("No reviewer name set")
        : m_database.dialect().isSqlite()
            ? tr("Reviewer: %1 · one person's file, no roles").arg(m_reviewer)
            : tr("Reviewer: %1").arg(m_reviewer));
    m_reviewerLabel->setToolTip(
        m_database.dialect().isSqlite()
            ? tr("A SQLite file is one person's: decisions are recorded under this name (at "
                 "first the operating-system user, %1; File → Reviewer name changes it). "
                 "Sign-in, roles and second approvals apply on a team's PostgreSQL database.")
                  .arg(qEnvironmentVariable("USER", tr("unknown")))
            : QString());
}

void MainWindow::openAccount(qint64 accountId)
{
    if (accountId <= 0)
        return;
    for (int i = 0; i < m_tabs->count(); ++i)
        if (auto *view = qobject_cast<AccountView *>(m_tabs->widget(i));
            view && view->accountId() == accountId) {
            m_tabs->setCurrentIndex(i);
            return;
        }
    auto *view = new AccountView(m_database, m_reader, accountId);
    connect(view, &AccountView::requestActivated, this, [this, accountId](qint64 requestId) {
        QueueFilter f;
        f.slice.accountId = accountId;
        m_queue->applyFilter(f);
        m_tabs->setCurrentIndex(0);
        m_queue->selectRequest(requestId);
    });
    m_tabs->setCurrentIndex(m_tabs->addTab(view, tr("Account %1").arg(accountId)));
}

void MainWindow::requestChanged(qint64 requestId)
{
    m_detail->showRequest(requestId);
    updateActions();
}

void MainWindow::updateActions()
{
    const bool onQueue = m_tabs->currentWidget() == m_splitter;
    const bool has = onQueue && m_detail->hasRequest();
    const QString status = has ? m_detail->dossier().request.status : QString();
    const bool undecided =
        has && status != QLatin1String("approved") && status != QLatin1String("denied");
    // Four-eyes: a waiting request is approved a second time or sent back, not decided again.
    const auto &first = has ? m_detail->dossier().firstApproval : std::nullopt;
    const bool open = undecided && !first;
    for (const char *name : {"approve", "deny"})
        action(QLatin1String(name))->setEnabled(open);
    action(QStringLiteral("escalate"))->setEnabled(open && status != QLatin1String("escalated"));
    action(QStringLiteral("assign"))
        ->setEnabled(undecided && m_detail->dossier().request.assignedTo != m_reviewer);
    const bool lead = m_sessionRole.isEmpty() || m_sessionRole == QLatin1String("lead") ||
                      m_sessionRole == QLatin1String("admin");
    const bool ownFirst = first && first->actor == m_reviewer;
    QAction *second = action(QStringLiteral("secondApproval"));
    second->setEnabled(first && lead && !ownFirst);
    second->setToolTip(
        !first     ? tr("For a request waiting for a second approval")
        : ownFirst ? tr("You gave the first approval: another lead gives the second.")
        : !lead    ? tr("Only a lead gives a second approval.")
                : tr("Carry out %1's decision: it is paid or credited at once.").arg(first->actor));
    QAction *reverse = action(QStringLiteral("reverse"));
    const bool reversible = has && !undecided && !m_detail->dossier().reversal &&
                            m_detail->dossier().request.type != QLatin1String("chargeback");
    reverse->setEnabled(reversible && lead);
    reverse->setToolTip(reversible && !lead
                            ? tr("Only a lead reverses a decision.")
                            : tr("Correct a decision: the credits it moved move back and the "
                                 "request reopens as a new one."));
    QAction *back = action(QStringLiteral("sendBack"));
    back->setEnabled(first && (lead || ownFirst));
    back->setToolTip(first && !lead && !ownFirst
                         ? tr("Only a lead, or whoever gave the first approval, sends it back.")
                         : tr("Send the request back to the queue with a note."));
    for (const char *name : {"note", "openAccount", "copyReply"})
        action(QLatin1String(name))->setEnabled(has);
    for (const char *name : {"next", "previous"})
        action(QLatin1String(name))->setEnabled(onQueue);
    // A viewer's session, or a file this user may not write: the database refuses these, the
    // desk does not offer them.
    if (m_sessionRole == QLatin1String("viewer") || m_database.isReadOnly())
        for (const char *name : viewerCannot) {
            action(QLatin1String(name))->setEnabled(false);
            if (m_database.isReadOnly())
                action(QLatin1String(name))
                    ->setToolTip(tr("This database file is read-only here."));
        }
}

void MainWindow::refreshAfterWrite(qint64 requestId)
{
    const qint64 shown = m_detail->requestId();
    m_queue->refresh();
    // When the request left the view, the queue moved to the next one and the pane already
    // shows it; otherwise the request shown may be the one that changed.
    if (m_detail->requestId() == shown && (requestId == 0 || requestId == shown))
        m_detail->reload();
    m_dashboard->dataChanged();
    updateActions();
}

void MainWindow::externalChange(qint64 requestId)
{
    m_pendingChange = (m_pendingChange == -1)          ? requestId
                      : (m_pendingChange == requestId) ? requestId
                                                       : 0;
    m_changeDelay->start();
}

void MainWindow::notify(const QString &title, const QString &text)
{
    auto *box = new QMessageBox(QMessageBox::Information, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::connectToDatabase()
{
    ConnectionDialog dialog(m_database.url(), m_reviewer, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    setReviewer(dialog.reviewer());
    const DatabaseUrl url = dialog.url();
    if (url.toString() == m_database.url().toString())
        return;
    m_requestedUrl = url;
    close();
}

void MainWindow::askReviewerName()
{
    bool ok = false;
    const QString name = QInputDialog::getText(
        this, tr("Reviewer name"), tr("Your name, recorded with every decision you take:"),
        QLineEdit::Normal, m_reviewer, &ok);
    if (!ok || name.trimmed().isEmpty())
        return;
    ConnectionDialog::rememberReviewer(name.trimmed());
    setReviewer(name);
    updateActions();
}

void MainWindow::showShortcuts()
{
    QStringList rows;
    for (const char *name :
         {"next", "previous", "approve", "deny", "escalate", "secondApproval", "sendBack", "assign",
          "note", "openAccount", "copyReply", "search", "refresh"}) {
        const QAction *a = action(QLatin1String(name));
        rows << QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                    .arg(a->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(),
                         a->text().remove(QLatin1Char('&')).toHtmlEscaped());
    }
    rows << QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                .arg(tr("Ctrl+Enter"), tr("Confirm the open dialog"));
    QMessageBox::information(
        this, tr("Keyboard shortcuts"),
        QStringLiteral("<table cellpadding='3'>%1</table>").arg(rows.join(QString())));
}

void MainWindow::restoreLayout()
{
    QSettings s;
    if (!restoreGeometry(s.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
        resize(1500, 900);
    restoreState(s.value(QStringLiteral("mainWindow/state")).toByteArray());
    if (!m_splitter->restoreState(s.value(QStringLiteral("mainWindow/splitter")).toByteArray()))
        m_splitter->setSizes({900, 600});
    m_queue->restoreState();
}

void MainWindow::saveLayout()
{
    QSettings s;
    s.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    s.setValue(QStringLiteral("mainWindow/state"), saveState());
    s.setValue(QStringLiteral("mainWindow/splitter"), m_splitter->saveState());
    m_queue->saveState();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    event->accept();
}

RecordTableView *MainWindow::recordView(QWidget *page) const
{
    if (page && page == m_payouts)
        return m_payouts->table();
    return qobject_cast<RecordTableView *>(page);
}

QTableView *MainWindow::currentTable() const
{
    QWidget *page = m_tabs->currentWidget();
    if (page == m_splitter)
        return m_queue->table();
    if (auto *view = recordView(page))
        return view->table();
    if (auto *account = qobject_cast<AccountView *>(page))
        return account->currentTable();
    return nullptr;
}

CsvExportRunner *MainWindow::exportCurrentView(const QString &path, bool bom, bool quiet)
{
    QTableView *table = currentTable();
    auto *model = table ? qobject_cast<SqlWindowModel *>(table->model()) : nullptr;
    if (!model)
        return nullptr;
    // As shown: the visible columns in their on-screen order, then the currency of any money
    // column whose currency is not shown.
    const QHeaderView *header = table->horizontalHeader();
    QList<int> columns;
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            columns << logical;
    }
    for (const int c : QList<int>(columns)) {
        const SqlColumn &column = model->column(c);
        const int unit = column.unit.isEmpty() ? -1 : model->fieldIndex(column.unit);
        if (column.kind == SqlColumn::Kind::Money && unit >= 0 && !columns.contains(unit))
            columns << unit;
    }
    QList<ReportColumn> written;
    for (const int c : columns) {
        ReportColumn r;
        r.header = model->column(c).header;
        switch (model->column(c).kind) {
        case SqlColumn::Kind::Integer:
            r.kind = ReportColumn::Kind::Integer;
            break;
        case SqlColumn::Kind::Money:
            r.kind = ReportColumn::Kind::Money;
            break;
        case SqlColumn::Kind::Timestamp:
            r.kind = ReportColumn::Kind::Timestamp;
            break;
        case SqlColumn::Kind::Text:
        case SqlColumn::Kind::Date:
            r.kind = ReportColumn::Kind::Text;
            break;
        }
        // Codes in the words the column shows them in ("Job credit-back", "Duplicate charge").
        if (const auto *words = qobject_cast<TableCellDelegate *>(table->itemDelegateForColumn(c)))
            r.labeller = words->labeller();
        written << r;
    }
    auto *runner = new CsvExportRunner(m_database, this);
    runner->setQuiet(quiet);
    runner->start(model->selectSql(columns), model->filterValues(), written, path, bom);
    return runner;
}

QString MainWindow::askExportPath(const QString &title, const QString &fileName)
{
    // The folder of the last export, else the user's documents.
    const QString dir =
        QSettings()
            .value(QStringLiteral("export/folder"),
                   QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
            .toString();
    const QString path = QFileDialog::getSaveFileName(
        this, title, dir + QLatin1Char('/') + fileName, tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        QSettings().setValue(QStringLiteral("export/folder"), QFileInfo(path).path());
    return path;
}

void MainWindow::exportView()
{
    if (!currentTable())
        return;
    const QString name = m_tabs->tabText(m_tabs->currentIndex()).remove(QLatin1Char('&')).toLower();
    const QString path =
        askExportPath(tr("Export this table as CSV"),
                      name + QDate::currentDate().toString(QStringLiteral("-yyyy-MM-dd")) +
                          QStringLiteral(".csv"));
    if (!path.isEmpty())
        exportCurrentView(path, QSettings().value(QStringLiteral("export/bom"), false).toBool());
}

void MainWindow::exportReport()
{
    ReportDialog dialog(m_database.dialect(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const std::optional<Report> report =
        ReportCatalog::find(dialog.reportName(), m_database.dialect(), dialog.parameters());
    if (!report)
        return;
    const QString path = askExportPath(tr("Save the %1 report").arg(report->name),
                                       report->name + QStringLiteral(".csv"));
    if (path.isEmpty())
        return;
    auto *runner = new CsvExportRunner(m_database, this);
    runner->start(report->sql, report->values, report->columns, path, dialog.bom());
}
