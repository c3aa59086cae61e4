#include "dashboardview.h"

#include "displaynames.h"
#include "models/backgroundreader.h"
#include "models/database.h"
#include "policy/rules/policyprofile.h"
#include "recommendationdelegate.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPdfWriter>
#include <QPrintDialog>
#include <QPrinter>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QStandardPaths>
#include <QTime>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <limits>
#include <qcustomplot.h>

Q_DECLARE_METATYPE(DashboardData)

namespace {
constexpr double daySeconds = 86400;

// Series colours chosen to read on a light and a dark background alike.
QColor colour(const QString &series)
{
    static const QHash<QString, QColor> colours{
        {QStringLiteral("money"), QColor(0x3b, 0x82, 0xc4)},
        {QStringLiteral("credits"), QColor(0xe0, 0x8a, 0x1e)},
        {QStringLiteral("platform"), QColor(0xd9, 0x5f, 0x3b)},
        {QStringLiteral("user"), QColor(0x8e, 0x7c, 0xc3)},
        {QStringLiteral("unknown"), QColor(0x8c, 0x8c, 0x8c)},
        {QStringLiteral("on_time"), QColor(0x3a, 0xa7, 0x6d)},
        {QStringLiteral("late"), QColor(0xd6, 0x4f, 0x4f)},
        {QStringLiteral("open"), QColor(0xe0, 0xa8, 0x1e)},
        {QStringLiteral("won"), QColor(0x3a, 0xa7, 0x6d)},
        {QStringLiteral("lost"), QColor(0xd6, 0x4f, 0x4f)},
        {QStringLiteral("decisions"), QColor(0x3b, 0x82, 0xc4)},
        {QStringLiteral("overrides"), QColor(0xe0, 0x8a, 0x1e)},
    };
    if (series == QLatin1String("approve") || series == QLatin1String("deny"))
        return RecommendationDelegate::colour(series);
    return colours.value(series, QColor(0x3b, 0x82, 0xc4));
}

// Ticks for counts: whole numbers only (no "2.5 requests").
class CountTicker : public QCPAxisTicker
{
protected:
    double getTickStep(const QCPRange &range) override
    {
        const double step = QCPAxisTicker::getTickStep(range);
        return step < 1 ? 1 : (qFuzzyCompare(step, 2.5) ? 2 : step);
    }
    int getSubTickCount(double step) override
    {
        return step <= 2 ? 0 : QCPAxisTicker::getSubTickCount(step);
    }
};

void countAxis(QCPAxis *axis)
{
    axis->setTicker(QSharedPointer<QCPAxisTicker>(new CountTicker));
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

// Exact money from minor units, grouped as the locale reads it: "12,345.67 USD".
QString money(qint64 cents, const QString &currency)
{
    const QLocale locale;
    const quint64 magnitude = cents < 0 ? 0 - quint64(cents) : quint64(cents);
    return QStringLiteral("%1%2%3%4 %5")
        .arg(cents < 0 ? locale.negativeSign() : QString())
        .arg(locale.toString(qulonglong(magnitude / 100)))
        .arg(locale.decimalPoint())
        .arg(magnitude % 100, 2, 10, QLatin1Char('0'))
        .arg(currency);
}

QString number(qint64 n)
{
    return QLocale().toString(n);
}

QString percent(double share)
{
    return QLocale().toString(share * 100, 'f', share < 0.1 ? 2 : 1) + QStringLiteral(" %");
}

QString duration(qint64 seconds)
{
    if (seconds < 3600)
        return DashboardView::tr("%n minute(s)", nullptr, int(qMax<qint64>(1, seconds / 60)));
    if (seconds < 2 * 86400)
        return DashboardView::tr("%1 hours")
            .arg(QLocale().toString(double(seconds) / 3600, 'f', 1));
    return DashboardView::tr("%1 days").arg(QLocale().toString(double(seconds) / 86400, 'f', 1));
}

double epoch(const QDate &day)
{
    return double(QDateTime(day, QTime(0, 0), Qt::UTC).toSecsSinceEpoch());
}

QDate bucketStart(const QDate &day, DashboardRange::Granularity g)
{
    switch (g) {
    case DashboardRange::Granularity::Week:
        return day.addDays(1 - day.dayOfWeek());
    case DashboardRange::Granularity::Month:
        return QDate(day.year(), day.month(), 1);
    case DashboardRange::Granularity::Day:
        break;
    }
    return day;
}

QDate nextBucket(const QDate &start, DashboardRange::Granularity g)
{
    switch (g) {
    case DashboardRange::Granularity::Week:
        return start.addDays(7);
    case DashboardRange::Granularity::Month:
        return start.addMonths(1);
    case DashboardRange::Granularity::Day:
        break;
    }
    return start.addDays(1);
}

QString bucketKey(const QDate &start, DashboardRange::Granularity g)
{
    return start.toString(g == DashboardRange::Granularity::Month ? QStringLiteral("yyyy-MM")
                                                                  : QStringLiteral("yyyy-MM-dd"));
}

// The values of `points` with `key` by bucket.
QHash<QString, qint64> byBucket(const QList<DashboardPoint> &points, const QString &key)
{
    QHash<QString, qint64> values;
    for (const DashboardPoint &p : points)
        if (p.key == key)
            values[p.bucket] += p.value;
    return values;
}

QStringList keysOf(const QList<DashboardPoint> &points)
{
    QStringList keys;
    for (const DashboardPoint &p : points)
        if (!keys.contains(p.key))
            keys << p.key;
    return keys;
}
} // namespace

DashboardView::DashboardView(Database &database, QWidget *parent)
    : QWidget(parent), m_database(database), m_reader(new BackgroundReader(database, this)),
      m_period(new QComboBox), m_from(new QDateEdit), m_to(new QDateEdit), m_profile(new QComboBox),
      m_granularity(new QComboBox), m_status(new QLabel), m_refresh(new QToolButton),
      m_today(QDateTime::currentDateTimeUtc().date())
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildBar());

    auto *page = new QWidget;
    auto *pageLayout = new QVBoxLayout(page);
    pageLayout->addWidget(buildTiles());
    auto *grid = new QGridLayout;
    grid->setSpacing(10);
    const QList<Chart> all = charts();
    for (int i = 0; i < all.size(); ++i)
        grid->addWidget(buildChart(all.at(i)), i / 2, i % 2);
    pageLayout->addLayout(grid, 1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(page);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll, 1);

    // The choices of last time; nothing is computed until reload(), when first shown.
    const QSettings settings;
    m_applying = true;
    m_period->setCurrentIndex(
        qMax(0, m_period->findData(settings.value(QStringLiteral("dashboard/period"), 0).toInt())));
    m_profile->setCurrentIndex(qMax(
        0, m_profile->findData(settings.value(QStringLiteral("dashboard/profile")).toString())));
    const QDate from = settings.value(QStringLiteral("dashboard/from")).toDate();
    const QDate to = settings.value(QStringLiteral("dashboard/to")).toDate();
    if (from.isValid() && to.isValid() && from <= to) {
        m_from->setDate(from);
        m_to->setDate(to);
    }
    m_applying = false;
    applyPeriod();
    m_applying = true;
    if (settings.contains(QStringLiteral("dashboard/granularity")))
        m_granularity->setCurrentIndex(
            qMax(0, m_granularity->findData(
                        settings.value(QStringLiteral("dashboard/granularity")).toInt())));
    m_applying = false;
}

