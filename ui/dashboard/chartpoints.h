#pragma once
// The points of charts, for people and keyboards alike: each series says what its points are
// (a tooltip on hover) and what a click opens; a chart with focus has a chosen point, walked
// with the arrow keys (Home, End too), drawn selected and described, and Enter opens it.

#include <QHash>
#include <QObject>
#include <QString>
#include <functional>
#include <utility>

class QCPAbstractPlottable;
class QCustomPlot;
class QPointF;
class QWidget;

class ChartPoints : public QObject
{
    Q_OBJECT
public:
    struct Series
    {
        std::function<QString(double key)> describe;
        std::function<void(double key)> open;
    };

    // `owner` gives the palette a chosen point is drawn in.
    explicit ChartPoints(QWidget *owner);

    // Tooltips, clicks and the keyboard on `plot` from now on.
    void watch(QCustomPlot *plot);
    void add(QCPAbstractPlottable *plottable, Series series);
    // Before every chart is drawn again: forgets every series.
    void clear();
    // Before one chart is drawn again: forgets its chosen point.
    void forget(QCustomPlot *plot);

    // What the tooltip says for the point of `plottable` at `dataIndex`.
    QString describe(QCPAbstractPlottable *plottable, int dataIndex) const;
    // Opens the slice behind the point (as a click does).
    void open(QCPAbstractPlottable *plottable, int dataIndex);
    // The point the keyboard has chosen on `plot`, if any.
    std::pair<QCPAbstractPlottable *, int> keyPoint(QCustomPlot *plot) const;
    static QString keyboardHint();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct KeyPoint
    {
        QCPAbstractPlottable *plottable = nullptr;
        int index = -1;
    };
    void hover(QCustomPlot *plot, const QPointF &pos);
    bool handleKey(QCustomPlot *plot, int key);
    // The plot's series that have points to choose, in drawing order.
    QList<QCPAbstractPlottable *> navigable(QCustomPlot *plot) const;
    // Whether the point is worth choosing (a bar of zero is not drawn at all).
    static bool choosable(QCPAbstractPlottable *plottable, int index);
    // The next choosable point after `from` going `direction` (+1 or -1); -1 if none.
    static int step(QCPAbstractPlottable *plottable, int from, int direction);
    // The choosable point of `plottable` nearest to `key`; -1 if none.
    static int nearest(QCPAbstractPlottable *plottable, double key);
    void choose(QCustomPlot *plot, KeyPoint point);
    void unchoose(QCustomPlot *plot);
    // The series `plottable` belongs to and the key of its point `index`; nullptr if none.
    const Series *seriesAt(QCPAbstractPlottable *plottable, int index, double *key) const;

    QWidget *m_owner;
    QHash<QCPAbstractPlottable *, Series> m_series;
    QHash<QCustomPlot *, KeyPoint> m_keyPoints;
};
