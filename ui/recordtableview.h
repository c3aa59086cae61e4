#pragma once
// A large table (ledger, purchases, jobs, accounts) with the filters that apply to it.

#include "models/recordfilter.h"

#include <QWidget>
#include <functional>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class SqlWindowModel;

struct RecordTableOptions
{
    bool dates = false;
    QString kindLabel; // empty: no kind filter
    QStringList kinds;
    QStringList causes;
    bool profiles = false;
    bool account = false;
    bool search = false;
    QString searchHint;
};

class RecordTableView : public QWidget
{
    Q_OBJECT
public:
    using Apply = std::function<void(const RecordFilter &)>;
    RecordTableView(SqlWindowModel *model, Apply apply, const RecordTableOptions &options,
                    QWidget *parent = nullptr);

    RecordFilter filter() const;
    // Shows `filter` in the bar and applies it.
    void setFilter(const RecordFilter &filter);
    void reload();
    void focusSearch();
    QTableView *table() const { return m_table; }
    SqlWindowModel *model() const { return m_model; }

signals:
    void rowActivated(int row);

private:
    void changed();
    void updateCount();
    void setUtcDays(bool utc);

    SqlWindowModel *m_model;
    Apply m_apply;
    QTableView *m_table;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QComboBox *m_kind = nullptr;
    QComboBox *m_cause = nullptr;
    QComboBox *m_profile = nullptr;
    QLineEdit *m_account = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_count;
    QTimer *m_delay;
    bool m_applying = false;
    bool m_utcDays = false;
};
