#pragma once
// One chart of the dashboard. The base is what every chart shares: its frame (title, a line
// that sums it up, Save as PNG or PDF, also on right-click), tooltips and keyboard focus
// through ChartPoints, the buckets of the range, and the slice a point opens (the queue or a
// table, through the dashboard's signals). A subclass only draws its figures.

#include "models/dashboardrepository.h"
#include "ui/dashboard/chartpoints.h"
#include "ui/dashboardview.h"

#include <QCoreApplication>
#include <QDate>
#include <QHash>
#include <QList>
#include <QString>
#include <functional>

class QCPAbstractPlottable;
class QCPBars;
class QCustomPlot;
class QFrame;
class QLabel;

class DashboardChart
{
    Q_DECLARE_TR_FUNCTIONS(DashboardView)
public:
    struct Bucket
    {
        QDate start; // within the range
        QDate end;   // inclusive, within the range
        QString key; // as the repository names it
        double x;    // the middle of the whole bucket, seconds since the epoch (UTC)
        double width;
    };

    // `save` asks where to save the chart as "png" or "pdf".
    DashboardChart(DashboardView &view, ChartPoints &points, const QString &name,
                   const QString &title, std::function<void(const QString &suffix)> save);
    virtual ~DashboardChart();
    DashboardChart(const DashboardChart &) = delete;
    DashboardChart &operator=(const DashboardChart &) = delete;

    QFrame *frame() const { return m_frame; }
    QCustomPlot *plot() const { return m_plot; }
    // Clears the chart and draws `data` on it.
    void redraw(const DashboardData &data);

protected:
    // Draws the figures and sets the summary line; true when there was nothing to draw.
    virtual bool draw() = 0;

    const DashboardData &data() const { return m_data; }
    void setSummary(const QString &text);
    QList<Bucket> buckets(DashboardRange::Granularity g) const;
    static QHash<double, Bucket> byMiddle(const QList<Bucket> &buckets);
    QString bucketName(const Bucket &bucket, DashboardRange::Granularity g) const;
    void useDateAxis(const QList<Bucket> &buckets, DashboardRange::Granularity g);
    // The credits-restored line on the right axis; returns their total.
    qint64 addCreditsRestored(const QList<Bucket> &buckets, bool dots);
    void addSeries(QCPAbstractPlottable *plottable, ChartPoints::Series series);
    // Layers of bars stacked over the buckets, each drawn on the one added before it.
    class BarStack
    {
    public:
        explicit BarStack(QCustomPlot *plot) : m_plot(plot) {}
        // A new layer on top, in `series`' colour.
        QCPBars *layer(const QString &name, const QString &series);
        // The layer's bar for `bucket`, `share` of the bucket wide.
        void add(QCPBars *layer, const Bucket &bucket, double value, double share);
        // How high the stack stands at `x` (a bucket's middle).
        double height(double x) const { return m_heights.value(x); }
        // The value axis from 0 to a little above the highest stack.
        void fitValueAxis() const;

    private:
        QCustomPlot *m_plot;
        QCPBars *m_top = nullptr;
        QHash<double, double> m_heights;
        double m_highest = 0;
    };
    // The slices a click opens, within the dashboard's profile.
    void openQueue(QueueFilter filter) const;
    void openRecords(DashboardView::Records records, RecordFilter filter,
                     const Bucket &bucket) const;

private:
    DashboardView &m_view;
    ChartPoints &m_points;
    QFrame *m_frame;
    QLabel *m_summary;
    QCustomPlot *m_plot;
    DashboardData m_data;
};
