#pragma once
// One account's page: who it is, its balance and history, and its ledger with the running
// balance, purchases, jobs and requests.

#include <QWidget>

class AccountTableModel;
class BackgroundReader;
class Database;
class QLabel;
class QTabWidget;
class QTableView;
class SqlWindowModel;

class AccountView : public QWidget
{
    Q_OBJECT
public:
    AccountView(Database &database, BackgroundReader *reader, qint64 accountId,
                QWidget *parent = nullptr);

    qint64 accountId() const { return m_accountId; }
    void reload();
    SqlWindowModel *ledger() const { return m_ledger; }
    // The table on the tab shown.
    QTableView *currentTable() const;

signals:
    void requestActivated(qint64 requestId);

private:
    void showHeader();
    QTableView *addTable(SqlWindowModel *model, const QString &title);

    Database &m_database;
    qint64 m_accountId;
    QLabel *m_header;
    QTabWidget *m_tabs;
    SqlWindowModel *m_ledger;
    QList<SqlWindowModel *> m_models;
};