DashboardView::~DashboardView() = default;

QList<DashboardView::Chart> DashboardView::charts()
{
    return {Chart::Money,   Chart::Requests,    Chart::Jobs,
            Chart::Answers, Chart::Chargebacks, Chart::Reviewers};
}

QString DashboardView::chartTitle(Chart chart) const
{
    switch (chart) {
    case Chart::Money:
        return tr("Money refunded and credits restored");
    case Chart::Requests:
        return tr("Decided requests by type and verdict");
    case Chart::Jobs:
        return tr("Job failure rate by cause, with credit-backs");
    case Chart::Answers:
        return tr("Answers on time and late (against the policy's answer date)");
    case Chart::Chargebacks:
        return tr("Chargebacks opened per month");
    case Chart::Reviewers:
        return tr("Decisions per reviewer, with overrides");
    }
    return {};
}

QString DashboardView::chartName(Chart chart)
{
    static const QHash<Chart, QString> names{
        {Chart::Money, QStringLiteral("refunds")},
        {Chart::Requests, QStringLiteral("requests-by-type")},
        {Chart::Jobs, QStringLiteral("job-failures")},
        {Chart::Answers, QStringLiteral("answers-on-time")},
        {Chart::Chargebacks, QStringLiteral("chargebacks")},
        {Chart::Reviewers, QStringLiteral("reviewers")},
    };
    return names.value(chart);
}

QString DashboardView::fileStem(Chart chart) const
{
    const DashboardRange r = range();
    return QStringLiteral("%1-%2-to-%3")
        .arg(chartName(chart), r.from.toString(Qt::ISODate), r.to.toString(Qt::ISODate));
}

QWidget *DashboardView::buildBar()
{
    auto *bar = new QWidget;
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(6, 6, 6, 0);
    m_period->addItem(tr("Last 30 days"), int(Period::Last30Days));
    m_period->addItem(tr("Last month"), int(Period::LastMonth));
    m_period->addItem(tr("Last quarter (3 months)"), int(Period::LastQuarter));
    m_period->addItem(tr("Last 12 months"), int(Period::LastYear));
    m_period->addItem(tr("Custom range"), int(Period::Custom));
    m_period->setToolTip(tr("The days the figures cover (UTC days)"));
    for (QDateEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        edit->setMinimumDate(QDate(2000, 1, 1));
    }
    m_from->setToolTip(tr("From this UTC day"));
    m_to->setToolTip(tr("To this UTC day, inclusive"));
    m_profile->addItem(tr("All profiles"), QString());
    for (const PolicyProfile &p : PolicyProfile::builtIn())
        m_profile->addItem(p.company, p.id);
    m_profile->setToolTip(tr("Policy profile"));
    m_granularity->addItem(tr("By day"), int(DashboardRange::Granularity::Day));
    m_granularity->addItem(tr("By week"), int(DashboardRange::Granularity::Week));
    m_granularity->addItem(tr("By month"), int(DashboardRange::Granularity::Month));
    m_granularity->setToolTip(tr("How the charts over time group the days"));
    m_refresh->setText(tr("Refresh"));
    m_refresh->setToolTip(tr("Compute the figures again (F5)"));
    auto *print = new QToolButton;
    print->setText(tr("Print…"));
    print->setToolTip(tr("Print the whole dashboard"));

    auto *periodLabel = new QLabel(tr("&Period"));
    periodLabel->setBuddy(m_period);
    row->addWidget(periodLabel);
    row->addWidget(m_period);
    row->addWidget(m_from);
    row->addWidget(new QLabel(tr("to")));
    row->addWidget(m_to);
    row->addWidget(m_profile);
    row->addWidget(m_granularity);
    row->addStretch(1);
    row->addWidget(m_status);
    row->addWidget(m_refresh);
    row->addWidget(print);

    connect(m_period, &QComboBox::currentIndexChanged, this, &DashboardView::periodChanged);
    for (QDateEdit *edit : {m_from, m_to})
        connect(edit, &QDateEdit::dateChanged, this, &DashboardView::rangeEdited);
    for (QComboBox *combo : {m_profile, m_granularity})
        connect(combo, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_applying)
                reload();
        });
    connect(m_refresh, &QToolButton::clicked, this, &DashboardView::reload);
    connect(print, &QToolButton::clicked, this, &DashboardView::printWithDialog);
    return bar;
}

QWidget *DashboardView::buildTiles()
{
    auto *tiles = new QWidget;
    auto *row = new QHBoxLayout(tiles);
    row->setContentsMargins(0, 0, 0, 0);
    m_tiles = {
        {QStringLiteral("refunded"), tr("Money refunded")},
        {QStringLiteral("credits"), tr("Credits restored for failed jobs")},
        {QStringLiteral("open"), tr("Requests open now")},
        {QStringLiteral("median"), tr("Median time to decision")},
        {QStringLiteral("overrides"), tr("Override rate")},
    };
    for (const auto &[name, title] : std::as_const(m_tiles)) {
        auto *tile = new QFrame;
        tile->setObjectName(QStringLiteral("tile_") + name);
        tile->setFrameShape(QFrame::StyledPanel);
        auto *box = new QVBoxLayout(tile);
        auto *caption = new QLabel(title);
        auto *value = new QLabel(QStringLiteral("–"));
        QFont big = value->font();
        big.setPointSizeF(big.pointSizeF() * 1.6);
        big.setBold(true);
        value->setFont(big);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        auto *note = new QLabel;
        note->setWordWrap(true);
        box->addWidget(caption);
        box->addWidget(value);
        box->addWidget(note);
        box->addStretch();
        m_tileValues.insert(name, value);
        m_tileNotes.insert(name, note);
        row->addWidget(tile, 1);
    }
    return tiles;
}

