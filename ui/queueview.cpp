#include "queueview.h"

#include "flowlayout.h"

#include "deadlinedelegate.h"
#include "displaynames.h"
#include "policy/rules/policyprofile.h"
#include "recommendationdelegate.h"
#include "tablecelldelegate.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QSettings>
#include <QShortcut>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace {
const QString viewsKey = QStringLiteral("queue/savedViews");

QJsonObject toJson(const QueueFilter &f)
{
    return {{QStringLiteral("statuses"), QJsonValue::fromVariant(f.statuses)},
            {QStringLiteral("type"), f.type},
            {QStringLiteral("profile"), f.profile},
            {QStringLiteral("mine"), !f.assignedTo.isEmpty()},
            {QStringLiteral("waiting_for_me"), !f.secondApprover.isEmpty()},
            {QStringLiteral("overdue"), f.overdueBefore.isValid()},
            {QStringLiteral("search"), f.search}};
}
} // namespace

QueueView::QueueView(RequestQueueModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_table(new QTableView),
      m_deadlines(new DeadlineDelegate(this)), m_status(new QComboBox), m_type(new QComboBox),
      m_profile(new QComboBox), m_mine(new QCheckBox(tr("Assigned to &me"))),
      m_overdue(new QCheckBox(tr("&Overdue"))), m_search(new QLineEdit), m_views(new QComboBox),
      m_saveView(new QToolButton), m_deleteView(new QToolButton), m_count(new QLabel),
      m_sliceBar(new QWidget), m_slice(new QLabel), m_searchDelay(new QTimer(this)),
      m_today(QDate::currentDate())
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QWidget;
    buildFilterBar(bar);
    layout->addWidget(bar);
    auto *sliceRow = new QHBoxLayout(m_sliceBar);
    sliceRow->setContentsMargins(6, 2, 6, 0);
    m_slice->setTextFormat(Qt::PlainText);
    m_slice->setWordWrap(true);
    auto *clear = new QToolButton;
    clear->setText(tr("Show the whole queue"));
    clear->setToolTip(tr("Drop the slice and keep the filters above"));
    connect(clear, &QToolButton::clicked, this, &QueueView::clearSlice);
    sliceRow->addWidget(m_slice, 1);
    sliceRow->addWidget(clear);
    m_sliceBar->hide();
    layout->addWidget(m_sliceBar);

    m_table->setModel(m_model);
    m_table->setItemDelegate(new TableCellDelegate(this));
    m_table->setItemDelegateForColumn(m_model->fieldIndex(QStringLiteral("recommendation")),
                                      new RecommendationDelegate(this));
    m_table->setItemDelegateForColumn(m_model->fieldIndex(QStringLiteral("respond_by")),
                                      m_deadlines);
    m_table->setItemDelegateForColumn(m_model->fieldIndex(QStringLiteral("type")),
                                      new TableCellDelegate(&DisplayNames::requestType, this));
    m_table->setItemDelegateForColumn(m_model->fieldIndex(QStringLiteral("status")),
                                      new TableCellDelegate(&DisplayNames::status, this));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setSortingEnabled(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 10);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionsMovable(true);
    for (const char *hidden : {"currency", "account_id", "purchase_id", "job_id"})
        m_table->setColumnHidden(m_model->fieldIndex(QLatin1String(hidden)), true);
    // Columns as wide as their longest content in the user's language and date format.
    {
        const QFontMetrics plain = m_table->fontMetrics();
        QFont boldFont = m_table->font();
        boldFont.setBold(true);
        const QFontMetrics bold(boldFont);
        const auto fit = [&](const char *field, int contentWidth) {
            const int column = m_model->fieldIndex(QLatin1String(field));
            const QString header = m_model->headerData(column, Qt::Horizontal).toString();
            m_table->setColumnWidth(
                column, std::max(contentWidth, plain.horizontalAdvance(header) + 28) + 16);
        };
        const QDate sampleDay(2026, 12, 31);
        int widestType = 0;
        for (const QString &type : DisplayNames::requestTypes())
            widestType =
                std::max(widestType, plain.horizontalAdvance(DisplayNames::requestType(type)));
        int widestVerdict = 0;
        for (const char *verdict : {"approve", "deny", "review"})
            widestVerdict = std::max(
                widestVerdict,
                bold.horizontalAdvance(RecommendationDelegate::label(QLatin1String(verdict))) + 24);
        fit("id", plain.horizontalAdvance(QStringLiteral("000000")));
        fit("received_at",
            plain.horizontalAdvance(QLocale().toString(QDateTime(sampleDay, QTime(23, 59)),
                                                       DisplayNames::dateTimeFormat())));
        fit("type", widestType);
        fit("email",
            plain.horizontalAdvance(QStringLiteral("firstname.lastname.12345@example.com")));
        fit("recommendation", widestVerdict);
        fit("respond_by", bold.horizontalAdvance(
                              DeadlineDelegate::tr("%1 overdue")
                                  .arg(QLocale().toString(sampleDay, DisplayNames::dateFormat()))));
    }
    m_table->sortByColumn(m_model->fieldIndex(QStringLiteral("received_at")), Qt::AscendingOrder);
    m_table->setAccessibleName(tr("Refund requests"));
    layout->addWidget(m_table);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                announce(current.isValid() ? m_model->requestId(current.row()) : 0);
            });
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        emit requestActivated(m_model->requestId(index.row()));
    });
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, &QueueView::rememberSelection);
    connect(m_model, &QAbstractItemModel::modelReset, this, &QueueView::restoreSelection);
    connect(m_model, &SqlWindowModel::countChanged, this, &QueueView::updateCount);

    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(250);
    connect(m_searchDelay, &QTimer::timeout, this, &QueueView::filtersChanged);
}

