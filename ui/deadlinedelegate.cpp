#include "deadlinedelegate.h"

#include "models/sqlwindowmodel.h"

DeadlineDelegate::DeadlineDelegate(QObject *parent)
    : TableCellDelegate(parent), m_today(QDate::currentDate())
{
}

DeadlineDelegate::Urgency DeadlineDelegate::urgency(const QDate &respondBy, const QString &status,
                                                    const QDate &today)
{
    const bool open = status == QLatin1String("new") || status == QLatin1String("pending") ||
                      status == QLatin1String("escalated");
    if (!open || !respondBy.isValid())
        return Urgency::None;
    if (respondBy < today)
        return Urgency::Overdue;
    return respondBy == today ? Urgency::DueToday : Urgency::None;
}

void DeadlineDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    TableCellDelegate::initStyleOption(option, index);
    const auto *model = qobject_cast<const SqlWindowModel *>(index.model());
    if (!model)
        return;
    const QDate date = QDate::fromString(index.data().toString(), Qt::ISODate);
    const QString status = model->value(index.row(), QStringLiteral("status")).toString();
    switch (urgency(date, status, m_today)) {
    case Urgency::Overdue:
        option->backgroundBrush = QColor(0xc6, 0x28, 0x28);
        option->palette.setColor(QPalette::Text, Qt::white);
        option->font.setBold(true);
        option->text = tr("%1 overdue").arg(option->text);
        break;
    case Urgency::DueToday:
        option->backgroundBrush = QColor(0xff, 0xb3, 0x00);
        option->palette.setColor(QPalette::Text, Qt::black);
        option->text = tr("%1 today").arg(option->text);
        break;
    case Urgency::None:
        break;
    }
}