QWidget *DashboardView::buildChart(Chart chart)
{
    auto *frame = new QFrame;
    frame->setFrameShape(QFrame::StyledPanel);
    auto *box = new QVBoxLayout(frame);
    auto *head = new QHBoxLayout;
    auto *title = new QLabel(chartTitle(chart));
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    auto *save = new QToolButton;
    save->setText(tr("Save…"));
    save->setToolTip(tr("Save this chart as PNG or PDF"));
    save->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(save);
    menu->addAction(tr("Save as &PNG…"), this,
                    [this, chart] { askSave(chart, QStringLiteral("png")); });
    menu->addAction(tr("Save as P&DF…"), this,
                    [this, chart] { askSave(chart, QStringLiteral("pdf")); });
    save->setMenu(menu);
    head->addWidget(title, 1);
    head->addWidget(save);
    box->addLayout(head);
    auto *subtitle = new QLabel;
    subtitle->setWordWrap(true);
    box->addWidget(subtitle);
    m_subtitles.insert(chart, subtitle);

    auto *plot = new QCustomPlot;
    plot->setObjectName(chartName(chart));
    plot->setMinimumHeight(280);
    plot->setAccessibleName(chartTitle(chart));
    plot->setAccessibleDescription(keyboardHint());
    plot->setFocusPolicy(Qt::StrongFocus);
    plot->installEventFilter(this);
    plot->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(plot, &QWidget::customContextMenuRequested, this,
            [menu, plot](const QPoint &pos) { menu->popup(plot->mapToGlobal(pos)); });
    connect(plot, &QCustomPlot::mouseMove, this,
            [this, plot](QMouseEvent *event) { hover(plot, event->position()); });
    connect(plot, &QCustomPlot::plottableClick, this,
            [this](QCPAbstractPlottable *plottable, int index, QMouseEvent *event) {
                if (event->button() == Qt::LeftButton)
                    open(plottable, index);
            });
    box->addWidget(plot, 1);
    m_plots.insert(chart, plot);
    return frame;
}

void DashboardView::setToday(const QDate &today)
{
    m_today = today;
    periodChanged();
}

DashboardRange DashboardView::range() const
{
    DashboardRange r;
    r.from = m_from->date();
    r.to = m_to->date();
    r.profile = m_profile->currentData().toString();
    r.granularity = DashboardRange::Granularity(m_granularity->currentData().toInt());
    return r;
}

void DashboardView::setPeriod(Period period)
{
    m_applying = true;
    m_period->setCurrentIndex(qMax(0, m_period->findData(int(period))));
    m_applying = false;
    periodChanged();
}

void DashboardView::setRange(const DashboardRange &r)
{
    m_applying = true;
    m_period->setCurrentIndex(m_period->findData(int(Period::Custom)));
    m_from->setDate(r.from);
    m_to->setDate(r.to);
    m_profile->setCurrentIndex(qMax(0, m_profile->findData(r.profile)));
    m_granularity->setCurrentIndex(m_granularity->findData(int(r.granularity)));
    m_applying = false;
    reload();
}

void DashboardView::periodChanged()
{
    if (m_applying)
        return;
    applyPeriod();
    reload();
}

void DashboardView::applyPeriod()
{
    using G = DashboardRange::Granularity;
    const auto period = Period(m_period->currentData().toInt());
    QDate from = m_from->date();
    QDate to = m_to->date();
    G granularity = G(m_granularity->currentData().toInt());
    switch (period) {
    case Period::Last30Days:
        from = m_today.addDays(-29);
        to = m_today;
        granularity = G::Day;
        break;
    case Period::LastMonth:
        to = QDate(m_today.year(), m_today.month(), 1).addDays(-1);
        from = QDate(to.year(), to.month(), 1);
        granularity = G::Day;
        break;
    case Period::LastQuarter:
        from = m_today.addMonths(-3).addDays(1);
        to = m_today;
        granularity = G::Week;
        break;
    case Period::LastYear:
        from = m_today.addYears(-1).addDays(1);
        to = m_today;
        granularity = G::Month;
        break;
    case Period::Custom:
        break;
    }
    m_applying = true;
    m_from->setDate(from);
    m_to->setDate(to);
    m_granularity->setCurrentIndex(m_granularity->findData(int(granularity)));
    m_applying = false;
}

void DashboardView::rangeEdited()
{
    if (m_applying)
        return;
    m_applying = true;
    if (m_from->date() > m_to->date())
        (sender() == m_from ? m_to : m_from)
            ->setDate(sender() == m_from ? m_from->date() : m_to->date());
    m_period->setCurrentIndex(m_period->findData(int(Period::Custom)));
    m_applying = false;
    reload();
}

void DashboardView::reload()
{
    if (m_loading) {
        m_again = true; // the newest range once this one is done
        return;
    }
    m_loading = true;
    m_again = false;
    QSettings settings;
    settings.setValue(QStringLiteral("dashboard/period"), m_period->currentData());
    settings.setValue(QStringLiteral("dashboard/from"), m_from->date());
    settings.setValue(QStringLiteral("dashboard/to"), m_to->date());
    settings.setValue(QStringLiteral("dashboard/profile"), m_profile->currentData());
    settings.setValue(QStringLiteral("dashboard/granularity"), m_granularity->currentData());
    m_status->setText(tr("Computing…"));
    m_refresh->setEnabled(false);
    m_loadTimer.start();
    const DashboardRange r = range();
    const QDate today = m_today;
    m_reader->run(
        this,
        [r, today](const QSqlDatabase &db) {
            return QVariant::fromValue(DashboardRepository(db).load(r, today));
        },
        [this](const QVariant &result, const QString &error) { loadDone(result, error); });
}

void DashboardView::loadDone(const QVariant &result, const QString &error)
{
    m_loading = false;
    m_refresh->setEnabled(true);
    if (m_again) {
        reload();
        return;
    }
    if (!error.isEmpty()) {
        m_status->setText(tr("Could not compute the figures."));
        m_status->setToolTip(error);
        emit loadFailed(error);
        return;
    }
    m_data = result.value<DashboardData>();
    m_hasData = true;
    draw();
    m_status->setText(tr("Updated %1 in %2 s")
                          .arg(QLocale().toString(QTime::currentTime(), QLocale::ShortFormat),
                               QLocale().toString(double(m_loadTimer.elapsed()) / 1000, 'f', 1)));
    m_status->setToolTip(QString());
    emit loaded();
}

