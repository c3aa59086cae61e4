#include "tablecelldelegate.h"
#include "ui/displaynames.h"

#include "models/sqlwindowmodel.h"
#include "policy/rules/money.h"

#include <QDateTime>
#include <QLocale>

QString TableCellDelegate::displayText(const QModelIndex &index)
{
    const QVariant value = index.data(Qt::DisplayRole);
    const auto *model = qobject_cast<const SqlWindowModel *>(index.model());
    if (!model || value.isNull())
        return value.toString();
    const SqlColumn &column = model->column(index.column());
    switch (column.kind) {
    case SqlColumn::Kind::Money: {
        const QString currency = model->value(index.row(), column.unit).toString();
        return formatMoney(value.toLongLong(), currency, QLocale()).trimmed();
    }
    case SqlColumn::Kind::Timestamp:
        return QLocale().toString(QDateTime::fromSecsSinceEpoch(value.toLongLong()).toLocalTime(),
                                  DisplayNames::dateTimeFormat());
    case SqlColumn::Kind::Date: {
        const QDate date = QDate::fromString(value.toString(), Qt::ISODate);
        return date.isValid() ? QLocale().toString(date, DisplayNames::dateFormat())
                              : value.toString();
    }
    case SqlColumn::Kind::Integer:
        return value.toString();
    case SqlColumn::Kind::Text:
        break;
    }
    QString text = value.toString();
    // Customer text may hold line breaks; a table row stays one line.
    text.replace(QLatin1String("\r\n"), QStringLiteral(" \u23CE "));
    text.replace(QLatin1Char('\n'), QStringLiteral(" \u23CE "));
    return text;
}

QString TableCellDelegate::shownText(const QModelIndex &index) const
{
    const QString text = displayText(index);
    return m_labeller && !text.isEmpty() ? m_labeller(text) : text;
}

void TableCellDelegate::initStyleOption(QStyleOptionViewItem *option,
                                        const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    option->text = shownText(index);
}
