#include "dashboardchart.h"

#include "chartformat.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QToolButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

using namespace ChartFormat;

DashboardChart::DashboardChart(DashboardView &view, ChartPoints &points, const QString &name,
                               const QString &title,
                               std::function<void(const QString &suffix)> save)
    : m_view(view), m_points(points), m_frame(new QFrame), m_summary(new QLabel),
      m_plot(new QCustomPlot)
{
    m_frame->setFrameShape(QFrame::StyledPanel);
    auto *box = new QVBoxLayout(m_frame);
    auto *head = new QHBoxLayout;
    auto *heading = new QLabel(title);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    auto *saveButton = new QToolButton;
    saveButton->setText(tr("Save…"));
    saveButton->setToolTip(tr("Save this chart as PNG or PDF"));
    saveButton->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(saveButton);
    menu->addAction(tr("Save as &PNG…"), m_frame, [save] { save(QStringLiteral("png")); });
    menu->addAction(tr("Save as P&DF…"), m_frame, [save] { save(QStringLiteral("pdf")); });
    saveButton->setMenu(menu);
    head->addWidget(heading, 1);
    head->addWidget(saveButton);
    box->addLayout(head);
    m_summary->setWordWrap(true);
    box->addWidget(m_summary);

    m_plot->setObjectName(name);
    m_plot->setMinimumHeight(280);
    m_plot->setAccessibleName(title);
    m_points.watch(m_plot);
    m_plot->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(
        m_plot, &QWidget::customContextMenuRequested, m_plot,
        [menu, plot = m_plot](const QPoint &pos) { menu->popup(plot->mapToGlobal(pos)); });
    box->addWidget(m_plot, 1);
}

DashboardChart::~DashboardChart() = default; // the frame belongs to the dashboard's layout

void DashboardChart::redraw(const DashboardData &data)
{
    m_data = data;
    m_points.forget(m_plot); // its plottables are about to go
    prepareChart(m_plot, m_view.palette(), m_view.font());
    const bool empty = draw();
    finishChart(m_plot, m_view.palette(), empty);
}

void DashboardChart::setSummary(const QString &text)
{
    m_summary->setText(text);
}

QList<DashboardChart::Bucket> DashboardChart::buckets(DashboardRange::Granularity g) const
{
    QList<Bucket> result;
    const DashboardRange &r = m_data.range;
    for (QDate start = bucketStart(r.from, g); start <= r.to; start = nextBucket(start, g)) {
        const QDate next = nextBucket(start, g);
        const double width = epoch(next) - epoch(start);
        result << Bucket{qMax(start, r.from), qMin(next.addDays(-1), r.to), bucketKey(start, g),
                         epoch(start) + width / 2, width};
    }
    return result;
}

QHash<double, DashboardChart::Bucket> DashboardChart::byMiddle(const QList<Bucket> &list)
{
    QHash<double, Bucket> at;
    for (const Bucket &b : list)
        at.insert(b.x, b);
    return at;
}

QString DashboardChart::bucketName(const Bucket &b, DashboardRange::Granularity g) const
{
    switch (g) {
    case DashboardRange::Granularity::Week:
        return tr("week of %1").arg(bucketStart(b.start, g).toString(Qt::ISODate));
    case DashboardRange::Granularity::Month:
        return QLocale().toString(b.start, QStringLiteral("MMMM yyyy"));
    case DashboardRange::Granularity::Day:
        break;
    }
    return b.start.toString(Qt::ISODate);
}

void DashboardChart::useDateAxis(const QList<Bucket> &list, DashboardRange::Granularity g)
{
    QCustomPlot *plot = m_plot;
    QSharedPointer<QCPAxisTickerDateTime> ticker(new QCPAxisTickerDateTime);
    ticker->setDateTimeSpec(Qt::UTC);
    ticker->setDateTimeFormat(g == DashboardRange::Granularity::Month ? QStringLiteral("MMM yyyy")
                                                                      : QStringLiteral("d MMM"));
    ticker->setTickCount(g == DashboardRange::Granularity::Month ? 6 : 7);
    plot->xAxis->setTicker(ticker);
    if (!list.isEmpty())
        plot->xAxis->setRange(list.first().x - list.first().width / 2,
                              list.last().x + list.last().width / 2);
}

qint64 DashboardChart::addCreditsRestored(const QList<Bucket> &list, bool dots)
{
    QCustomPlot *plot = m_plot;
    const auto g = m_data.range.granularity;
    const QHash<double, Bucket> at = byMiddle(list);
    const QHash<QString, qint64> credits = byBucket(m_data.creditsRestored, QString());
    QCPGraph *restored = plot->addGraph(plot->xAxis, plot->yAxis2);
    restored->setName(tr("Credits restored"));
    restored->setPen(QPen(colour(QStringLiteral("credits")), 2, Qt::DashLine));
    if (dots)
        restored->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, 6));
    qint64 top = 0;
    qint64 total = 0;
    for (const Bucket &b : list) {
        const qint64 value = credits.value(b.key);
        restored->addData(b.x, double(value));
        top = qMax(top, value);
        total += value;
    }
    addSeries(restored,
              {[this, at, credits, g](double key) {
                   const Bucket b = at.value(key);
                   return tr("%1\nCredits restored: %2\nClick or Enter: those ledger entries")
                       .arg(bucketName(b, g), number(credits.value(b.key)));
               },
               [this, at](double key) {
                   RecordFilter f;
                   f.kind = QStringLiteral("job_credit_back");
                   openRecords(DashboardView::Records::Ledger, f, at.value(key));
               }});
    plot->yAxis2->setVisible(true);
    plot->yAxis2->setLabel(tr("Credits restored"));
    plot->yAxis2->setRange(0, top > 0 ? double(top) * 1.2 : 1);
    return total;
}

void DashboardChart::addSeries(QCPAbstractPlottable *plottable, ChartPoints::Series series)
{
    m_points.add(plottable, std::move(series));
}

void DashboardChart::openQueue(QueueFilter filter) const
{
    m_view.openQueue(std::move(filter));
}

void DashboardChart::openRecords(DashboardView::Records records, RecordFilter filter,
                                 const Bucket &bucket) const
{
    filter.from = bucket.start;
    filter.to = bucket.end;
    filter.utcDays = true;
    m_view.openRecords(records, std::move(filter));
}

QCPBars *DashboardChart::BarStack::layer(const QString &name, const QString &series)
{
    auto *bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    bars->setName(name);
    bars->setBrush(ChartFormat::colour(series));
    bars->setPen(Qt::NoPen);
    bars->setStackingGap(0);
    if (m_top)
        bars->moveAbove(m_top);
    m_top = bars;
    return bars;
}

void DashboardChart::BarStack::add(QCPBars *layer, const Bucket &bucket, double value, double share)
{
    layer->addData(bucket.x, value);
    layer->setWidth(bucket.width * share);
    m_heights[bucket.x] += value;
    m_highest = qMax(m_highest, m_heights.value(bucket.x));
}

void DashboardChart::BarStack::fitValueAxis() const
{
    m_plot->yAxis->setRange(0, m_highest > 0 ? m_highest * 1.2 : 1);
}