void QueueView::buildFilterBar(QWidget *bar)
{
    // The filters wrap onto a second row on a small screen instead of widening the window.
    auto *row = new FlowLayout(bar);
    row->setContentsMargins(6, 6, 6, 0);
    QSizePolicy policy = bar->sizePolicy();
    policy.setHeightForWidth(true);
    bar->setSizePolicy(policy);

    m_status->addItem(tr("Open"), RequestQueueModel::openStatuses());
    for (const char *s : {"new", "pending", "escalated", "awaiting_approval", "approved", "denied"})
        m_status->addItem(DisplayNames::status(QLatin1String(s)), QStringList{QLatin1String(s)});
    // Four-eyes: what another's first approval waits for (the same status, not one's own).
    m_status->addItem(tr("Waiting for my approval"),
                      QStringList{QStringLiteral("awaiting_approval")});
    m_waitingForMe = m_status->count() - 1;
    m_status->addItem(tr("All statuses"), QStringList());
    m_status->setToolTip(tr("Status"));
    m_type->addItem(tr("All types"), QString());
    for (const QString &t : DisplayNames::requestTypes())
        m_type->addItem(DisplayNames::requestType(t), t);
    m_type->setToolTip(tr("Request type"));
    m_profile->addItem(tr("All profiles"), QString());
    for (const PolicyProfile &p : PolicyProfile::builtIn())
        m_profile->addItem(p.company, p.id);
    m_profile->setToolTip(tr("Policy profile"));
    m_search->setPlaceholderText(tr("Search email, request, purchase or job id  ( / )"));
    m_search->setClearButtonEnabled(true);
    // Escape leaves the search for the queue, keeping what was typed (J/K work again).
    connect(
        new QShortcut(QKeySequence(Qt::Key_Escape), m_search, nullptr, nullptr, Qt::WidgetShortcut),
        &QShortcut::activated, this, [this] { m_table->setFocus(Qt::ShortcutFocusReason); });
    m_search->setMinimumWidth(260);
    // The combos shrink to a few characters on a small screen (their lists still show the
    // whole names), so the bar fits a 1280-pixel window.
    for (QComboBox *combo : {m_status, m_type, m_profile, m_views}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(9);
    }

    m_status->setObjectName(QStringLiteral("statusFilter"));
    m_views->setObjectName(QStringLiteral("savedViews"));
    m_saveView->setObjectName(QStringLiteral("saveView"));
    m_deleteView->setObjectName(QStringLiteral("deleteView"));
    m_views->setToolTip(tr("Saved views"));
    m_views->setMinimumWidth(110);
    m_views->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_saveView->setText(tr("Save view…"));
    m_saveView->setToolTip(tr("Save the current filters under a name"));
    m_deleteView->setText(tr("Delete view"));
    m_deleteView->setToolTip(tr("Delete the selected saved view"));
    reloadViewList();

    row->addWidget(m_status);
    row->addWidget(m_type);
    row->addWidget(m_profile);
    row->addWidget(m_mine);
    row->addWidget(m_overdue);
    row->addWidget(m_search);
    row->addWidget(m_views);
    row->addWidget(m_saveView);
    row->addWidget(m_deleteView);
    row->addWidget(m_count);

    for (QComboBox *combo : {m_status, m_type, m_profile})
        connect(combo, &QComboBox::currentIndexChanged, this, &QueueView::filtersChanged);
    for (QCheckBox *box : {m_mine, m_overdue})
        connect(box, &QCheckBox::toggled, this, &QueueView::filtersChanged);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchDelay->stop();
        filtersChanged();
        m_table->setFocus();
    });
    connect(m_views, &QComboBox::activated, this, &QueueView::openView);
    connect(m_saveView, &QToolButton::clicked, this, &QueueView::saveView);
    connect(m_deleteView, &QToolButton::clicked, this, &QueueView::deleteView);
}

