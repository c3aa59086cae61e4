#pragma once
// The refund-request queue: filters, search, saved views and the table the reviewer works
// through with the keyboard.

#include "models/requestqueuemodel.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class QToolButton;
class DeadlineDelegate;

class QueueView : public QWidget
{
    Q_OBJECT
public:
    explicit QueueView(RequestQueueModel *model, QWidget *parent = nullptr);

    void setReviewer(const QString &reviewer);
    qint64 currentRequestId() const;
    bool selectRequest(qint64 id);
    // Moves the selection by `delta` rows (J/K).
    void moveSelection(int delta);
    void focusSearch();
    // Re-reads the queue, keeping the selected request (or its row when it left the queue).
    void refresh();
    // Shows `filter` in the bar and applies it; a slice (an account, or a dashboard's decided
    // days, reviewer, ...) stays, named above the table, until cleared.
    void applyFilter(const QueueFilter &filter);
    // The slice shown above the table, empty when none.
    QString sliceText() const;
    void clearSlice();
    QueueFilter currentFilter() const;
    QTableView *table() const { return m_table; }
    // For tests: today's date for "overdue".
    void setToday(const QDate &today);

    void saveState() const;
    void restoreState();

signals:
    void currentRequestChanged(qint64 requestId);
    void requestActivated(qint64 requestId); // Enter or double click

private:
    void buildFilterBar(QWidget *bar);
    void filtersChanged();
    void saveView();
    void deleteView();
    void openView(int index);
    void reloadViewList();
    void updateCount();
    void showSlice();
    void rememberSelection();
    void restoreSelection();
    // Emits currentRequestChanged() when the request shown beside the queue changes.
    void announce(qint64 requestId);

    RequestQueueModel *m_model;
    QTableView *m_table;
    DeadlineDelegate *m_deadlines;
    QComboBox *m_status;
    int m_waitingForMe = -1; // m_status's "Waiting for my approval"
    QComboBox *m_type;
    QComboBox *m_profile;
    QCheckBox *m_mine;
    QCheckBox *m_overdue;
    QLineEdit *m_search;
    QComboBox *m_views;
    QToolButton *m_saveView;
    QToolButton *m_deleteView;
    QLabel *m_count;
    QWidget *m_sliceBar;
    QLabel *m_slice;
    QTimer *m_searchDelay;
    QString m_reviewer;
    QDate m_today;
    bool m_applying = false;
    qint64 m_selectedId = 0;
    int m_selectedRow = -1;
    qint64 m_lastEmitted = -1;
};
