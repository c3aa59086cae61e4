#include "chartpoints.h"

#include <QCoreApplication>
#include <QKeyEvent>
#include <QToolTip>
#include <qcustomplot.h>

ChartPoints::ChartPoints(QWidget *owner) : QObject(owner), m_owner(owner) {}

void ChartPoints::watch(QCustomPlot *plot)
{
    plot->setAccessibleDescription(keyboardHint());
    plot->setFocusPolicy(Qt::StrongFocus);
    plot->installEventFilter(this);
    connect(plot, &QCustomPlot::mouseMove, this,
            [this, plot](QMouseEvent *event) { hover(plot, event->position()); });
    connect(plot, &QCustomPlot::plottableClick, this,
            [this](QCPAbstractPlottable *plottable, int index, QMouseEvent *event) {
                if (event->button() == Qt::LeftButton)
                    open(plottable, index);
            });
}

void ChartPoints::clear()
{
    m_series.clear();
}

void ChartPoints::forget(QCustomPlot *plot)
{
    m_keyPoints.remove(plot);
}

void ChartPoints::add(QCPAbstractPlottable *plottable, Series series)
{
    m_series.insert(plottable, std::move(series));
}

const ChartPoints::Series *ChartPoints::seriesAt(QCPAbstractPlottable *plottable, int index,
                                                 double *key) const
{
    const auto it = m_series.constFind(plottable);
    QCPPlottableInterface1D *data = plottable ? plottable->interface1D() : nullptr;
    if (it == m_series.constEnd() || !data || index < 0 || index >= data->dataCount())
        return nullptr;
    *key = data->dataMainKey(index);
    return &*it;
}

QString ChartPoints::describe(QCPAbstractPlottable *plottable, int index) const
{
    double key = 0;
    const Series *s = seriesAt(plottable, index, &key);
    return s ? s->describe(key) : QString();
}

void ChartPoints::open(QCPAbstractPlottable *plottable, int index)
{
    double key = 0;
    if (const Series *s = seriesAt(plottable, index, &key); s && s->open)
        s->open(key);
}

void ChartPoints::hover(QCustomPlot *plot, const QPointF &pos)
{
    int index = -1;
    QCPAbstractPlottable *plottable = plot->plottableAt(pos, false, &index);
    const QString text = plottable ? describe(plottable, index) : QString();
    if (text.isEmpty()) {
        QToolTip::hideText();
        plot->unsetCursor();
        return;
    }
    plot->setCursor(m_series.value(plottable).open ? Qt::PointingHandCursor : Qt::ArrowCursor);
    QToolTip::showText(plot->mapToGlobal(pos.toPoint()), text, plot);
}