void DashboardView::dataChanged()
{
    if (!m_hasData)
        return; // never computed: nothing to bring up to date
    if (isVisible())
        reload();
    else
        m_stale = true;
}

void DashboardView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale) {
        m_stale = false;
        reload();
    }
}

void DashboardView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_hasData)
        draw();
}

void DashboardView::draw()
{
    m_series.clear();
    drawTiles();
    drawMoney(m_plots.value(Chart::Money));
    drawRequests(m_plots.value(Chart::Requests));
    drawJobs(m_plots.value(Chart::Jobs));
    drawAnswers(m_plots.value(Chart::Answers));
    drawChargebacks(m_plots.value(Chart::Chargebacks));
    drawReviewers(m_plots.value(Chart::Reviewers));
}

QString DashboardView::kpiText(const QString &tile) const
{
    const QLabel *value = m_tileValues.value(tile);
    return value ? value->text() : QString();
}

void DashboardView::drawTiles()
{
    const DashboardKpis &k = m_data.kpis;
    QStringList refunded;
    QStringList shares;
    QStringList currencies = k.refundedCents.keys();
    for (const QString &c : k.revenueCents.keys())
        if (!currencies.contains(c))
            currencies << c;
    for (const QString &c : std::as_const(currencies)) {
        const qint64 paid = k.refundedCents.value(c);
        const qint64 revenue = k.revenueCents.value(c);
        refunded << money(paid, c);
        shares << (revenue > 0
                       ? tr("%1 of %2 revenue")
                             .arg(percent(double(paid) / double(revenue)), money(revenue, c))
                       : tr("no %1 revenue in the range").arg(c));
    }
    m_tileValues.value(QStringLiteral("refunded"))
        ->setText(refunded.isEmpty() ? tr("Nothing") : refunded.join(QLatin1Char('\n')));
    m_tileNotes.value(QStringLiteral("refunded"))->setText(shares.join(QLatin1Char('\n')));

    m_tileValues.value(QStringLiteral("credits"))->setText(number(k.creditsRestored));
    m_tileNotes.value(QStringLiteral("credits"))->setText(tr("credits given back automatically"));

    m_tileValues.value(QStringLiteral("open"))->setText(number(k.openRequests));
    QLabel *overdue = m_tileNotes.value(QStringLiteral("open"));
    overdue->setText(tr("%Ln overdue", nullptr, int(k.overdueRequests)));
    overdue->setStyleSheet(k.overdueRequests > 0 ? QStringLiteral("color: %1; font-weight: bold")
                                                       .arg(colour(QStringLiteral("late")).name())
                                                 : QString());

    m_tileValues.value(QStringLiteral("median"))
        ->setText(k.medianDecisionSeconds < 0 ? tr("No decisions")
                                              : duration(k.medianDecisionSeconds));
    m_tileNotes.value(QStringLiteral("median"))
        ->setText(tr("from request to decision, over %Ln decision(s)", nullptr, int(k.decisions)));

    m_tileValues.value(QStringLiteral("overrides"))
        ->setText(k.decisions > 0 ? percent(double(k.overrides) / double(k.decisions))
                                  : tr("No decisions"));
    m_tileNotes.value(QStringLiteral("overrides"))
        ->setText(tr("%1 of %2 decisions went against the recommendation")
                      .arg(number(k.overrides), number(k.decisions)));
}

QList<DashboardView::Bucket> DashboardView::buckets(DashboardRange::Granularity g) const
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

QHash<double, DashboardView::Bucket> DashboardView::byMiddle(const QList<Bucket> &list)
{
    QHash<double, Bucket> at;
    for (const Bucket &b : list)
        at.insert(b.x, b);
    return at;
}

QString DashboardView::bucketName(const Bucket &b, DashboardRange::Granularity g) const
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

void DashboardView::prepare(QCustomPlot *plot)
{
    m_keyPoints.remove(plot); // its plottables are about to go
    plot->clearPlottables();
    plot->clearItems();
    const QPalette &pal = palette();
    const QColor text = pal.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(isDark(pal) ? 60 : 40);
    plot->setBackground(pal.brush(QPalette::Base));
    for (QCPAxis *axis : {plot->xAxis, plot->yAxis, plot->xAxis2, plot->yAxis2}) {
        axis->setBasePen(QPen(text, 1));
        axis->setTickPen(QPen(text, 1));
        axis->setSubTickPen(QPen(text, 1));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->grid()->setZeroLinePen(Qt::NoPen);
        axis->setLabel(QString());
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        axis->setRange(0, 1);
    }
    plot->yAxis2->setVisible(false);
    plot->xAxis2->setVisible(false);
    plot->legend->setVisible(true);
    QColor legendBack = pal.color(QPalette::Base);
    legendBack.setAlpha(220);
    plot->legend->setBrush(legendBack);
    plot->legend->setBorderPen(QPen(grid));
    plot->legend->setTextColor(text);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    plot->legend->setFont(small);
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
}

