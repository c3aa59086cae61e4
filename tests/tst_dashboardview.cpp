// The managers' dashboard offscreen on both backends: it draws every chart from the fixture's
// figures, saves each as PNG and PDF, prints, follows the palette, and a click on a bar opens
// the queue or the jobs table filtered to that slice.

#include "models/jobtablemodel.h"
#include "support/dashboardfixture.h"
#include "support/testdatabase.h"
#include "ui/dashboardview.h"
#include "ui/mainwindow.h"
#include "ui/queueview.h"
#include "ui/recordtableview.h"

#include <QImage>
#include <QPrinter>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <qcustomplot.h>

namespace {
using Chart = DashboardView::Chart;

DashboardRange march()
{
    DashboardRange r;
    r.from = QDate(2026, 3, 1);
    r.to = QDate(2026, 3, 31);
    return r;
}

// The plottable of `plot` named `name`.
QCPAbstractPlottable *series(QCustomPlot *plot, const QString &name)
{
    for (int i = 0; i < plot->plottableCount(); ++i)
        if (plot->plottable(i)->name() == name)
            return plot->plottable(i);
    return nullptr;
}

// The value `plottable` draws at `key`, or -1.
double valueAt(QCPAbstractPlottable *plottable, double key)
{
    QCPPlottableInterface1D *data = plottable->interface1D();
    for (int i = 0; i < data->dataCount(); ++i)
        if (qFuzzyCompare(data->dataMainKey(i), key))
            return data->dataMainValue(i);
    return -1;
}

int indexAt(QCPAbstractPlottable *plottable, double key)
{
    QCPPlottableInterface1D *data = plottable->interface1D();
    for (int i = 0; i < data->dataCount(); ++i)
        if (qFuzzyCompare(data->dataMainKey(i), key))
            return i;
    return -1;
}

double middleOf(const QDate &day)
{
    return double(QDateTime(day, QTime(0, 0), Qt::UTC).toSecsSinceEpoch()) + 43200;
}

// Shows the window on its dashboard page for March 2026; the view once its figures are in.
DashboardView *showMarch(MainWindow &w)
{
    w.resize(1500, 1100);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w))
        return nullptr;
    DashboardView *view = w.dashboard();
    view->setToday(QDate(2026, 4, 15));
    view->setRange(march());
    w.showPage(6); // the dashboard
    const bool loaded =
        QTest::qWaitFor([view] { return view->hasData() && !view->isLoading(); }, 10000);
    return loaded ? view : nullptr;
}

bool imageHasColour(const QImage &image, const QColor &colour)
{
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            if (image.pixelColor(x, y).rgb() == colour.rgb())
                return true;
    return false;
}
} // namespace

