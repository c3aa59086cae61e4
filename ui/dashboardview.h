#pragma once
// The managers' dashboard: a date range, a profile and a granularity; KPI tiles; six charts
// computed in SQL on a thread of their own. A click on a bar or point asks for the queue or a
// table filtered to that slice; each chart saves as PNG or PDF, and the whole page prints.

#include "dashboard/chartpoints.h"
#include "models/dashboardrepository.h"
#include "models/recordfilter.h"
#include "models/requestqueuemodel.h"

#include <QElapsedTimer>
#include <QHash>
#include <QWidget>
#include <functional>
#include <memory>
#include <vector>

class BackgroundReader;
class DashboardChart;
class Database;
class QCPAbstractPlottable;
class QComboBox;
class QCustomPlot;
class QDateEdit;
class QLabel;
class QPrinter;
class QToolButton;

class DashboardView : public QWidget
{
    Q_OBJECT
public:
    enum class Chart
    {
        Money,       // money refunded and credits restored over time
        Requests,    // decided requests by type and verdict
        Jobs,        // job failure rate by cause, with the credit-backs
        Answers,     // answers on time and late
        Chargebacks, // chargebacks per month by status
        Reviewers,   // decisions per reviewer with overrides
    };
    Q_ENUM(Chart)
    enum class Period
    {
        Last30Days,
        LastMonth,
        LastQuarter,
        LastYear,
        Custom,
    };
    Q_ENUM(Period)
    enum class Records
    {
        Ledger,
        Purchases,
        Jobs,
    };

    explicit DashboardView(Database &database, QWidget *parent = nullptr);
    ~DashboardView() override;

    // Today's UTC date, which the periods count back from (tests set it).
    void setToday(const QDate &today);
    DashboardRange range() const;
    // Shows `period` (with its usual granularity) and recomputes.
    void setPeriod(Period period);
    // A custom range; recomputes.
    void setRange(const DashboardRange &range);
    // Recomputes on the dashboard's own thread; a change while computing recomputes once more.
    void reload();
    // The database changed: recompute now when shown, else when next shown.
    void dataChanged();
    bool isLoading() const { return m_loading; }
    bool hasData() const { return m_hasData; }
    const DashboardData &data() const { return m_data; }

    static QList<Chart> charts();
    QCustomPlot *plot(Chart chart) const;
    QString chartTitle(Chart chart) const;
    // The value line of a KPI tile ("refunded", "credits", "open", "median", "overrides").
    QString kpiText(const QString &tile) const;
    // Saves `chart` as PNG or PDF (by the file's suffix); empty on success, else what failed.
    QString saveChart(Chart chart, const QString &path);
    // Prints the tiles and every chart on one landscape page.
    void print(QPrinter *printer);
    // Asks for a printer and prints.
    void printWithDialog();

    // What the tooltip says for the point of `plottable` at `dataIndex` (also for tests).
    QString describe(QCPAbstractPlottable *plottable, int dataIndex) const;
    // Opens the slice behind the point (as a click does).
    void open(QCPAbstractPlottable *plottable, int dataIndex);
    // The point the keyboard has chosen on `chart` (arrow keys; Enter opens it), if any.
    std::pair<QCPAbstractPlottable *, int> keyboardPoint(Chart chart) const;

signals:
    void loaded();
    void loadFailed(const QString &message);
    void queueRequested(const QueueFilter &filter);
    void recordsRequested(DashboardView::Records records, const RecordFilter &filter);

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    friend class DashboardChart; // its points open slices through the signals

    QWidget *buildBar();
    QWidget *buildTiles();
    QWidget *buildChart(Chart chart);
    void periodChanged();
    // Shows the dates (and usual granularity) of the chosen period.
    void applyPeriod();
    void rangeEdited();
    void loadDone(const QVariant &result, const QString &error);
    void draw();
    void drawTiles();
    void askSave(Chart chart, const QString &suffix);
    // The slices a click opens, within the dashboard's profile.
    void openQueue(QueueFilter filter);
    void openRecords(Records records, RecordFilter filter);
    static QString chartName(Chart chart);
    QString fileStem(Chart chart) const;

    Database &m_database;
    BackgroundReader *m_reader;
    QComboBox *m_period;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QComboBox *m_profile;
    QComboBox *m_granularity;
    QLabel *m_status;
    QToolButton *m_refresh;
    ChartPoints *m_points;
    QList<std::pair<QString, QString>> m_tiles; // name, caption
    QHash<QString, QLabel *> m_tileValues;
    QHash<QString, QLabel *> m_tileNotes;
    std::vector<std::unique_ptr<DashboardChart>> m_charts; // in the order of charts()
    QDate m_today;
    DashboardData m_data;
    bool m_hasData = false;
    bool m_loading = false;
    bool m_again = false;
    bool m_applying = false;
    bool m_stale = false;
    QElapsedTimer m_loadTimer;
};
