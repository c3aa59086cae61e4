#pragma once
// A refund request that arrived by email, typed in by a reviewer: the account found by email,
// the purchase or job from that account's own, what the profile asks a request to carry, and
// the policy's recommendation live before saving. Saved as a refund.requested event, through
// the same intake as the platform's.

#include <QDialog>
#include <optional>

class Database;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QStringListModel;
class RefundWorkflow;
struct RequestRecord;

class NewRequestDialog : public QDialog
{
    Q_OBJECT
public:
    NewRequestDialog(Database &database, RefundWorkflow &workflow, QWidget *parent = nullptr);

    // After accept(): the new request's id.
    qint64 requestId() const { return m_requestId; }

    void accept() override;

private:
    void completeEmails(const QString &typed);
    void findAccount();
    void refresh(); // what is missing, and the recommendation now
    std::optional<RequestRecord> draft() const;

    Database &m_db;
    RefundWorkflow &m_workflow;
    qint64 m_accountId = 0;
    QString m_profile;
    qint64 m_requestId = 0;
    QLineEdit *m_ticket;
    QLineEdit *m_email;
    QStringListModel *m_emails;
    QLabel *m_account;
    QComboBox *m_type;
    QComboBox *m_purchase;
    QComboBox *m_job;
    QLineEdit *m_amount;
    QPlainTextEdit *m_message;
    QLabel *m_missing;
    QLabel *m_recommendation;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};