void QueueView::setReviewer(const QString &reviewer)
{
    m_reviewer = reviewer;
    m_mine->setToolTip(tr("Requests assigned to %1").arg(reviewer));
    if (m_mine->isChecked() || m_status->currentIndex() == m_waitingForMe)
        filtersChanged();
}

void QueueView::setToday(const QDate &today)
{
    m_today = today;
    m_deadlines->setToday(today);
}

QueueFilter QueueView::currentFilter() const
{
    QueueFilter f = m_model->queueFilter();
    f.statuses = m_status->currentData().toStringList();
    f.type = m_type->currentData().toString();
    f.profile = m_profile->currentData().toString();
    f.assignedTo = m_mine->isChecked() ? m_reviewer : QString();
    f.secondApprover = m_status->currentIndex() == m_waitingForMe ? m_reviewer : QString();
    f.overdueBefore = m_overdue->isChecked() ? m_today : QDate();
    f.search = m_search->text().trimmed();
    return f;
}

void QueueView::filtersChanged()
{
    if (m_applying)
        return;
    m_model->setQueueFilter(currentFilter()); // the slice stays until cleared
    updateCount();
}

void QueueView::applyFilter(const QueueFilter &filter)
{
    m_applying = true;
    int status = m_status->findData(filter.statuses);
    if (!filter.secondApprover.isEmpty())
        status = m_waitingForMe;
    m_status->setCurrentIndex(status >= 0 ? status : m_status->count() - 1);
    m_type->setCurrentIndex(qMax(0, m_type->findData(filter.type)));
    m_profile->setCurrentIndex(qMax(0, m_profile->findData(filter.profile)));
    m_mine->setChecked(!filter.assignedTo.isEmpty());
    m_overdue->setChecked(filter.overdueBefore.isValid());
    m_search->setText(filter.search);
    m_searchDelay->stop();
    m_applying = false;
    QueueFilter f = currentFilter();
    f.slice = filter.slice;
    m_model->setQueueFilter(f);
    updateCount();
    showSlice();
}

QString QueueView::sliceText() const
{
    const QueueSlice &f = m_model->queueFilter().slice;
    if (f.isEmpty())
        return {};
    QStringList parts;
    if (f.accountId > 0)
        parts << tr("account #%1").arg(f.accountId);
    if (f.decidedFrom.isValid() || f.decidedTo.isValid()) {
        const QString from = f.decidedFrom.toString(Qt::ISODate);
        const QString to = f.decidedTo.toString(Qt::ISODate);
        parts << (from == to ? tr("decided on %1 (UTC)").arg(from)
                             : tr("decided %1 to %2 (UTC)").arg(from, to));
    }
    if (!f.decidedBy.isEmpty())
        parts << tr("by %1").arg(f.decidedBy);
    if (f.overridesOnly)
        parts << tr("overriding the recommendation");
    if (f.answered == QLatin1String("late"))
        parts << tr("answered after the answer date");
    else if (!f.answered.isEmpty())
        parts << tr("answered by the answer date");
    return tr("Only requests %1.").arg(parts.join(QStringLiteral(", ")));
}

void QueueView::clearSlice()
{
    QueueFilter f = currentFilter();
    f.slice = {};
    m_model->setQueueFilter(f);
    updateCount();
    showSlice();
}

void QueueView::showSlice()
{
    const QString text = sliceText();
    m_slice->setText(text);
    m_sliceBar->setVisible(!text.isEmpty());
}

void QueueView::updateCount()
{
    if (!m_model->isCountKnown())
        m_count->setText(tr("%n+ requests, counting…", nullptr, m_model->rowCount()));
    else
        m_count->setText(tr("%n request(s)", nullptr, m_model->rowCount()));
}

qint64 QueueView::currentRequestId() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? m_model->requestId(current.row()) : 0;
}

bool QueueView::selectRequest(qint64 id)
{
    int row = m_model->findCachedRow(m_model->fieldIndex(QStringLiteral("id")), id);
    if (row < 0)
        return false;
    m_table->setCurrentIndex(m_model->index(row, m_model->fieldIndex(QStringLiteral("id"))));
    m_table->scrollTo(m_table->currentIndex());
    return true;
}

