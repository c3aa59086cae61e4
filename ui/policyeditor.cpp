#include "policyeditor.h"

#include "displaynames.h"
#include "models/accountrepository.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/profilerepository.h"
#include "policy/policylibrary.h"
#include "policy/refundworkflow.h"
#include "policy/rules/money.h"
#include "policy/rules/policyprofile.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QThread>
#include <QVBoxLayout>

namespace {
const QStringList verdicts{QStringLiteral("approve"), QStringLiteral("review"),
                           QStringLiteral("deny")};
const QStringList remedies{QStringLiteral("money_refund"), QStringLiteral("credit_restore"),
                           QStringLiteral("none")};
const QStringList chargebackActions{QStringLiteral("suspend_account"),
                                    QStringLiteral("clawback_credits")};
const QStringList outageRules{QStringLiteral("deny"), QStringLiteral("review_credit_restore"),
                              QStringLiteral("review_unused_share")};

QString esc(const QString &s)
{
    return s.toHtmlEscaped();
}

// The words a lead reads for the values a profile stores.
QString word(const QString &value)
{
    static const QHash<QString, const char *> words{
        {QStringLiteral("approve"), QT_TRANSLATE_NOOP("PolicyEditor", "Approved")},
        {QStringLiteral("review"), QT_TRANSLATE_NOOP("PolicyEditor", "A person reviews")},
        {QStringLiteral("deny"), QT_TRANSLATE_NOOP("PolicyEditor", "Denied")},
        {QStringLiteral("money_refund"),
         QT_TRANSLATE_NOOP("PolicyEditor", "Money back to the payment method")},
        {QStringLiteral("credit_restore"), QT_TRANSLATE_NOOP("PolicyEditor", "Credits restored")},
        {QStringLiteral("none"), QT_TRANSLATE_NOOP("PolicyEditor", "Nothing")},
        {QStringLiteral("review_credit_restore"),
         QT_TRANSLATE_NOOP("PolicyEditor", "A person reviews; credits restored")},
        {QStringLiteral("review_unused_share"),
         QT_TRANSLATE_NOOP("PolicyEditor", "A person reviews; the unused share refunded")},
        {QStringLiteral("suspend_account"),
         QT_TRANSLATE_NOOP("PolicyEditor", "Suspend the account")},
        {QStringLiteral("clawback_credits"),
         QT_TRANSLATE_NOOP("PolicyEditor", "Take back the purchase's credits")},
    };
    const char *w = words.value(value);
    return w ? QCoreApplication::translate("PolicyEditor", w) : value;
}
} // namespace

