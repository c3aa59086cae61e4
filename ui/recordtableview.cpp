#include "recordtableview.h"

#include "displaynames.h"
#include "models/sqlwindowmodel.h"
#include "policy/rules/policyprofile.h"
#include "tablecelldelegate.h"

#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace {
const QDate anyDate(2000, 1, 1); // shown as "any"

QDateEdit *dateEdit(const QString &tip)
{
    auto *edit = new QDateEdit;
    edit->setCalendarPopup(true);
    edit->setMinimumDate(anyDate);
    edit->setSpecialValueText(QCoreApplication::translate("RecordTableView", "any"));
    edit->setDate(anyDate);
    edit->setDisplayFormat(DisplayNames::dateFormat());
    edit->setToolTip(tip);
    return edit;
}

QComboBox *choices(const QString &all, const QStringList &values)
{
    auto *combo = new QComboBox;
    combo->addItem(all, QString());
    for (const QString &v : values)
        combo->addItem(DisplayNames::value(v), v);
    return combo;
}
} // namespace

RecordTableView::RecordTableView(SqlWindowModel *model, Apply apply,
                                 const RecordTableOptions &options, QWidget *parent)
    : QWidget(parent), m_model(model), m_apply(std::move(apply)), m_table(new QTableView),
      m_count(new QLabel), m_delay(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 6, 6, 0);
    if (options.search) {
        m_search = new QLineEdit;
        m_search->setPlaceholderText(options.searchHint);
        m_search->setClearButtonEnabled(true);
        bar->addWidget(m_search, 1);
        connect(m_search, &QLineEdit::textChanged, m_delay, qOverload<>(&QTimer::start));
    }
    if (options.account) {
        m_account = new QLineEdit;
        m_account->setPlaceholderText(tr("Account ID"));
        m_account->setValidator(new QIntValidator(1, std::numeric_limits<int>::max(), m_account));
        m_account->setClearButtonEnabled(true);
        m_account->setMaximumWidth(130);
        bar->addWidget(m_account);
        connect(m_account, &QLineEdit::textChanged, m_delay, qOverload<>(&QTimer::start));
    }
    if (!options.kindLabel.isEmpty()) {
        m_kind = choices(options.kindLabel, options.kinds);
        bar->addWidget(m_kind);
        connect(m_kind, &QComboBox::currentIndexChanged, this, &RecordTableView::changed);
    }
    if (!options.causes.isEmpty()) {
        m_cause = choices(tr("Any cause"), options.causes);
        bar->addWidget(m_cause);
        connect(m_cause, &QComboBox::currentIndexChanged, this, &RecordTableView::changed);
    }
    if (options.profiles) {
        m_profile = new QComboBox;
        m_profile->addItem(tr("All profiles"), QString());
        for (const PolicyProfile &p : PolicyProfile::builtIn())
            m_profile->addItem(p.company, p.id);
        bar->addWidget(m_profile);
        connect(m_profile, &QComboBox::currentIndexChanged, this, &RecordTableView::changed);
    }
    if (options.dates) {
        m_from = dateEdit(tr("From this day"));
        m_to = dateEdit(tr("To this day, inclusive"));
        bar->addWidget(new QLabel(tr("From")));
        bar->addWidget(m_from);
        bar->addWidget(new QLabel(tr("to")));
        bar->addWidget(m_to);
        for (QDateEdit *e : {m_from, m_to})
            connect(e, &QDateEdit::dateChanged, this, [this] {
                if (!m_applying)
                    setUtcDays(false); // days the user picks are local days
                m_delay->start();
            });
    }
    if (!options.search)
        bar->addStretch();
    bar->addWidget(m_count);
    layout->addLayout(bar);

    m_table->setModel(m_model);
    m_table->setItemDelegate(new TableCellDelegate(this));
    // Stored codes (job_credit_back, succeeded, platform) read as words.
    for (int c = 0; c < m_model->columnCount(); ++c) {
        const QString name = m_model->column(c).name;
        if (name == QLatin1String("entry_type") || name == QLatin1String("status") ||
            name == QLatin1String("failure") || name == QLatin1String("kind"))
            m_table->setItemDelegateForColumn(c, new TableCellDelegate(&DisplayNames::value, this));
    }
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setSortingEnabled(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
    for (int c = 0; c < m_model->columnCount(); ++c) {
        const QString name = m_model->column(c).name;
        if (name == QLatin1String("account_id") || name == QLatin1String("currency"))
            m_table->setColumnHidden(c, true);
        else if (name == QLatin1String("email"))
            m_table->setColumnWidth(c, 220);
        else if (name == QLatin1String("created_at"))
            m_table->setColumnWidth(c, 130);
    }
    // Sorting runs in SQL on indexed columns only; a click elsewhere keeps the order.
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
            [this](int column, Qt::SortOrder) {
                if (m_model->isSortable(column))
                    return;
                QHeaderView *header = m_table->horizontalHeader();
                const QSignalBlocker block(header);
                header->setSortIndicator(qMax(0, m_model->sortColumn()), m_model->sortOrder());
            });
    layout->addWidget(m_table);
    connect(m_table, &QTableView::activated, this,
            [this](const QModelIndex &index) { emit rowActivated(index.row()); });
    connect(m_model, &SqlWindowModel::countChanged, this, &RecordTableView::updateCount);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RecordTableView::updateCount);

    m_delay->setSingleShot(true);
    m_delay->setInterval(300);
    connect(m_delay, &QTimer::timeout, this, &RecordTableView::changed);
}