void DashboardView::finish(QCustomPlot *plot, bool empty)
{
    if (empty) {
        auto *label = new QCPItemText(plot);
        label->position->setType(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(0.5, 0.5);
        label->setText(tr("Nothing in this range"));
        label->setColor(palette().color(QPalette::PlaceholderText));
        plot->legend->setVisible(false);
    }
    plot->replot();
}

void DashboardView::useDateAxis(QCustomPlot *plot, const QList<Bucket> &list,
                                DashboardRange::Granularity g)
{
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

void DashboardView::addSeries(QCPAbstractPlottable *plottable, Series series)
{
    m_series.insert(plottable, std::move(series));
}

const DashboardView::Series *DashboardView::seriesAt(QCPAbstractPlottable *plottable, int index,
                                                     double *key) const
{
    const auto it = m_series.constFind(plottable);
    QCPPlottableInterface1D *data = plottable ? plottable->interface1D() : nullptr;
    if (it == m_series.constEnd() || !data || index < 0 || index >= data->dataCount())
        return nullptr;
    *key = data->dataMainKey(index);
    return &*it;
}

QString DashboardView::describe(QCPAbstractPlottable *plottable, int index) const
{
    double key = 0;
    const Series *s = seriesAt(plottable, index, &key);
    return s ? s->describe(key) : QString();
}

void DashboardView::open(QCPAbstractPlottable *plottable, int index)
{
    double key = 0;
    if (const Series *s = seriesAt(plottable, index, &key); s && s->open)
        s->open(key);
}

void DashboardView::hover(QCustomPlot *plot, const QPointF &pos)
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

bool DashboardView::eventFilter(QObject *watched, QEvent *event)
{
    auto *plot = qobject_cast<QCustomPlot *>(watched); // only the charts are watched
    if (!plot)
        return QWidget::eventFilter(watched, event);
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
    return QWidget::eventFilter(watched, event);
}

bool DashboardView::handleKey(QCustomPlot *plot, int key)
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

QList<QCPAbstractPlottable *> DashboardView::navigable(QCustomPlot *plot) const
{
    QList<QCPAbstractPlottable *> list;
    for (int i = 0; i < plot->plottableCount(); ++i) {
        QCPAbstractPlottable *p = plot->plottable(i);
        if (m_series.contains(p) && step(p, -1, 1) >= 0)
            list << p;
    }
    return list;
}

bool DashboardView::choosable(QCPAbstractPlottable *plottable, int index)
{
    const double value = plottable->interface1D()->dataMainValue(index);
    if (qIsNaN(value))
        return false;
    return value != 0 || !qobject_cast<QCPBars *>(plottable);
}

int DashboardView::step(QCPAbstractPlottable *plottable, int from, int direction)
{
    const int count = plottable->interface1D()->dataCount();
    for (int i = from + direction; i >= 0 && i < count; i += direction)
        if (choosable(plottable, i))
            return i;
    return -1;
}

int DashboardView::nearest(QCPAbstractPlottable *plottable, double key)
{
    QCPPlottableInterface1D *data = plottable->interface1D();
    int best = -1;
    for (int i = 0; i < data->dataCount(); ++i)
        if (choosable(plottable, i) &&
            (best < 0 || qAbs(data->dataMainKey(i) - key) < qAbs(data->dataMainKey(best) - key)))
            best = i;
    return best;
}

void DashboardView::choose(QCustomPlot *plot, KeyPoint point)
{
    const KeyPoint was = m_keyPoints.value(plot);
    if (was.plottable && was.plottable != point.plottable)
        was.plottable->setSelection(QCPDataSelection());
    m_keyPoints.insert(plot, point);
    QCPAbstractPlottable *p = point.plottable;
    // Drawn as QCustomPlot draws a selected point: a thick outline in the highlight colour,
    // and a ring around a point of a line.
    const QColor highlight = palette().color(QPalette::Highlight);
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

void DashboardView::unchoose(QCustomPlot *plot)
{
    const KeyPoint was = m_keyPoints.take(plot);
    if (was.plottable) {
        was.plottable->setSelection(QCPDataSelection());
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
    plot->setAccessibleDescription(keyboardHint());
    QToolTip::hideText();
}

QString DashboardView::keyboardHint() const
{
    return tr("Arrow keys choose a bar or point; Enter opens what it counts");
}

std::pair<QCPAbstractPlottable *, int> DashboardView::keyboardPoint(Chart chart) const
{
    const KeyPoint p = m_keyPoints.value(m_plots.value(chart));
    return {p.plottable, p.index};
}

void DashboardView::openQueue(QueueFilter filter)
{
    filter.profile = m_data.range.profile;
    emit queueRequested(filter);
}

void DashboardView::openRecords(Records records, RecordFilter filter, const Bucket &bucket)
{
    filter.from = bucket.start;
    filter.to = bucket.end;
    filter.utcDays = true;
    filter.profile = m_data.range.profile;
    emit recordsRequested(records, filter);
}

void DashboardView::drawMoney(QCustomPlot *plot)
{
    prepare(plot);
    const auto g = m_data.range.granularity;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(plot, list, g);
    const bool dots = list.size() <= 62;
    double top = 0;
    QStringList summary;
    const QList<QColor> currencyColours{colour(QStringLiteral("money")), QColor(0x2a, 0x9d, 0x8f),
                                        QColor(0x9b, 0x59, 0xb6), QColor(0x7f, 0x8c, 0x3d)};
    const QStringList currencies = keysOf(m_data.refunds);
    for (const QString &currency : currencies) {
        const QHash<QString, qint64> cents = byBucket(m_data.refunds, currency);
        QCPGraph *graph = plot->addGraph(plot->xAxis, plot->yAxis);
        graph->setName(tr("Refunded (%1)").arg(currency));
        graph->setPen(
            QPen(currencyColours.at(currencies.indexOf(currency) % currencyColours.size()), 2));
        if (dots)
            graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 6));
        qint64 total = 0;
        for (const Bucket &b : list) {
            const qint64 value = cents.value(b.key);
            graph->addData(b.x, double(value) / 100); // exact until here
            top = qMax(top, double(value) / 100);
            total += value;
        }
        summary << tr("%1 refunded").arg(money(total, currency));
        addSeries(
            graph,
            {[this, at, cents, currency, g](double key) {
                 const Bucket b = at.value(key);
                 return tr("%1\nRefunded: %2\nClick or Enter: the approved requests decided then")
                     .arg(bucketName(b, g), money(cents.value(b.key), currency));
             },
             [this, at](double key) {
                 const Bucket b = at.value(key);
                 QueueFilter f;
                 f.statuses = {QStringLiteral("approved")};
                 f.slice.decidedFrom = b.start;
                 f.slice.decidedTo = b.end;
                 openQueue(f);
             }});
    }
    plot->yAxis->setLabel(currencies.size() == 1 ? tr("Refunded (%1)").arg(currencies.first())
                                                 : tr("Refunded (each currency)"));
    plot->yAxis->setRange(0, top > 0 ? top * 1.15 : 1);

    const qint64 creditTotal = addCreditsRestored(plot, list, dots);
    summary << tr("%1 credits restored").arg(number(creditTotal));
    m_subtitles.value(Chart::Money)->setText(summary.join(QStringLiteral(" · ")));
    finish(plot, m_data.refunds.isEmpty() && m_data.creditsRestored.isEmpty());
}

qint64 DashboardView::addCreditsRestored(QCustomPlot *plot, const QList<Bucket> &list, bool dots)
{
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
                   openRecords(Records::Ledger, f, at.value(key));
               }});
    plot->yAxis2->setVisible(true);
    plot->yAxis2->setLabel(tr("Credits restored"));
    plot->yAxis2->setRange(0, top > 0 ? double(top) * 1.2 : 1);
    return total;
}