PolicyEditor::PolicyEditor(Database &database, QWidget *parent)
    : QWidget(parent), m_database(database), m_start(new QComboBox), m_account(new QLineEdit),
      m_from(new QComboBox), m_title(new QLabel), m_clauses(new QTableWidget),
      m_problem(new QLabel), m_save(new QPushButton), m_days(new QSpinBox),
      m_previewButton(new QPushButton), m_progress(new QProgressBar),
      m_previewText(new QTextBrowser), m_versions(new QTableWidget), m_diff(new QTableWidget)
{
    auto *outer = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    auto *startLabel = new QLabel(tr("&Open profile:"));
    startLabel->setBuddy(m_start);
    m_start->setObjectName(QStringLiteral("profileChoice"));
    m_start->setMinimumContentsLength(16);
    auto *openButton = new QPushButton(tr("Op&en"));
    openButton->setToolTip(tr("Load the chosen profile's newest version into the form"));
    connect(openButton, &QPushButton::clicked, this, [this] { open(m_start->currentText()); });
    top->addWidget(startLabel);
    top->addWidget(m_start);
    top->addWidget(openButton);
    top->addSpacing(16);
    m_title->setWordWrap(true); // a long title must not widen the window
    m_problem->setMinimumWidth(0);
    top->addWidget(m_title, 1);
    outer->addLayout(top);
    // Which accounts the profile applies to: one, or every account of another profile.
    auto *assign = new QHBoxLayout;
    auto *accountLabel = new QLabel(tr("Put on this profile: account &id"));
    m_account->setObjectName(QStringLiteral("assignAccount"));
    m_account->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{1,18}")), this));
    m_account->setMaximumWidth(120);
    accountLabel->setBuddy(m_account);
    auto *one = new QPushButton(tr("Put &account"));
    one->setObjectName(QStringLiteral("assignOne"));
    connect(one, &QPushButton::clicked, this, [this] { assignAccounts(false); });
    auto *fromLabel = new QLabel(tr("or every account on"));
    fromLabel->setBuddy(m_from);
    auto *all = new QPushButton(tr("Move them a&ll…"));
    all->setObjectName(QStringLiteral("assignAll"));
    connect(all, &QPushButton::clicked, this, [this] { assignAccounts(true); });
    assign->addWidget(accountLabel);
    assign->addWidget(m_account);
    assign->addWidget(one);
    assign->addSpacing(16);
    assign->addWidget(fromLabel);
    assign->addWidget(m_from);
    assign->addWidget(all);
    assign->addStretch(1);
    outer->addLayout(assign);

    auto *split = new QSplitter;
    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    auto *form = new QWidget;
    buildForm(form);
    scroll->setWidget(form);
    split->addWidget(scroll);

    auto *tabs = new QTabWidget;
    // Every clause: the policy's own words, quoted in replies; in the policy's language.
    m_clauses->setObjectName(QStringLiteral("clauses"));
    m_clauses->setColumnCount(4);
    m_clauses->setHorizontalHeaderLabels(
        {tr("Clause id"), tr("Title"), tr("Quoted policy text"), tr("For the reviewer")});
    m_clauses->setRowCount(int(ClauseRole::Count));
    QStringList roles;
    for (int i = 0; i < int(ClauseRole::Count); ++i)
        roles << PolicyProfile::clauseKey(ClauseRole(i));
    m_clauses->setVerticalHeaderLabels(roles);
    m_clauses->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    // The quote gets what is left; on a 1280-pixel screen that is still a readable column.
    m_clauses->setColumnWidth(0, 150);
    m_clauses->setColumnWidth(1, 130);
    m_clauses->setColumnWidth(3, 180);
    m_clauses->setWordWrap(true);
    tabs->addTab(m_clauses, tr("&Clauses"));

    auto *preview = new QWidget;
    auto *previewLayout = new QVBoxLayout(preview);
    auto *previewBar = new QHBoxLayout;
    m_days->setRange(1, 3650);
    m_days->setValue(90);
    m_days->setSuffix(tr(" days"));
    m_days->setObjectName(QStringLiteral("previewDays"));
    auto *daysLabel = new QLabel(tr("Requests of the last"));
    daysLabel->setBuddy(m_days);
    m_previewButton->setText(tr("&Preview"));
    m_previewButton->setObjectName(QStringLiteral("previewButton"));
    m_previewButton->setToolTip(tr("Evaluate the draft next to today's version on the requests "
                                   "of the accounts on this profile"));
    connect(m_previewButton, &QPushButton::clicked, this, &PolicyEditor::runPreview);
    m_progress->setVisible(false);
    previewBar->addWidget(daysLabel);
    previewBar->addWidget(m_days);
    previewBar->addWidget(m_previewButton);
    previewBar->addWidget(m_progress, 1);
    previewLayout->addLayout(previewBar);
    m_previewText->setObjectName(QStringLiteral("previewResult"));
    previewLayout->addWidget(m_previewText, 1);
    tabs->addTab(preview, tr("Pre&view"));

    auto *versions = new QWidget;
    auto *versionsLayout = new QVBoxLayout(versions);
    m_versions->setObjectName(QStringLiteral("versions"));
    m_versions->setColumnCount(3);
    m_versions->setHorizontalHeaderLabels({tr("Version"), tr("Saved"), tr("By")});
    m_versions->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_versions->setSelectionMode(QAbstractItemView::SingleSelection);
    m_versions->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_versions->horizontalHeader()->setStretchLastSection(true);
    m_versions->setMaximumHeight(160);
    m_versions->setToolTip(tr("Double-click a version to open it in the form; then compare it "
                              "with another"));
    connect(m_versions, &QTableWidget::cellDoubleClicked, this, [this](int row) {
        if (!PolicyProfile::findBuiltIn(m_openName))
            open(m_openName, m_versions->item(row, 0)->text().toInt());
    });
    auto *compareButton = new QPushButton(tr("Co&mpare the selected version with the draft"));
    connect(compareButton, &QPushButton::clicked, this, &PolicyEditor::compare);
    m_diff->setObjectName(QStringLiteral("diff"));
    m_diff->setColumnCount(3);
    m_diff->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_diff->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_diff->setWordWrap(true);
    versionsLayout->addWidget(m_versions);
    versionsLayout->addWidget(compareButton);
    versionsLayout->addWidget(m_diff, 1);
    tabs->addTab(versions, tr("Versi&ons"));
    split->addWidget(tabs);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    // The form needs about 540 pixels (French labels); the clauses, the preview and the diff use the rest.
    split->setSizes({540, 1000});
    outer->addWidget(split, 1);

    auto *bottom = new QHBoxLayout;
    m_problem->setObjectName(QStringLiteral("policyProblem"));
    m_problem->setWordWrap(true);
    m_save->setText(tr("&Save as a new version"));
    m_save->setObjectName(QStringLiteral("saveProfile"));
    m_save->setToolTip(tr("Save the form as the profile's next version (Ctrl+S); versions "
                          "already saved never change"));
    connect(m_save, &QPushButton::clicked, this, &PolicyEditor::save);
    connect(
        new QShortcut(QKeySequence::Save, this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut),
        &QShortcut::activated, this, [this] {
            if (m_save->isEnabled())
                save();
        });
    bottom->addWidget(m_problem, 1);
    bottom->addWidget(m_save);
    outer->addLayout(bottom);

    try {
        m_start->addItems(PolicyLibrary(m_database).names());
        m_from->addItems(PolicyLibrary(m_database).names());
    } catch (const DatabaseError &e) {
        say(e.message(), true);
    }
    if (m_start->count() > 0)
        open(m_start->itemText(0));
}