RecordFilter RecordTableView::filter() const
{
    RecordFilter f;
    if (m_from && m_from->date() != anyDate)
        f.from = m_from->date();
    if (m_to && m_to->date() != anyDate)
        f.to = m_to->date();
    if (m_kind)
        f.kind = m_kind->currentData().toString();
    if (m_cause)
        f.cause = m_cause->currentData().toString();
    if (m_profile)
        f.profile = m_profile->currentData().toString();
    if (m_account)
        f.accountId = m_account->text().toLongLong();
    if (m_search)
        f.search = m_search->text().trimmed();
    f.utcDays = m_utcDays;
    return f;
}

void RecordTableView::setFilter(const RecordFilter &f)
{
    m_applying = true;
    if (m_from)
        m_from->setDate(f.from.isValid() ? f.from : anyDate);
    if (m_to)
        m_to->setDate(f.to.isValid() ? f.to : anyDate);
    if (m_kind)
        m_kind->setCurrentIndex(qMax(0, m_kind->findData(f.kind)));
    if (m_cause)
        m_cause->setCurrentIndex(qMax(0, m_cause->findData(f.cause)));
    if (m_profile)
        m_profile->setCurrentIndex(qMax(0, m_profile->findData(f.profile)));
    if (m_account)
        m_account->setText(f.accountId > 0 ? QString::number(f.accountId) : QString());
    if (m_search)
        m_search->setText(f.search);
    setUtcDays(f.utcDays);
    m_delay->stop();
    m_applying = false;
    m_apply(f);
    updateCount();
}

void RecordTableView::changed()
{
    if (m_applying)
        return;
    m_delay->stop();
    m_apply(filter());
    updateCount();
}

void RecordTableView::setUtcDays(bool utc)
{
    m_utcDays = utc;
    if (!m_from)
        return;
    m_from->setToolTip(utc ? tr("From this UTC day (a slice of the dashboard)")
                           : tr("From this day"));
    m_to->setToolTip(utc ? tr("To this UTC day, inclusive (a slice of the dashboard)")
                         : tr("To this day, inclusive"));
}

void RecordTableView::reload()
{
    m_apply(filter());
    updateCount();
}

void RecordTableView::focusSearch()
{
    QWidget *target = m_search ? static_cast<QWidget *>(m_search) : m_account;
    if (target) {
        target->setFocus(Qt::ShortcutFocusReason);
        if (auto *edit = qobject_cast<QLineEdit *>(target))
            edit->selectAll();
    }
}

void RecordTableView::updateCount()
{
    const QString rows = QLocale().toString(m_model->rowCount());
    m_count->setText(m_model->isCountKnown() ? tr("%1 rows").arg(rows)
                                             : tr("%1+ rows, counting…").arg(rows));
}
