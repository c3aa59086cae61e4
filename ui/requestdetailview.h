#pragma once
// The request beside the queue: the customer's message, the account, what the request refers
// to, the policy's recommendation with its clause, the history and notes, and a reply draft.

#include "policy/requestdossier.h"

#include <QWidget>

class Database;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QScrollArea;
class QTextBrowser;
class QToolButton;
class QAction;
class RefundWorkflow;

class RequestDetailView : public QWidget
{
    Q_OBJECT
public:
    RequestDetailView(Database &database, RefundWorkflow &workflow, QWidget *parent = nullptr);

    // Shows a request (0: none). Errors are shown in the pane.
    void showRequest(qint64 requestId);
    // Re-reads the request shown.
    void reload() { showRequest(m_requestId); }
    qint64 requestId() const { return m_requestId; }
    // The dossier shown; only meaningful when hasRequest().
    const RequestDossier &dossier() const { return m_dossier; }
    bool hasRequest() const { return m_loaded; }
    QString replyDraft() const;

    // The buttons trigger the window's actions, so menus, shortcuts and buttons agree.
    // Four-eyes: the buttons of a request waiting for a second approval, in place of approve
    // and deny.
    void setWaitingActions(QAction *secondApproval, QAction *sendBack);
    void setActions(QAction *approve, QAction *deny, QAction *escalate, QAction *assign,
                    QAction *note, QAction *openAccount);

signals:
    void loadFailed(const QString &message);

private:
    void render();
    QString requestHtml() const;
    QString accountHtml() const;
    QString outcomeHtml() const;
    QString historyHtml() const;

    Database &m_database;
    RefundWorkflow &m_workflow;
    qint64 m_requestId = 0;
    bool m_loaded = false;
    RequestDossier m_dossier;
    QList<QAction *> m_decideActions;  // approve, deny
    QList<QAction *> m_waitingActions; // second approval, send back
    QLabel *m_title;
    QLabel *m_placeholder;
    QWidget *m_body;
    QScrollArea *m_scroll;
    QLabel *m_request;
    QLabel *m_account;
    QLabel *m_outcome;
    QTextBrowser *m_history;
    QPlainTextEdit *m_reply;
    QPushButton *m_copyReply;
    QList<QToolButton *> m_buttons;
};