PolicyEditor::~PolicyEditor()
{
    if (m_previewThread) {
        m_cancel->store(true);
        m_previewThread->wait();
    }
}

void PolicyEditor::addField(QFormLayout *layout, const QString &key, const QString &label,
                            Kind kind, const QStringList &choices, int maximum,
                            const QString &notStated)
{
    QWidget *w = nullptr;
    switch (kind) {
    case Kind::Text:
    case Kind::Dates: {
        auto *edit = new QLineEdit;
        if (kind == Kind::Dates)
            edit->setPlaceholderText(tr("YYYY-MM-DD, YYYY-MM-DD, …"));
        w = edit;
        break;
    }
    case Kind::Days:
    case Kind::Number: {
        auto *spin = new QSpinBox;
        spin->setRange(kind == Kind::Days ? -1 : 1, maximum);
        if (kind == Kind::Days)
            spin->setSpecialValueText(notStated);
        w = spin;
        break;
    }
    case Kind::Choice: {
        auto *combo = new QComboBox;
        for (const QString &c : choices)
            combo->addItem(word(c), c);
        w = combo;
        break;
    }
    case Kind::Flag:
        w = new QCheckBox;
        break;
    case Kind::Actions: {
        auto *box = new QWidget;
        auto *row = new QHBoxLayout(box);
        row->setContentsMargins(0, 0, 0, 0);
        for (const QString &c : choices) {
            auto *check = new QCheckBox(word(c));
            check->setObjectName(c);
            row->addWidget(check);
        }
        w = box;
        break;
    }
    }
    w->setObjectName(QStringLiteral("field_") + key);
    w->setToolTip(key);
    auto *text = new QLabel(label);
    text->setBuddy(w);
    layout->addRow(text, w);
    m_fields.append({key, kind, w});
}