class TestDashboardView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("refunddesk-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_dashboardview"));
        QSettings().clear();
    }
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void drawsEveryChartAndSavesThem()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DashboardFixture fixture;
        fixture.build(t.db());
        if (QTest::currentTestFailed())
            return;

        DashboardView view(t.db());
        view.resize(1400, 1200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy loaded(&view, &DashboardView::loaded);
        view.setToday(QDate(2026, 4, 15));
        view.setRange(march());
        QTRY_VERIFY_WITH_TIMEOUT(view.hasData() && !view.isLoading(), 10000);
        QCOMPARE(view.data().range.from, QDate(2026, 3, 1));

        // The tiles: 2.50 USD of 15.00 USD revenue refunded, 30 credits restored, one open
        // request, a median of one hour, no overrides.
        QVERIFY2(view.kpiText(QStringLiteral("refunded")).contains(QStringLiteral("2.50 USD")),
                 qPrintable(view.kpiText(QStringLiteral("refunded"))));
        QCOMPARE(view.kpiText(QStringLiteral("credits")), QStringLiteral("30"));
        QCOMPARE(view.kpiText(QStringLiteral("open")), QStringLiteral("1"));
        QCOMPARE(view.kpiText(QStringLiteral("median")), QStringLiteral("1.0 hours"));
        QCOMPARE(view.kpiText(QStringLiteral("overrides")), QStringLiteral("0.00 %"));

        // Each chart holds the fixture's figures.
        const double mar2 = middleOf(QDate(2026, 3, 2));
        QCustomPlot *money = view.plot(Chart::Money);
        QCPAbstractPlottable *usd = series(money, QStringLiteral("Refunded (USD)"));
        QVERIFY(usd);
        QCOMPARE(valueAt(usd, mar2), 2.5);
        QCOMPARE(valueAt(usd, middleOf(QDate(2026, 3, 3))), 0.0);
        QCOMPARE(usd->interface1D()->dataCount(), 31); // every day of March, empty ones as 0
        QCOMPARE(valueAt(series(money, QStringLiteral("Credits restored")), mar2), 30.0);
        QVERIFY(view.describe(usd, indexAt(usd, mar2)).contains(QStringLiteral("2.50 USD")));
        QVERIFY(money->xAxis->ticker().dynamicCast<QCPAxisTickerDateTime>());

        QCustomPlot *requests = view.plot(Chart::Requests);
        QCPAbstractPlottable *approved = series(requests, QStringLiteral("Approved"));
        QCPAbstractPlottable *denied = series(requests, QStringLiteral("Denied"));
        QVERIFY(approved && denied);
        QCOMPARE(valueAt(approved, 1), 1.0); // unused credits: one approved, one denied
        QCOMPARE(valueAt(denied, 1), 1.0);
        QCOMPARE(static_cast<QCPBars *>(denied)->barBelow(), static_cast<QCPBars *>(approved));
        QVERIFY(view.describe(approved, 0).contains(QStringLiteral("1 of 2")));

        QCustomPlot *jobs = view.plot(Chart::Jobs);
        QCOMPARE(valueAt(series(jobs, QStringLiteral("Failed: Platform")), mar2), 50.0);
        QCOMPARE(valueAt(series(jobs, QStringLiteral("Failed: User")), mar2), 50.0);
        QCOMPARE(
            valueAt(series(jobs, QStringLiteral("Failed: Platform")), middleOf(QDate(2026, 3, 3))),
            0.0);

        QCustomPlot *reviewers = view.plot(Chart::Reviewers);
        QCPAbstractPlottable *decisions = series(reviewers, QStringLiteral("Decisions"));
        QVERIFY(decisions);
        QCOMPARE(decisions->interface1D()->dataCount(), 2); // carol and dave
        QCOMPARE(decisions->interface1D()->dataMainValue(0), 1.0);

        QCustomPlot *answers = view.plot(Chart::Answers);
        QCOMPARE(answers->plottableCount(), 2);
        QCustomPlot *chargebacks = view.plot(Chart::Chargebacks);
        QCOMPARE(chargebacks->plottableCount(), 3);
        QCOMPARE(chargebacks->itemCount(), 1); // "Nothing in this range": none in March

        // Every chart saves as PNG (drawn, with its colours) and as PDF.
        QTemporaryDir dir;
        for (const Chart chart : DashboardView::charts()) {
            const QString png = dir.filePath(QStringLiteral("%1.png").arg(int(chart)));
            QCOMPARE(view.saveChart(chart, png), QString());
            const QImage image(png);
            QVERIFY2(!image.isNull(), qPrintable(png));
            QVERIFY(image.width() >= 800 && image.height() >= 450);
            const QString pdf = dir.filePath(QStringLiteral("%1.pdf").arg(int(chart)));
            QCOMPARE(view.saveChart(chart, pdf), QString());
            QFile file(pdf);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QCOMPARE(file.read(5), QByteArray("%PDF-"));
        }
        const QImage bars(dir.filePath(QStringLiteral("%1.png").arg(int(Chart::Requests))));
        QVERIFY(imageHasColour(bars, static_cast<QCPBars *>(approved)->brush().color()));
        QVERIFY(imageHasColour(bars, static_cast<QCPBars *>(denied)->brush().color()));

        // Errors name the file and leave nothing behind.
        const QString missing = dir.filePath(QStringLiteral("no/such/folder/chart.png"));
        QVERIFY(view.saveChart(Chart::Money, missing).contains(QStringLiteral("chart.png")));
        QVERIFY(!QFile::exists(missing));
        QVERIFY(view.saveChart(Chart::Money, dir.filePath(QStringLiteral("chart.gif")))
                    .contains(QStringLiteral(".png")));

        // The whole dashboard prints (to a PDF printer here).
        QPrinter printer(QPrinter::HighResolution);
        printer.setOutputFormat(QPrinter::PdfFormat);
        const QString printed = dir.filePath(QStringLiteral("dashboard.pdf"));
        printer.setOutputFileName(printed);
        view.print(&printer);
        QVERIFY(QFileInfo(printed).size() > 1000);

        // A write elsewhere (another platform failure in March): told, the dashboard recomputes.
        RefundWorkflow writer(t.db());
        writer.setClock([] { return DashboardFixture::t0() + 5 * DashboardFixture::day; });
        QVERIFY(writer.reportJobFailure(writer.recordJob(fixture.ann, 5, QStringLiteral("video")),
                                        FailureCause::Platform, QStringLiteral("gpu")));
        view.dataChanged();
        QTRY_COMPARE_WITH_TIMEOUT(view.kpiText(QStringLiteral("credits")), QStringLiteral("35"),
                                  10000);

        // A dark palette redraws the charts light on dark.
        QPalette dark = view.palette();
        dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
        dark.setColor(QPalette::Window, QColor(0x30, 0x30, 0x30));
        dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
        view.setPalette(dark);
        QCOMPARE(view.plot(Chart::Money)->xAxis->tickLabelColor(), QColor(0xee, 0xee, 0xee));
        QCOMPARE(view.plot(Chart::Money)->legend->textColor(), QColor(0xee, 0xee, 0xee));

        // A profile narrows every figure: bob (vysage) had no refund, one denial.
        DashboardRange vysage = march();
        vysage.profile = QStringLiteral("vysage");
        view.setRange(vysage);
        QTRY_VERIFY_WITH_TIMEOUT(!view.isLoading() && view.data().range.profile == vysage.profile,
                                 10000);
        QCOMPARE(view.kpiText(QStringLiteral("credits")), QStringLiteral("0"));
        QVERIFY(!series(view.plot(Chart::Money), QStringLiteral("Refunded (USD)")));
        QVERIFY(loaded.count() >= 2);

        // The next dashboard opens on the same choices, computing nothing until asked.
        DashboardView again(t.db());
        QCOMPARE(again.range().from, vysage.from);
        QCOMPARE(again.range().to, vysage.to);
        QCOMPARE(again.range().profile, vysage.profile);
        QVERIFY(!again.isLoading() && !again.hasData());
    }

    void clickOpensTheSlice()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DashboardFixture fixture;
        fixture.build(t.db());
        if (QTest::currentTestFailed())
            return;

        MainWindow w(t.db());
        DashboardView *view = showMarch(w);
        QVERIFY(view);

        // A real click on the "approved" part of the unused-credits bar.
        QCustomPlot *requests = view->plot(Chart::Requests);
        requests->replot();
        const QPoint onBar(int(requests->xAxis->coordToPixel(0.5)),
                           int(requests->yAxis->coordToPixel(1)));
        QSignalSpy asked(view, &DashboardView::queueRequested);
        QTest::mouseClick(requests, Qt::LeftButton, {}, onBar);
        QCOMPARE(asked.count(), 1);
        const auto filter = asked.first().first().value<QueueFilter>();
        QCOMPARE(filter.type, QStringLiteral("unused_credits"));
        QCOMPARE(filter.statuses, QStringList{QStringLiteral("approved")});
        QCOMPARE(filter.slice.decidedFrom, QDate(2026, 3, 1));

        // The queue shows exactly that slice, says so, and lets it go.
        auto *tabs = w.findChild<QTabWidget *>();
        QCOMPARE(tabs->currentIndex(), 0);
        QueueView *queue = w.queue();
        auto *model = qobject_cast<RequestQueueModel *>(queue->table()->model());
        QTRY_VERIFY(model->isCountKnown());
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->requestId(0), fixture.approved);
        QVERIFY(queue->sliceText().contains(QStringLiteral("2026-03-01")));
        queue->clearSlice();
        QTRY_VERIFY(model->isCountKnown());
        QVERIFY(queue->sliceText().isEmpty());
        QCOMPARE(model->queueFilter().type, QStringLiteral("unused_credits"));

        // Reviewer bars: dave's decisions.
        w.showPage(6); // the dashboard
        QCPAbstractPlottable *decisions =
            series(view->plot(Chart::Reviewers), QStringLiteral("Decisions"));
        view->open(decisions, 1);
        QTRY_VERIFY(model->isCountKnown());
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->requestId(0), fixture.denied);
        QVERIFY(queue->sliceText().contains(QStringLiteral("dave")));

        // The platform failures of 2 March open the jobs table on that UTC day.
        w.showPage(6); // the dashboard
        QCPAbstractPlottable *platform =
            series(view->plot(Chart::Jobs), QStringLiteral("Failed: Platform"));
        view->open(platform, indexAt(platform, middleOf(QDate(2026, 3, 2))));
        auto *jobs = qobject_cast<RecordTableView *>(tabs->currentWidget());
        QVERIFY(jobs);
        QCOMPARE(jobs->filter().kind, QStringLiteral("failed"));
        QCOMPARE(jobs->filter().cause, QStringLiteral("platform"));
        QCOMPARE(jobs->filter().from, QDate(2026, 3, 2));
        QVERIFY(jobs->filter().utcDays);
        QTRY_VERIFY(jobs->model()->isCountKnown());
        QCOMPARE(jobs->model()->rowCount(), 1);
        QCOMPARE(jobs->model()->value(0, QStringLiteral("id")).toLongLong(), fixture.failedJob);
    }

    // The same slices without a mouse: Tab into a chart, arrows choose, Enter opens.
    void keyboardOpensTheSlice()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DashboardFixture fixture;
        fixture.build(t.db());
        if (QTest::currentTestFailed())
            return;

        MainWindow w(t.db());
        DashboardView *view = showMarch(w);
        QVERIFY(view);
        QueueView *queue = w.queue();
        auto *model = qobject_cast<RequestQueueModel *>(queue->table()->model());

        // Focus from the keyboard chooses the first bar: the approved unused-credits requests.
        QCustomPlot *requests = view->plot(Chart::Requests);
        QCOMPARE(requests->focusPolicy(), Qt::StrongFocus);
        requests->setFocus(Qt::TabFocusReason);
        QTRY_VERIFY(requests->hasFocus());
        QCPAbstractPlottable *approved = series(requests, QStringLiteral("Approved"));
        QCPAbstractPlottable *denied = series(requests, QStringLiteral("Denied"));
        QCOMPARE(view->keyboardPoint(Chart::Requests), std::make_pair(approved, 0));
        QVERIFY(approved->selected());
        QVERIFY(requests->accessibleDescription().contains(QStringLiteral("1 of 2")));

        // The bars lie down: Right moves to the denied part stacked beside it, Left back.
        QTest::keyClick(requests, Qt::Key_Right);
        QCOMPARE(view->keyboardPoint(Chart::Requests), std::make_pair(denied, 0));
        QVERIFY(denied->selected());
        QVERIFY(!approved->selected());
        // Drawn with an outline in the highlight colour.
        requests->replot();
        const QImage drawn = requests->toPixmap().toImage();
        if (qEnvironmentVariableIsSet("KBDSHOT"))
            drawn.save(qEnvironmentVariable("KBDSHOT"));
        QVERIFY(imageHasColour(drawn, view->palette().color(QPalette::Highlight)));
        QTest::keyClick(requests, Qt::Key_Right); // nothing further: stays
        QCOMPARE(view->keyboardPoint(Chart::Requests), std::make_pair(denied, 0));

        QSignalSpy asked(view, &DashboardView::queueRequested);
        QTest::keyClick(requests, Qt::Key_Return);
        QCOMPARE(asked.count(), 1);
        const auto filter = asked.first().first().value<QueueFilter>();
        QCOMPARE(filter.type, QStringLiteral("unused_credits"));
        QCOMPARE(filter.statuses, QStringList{QStringLiteral("denied")});
        QTRY_VERIFY(model->isCountKnown());
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->requestId(0), fixture.denied);
        // Leaving the chart lets the chosen bar go.
        QVERIFY(!denied->selected());
        QCOMPARE(view->keyboardPoint(Chart::Requests).first, nullptr);

        // Reviewers, one per bar up the side: Up from carol is dave.
        w.showPage(6); // the dashboard
        QCustomPlot *reviewers = view->plot(Chart::Reviewers);
        reviewers->setFocus(Qt::TabFocusReason);
        QTRY_VERIFY(reviewers->hasFocus());
        QCPAbstractPlottable *decisions = series(reviewers, QStringLiteral("Decisions"));
        QCOMPARE(view->keyboardPoint(Chart::Reviewers), std::make_pair(decisions, 0));
        QTest::keyClick(reviewers, Qt::Key_Up);
        QCOMPARE(view->keyboardPoint(Chart::Reviewers), std::make_pair(decisions, 1));
        QTest::keyClick(reviewers, Qt::Key_Space);
        QTRY_VERIFY(model->isCountKnown());
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->requestId(0), fixture.denied);
        QVERIFY(queue->sliceText().contains(QStringLiteral("dave")));

        // A click into a chart chooses nothing by itself; the first arrow key does, and Enter
        // opens its records.
        w.showPage(6); // the dashboard
        QCustomPlot *jobs = view->plot(Chart::Jobs);
        jobs->setFocus(Qt::MouseFocusReason);
        QTRY_VERIFY(jobs->hasFocus());
        QCOMPARE(view->keyboardPoint(Chart::Jobs).first, nullptr);
        QTest::keyClick(jobs, Qt::Key_End);
        const auto [plottable, index] = view->keyboardPoint(Chart::Jobs);
        QVERIFY(plottable);
        QTest::keyClick(jobs, Qt::Key_End);
        QTest::keyClick(jobs, Qt::Key_Right); // past the last point: stays
        QCOMPARE(view->keyboardPoint(Chart::Jobs), std::make_pair(plottable, index));
        QSignalSpy records(view, &DashboardView::recordsRequested);
        QTest::keyClick(jobs, Qt::Key_Enter);
        QCOMPARE(records.count(), 1);
    }
};

QTEST_MAIN(TestDashboardView)
#include "tst_dashboardview.moc"
