#pragma once
// What the desk shows on a database with no accounts yet, instead of an empty queue: connect to
// another database, import the platform's events from a file, or create demo data.

#include <QWidget>

class Database;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(Database &database, QWidget *parent = nullptr);

    // Imports an events file on a thread of its own; emits dataLoaded() when it was applied,
    // or shows the problems when it was refused (nothing written then).
    void importFile(const QString &path);
    void createDemo();
    bool isBusy() const { return m_busy; }

signals:
    void connectRequested();
    void dataLoaded();

private:
    void setBusy(bool busy, const QString &what = {});

    Database &m_database;
    bool m_busy = false;
    QPushButton *m_connect;
    QPushButton *m_import;
    QPushButton *m_demo;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPlainTextEdit *m_problems;
};