void PolicyEditor::buildForm(QWidget *form)
{
    auto *layout = new QFormLayout(form);
    const QString notStated = tr("not stated");
    addField(layout, QStringLiteral("id"), tr("Profile &id"), Kind::Text);
    addField(layout, QStringLiteral("company"), tr("Compan&y"), Kind::Text);
    addField(layout, QStringLiteral("source"), tr("Policy text from"), Kind::Text);
    addField(layout, QStringLiteral("time_zone"), tr("&Time zone"), Kind::Text);
    addField(layout, QStringLiteral("holidays"), tr("Holidays"), Kind::Dates);
    addField(layout, QStringLiteral("respond_within_business_days"), tr("&Answer within"),
             Kind::Days, {}, 365, notStated);
    addField(layout, QStringLiteral("refund_due_business_days"), tr("Money back within"),
             Kind::Days, {}, 365, notStated);
    addField(layout, QStringLiteral("purchase_request_window_days"),
             tr("Purchase requests accepted for"), Kind::Days, {}, 3650, tr("no limit"));
    addField(layout, QStringLiteral("unused_refund_window_days"),
             tr("&Unused credits refunded within"), Kind::Days, {}, 3650,
             tr("never: purchases are final"));
    addField(layout, QStringLiteral("terminated_account"), tr("Terminated account"), Kind::Choice,
             verdicts);
    addField(layout, QStringLiteral("duplicate_charge_verdict"), tr("Duplicate charge"),
             Kind::Choice, verdicts);
    addField(layout, QStringLiteral("duplicate_charge_remedy"), tr("Duplicate charge: remedy"),
             Kind::Choice, remedies);
    addField(layout, QStringLiteral("billing_error_remedy"), tr("Billing error: remedy"),
             Kind::Choice, remedies);
    addField(layout, QStringLiteral("not_delivered_verdict"), tr("Credits never delivered"),
             Kind::Choice, verdicts);
    addField(layout, QStringLiteral("outage_rule"), tr("Outages"), Kind::Choice, outageRules);
    addField(layout, QStringLiteral("outage_minimum_hours"), tr("An outage counts from"),
             Kind::Number, {}, 10000);
    addField(layout, QStringLiteral("chargeback_actions"), tr("On a chargeback"), Kind::Actions,
             chargebackActions);
    addField(layout, QStringLiteral("suspend_only_without_support_contact"),
             tr("Only without support contact"), Kind::Flag);
    // Units and hints where the label has no room.
    for (const Field &f : std::as_const(m_fields)) {
        auto *spin = qobject_cast<QSpinBox *>(f.widget);
        if (spin)
            spin->setSuffix(f.key == QLatin1String("outage_minimum_hours")   ? tr(" hours")
                            : f.key.endsWith(QLatin1String("business_days")) ? tr(" business days")
                                                                             : tr(" days"));
    }
    const auto hint = [this](const char *key, const QString &text) {
        for (const Field &f : std::as_const(m_fields))
            if (f.key == QLatin1String(key))
                f.widget->setToolTip(text);
    };
    hint("id", tr("Lower-case letters, digits, '-' and '_'; not a built-in profile's id"));
    hint("time_zone", tr("An IANA time zone such as Europe/Berlin: business days and answer dates "
                         "are counted there"));
    hint("holidays", tr("Days that are no business days, as YYYY-MM-DD, comma-separated"));
    hint("suspend_only_without_support_contact",
         tr("Suspend the account on a chargeback only when the customer did not contact support "
            "first"));
}

void PolicyEditor::setMaySave(bool may, const QString &why)
{
    for (QPushButton *b : {m_save, findChild<QPushButton *>(QStringLiteral("assignOne")),
                           findChild<QPushButton *>(QStringLiteral("assignAll"))}) {
        b->setEnabled(may);
        if (!may)
            b->setToolTip(why);
    }
}

bool PolicyEditor::open(const QString &name, int version)
{
    QString error;
    std::optional<QByteArray> json;
    try {
        json = PolicyLibrary(m_database).json(name, version, &error);
    } catch (const DatabaseError &e) {
        error = e.message();
    }
    if (!json) {
        say(error, true);
        return false;
    }
    m_openName = name;
    m_base = QJsonDocument::fromJson(*json).object();
    fill(m_base);
    const int shown = m_base.value(QStringLiteral("version")).toInt(1);
    qint64 accounts = 0;
    try {
        accounts = AccountRepository(m_database.connection()).countOnProfile(name);
    } catch (const DatabaseError &) {
        // the title says less, the form is what matters
    }
    m_title->setText((PolicyProfile::findBuiltIn(name)
                          ? tr("%1: built in. Save it under an id of the company's own.").arg(name)
                          : tr("%1, version %2.").arg(name).arg(version > 0 ? version : shown)) +
                     QLatin1Char(' ') +
                     tr("%n account(s) on it (refundctl policy assign puts more on it).", nullptr,
                        int(qMin<qint64>(accounts, INT_MAX))));
    const int index = m_start->findText(name);
    if (index >= 0)
        m_start->setCurrentIndex(index);
    say({}, false);
    reloadVersions();
    return true;
}