void QueueView::moveSelection(int delta)
{
    const int rows = m_model->rowCount();
    if (rows == 0)
        return;
    const QModelIndex current = m_table->currentIndex();
    const int row = current.isValid() ? qBound(0, current.row() + delta, rows - 1) : 0;
    const int column =
        current.isValid() ? current.column() : m_model->fieldIndex(QStringLiteral("id"));
    m_table->setCurrentIndex(m_model->index(row, column));
    m_table->scrollTo(m_table->currentIndex());
}

void QueueView::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void QueueView::refresh()
{
    m_model->refresh();
    updateCount();
}

void QueueView::rememberSelection()
{
    const QModelIndex current = m_table->currentIndex();
    m_selectedRow = current.isValid() ? current.row() : -1;
    m_selectedId = current.isValid() ? m_model->requestId(current.row()) : 0;
}

void QueueView::restoreSelection()
{
    if (m_selectedRow < 0 || m_model->rowCount() == 0) {
        if (m_model->rowCount() == 0)
            announce(0);
        return;
    }
    const int idColumn = m_model->fieldIndex(QStringLiteral("id"));
    // Where it was, else wherever it is now among the rows read, else the row that took its
    // place (the next request, once a decided one leaves an "open" view).
    int row =
        m_selectedRow < m_model->rowCount() && m_model->requestId(m_selectedRow) == m_selectedId
            ? m_selectedRow
            : m_model->findCachedRow(idColumn, m_selectedId);
    if (row < 0)
        row = qMin(m_selectedRow, m_model->rowCount() - 1);
    m_table->setCurrentIndex(m_model->index(row, idColumn));
    m_table->scrollTo(m_table->currentIndex());
    announce(m_model->requestId(row));
}

void QueueView::announce(qint64 requestId)
{
    if (requestId == m_lastEmitted)
        return;
    m_lastEmitted = requestId;
    emit currentRequestChanged(requestId);
}

void QueueView::reloadViewList()
{
    m_views->clear();
    m_views->addItem(tr("Saved views"));
    const QVariantMap views = QSettings().value(viewsKey).toMap();
    for (auto it = views.cbegin(); it != views.cend(); ++it)
        m_views->addItem(it.key(), it.value());
    m_deleteView->setEnabled(m_views->count() > 1);
}

void QueueView::saveView()
{
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Save view"), tr("Name of this view:"), QLineEdit::Normal,
                              m_views->currentIndex() > 0 ? m_views->currentText() : QString(), &ok)
            .trimmed();
    if (!ok || name.isEmpty())
        return;
    QSettings settings;
    QVariantMap views = settings.value(viewsKey).toMap();
    if (views.contains(name) &&
        QMessageBox::question(this, tr("Save view"),
                              tr("A view named \"%1\" exists. Replace it?").arg(name)) !=
            QMessageBox::Yes)
        return;
    views.insert(name, QString::fromUtf8(
                           QJsonDocument(toJson(currentFilter())).toJson(QJsonDocument::Compact)));
    settings.setValue(viewsKey, views);
    reloadViewList();
    m_views->setCurrentIndex(m_views->findText(name));
}

void QueueView::deleteView()
{
    const int index = m_views->currentIndex();
    if (index <= 0)
        return;
    const QString name = m_views->currentText();
    if (QMessageBox::question(this, tr("Delete view"),
                              tr("Delete the saved view \"%1\"?").arg(name)) != QMessageBox::Yes)
        return;
    QSettings settings;
    QVariantMap views = settings.value(viewsKey).toMap();
    views.remove(name);
    settings.setValue(viewsKey, views);
    reloadViewList();
}

void QueueView::openView(int index)
{
    if (index <= 0)
        return;
    const QJsonObject o =
        QJsonDocument::fromJson(m_views->itemData(index).toString().toUtf8()).object();
    QueueFilter f;
    f.statuses = o.value(QStringLiteral("statuses")).toVariant().toStringList();
    f.type = o.value(QStringLiteral("type")).toString();
    f.profile = o.value(QStringLiteral("profile")).toString();
    f.assignedTo = o.value(QStringLiteral("mine")).toBool() ? m_reviewer : QString();
    f.secondApprover = o.value(QStringLiteral("waiting_for_me")).toBool() ? m_reviewer : QString();
    f.overdueBefore = o.value(QStringLiteral("overdue")).toBool() ? m_today : QDate();
    f.search = o.value(QStringLiteral("search")).toString();
    applyFilter(f);
}

void QueueView::saveState() const
{
    QSettings().setValue(QStringLiteral("queue/header"), m_table->horizontalHeader()->saveState());
}

void QueueView::restoreState()
{
    const QByteArray header = QSettings().value(QStringLiteral("queue/header")).toByteArray();
    if (!header.isEmpty())
        m_table->horizontalHeader()->restoreState(header);
}
