#pragma once
// The answer date of an open request: red when overdue, amber when due today.

#include "tablecelldelegate.h"

#include <QDate>

class DeadlineDelegate : public TableCellDelegate
{
    Q_OBJECT
public:
    explicit DeadlineDelegate(QObject *parent = nullptr);

    // "Today" in the business's sense; tests pin it.
    void setToday(const QDate &today) { m_today = today; }
    enum class Urgency
    {
        None,
        DueToday,
        Overdue
    };
    static Urgency urgency(const QDate &respondBy, const QString &status, const QDate &today);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    QDate m_today;
};