void PolicyEditor::fill(const QJsonObject &p)
{
    for (const Field &f : std::as_const(m_fields)) {
        const QJsonValue v = p.value(f.key);
        switch (f.kind) {
        case Kind::Text:
            static_cast<QLineEdit *>(f.widget)->setText(v.toString());
            break;
        case Kind::Dates: {
            QStringList dates;
            for (const QJsonValue &d : v.toArray())
                dates << d.toString();
            static_cast<QLineEdit *>(f.widget)->setText(dates.join(QStringLiteral(", ")));
            break;
        }
        case Kind::Days:
            static_cast<QSpinBox *>(f.widget)->setValue(v.isDouble() ? v.toInt() : -1);
            break;
        case Kind::Number:
            static_cast<QSpinBox *>(f.widget)->setValue(v.toInt(48));
            break;
        case Kind::Choice: {
            auto *combo = static_cast<QComboBox *>(f.widget);
            combo->setCurrentIndex(qMax(0, combo->findData(v.toString())));
            break;
        }
        case Kind::Flag:
            static_cast<QCheckBox *>(f.widget)->setChecked(v.toBool());
            break;
        case Kind::Actions: {
            QStringList chosen;
            for (const QJsonValue &a : v.toArray())
                chosen << a.toString();
            for (QCheckBox *check : f.widget->findChildren<QCheckBox *>())
                check->setChecked(chosen.contains(check->objectName()));
            break;
        }
        }
    }
    const QJsonObject clauses = p.value(QStringLiteral("clauses")).toObject();
    const QStringList parts{QStringLiteral("id"), QStringLiteral("title"), QStringLiteral("quote"),
                            QStringLiteral("explanation")};
    for (int row = 0; row < m_clauses->rowCount(); ++row) {
        const QJsonObject c = clauses.value(m_clauses->verticalHeaderItem(row)->text()).toObject();
        for (int col = 0; col < parts.size(); ++col)
            m_clauses->setItem(row, col, new QTableWidgetItem(c.value(parts.at(col)).toString()));
    }
    m_clauses->resizeRowsToContents();
    // A long quote shows its first lines; the whole text is in the cell's editor.
    const int tallest = m_clauses->fontMetrics().lineSpacing() * 6 + 8;
    for (int row = 0; row < m_clauses->rowCount(); ++row)
        if (m_clauses->rowHeight(row) > tallest)
            m_clauses->setRowHeight(row, tallest);
}

QByteArray PolicyEditor::draftJson() const
{
    QJsonObject p = m_base;
    for (const Field &f : m_fields) {
        switch (f.kind) {
        case Kind::Text:
            p.insert(f.key, static_cast<QLineEdit *>(f.widget)->text().trimmed());
            break;
        case Kind::Dates: {
            QJsonArray dates;
            for (const QString &d : static_cast<QLineEdit *>(f.widget)->text().split(
                     QLatin1Char(','), Qt::SkipEmptyParts))
                dates.append(d.trimmed());
            p.insert(f.key, dates);
            break;
        }
        case Kind::Days: {
            const int n = static_cast<QSpinBox *>(f.widget)->value();
            p.insert(f.key, n < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(n));
            break;
        }
        case Kind::Number:
            p.insert(f.key, static_cast<QSpinBox *>(f.widget)->value());
            break;
        case Kind::Choice:
            p.insert(f.key, static_cast<QComboBox *>(f.widget)->currentData().toString());
            break;
        case Kind::Flag:
            p.insert(f.key, static_cast<QCheckBox *>(f.widget)->isChecked());
            break;
        case Kind::Actions: {
            QJsonArray chosen;
            for (QCheckBox *check : f.widget->findChildren<QCheckBox *>())
                if (check->isChecked())
                    chosen.append(check->objectName());
            p.insert(f.key, chosen);
            break;
        }
        }
    }
    QJsonObject clauses;
    const QStringList parts{QStringLiteral("id"), QStringLiteral("title"), QStringLiteral("quote"),
                            QStringLiteral("explanation")};
    for (int row = 0; row < m_clauses->rowCount(); ++row) {
        QJsonObject c;
        for (int col = 0; col < parts.size(); ++col)
            c.insert(parts.at(col), m_clauses->item(row, col)
                                        ? m_clauses->item(row, col)->text().trimmed()
                                        : QString());
        clauses.insert(m_clauses->verticalHeaderItem(row)->text(), c);
    }
    p.insert(QStringLiteral("clauses"), clauses);
    if (!p.contains(QStringLiteral("version")))
        p.insert(QStringLiteral("version"), 1);
    return QJsonDocument(p).toJson(QJsonDocument::Indented);
}