void DashboardView::drawRequests(QCustomPlot *plot)
{
    prepare(plot);
    // Types down the side, so their names stay readable; approve and deny stacked.
    QStringList types;
    for (const DashboardPoint &p : m_data.requestsByTypeAndVerdict)
        if (!types.contains(p.bucket))
            types << p.bucket;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < types.size(); ++i)
        ticker->addTick(i + 1, DisplayNames::requestType(types.at(i)));
    plot->yAxis->setTicker(ticker);
    plot->yAxis->setRange(0.4, qMax(1, int(types.size())) + 0.6);
    plot->yAxis->grid()->setVisible(false);
    plot->xAxis->setLabel(tr("Decided requests"));
    countAxis(plot->xAxis);
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);

    QCPBars *below = nullptr;
    double widest = 0;
    QHash<QString, qint64> totals; // per type, both verdicts
    qint64 all = 0;
    for (const DashboardPoint &p : m_data.requestsByTypeAndVerdict) {
        totals[p.bucket] += p.value;
        all += p.value;
    }
    for (const QString &verdict : {QStringLiteral("approve"), QStringLiteral("deny")}) {
        auto *bars = new QCPBars(plot->yAxis, plot->xAxis);
        bars->setName(verdict == QLatin1String("approve") ? tr("Approved") : tr("Denied"));
        bars->setBrush(colour(verdict));
        bars->setPen(QPen(colour(verdict).darker(130)));
        bars->setWidth(0.6);
        bars->setStackingGap(0);
        QHash<QString, qint64> counts;
        for (const DashboardPoint &p : m_data.requestsByTypeAndVerdict)
            if (p.key == verdict)
                counts.insert(p.bucket, p.value);
        for (int i = 0; i < types.size(); ++i)
            bars->addData(i + 1, double(counts.value(types.at(i))));
        if (below)
            bars->moveAbove(below);
        below = bars;
        addSeries(bars,
                  {[this, types, counts, verdict, totals](double key) {
                       const QString type = types.value(int(key) - 1);
                       return tr("%1, %2: %3 of %4\nClick or Enter: these requests in the queue")
                           .arg(DisplayNames::requestType(type),
                                verdict == QLatin1String("approve") ? tr("approved") : tr("denied"),
                                number(counts.value(type)), number(totals.value(type)));
                   },
                   [this, types, verdict](double key) {
                       QueueFilter f;
                       f.type = types.value(int(key) - 1);
                       f.statuses = {verdict == QLatin1String("approve")
                                         ? QStringLiteral("approved")
                                         : QStringLiteral("denied")};
                       f.slice.decidedFrom = m_data.range.from;
                       f.slice.decidedTo = m_data.range.to;
                       openQueue(f);
                   }});
    }
    for (const qint64 t : std::as_const(totals))
        widest = qMax(widest, double(t));
    plot->xAxis->setRange(0, widest > 0 ? widest * 1.1 : 1);
    QString top;
    qint64 most = 0;
    for (auto it = totals.cbegin(); it != totals.cend(); ++it)
        if (it.value() > most) {
            most = it.value();
            top = it.key();
        }
    m_subtitles.value(Chart::Requests)
        ->setText(all == 0 ? QString()
                           : tr("%1 decided; most were %2 (%3)")
                                 .arg(number(all), DisplayNames::requestType(top), number(most)));
    finish(plot, types.isEmpty());
}

void DashboardView::drawJobs(QCustomPlot *plot)
{
    prepare(plot);
    const auto g = m_data.range.granularity;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(plot, list, g);
    const QHash<QString, qint64> all = byBucket(m_data.jobsByCause, QStringLiteral("all"));
    QCPBars *below = nullptr;
    double top = 0;
    QHash<double, double> stacked;
    qint64 jobs = 0;
    for (const qint64 n : all)
        jobs += n;
    QStringList causes;
    for (const QString &cause :
         {QStringLiteral("platform"), QStringLiteral("user"), QStringLiteral("unknown")}) {
        const QHash<QString, qint64> failed = byBucket(m_data.jobsByCause, cause);
        auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(tr("Failed: %1").arg(DisplayNames::value(cause)));
        bars->setBrush(colour(cause));
        bars->setPen(Qt::NoPen);
        bars->setStackingGap(0);
        qint64 total = 0;
        for (const Bucket &b : list) {
            const qint64 n = all.value(b.key);
            const double rate = n > 0 ? 100.0 * double(failed.value(b.key)) / double(n) : 0;
            bars->addData(b.x, rate);
            bars->setWidth(b.width * 0.8);
            stacked[b.x] += rate;
            top = qMax(top, stacked.value(b.x));
            total += failed.value(b.key);
        }
        if (below)
            bars->moveAbove(below);
        below = bars;
        if (jobs > 0)
            causes << tr("%1 %2").arg(DisplayNames::value(cause).toLower(),
                                      percent(double(total) / double(jobs)));
        addSeries(bars,
                  {[this, at, failed, all, cause, g](double key) {
                       const Bucket b = at.value(key);
                       const qint64 n = all.value(b.key);
                       const qint64 f = failed.value(b.key);
                       return tr("%1\nFailed (%2): %3 of %4 jobs, %5\nClick or Enter: these jobs")
                           .arg(bucketName(b, g), DisplayNames::value(cause).toLower(), number(f),
                                number(n), percent(n > 0 ? double(f) / double(n) : 0));
                   },
                   [this, at, cause](double key) {
                       RecordFilter f;
                       f.kind = QStringLiteral("failed");
                       f.cause = cause;
                       openRecords(Records::Jobs, f, at.value(key));
                   }});
    }
    plot->yAxis->setLabel(tr("Failure rate (%)"));
    plot->yAxis->setRange(0, top > 0 ? top * 1.2 : 1);

    addCreditsRestored(plot, list, false);

    // How the rate moved: the first bucket against the last one.
    QString trend;
    if (list.size() >= 2) {
        auto rate = [&](const Bucket &b) {
            const qint64 n = all.value(b.key);
            return n > 0 ? stacked.value(b.x) : -1.0;
        };
        const double first = rate(list.first());
        const double last = rate(list.last());
        if (first >= 0 && last >= 0)
            trend = tr("; %1 in %2, %3 in %4")
                        .arg(percent(first / 100), bucketName(list.first(), g), percent(last / 100),
                             bucketName(list.last(), g));
    }
    m_subtitles.value(Chart::Jobs)
        ->setText(jobs == 0 ? QString()
                            : tr("%1 jobs, failed: %2%3")
                                  .arg(number(jobs), causes.join(QStringLiteral(", ")), trend));
    finish(plot, jobs == 0);
}

