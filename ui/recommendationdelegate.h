#pragma once
// Paints the stored recommendation (approve / deny / review) as a coloured badge.

#include "tablecelldelegate.h"

class RecommendationDelegate : public TableCellDelegate
{
    Q_OBJECT
public:
    using TableCellDelegate::TableCellDelegate;

    // The badge's label and colour for a verdict; also used by the detail pane.
    static QString label(const QString &verdict);
    static QColor colour(const QString &verdict);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};