QString PolicyEditor::problem() const
{
    return m_problem->text();
}

void PolicyEditor::say(const QString &text, bool bad)
{
    m_problem->setText(text);
    m_problem->setStyleSheet(bad ? QStringLiteral("color: #c62828") : QString());
}

void PolicyEditor::save()
{
    const QByteArray json = draftJson();
    QString error;
    const std::optional<PolicyProfile> checked = PolicyProfile::fromJson(json, &error);
    if (!checked) {
        say(tr("Not saved: %1").arg(error), true);
        // Take the person to the field that is wrong.
        const QString key = error.section(QLatin1Char(':'), 0, 0).section(QLatin1Char('.'), 0, 0);
        for (const Field &f : std::as_const(m_fields))
            if (f.key == key.section(QLatin1Char('['), 0, 0))
                f.widget->setFocus(Qt::OtherFocusReason);
        return;
    }
    try {
        const PolicyLibrary::Saved done = PolicyLibrary(m_database).save(json, m_author);
        if (done.unchanged) {
            say(tr("Nothing changed since version %1: nothing done.").arg(done.version), false);
            return;
        }
        say(tr("Saved as %1 version %2. Recommendations follow it from now on; decisions already "
               "made keep theirs.")
                .arg(done.id)
                .arg(done.version),
            false);
        if (m_start->findText(done.id) < 0)
            m_start->addItem(done.id);
        m_openName = done.id;
        m_base = QJsonDocument::fromJson(json).object();
        m_base.insert(QStringLiteral("version"), done.version);
        m_title->setText(tr("%1, version %2").arg(done.id).arg(done.version));
        reloadVersions();
        emit saved(done.id, done.version);
    } catch (const DatabaseError &e) {
        say(tr("Not saved: %1").arg(e.message()), true);
    }
}

void PolicyEditor::runPreview()
{
    if (m_previewThread) { // a second click stops it
        m_cancel->store(true);
        return;
    }
    QString error;
    const std::optional<PolicyProfile> draft = PolicyProfile::fromJson(draftJson(), &error);
    if (!draft) {
        say(tr("The draft cannot be previewed: %1").arg(error), true);
        return;
    }
    // The requests of the accounts on the profile opened (a new company id has none yet).
    const QString of = m_openName;
    const qint64 to = QDateTime::currentSecsSinceEpoch();
    const qint64 from = to - qint64(m_days->value()) * 86400;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_previewButton->setText(tr("Sto&p"));
    m_progress->setVisible(true);
    m_progress->setRange(0, 0);
    m_previewText->setHtml(esc(tr("Evaluating…")));
    const DatabaseUrl url = m_database.url();
    auto cancel = m_cancel;
    const PolicyProfile profile = *draft;
    // Its own thread and its own connection: the desk stays usable meanwhile.
    m_previewThread = QThread::create([this, url, cancel, profile, of, from, to] {
        QElapsedTimer clock;
        clock.start();
        PreviewResult result;
        QString failure;
        try {
            Database db(url);
            db.open(Database::Migrate::No);
            result = PolicyPreview::run(
                db, profile, from, to, of,
                [this](qint64 done, qint64 total) {
                    QMetaObject::invokeMethod(this, [this, done, total] {
                        m_progress->setRange(0, int(qMin<qint64>(total, INT_MAX)));
                        m_progress->setValue(int(qMin<qint64>(done, INT_MAX)));
                    });
                },
                cancel.get());
        } catch (const DatabaseError &e) {
            failure = e.message();
        }
        const qint64 ms = clock.elapsed();
        QMetaObject::invokeMethod(this, [this, result, failure, ms] {
            m_previewThread->wait();
            m_previewThread->deleteLater();
            m_previewThread = nullptr;
            m_previewButton->setText(tr("&Preview"));
            m_progress->setVisible(false);
            if (!failure.isEmpty())
                m_previewText->setHtml(esc(tr("The preview failed: %1").arg(failure)));
            else
                showPreview(result, ms);
        });
    });
    m_previewThread->start();
}