void DashboardView::drawAnswers(QCustomPlot *plot)
{
    prepare(plot);
    const auto g = m_data.range.granularity;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(plot, list, g);
    QCPBars *below = nullptr;
    QHash<double, double> stacked;
    double top = 0;
    qint64 onTime = 0;
    qint64 late = 0;
    for (const QString &key : {QStringLiteral("on_time"), QStringLiteral("late")}) {
        const QHash<QString, qint64> counts = byBucket(m_data.answersOnTime, key);
        auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(DisplayNames::value(key));
        bars->setBrush(colour(key));
        bars->setPen(Qt::NoPen);
        bars->setStackingGap(0);
        for (const Bucket &b : list) {
            const qint64 n = counts.value(b.key);
            bars->addData(b.x, double(n));
            bars->setWidth(b.width * 0.8);
            stacked[b.x] += double(n);
            top = qMax(top, stacked.value(b.x));
            (key == QLatin1String("late") ? late : onTime) += n;
        }
        if (below)
            bars->moveAbove(below);
        below = bars;
        addSeries(bars, {[this, at, counts, key, g](double x) {
                             const Bucket b = at.value(x);
                             return tr("%1\n%2: %3 answer(s)\nClick or Enter: these requests")
                                 .arg(bucketName(b, g), DisplayNames::value(key),
                                      number(counts.value(b.key)));
                         },
                         [this, at, key](double x) {
                             const Bucket b = at.value(x);
                             QueueFilter f;
                             f.slice.decidedFrom = b.start;
                             f.slice.decidedTo = b.end;
                             f.slice.answered = key;
                             openQueue(f);
                         }});
    }
    plot->yAxis->setLabel(tr("Answers"));
    countAxis(plot->yAxis);
    plot->yAxis->setRange(0, top > 0 ? top * 1.2 : 1);
    const qint64 answers = onTime + late;
    m_subtitles.value(Chart::Answers)
        ->setText(answers == 0 ? QString()
                               : tr("%Ln answer(s): %1 on time, %2 late", nullptr, int(answers))
                                     .arg(percent(double(onTime) / double(answers)), number(late)));
    finish(plot, answers == 0);
}

void DashboardView::drawChargebacks(QCustomPlot *plot)
{
    prepare(plot);
    const auto g = DashboardRange::Granularity::Month;
    const QList<Bucket> list = buckets(g);
    const QHash<double, Bucket> at = byMiddle(list);
    useDateAxis(plot, list, g);
    plot->xAxis->ticker().dynamicCast<QCPAxisTickerDateTime>()->setTickCount(
        qMin(6, qMax(1, int(list.size()))));
    QCPBars *below = nullptr;
    QHash<double, double> stacked;
    double top = 0;
    QStringList summary;
    for (const QString &status :
         {QStringLiteral("lost"), QStringLiteral("won"), QStringLiteral("open")}) {
        const QHash<QString, qint64> counts = byBucket(m_data.chargebacks, status);
        auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(DisplayNames::value(status));
        bars->setBrush(colour(status));
        bars->setPen(Qt::NoPen);
        bars->setStackingGap(0);
        qint64 total = 0;
        for (const Bucket &b : list) {
            const qint64 n = counts.value(b.key);
            bars->addData(b.x, double(n));
            bars->setWidth(b.width * 0.6);
            stacked[b.x] += double(n);
            top = qMax(top, stacked.value(b.x));
            total += n;
        }
        if (below)
            bars->moveAbove(below);
        below = bars;
        summary << tr("%1 %2").arg(number(total), DisplayNames::value(status).toLower());
        addSeries(bars, {[this, at, counts, status](double x) {
                             const Bucket b = at.value(x);
                             return tr("%1\n%2: %3 chargeback(s)\nClick or Enter: their purchases")
                                 .arg(bucketName(b, DashboardRange::Granularity::Month),
                                      DisplayNames::value(status), number(counts.value(b.key)));
                         },
                         [this, at, status](double x) {
                             RecordFilter f;
                             f.kind = QStringLiteral("chargeback_") + status;
                             openRecords(Records::Purchases, f, at.value(x));
                         }});
    }
    plot->yAxis->setLabel(tr("Chargebacks"));
    countAxis(plot->yAxis);
    plot->yAxis->setRange(0, top > 0 ? top * 1.2 : 1);
    m_subtitles.value(Chart::Chargebacks)
        ->setText(m_data.chargebacks.isEmpty() ? QString() : summary.join(QStringLiteral(", ")));
    finish(plot, m_data.chargebacks.isEmpty());
}