bool ChartPoints::eventFilter(QObject *watched, QEvent *event)
{
    auto *plot = qobject_cast<QCustomPlot *>(watched); // only charts are watched
    if (!plot)
        return QObject::eventFilter(watched, event);
    switch (event->type()) {
    case QEvent::KeyPress:
        if (handleKey(plot, static_cast<QKeyEvent *>(event)->key()))
            return true;
        break;
    case QEvent::FocusIn: {
        // Tabbing in chooses the first point; a click gets focus without choosing one.
        const Qt::FocusReason reason = static_cast<QFocusEvent *>(event)->reason();
        if (reason != Qt::MouseFocusReason && !m_keyPoints.contains(plot))
            handleKey(plot, Qt::Key_Home);
        break;
    }
    case QEvent::FocusOut:
        unchoose(plot);
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

bool ChartPoints::handleKey(QCustomPlot *plot, int key)
{
    const QList<QCPAbstractPlottable *> list = navigable(plot);
    if (list.isEmpty())
        return false;
    const bool opens = key == Qt::Key_Return || key == Qt::Key_Enter || key == Qt::Key_Space;
    // Below, Left and Right walk along the keys, Up and Down across the series. Where the keys
    // run up the side (bars lying down), the arrows turn with them.
    if (list.first()->keyAxis()->orientation() == Qt::Vertical) {
        static const QHash<int, int> turned{{Qt::Key_Up, Qt::Key_Right},
                                            {Qt::Key_Down, Qt::Key_Left},
                                            {Qt::Key_Right, Qt::Key_Down},
                                            {Qt::Key_Left, Qt::Key_Up}};
        key = turned.value(key, key);
    }
    KeyPoint at = m_keyPoints.value(plot);
    if (!list.contains(at.plottable)) {
        if (opens)
            return false;
        // Nothing chosen yet: any movement starts at the first point.
        choose(plot, {list.first(), step(list.first(), -1, 1)});
        return true;
    }
    if (opens) {
        open(at.plottable, at.index);
        return true;
    }
    const int count = at.plottable->interface1D()->dataCount();
    int next = -1;
    switch (key) {
    case Qt::Key_Right:
        next = step(at.plottable, at.index, 1);
        break;
    case Qt::Key_Left:
        next = step(at.plottable, at.index, -1);
        break;
    case Qt::Key_Home:
        next = step(at.plottable, -1, 1);
        break;
    case Qt::Key_End:
        next = step(at.plottable, count, -1);
        break;
    case Qt::Key_Up:
    case Qt::Key_Down: {
        // The next series (Down) or the one before (Up), at the point nearest this one's key.
        const qsizetype i = list.indexOf(at.plottable) + (key == Qt::Key_Down ? 1 : -1);
        if (i >= 0 && i < list.size())
            at = {list.at(i),
                  nearest(list.at(i), at.plottable->interface1D()->dataMainKey(at.index))};
        next = at.index;
        break;
    }
    default:
        return false;
    }
    if (next >= 0)
        at.index = next;
    choose(plot, at);
    return true;
}

QList<QCPAbstractPlottable *> ChartPoints::navigable(QCustomPlot *plot) const
{
    QList<QCPAbstractPlottable *> list;
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable *p = plot->plottable(i);
        if (m_series.contains(p) && step(p, -1, 1) >= 0)
            list << p;
    }
    return list;
}

bool ChartPoints::choosable(QCPAbstractPlottable *plottable, int index)
{
    const double value = plottable->interface1D()->dataMainValue(index);
    if (qIsNaN(value))
        return false;
    return value != 0 || !qobject_cast<QCPBars *>(plottable);
}

int ChartPoints::step(QCPAbstractPlottable *plottable, int from, int direction)
{
    const int count = plottable->interface1D()->dataCount();
    for (int i = from + direction; i >= 0 && i < count; i += direction)
        if (choosable(plottable, i))
            return i;
    return -1;
}

int ChartPoints::nearest(QCPAbstractPlottable *plottable, double key)
{
    QCPPlottableInterface1D *data = plottable->interface1D();
    int best = -1;
    for (int i = 0; i < data->dataCount(); ++i)
        if (choosable(plottable, i) &&
            (best < 0 || qAbs(data->dataMainKey(i) - key) < qAbs(data->dataMainKey(best) - key)))
            best = i;
    return best;
}

void ChartPoints::choose(QCustomPlot *plot, KeyPoint point)
{
    const KeyPoint was = m_keyPoints.value(plot);
    if (was.plottable && was.plottable != point.plottable)
        was.plottable->setSelection(QCPDataSelection());
    m_keyPoints.insert(plot, point);
    QCPAbstractPlottable *p = point.plottable;
    // Drawn as QCustomPlot draws a selected point: a thick outline in the highlight colour,
    // and a ring around a point of a line.
    const QColor highlight = m_owner->palette().color(QPalette::Highlight);
    p->selectionDecorator()->setPen(QPen(highlight, 3));
    p->selectionDecorator()->setBrush(p->brush()); // keeps its colour, which says what it is
    if (auto *graph = qobject_cast<QCPGraph *>(p))
        graph->selectionDecorator()->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(highlight, 2.5), Qt::NoBrush, 11),
            QCPScatterStyle::spAll);
    p->setSelectable(QCP::stSingleData);
    p->setSelection(QCPDataSelection(QCPDataRange(point.index, point.index + 1)));
    plot->replot(QCustomPlot::rpQueuedReplot);
    const QString text = describe(p, point.index);
    plot->setAccessibleDescription(text);
    const QPointF at = p->interface1D()->dataPixelPosition(point.index);
    QToolTip::showText(plot->mapToGlobal(at.toPoint()), text, plot);
}

void ChartPoints::unchoose(QCustomPlot *plot)
{
    const KeyPoint was = m_keyPoints.take(plot);
    if (was.plottable) {
        was.plottable->setSelection(QCPDataSelection());
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
    plot->setAccessibleDescription(keyboardHint());
    QToolTip::hideText();
}

QString ChartPoints::keyboardHint()
{
    return QCoreApplication::translate(
        "DashboardView", "Arrow keys choose a bar or point; Enter opens what it counts");
}

std::pair<QCPAbstractPlottable *, int> ChartPoints::keyPoint(QCustomPlot *plot) const
{
    const KeyPoint p = m_keyPoints.value(plot);
    return {p.plottable, p.index};
}
