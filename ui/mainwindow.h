#pragma once
// The reviewer's main window: the queue with the request beside it, the large tables, the
// menus and shortcuts, and the watch for changes made elsewhere.

#include "models/databaseurl.h"
#include "policy/refundworkflow.h"

#include <QMainWindow>
#include <functional>

class AccountTableModel;
class BackgroundReader;
class ChangeWatcher;
class ConnectionBanner;
class Database;
class JobTableModel;
class LedgerTableModel;
class PurchaseTableModel;
class QAction;
class QLabel;
class QSplitter;
class QTabWidget;
class QTimer;
class QueueView;
class RecordTableView;
class PayoutTableModel;
class PayoutsView;
class RequestDetailView;
class RequestQueueModel;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(Database &database, QWidget *parent = nullptr);
    ~MainWindow() override;

    QString reviewer() const { return m_reviewer; }
    void setReviewer(const QString &name);
    // On a team's PostgreSQL: the signed-in login's desk role (viewer, reviewer, lead, admin),
    // empty elsewhere. The desk acts under the login's name and disables what the role may
    // not do.
    QString sessionRole() const { return m_sessionRole; }
    QueueView *queue() const { return m_queue; }
    RequestDetailView *detail() const { return m_detail; }
    RefundWorkflow &workflow() { return m_workflow; }
    ChangeWatcher *watcher() const { return m_watcher; }
    ConnectionBanner *banner() const { return m_banner; }
    class DashboardView *dashboard() const { return m_dashboard; }
    // The page shown instead of the tabs on a database with no accounts; nullptr otherwise.
    class WelcomePage *welcome() const { return m_welcome; }
    // Shows a tab: 0 queue, 1 accounts, 2 ledger, 3 purchases, 4 jobs, 5 dashboard.
    void showPage(int index);
    // Opens (or shows) an account's page.
    void openAccount(qint64 accountId);
    // Set when the user chose another database; the caller reopens the window on it.
    const DatabaseUrl &requestedUrl() const { return m_requestedUrl; }

    // Exports the table on screen as shown (filter, sort, visible columns) to `path`; returns
    // the runner (its finished() says how it ended), or nullptr when no table is shown.
    class CsvExportRunner *exportCurrentView(const QString &path, bool bom = false,
                                             bool quiet = false);

    // The window's actions, also for tests: approve, deny, escalate, assign, note, next, ...
    QAction *action(const QString &name) const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createTabs();
    void decide(int action);
    void approveSecond();
    void sendBack();
    void reverseDecision();
    // A note dialog for the request: `write` stores the text (its DatabaseError is shown in the
    // dialog); once stored, `done`'s words show in the status bar and the views refresh.
    class NoteDialog *noteDialog(qint64 requestId, std::function<void(const QString &)> write,
                                 std::function<QString()> done, int shownFor);
    void addNote();
    void assignToMe();
    void requestChanged(qint64 requestId);
    void externalChange(qint64 requestId);
    // Re-reads the queue and the request beside it after `requestId` changed (0: unknown).
    void refreshAfterWrite(qint64 requestId);
    void updateActions();
    void notify(const QString &title, const QString &text);
    void connectToDatabase();
    void askReviewerName();
    void showShortcuts();
    void exportView();
    void exportReport();
    // Asks where to save a CSV, starting in the folder of the last export; empty: cancelled.
    QString askExportPath(const QString &title, const QString &fileName);
    class QTableView *currentTable() const;
    // The table view of a page (the Payouts page holds one with its buttons).
    RecordTableView *recordView(QWidget *page) const;
    void restoreLayout();
    void saveLayout();

    Database &m_database;
    class WelcomePage *m_welcome = nullptr;
    RefundWorkflow m_workflow;
    BackgroundReader *m_reader;
    ChangeWatcher *m_watcher;
    QString m_reviewer;
    DatabaseUrl m_requestedUrl;

    RequestQueueModel *m_queueModel;
    AccountTableModel *m_accountModel;
    LedgerTableModel *m_ledgerModel;
    PurchaseTableModel *m_purchaseModel;
    JobTableModel *m_jobModel;
    PayoutTableModel *m_payoutModel;
    QueueView *m_queue;
    RequestDetailView *m_detail;
    RecordTableView *m_accounts;
    RecordTableView *m_ledger;
    RecordTableView *m_purchases;
    RecordTableView *m_jobs;
    PayoutsView *m_payouts = nullptr;
    class DashboardView *m_dashboard;
    class PolicyEditor *m_policy = nullptr;
    QSplitter *m_splitter;
    QTabWidget *m_tabs;
    ConnectionBanner *m_banner;
    QLabel *m_reviewerLabel;
    QTimer *m_changeDelay;
    qint64 m_pendingChange = -1; // -1: none, 0: unknown request
    QHash<QString, QAction *> m_actions;
    QString m_sessionRole;
    void applySessionRole();
};