void PolicyEditor::showPreview(const PreviewResult &r, qint64 ms)
{
    const auto money = [](const QMap<QString, qint64> &m) {
        QStringList parts;
        for (auto i = m.cbegin(); i != m.cend(); ++i)
            parts << formatMoney(i.value(), i.key(), QLocale());
        return parts.isEmpty() ? QStringLiteral("–") : parts.join(QStringLiteral(" + "));
    };
    const auto verdictsOf = [](const QMap<QString, qint64> &m) {
        QStringList parts;
        for (const QString &v : verdicts)
            parts << QStringLiteral("%1 %2").arg(m.value(v)).arg(DisplayNames::value(v));
        return parts.join(QStringLiteral(", "));
    };
    QString html = QStringLiteral("<p><b>%1</b></p>")
                       .arg(esc(tr("%n request(s) of the last %1 days on %2 (version %3 today), "
                                   "evaluated in %4 ms; %5 would change.",
                                   nullptr, int(r.evaluated))
                                    .arg(m_days->value())
                                    .arg(r.profile)
                                    .arg(r.todayVersion)
                                    .arg(ms)
                                    .arg(r.changed.size())));
    if (r.cancelled)
        html += QStringLiteral("<p>%1</p>").arg(esc(tr("Stopped before the end.")));
    html += QStringLiteral("<table cellpadding='3'><tr><th align='left'>%1</th><th "
                           "align='left'>%2</th><th align='left'>%3</th></tr>")
                .arg(esc(tr("Type")), esc(tr("Today")), esc(tr("Draft")));
    for (auto it = r.byType.cbegin(); it != r.byType.cend(); ++it)
        html += QStringLiteral("<tr><td>%1</td><td>%2<br>%3</td><td>%4<br>%5</td></tr>")
                    .arg(esc(it.key().isEmpty() ? tr("All types")
                                                : DisplayNames::requestType(it.key())),
                         esc(verdictsOf(it->todayVerdicts)), esc(money(it->todayCents)),
                         esc(verdictsOf(it->draftVerdicts)), esc(money(it->draftCents)));
    html += QStringLiteral("</table>");
    if (!r.changed.isEmpty()) {
        html += QStringLiteral("<p><b>%1</b></p><table cellpadding='3'>")
                    .arg(esc(tr("Requests whose outcome changes")));
        for (const PreviewChange &c : r.changed)
            html +=
                QStringLiteral("<tr><td>#%1</td><td>%2</td><td>%3</td><td>→</td><td>%4</td></tr>")
                    .arg(c.requestId)
                    .arg(esc(DisplayNames::requestType(c.type)),
                         esc(DisplayNames::value(c.todayVerdict) +
                             (c.todayCents ? QLatin1Char(' ') +
                                                 formatMoney(c.todayCents, c.currency, QLocale())
                                           : QString())),
                         esc(DisplayNames::value(c.draftVerdict) +
                             (c.draftCents ? QLatin1Char(' ') +
                                                 formatMoney(c.draftCents, c.currency, QLocale())
                                           : QString())));
        html += QStringLiteral("</table>");
    }
    for (const QString &e : r.errors)
        html += QStringLiteral("<p style='color:#c62828'>%1</p>").arg(esc(e));
    m_previewText->setHtml(html);
}