void DashboardView::drawReviewers(QCustomPlot *plot)
{
    prepare(plot);
    QStringList reviewers;
    for (const DashboardPoint &p : m_data.decisionsPerReviewer)
        if (!reviewers.contains(p.bucket))
            reviewers << p.bucket;
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < reviewers.size(); ++i)
        ticker->addTick(i + 1, reviewers.at(i));
    plot->yAxis->setTicker(ticker);
    plot->yAxis->setRange(0.4, qMax(1, int(reviewers.size())) + 0.6);
    plot->yAxis->grid()->setVisible(false);
    plot->xAxis->setLabel(tr("Decisions"));
    countAxis(plot->xAxis);
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    double widest = 0;
    const QHash<QString, qint64> decisions =
        byBucket(m_data.decisionsPerReviewer, QStringLiteral("decisions"));
    // Decisions and, beside them, the overrides among them.
    for (const QString &key : {QStringLiteral("decisions"), QStringLiteral("overrides")}) {
        QHash<QString, qint64> counts;
        for (const DashboardPoint &p : m_data.decisionsPerReviewer)
            if (p.key == key)
                counts.insert(p.bucket, p.value);
        auto *bars = new QCPBars(plot->yAxis, plot->xAxis);
        const bool overrides = key == QLatin1String("overrides");
        bars->setName(overrides ? tr("Overrides") : tr("Decisions"));
        bars->setBrush(colour(key));
        bars->setPen(Qt::NoPen);
        bars->setWidth(0.36);
        for (int i = 0; i < reviewers.size(); ++i) {
            const double n = double(counts.value(reviewers.at(i)));
            bars->addData(i + 1 + (overrides ? -0.19 : 0.19), n);
            widest = qMax(widest, n);
        }
        addSeries(bars,
                  {[this, reviewers, counts, decisions, overrides](double key) {
                       const QString who = reviewers.value(qRound(key) - 1);
                       const qint64 n = counts.value(who);
                       return overrides
                                  ? tr("%1: %2 override(s) of %3 decisions, %4\nClick or Enter: "
                                       "these requests")
                                        .arg(who, number(n), number(decisions.value(who)),
                                             percent(decisions.value(who) > 0
                                                         ? double(n) / double(decisions.value(who))
                                                         : 0))
                                  : tr("%1: %2 decision(s)\nClick or Enter: these requests")
                                        .arg(who, number(n));
                   },
                   [this, reviewers, overrides](double key) {
                       QueueFilter f;
                       f.statuses = {};
                       f.slice.decidedBy = reviewers.value(qRound(key) - 1);
                       f.slice.overridesOnly = overrides;
                       f.slice.decidedFrom = m_data.range.from;
                       f.slice.decidedTo = m_data.range.to;
                       openQueue(f);
                   }});
    }
    plot->xAxis->setRange(0, widest > 0 ? widest * 1.1 : 1);
    m_subtitles.value(Chart::Reviewers)
        ->setText(reviewers.isEmpty() ? QString()
                                      : tr("%n reviewer(s)", nullptr, int(reviewers.size())));
    finish(plot, reviewers.isEmpty());
}

QString DashboardView::saveChart(Chart chart, const QString &path)
{
    QCustomPlot *plot = m_plots.value(chart);
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("pdf"))
        return tr("%1: choose a file ending in .png or .pdf").arg(QDir::toNativeSeparators(path));
    const int width = qMax(plot->width(), 800);
    const int height = qMax(plot->height(), 450);
    // Written beside the target and renamed only when complete: a failure leaves no half file.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    bool ok = false;
    if (suffix == QLatin1String("png")) {
        ok = plot->toPixmap(width, height, 2.0).save(&file, "PNG");
    } else {
        QPdfWriter pdf(&file);
        pdf.setTitle(chartTitle(chart));
        pdf.setCreator(tr("Refund Desk"));
        pdf.setPageLayout(QPageLayout(QPageSize(QSizeF(width, height), QPageSize::Point),
                                      QPageLayout::Portrait, QMarginsF()));
        pdf.setResolution(72);
        QCPPainter painter;
        if (painter.begin(&pdf)) {
            painter.setMode(QCPPainter::pmVectorized);
            painter.setMode(QCPPainter::pmNoCaching);
            plot->toPainter(&painter, width, height);
            ok = painter.end();
        }
    }
    if (!ok || !file.commit())
        return tr("Could not write %1: %2")
            .arg(QDir::toNativeSeparators(path), file.error() != QFileDevice::NoError
                                                     ? file.errorString()
                                                     : tr("the image could not be encoded"));
    return {};
}

void DashboardView::askSave(Chart chart, const QString &suffix)
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save chart"), QDir(folder).filePath(fileStem(chart) + QLatin1Char('.') + suffix),
        suffix == QLatin1String("png") ? tr("PNG images (*.png)") : tr("PDF documents (*.pdf)"));
    if (path.isEmpty())
        return;
    const QString error = saveChart(chart, path);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Chart not saved"), error);
}

void DashboardView::print(QPrinter *printer)
{
    printer->setPageOrientation(QPageLayout::Landscape);
    QCPPainter painter;
    if (!painter.begin(printer))
        return;
    painter.setMode(QCPPainter::pmVectorized);
    painter.setMode(QCPPainter::pmNoCaching);
    const QRectF page = printer->pageLayout().paintRectPixels(printer->resolution());
    // Laid out on a 1600-point-wide canvas, scaled to the page.
    const double canvasWidth = 1600;
    const double scale = page.width() / canvasWidth;
    const double canvasHeight = page.height() / scale;
    painter.scale(scale, scale);
    const DashboardRange r = range();
    QFont heading = font();
    heading.setPointSizeF(16);
    heading.setBold(true);
    painter.setFont(heading);
    painter.setPen(Qt::black);
    painter.drawText(QRectF(0, 0, canvasWidth, 30), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("Refund Desk dashboard, %1 to %2 (UTC), %3")
                         .arg(r.from.toString(Qt::ISODate), r.to.toString(Qt::ISODate),
                              m_profile->currentText()));
    QFont body = font();
    body.setPointSizeF(10);
    painter.setFont(body);
    double y = 40;
    const double tileWidth = canvasWidth / double(m_tiles.size());
    for (int i = 0; i < m_tiles.size(); ++i) {
        const auto &[name, caption] = m_tiles.at(i);
        painter.drawText(QRectF(i * tileWidth, y, tileWidth - 10, 80), Qt::TextWordWrap,
                         caption + QLatin1Char('\n') + m_tileValues.value(name)->text() +
                             QLatin1Char('\n') + m_tileNotes.value(name)->text());
    }
    y += 90;
    const QList<Chart> all = charts();
    const double cellWidth = canvasWidth / 2;
    const double cellHeight = (canvasHeight - y) / 3;
    for (int i = 0; i < all.size(); ++i) {
        const double left = (i % 2) * cellWidth;
        const double top = y + (i / 2) * cellHeight;
        painter.setFont(body);
        painter.setPen(Qt::black);
        painter.drawText(QRectF(left, top, cellWidth - 10, 20), Qt::AlignLeft | Qt::AlignVCenter,
                         chartTitle(all.at(i)));
        painter.save();
        painter.translate(left, top + 22);
        m_plots.value(all.at(i))->toPainter(&painter, int(cellWidth - 10), int(cellHeight - 30));
        painter.restore();
    }
    painter.end();
}

void DashboardView::printWithDialog()
{
    QPrinter printer(QPrinter::HighResolution);
    printer.setPageOrientation(QPageLayout::Landscape);
    printer.setDocName(tr("Refund Desk dashboard"));
    QPrintDialog dialog(&printer, this);
    dialog.setWindowTitle(tr("Print the dashboard"));
    if (dialog.exec() == QDialog::Accepted)
        print(&printer);
}
