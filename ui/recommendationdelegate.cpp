#include "recommendationdelegate.h"

#include <QApplication>
#include <QPainter>

QString RecommendationDelegate::label(const QString &verdict)
{
    if (verdict == QLatin1String("approve"))
        return tr("Approve");
    if (verdict == QLatin1String("deny"))
        return tr("Deny");
    if (verdict == QLatin1String("review"))
        return tr("Review");
    return tr("Not triaged");
}

QColor RecommendationDelegate::colour(const QString &verdict)
{
    // Colours that keep white text readable on light and dark palettes alike.
    if (verdict == QLatin1String("approve"))
        return QColor(0x2e, 0x7d, 0x32);
    if (verdict == QLatin1String("deny"))
        return QColor(0xc6, 0x28, 0x28);
    if (verdict == QLatin1String("review"))
        return QColor(0xb2, 0x6a, 0x00);
    return QColor(0x75, 0x75, 0x75);
}

void RecommendationDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                   const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString verdict = index.data().toString();
    opt.text.clear();
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // selection background

    const QString text = label(verdict);
    QFont font = opt.font;
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 0.9);
    const QFontMetrics metrics(font);
    const int height = qMin(opt.rect.height() - 4, metrics.height() + 4);
    const int width = metrics.horizontalAdvance(text) + 14;
    const QRect badge(opt.rect.x() + 4, opt.rect.center().y() - height / 2 + 1, width, height);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(colour(verdict));
    painter->drawRoundedRect(badge, height / 2.0, height / 2.0);
    painter->setPen(Qt::white);
    painter->setFont(font);
    painter->drawText(badge, Qt::AlignCenter, text);
    painter->restore();
}

QSize RecommendationDelegate::sizeHint(const QStyleOptionViewItem &option,
                                       const QModelIndex &index) const
{
    QSize size = TableCellDelegate::sizeHint(option, index);
    QFont font = option.font;
    font.setBold(true);
    size.setWidth(QFontMetrics(font).horizontalAdvance(label(index.data().toString())) + 24);
    return size;
}