void PolicyEditor::reloadVersions()
{
    m_versions->setRowCount(0);
    m_diff->setRowCount(0);
    if (PolicyProfile::findBuiltIn(m_openName)) {
        m_versions->setRowCount(1);
        m_versions->setItem(0, 0, new QTableWidgetItem(QStringLiteral("1")));
        m_versions->setItem(0, 1, new QTableWidgetItem(tr("built in")));
        m_versions->setItem(0, 2, new QTableWidgetItem(tr("the program")));
        return;
    }
    try {
        const QList<StoredProfile> all =
            ProfileRepository(m_database.connection()).versions(m_openName);
        m_versions->setRowCount(int(all.size()));
        for (int i = 0; i < all.size(); ++i) {
            const StoredProfile &p = all.at(all.size() - 1 - i); // newest first
            m_versions->setItem(i, 0, new QTableWidgetItem(QString::number(p.version)));
            m_versions->setItem(
                i, 1,
                new QTableWidgetItem(QDateTime::fromSecsSinceEpoch(p.createdAt)
                                         .toString(DisplayNames::dateTimeFormat())));
            m_versions->setItem(i, 2, new QTableWidgetItem(p.createdBy));
        }
        if (!all.isEmpty())
            m_versions->selectRow(0);
    } catch (const DatabaseError &e) {
        say(e.message(), true);
    }
}

void PolicyEditor::assignAccounts(bool all)
{
    QString missing;
    if (!PolicyLibrary(m_database).json(m_openName, 0, &missing)) {
        say(tr("Save the profile first: accounts go on a saved profile (%1).").arg(missing), true);
        return;
    }
    const qint64 account = all ? 0 : m_account->text().toLongLong();
    const QString from = all ? m_from->currentText() : QString();
    if (!all && account <= 0) {
        say(tr("Give the account's id."), true);
        m_account->setFocus();
        return;
    }
    if (all) {
        if (from == m_openName)
            return;
        qint64 count = 0;
        try {
            count = AccountRepository(m_database.connection()).countOnProfile(from);
        } catch (const DatabaseError &e) {
            say(e.message(), true);
            return;
        }
        if (QMessageBox::question(
                this, tr("Move accounts"),
                tr("Put all %n account(s) on %1 on %2? Their later requests follow %2; decisions "
                   "already made keep theirs.",
                   nullptr, int(qMin<qint64>(count, INT_MAX)))
                    .arg(from, m_openName)) != QMessageBox::Yes)
            return;
    }
    try {
        const qint64 moved =
            RefundWorkflow(m_database).assignProfile(m_openName, account, from, m_author);
        say(tr("%n account(s) now on %1.", nullptr, int(qMin<qint64>(moved, INT_MAX)))
                .arg(m_openName),
            false);
    } catch (const DatabaseError &e) {
        say(tr("Not moved: %1").arg(e.message()), true);
    }
}

void PolicyEditor::compare()
{
    const QList<QTableWidgetItem *> chosen = m_versions->selectedItems();
    if (chosen.isEmpty())
        return;
    const int version = m_versions->item(chosen.first()->row(), 0)->text().toInt();
    QString error;
    std::optional<QByteArray> saved;
    try {
        saved = PolicyLibrary(m_database).json(m_openName, version, &error);
    } catch (const DatabaseError &e) {
        error = e.message();
    }
    if (!saved) {
        say(error, true);
        return;
    }
    const QList<ProfileChange> changes = PolicyLibrary::diff(*saved, draftJson());
    m_diff->setHorizontalHeaderLabels({tr("Field"), tr("Version %1").arg(version), tr("Draft")});
    m_diff->setRowCount(int(changes.size()));
    for (int i = 0; i < changes.size(); ++i) {
        const ProfileChange &c = changes.at(i);
        m_diff->setItem(i, 0, new QTableWidgetItem(c.path));
        m_diff->setItem(i, 1, new QTableWidgetItem(c.hadBefore ? c.before : tr("(none)")));
        m_diff->setItem(i, 2, new QTableWidgetItem(c.hasAfter ? c.after : tr("(none)")));
    }
    m_diff->resizeRowsToContents();
    if (changes.isEmpty())
        say(tr("The draft is the same as version %1.").arg(version), false);
}
