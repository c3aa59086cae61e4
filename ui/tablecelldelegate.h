#pragma once
// Shows the raw values of a SqlWindowModel as people read them: money with its currency,
// times in local time, text on one line.

#include <QStyledItemDelegate>

class TableCellDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    // Shows stored codes ("failed_job") as words ("Failed job").
    using Labeller = QString (*)(const QString &);
    TableCellDelegate(Labeller labeller, QObject *parent)
        : QStyledItemDelegate(parent), m_labeller(labeller)
    {
    }

    // The text of a cell as shown (also for copying and exports "as shown").
    static QString displayText(const QModelIndex &index);
    // The words this delegate shows for stored codes; none when it shows them as stored.
    Labeller labeller() const { return m_labeller; }
    // That text with this delegate's words for stored codes, as the cell shows it.
    QString shownText(const QModelIndex &index) const;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    Labeller m_labeller = nullptr;
};
