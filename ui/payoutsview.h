#pragma once
// The Payouts tab: every payout with its state, failed and unknown ones first, the filters of
// the other tables, and a person's retry of a failed payout (a new payout, with a note).

#include <QWidget>

class Database;
class PayoutTableModel;
class QLabel;
class QPushButton;
class RecordTableView;
class RefundWorkflow;

class PayoutsView : public QWidget
{
    Q_OBJECT
public:
    PayoutsView(Database &database, RefundWorkflow &workflow, PayoutTableModel *model,
                RecordTableView *table, QWidget *parent = nullptr);

    RecordTableView *table() const { return m_table; }
    // Who retries: the reviewer name of the desk (recorded in the history).
    void setReviewer(const QString &name) { m_reviewer = name; }
    // Asks for a note and retries the failed payout of the current row; for tests, the note.
    bool retrySelected(const QString &noteForTests = {});

signals:
    // A payout was created or moved: other views may show it.
    void payoutsChanged();

private:
    void updateActions();

    Database &m_database;
    RefundWorkflow &m_workflow;
    PayoutTableModel *m_model;
    RecordTableView *m_table;
    QPushButton *m_retry;
    QLabel *m_hint;
    QString m_reviewer;
};
