#include "dashboardview.h"
#include "ui/displaynames.h"

#include "dashboard/answerschart.h"
#include "dashboard/chargebackschart.h"
#include "dashboard/chartformat.h"
#include "dashboard/chartpoints.h"
#include "dashboard/jobschart.h"
#include "dashboard/moneychart.h"
#include "dashboard/requestschart.h"
#include "dashboard/reviewerschart.h"
#include "models/backgroundreader.h"
#include "models/database.h"
#include "policy/rules/policyprofile.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
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
#include <QVBoxLayout>
#include <qcustomplot.h>

Q_DECLARE_METATYPE(DashboardData)

using namespace ChartFormat;

DashboardView::DashboardView(Database &database, QWidget *parent)
    : QWidget(parent), m_database(database), m_reader(new BackgroundReader(database, this)),
      m_period(new QComboBox), m_from(new QDateEdit), m_to(new QDateEdit), m_profile(new QComboBox),
      m_granularity(new QComboBox), m_status(new QLabel), m_refresh(new QToolButton),
      m_points(new ChartPoints(this)), m_today(QDateTime::currentDateTimeUtc().date())
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
        edit->setDisplayFormat(DisplayNames::dateFormat());
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
        {QStringLiteral("payouts"), tr("Payouts not paid back yet")},
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
    const auto save = [this, chart](const QString &suffix) { askSave(chart, suffix); };
    const QString name = chartName(chart);
    const QString title = chartTitle(chart);
    std::unique_ptr<DashboardChart> made;
    switch (chart) {
    case Chart::Money:
        made = std::make_unique<MoneyChart>(*this, *m_points, name, title, save);
        break;
    case Chart::Requests:
        made = std::make_unique<RequestsChart>(*this, *m_points, name, title, save);
        break;
    case Chart::Jobs:
        made = std::make_unique<JobsChart>(*this, *m_points, name, title, save);
        break;
    case Chart::Answers:
        made = std::make_unique<AnswersChart>(*this, *m_points, name, title, save);
        break;
    case Chart::Chargebacks:
        made = std::make_unique<ChargebacksChart>(*this, *m_points, name, title, save);
        break;
    case Chart::Reviewers:
        made = std::make_unique<ReviewersChart>(*this, *m_points, name, title, save);
        break;
    }
    QWidget *frame = made->frame();
    m_charts.push_back(std::move(made));
    return frame;
}

QCustomPlot *DashboardView::plot(Chart chart) const
{
    const qsizetype at = charts().indexOf(chart);
    return at >= 0 && size_t(at) < m_charts.size() ? m_charts.at(size_t(at))->plot() : nullptr;
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
    m_points->clear();
    drawTiles();
    for (const std::unique_ptr<DashboardChart> &chart : m_charts)
        chart->redraw(m_data);
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

    // Now, whatever the range: the money still on its way, and what needs a person.
    qint64 waiting = 0;
    for (const qint64 n : k.payoutsWaiting)
        waiting += n;
    QStringList cents;
    for (auto it = k.payoutsWaitingCents.cbegin(); it != k.payoutsWaitingCents.cend(); ++it)
        cents << money(it.value(), it.key());
    m_tileValues.value(QStringLiteral("payouts"))
        ->setText(waiting ? cents.join(QLatin1Char('\n')) : tr("None"));
    const qint64 attention = k.payoutsWaiting.value(QStringLiteral("failed")) +
                             k.payoutsWaiting.value(QStringLiteral("unknown"));
    QLabel *payoutNote = m_tileNotes.value(QStringLiteral("payouts"));
    payoutNote->setText(tr("%1 pending, %2 sent, %3 unknown, %4 failed")
                            .arg(number(k.payoutsWaiting.value(QStringLiteral("pending"))),
                                 number(k.payoutsWaiting.value(QStringLiteral("sent"))),
                                 number(k.payoutsWaiting.value(QStringLiteral("unknown"))),
                                 number(k.payoutsWaiting.value(QStringLiteral("failed")))));
    payoutNote->setStyleSheet(attention > 0 ? QStringLiteral("color: %1; font-weight: bold")
                                                  .arg(colour(QStringLiteral("late")).name())
                                            : QString());

    m_tileValues.value(QStringLiteral("overrides"))
        ->setText(k.decisions > 0 ? percent(double(k.overrides) / double(k.decisions))
                                  : tr("No decisions"));
    m_tileNotes.value(QStringLiteral("overrides"))
        ->setText(tr("%1 of %2 decisions went against the recommendation")
                      .arg(number(k.overrides), number(k.decisions)));
}

QString DashboardView::describe(QCPAbstractPlottable *plottable, int index) const
{
    return m_points->describe(plottable, index);
}

void DashboardView::open(QCPAbstractPlottable *plottable, int index)
{
    m_points->open(plottable, index);
}

std::pair<QCPAbstractPlottable *, int> DashboardView::keyboardPoint(Chart chart) const
{
    return m_points->keyPoint(plot(chart));
}

void DashboardView::openQueue(QueueFilter filter)
{
    filter.profile = m_data.range.profile;
    emit queueRequested(filter);
}

void DashboardView::openRecords(Records records, RecordFilter filter)
{
    filter.profile = m_data.range.profile;
    emit recordsRequested(records, filter);
}

QString DashboardView::saveChart(Chart chart, const QString &path)
{
    QCustomPlot *plot = this->plot(chart);
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
        plot(all.at(i))->toPainter(&painter, int(cellWidth - 10), int(cellHeight - 30));
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
