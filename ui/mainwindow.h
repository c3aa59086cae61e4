#pragma once
// The reviewer's main window: one tab per table, the database it shows in the status bar.

#include <QMainWindow>

class AccountTableModel;
class Database;
class QLineEdit;
class QTableView;
class QTimer;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(Database &database, QWidget *parent = nullptr);

private:
    void createMenus();
    void reloadAccounts();
    void showError(const QString &message);

    Database &m_database;
    AccountTableModel *m_accounts;
    QTableView *m_accountView;
    QLineEdit *m_accountSearch;
    QTimer *m_searchDelay;
};
