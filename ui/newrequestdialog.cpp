#include "newrequestdialog.h"

#include "displaynames.h"
#include "models/accountrepository.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/externalidrepository.h"
#include "models/jobrepository.h"
#include "models/purchaserepository.h"
#include "models/requestrepository.h"
#include "policy/eventintake.h"
#include "policy/refundworkflow.h"
#include "policy/rules/intakerequirements.h"
#include "policy/rules/money.h"
#include "recommendationdelegate.h"

#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QShortcut>
#include <QStringListModel>
#include <QUuid>
#include <QVBoxLayout>

NewRequestDialog::NewRequestDialog(Database &database, RefundWorkflow &workflow, QWidget *parent)
    : QDialog(parent), m_db(database), m_workflow(workflow), m_ticket(new QLineEdit),
      m_email(new QLineEdit), m_emails(new QStringListModel(this)), m_account(new QLabel),
      m_type(new QComboBox), m_purchase(new QComboBox), m_job(new QComboBox),
      m_amount(new QLineEdit), m_message(new QPlainTextEdit), m_missing(new QLabel),
      m_recommendation(new QLabel), m_error(new QLabel),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel))
{
    setWindowTitle(tr("New refund request"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("A request that came by email or phone: it joins the queue as "
                                "if the helpdesk had sent it, and is triaged at once."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    layout->addLayout(form);

    m_email->setObjectName(QStringLiteral("email"));
    m_email->setPlaceholderText(tr("the customer's account email"));
    auto *completer = new QCompleter(m_emails, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_email->setCompleter(completer);
    form->addRow(tr("Customer &email:"), m_email);
    m_account->setObjectName(QStringLiteral("account"));
    m_account->setWordWrap(true);
    form->addRow(QString(), m_account);

    m_type->setObjectName(QStringLiteral("type"));
    for (const QString &type : DisplayNames::requestTypes())
        if (type != QLatin1String("chargeback")) // the bank opens those, not a customer
            m_type->addItem(DisplayNames::requestType(type), type);
    form->addRow(tr("&Type:"), m_type);
    m_purchase->setObjectName(QStringLiteral("purchase"));
    form->addRow(tr("&Purchase:"), m_purchase);
    m_job->setObjectName(QStringLiteral("job"));
    form->addRow(tr("&Job:"), m_job);
    m_amount->setObjectName(QStringLiteral("amount"));
    m_amount->setPlaceholderText(tr("what the customer says they were charged wrongly"));
    m_amount->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("\\d{1,13}([.,]\\d{0,2})?")), m_amount));
    form->addRow(tr("Amount &claimed:"), m_amount);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setTabChangesFocus(true);
    m_message->setPlaceholderText(tr("the customer's words: what happened, when, any error"));
    m_message->setMinimumHeight(80);
    form->addRow(tr("&Message:"), m_message);
    m_ticket->setObjectName(QStringLiteral("ticket"));
    m_ticket->setPlaceholderText(tr("the helpdesk ticket, e.g. T-4711 (optional)"));
    m_ticket->setMaxLength(200);
    form->addRow(tr("T&icket id:"), m_ticket);

    m_missing->setObjectName(QStringLiteral("missing"));
    m_missing->setWordWrap(true);
    m_missing->setStyleSheet(QStringLiteral("QLabel { color: #8e5400; }"));
    layout->addWidget(m_missing);
    m_recommendation->setObjectName(QStringLiteral("recommendation"));
    m_recommendation->setWordWrap(true);
    m_recommendation->setTextFormat(Qt::RichText);
    // Room for the verdict and a two-line explanation, whatever the message box takes.
    m_recommendation->setMinimumHeight(m_recommendation->fontMetrics().lineSpacing() * 3 + 4);
    m_recommendation->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    layout->addWidget(m_recommendation);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #c62828; font-weight: bold; }"));
    m_error->hide();
    layout->addWidget(m_error);
    auto *hint = new QLabel(tr("Ctrl+Enter saves, Esc cancels."));
    hint->setStyleSheet(QStringLiteral("QLabel { color: palette(mid); }"));
    layout->addWidget(hint);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &NewRequestDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (const QKeySequence &keys :
         {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)})
        connect(new QShortcut(keys, this), &QShortcut::activated, this, &NewRequestDialog::accept);

    connect(m_email, &QLineEdit::textEdited, this, &NewRequestDialog::completeEmails);
    connect(m_email, &QLineEdit::editingFinished, this, &NewRequestDialog::findAccount);
    connect(completer, qOverload<const QString &>(&QCompleter::activated), this,
            [this](const QString &) { findAccount(); });
    for (QComboBox *box : {m_type, m_purchase, m_job})
        connect(box, &QComboBox::currentIndexChanged, this, &NewRequestDialog::refresh);
    connect(m_amount, &QLineEdit::textChanged, this, &NewRequestDialog::refresh);
    connect(m_message, &QPlainTextEdit::textChanged, this, &NewRequestDialog::refresh);
    findAccount();
    m_email->setFocus();
    resize(560, sizeHint().height());
}

void NewRequestDialog::completeEmails(const QString &typed)
{
    if (typed.size() < 2)
        return;
    try {
        m_emails->setStringList(AccountRepository(m_db.connection()).emailsStartingWith(typed, 20));
    } catch (const DatabaseError &) {
        // Completion is a help; the account is looked up again on leaving the field.
    }
}

void NewRequestDialog::findAccount()
{
    m_accountId = 0;
    m_profile.clear();
    m_purchase->clear();
    m_job->clear();
    m_purchase->addItem(tr("(none)"), 0);
    m_job->addItem(tr("(none)"), 0);
    const QString email = m_email->text().trimmed();
    if (email.isEmpty()) {
        m_account->setText(tr("Type the email; the account is looked up as you leave the field."));
        refresh();
        return;
    }
    try {
        const QSqlDatabase conn = m_db.connection();
        const auto account = AccountRepository(conn).findByEmail(email);
        if (!account) {
            m_account->setText(tr("No account has the email \"%1\".").arg(email));
            refresh();
            return;
        }
        m_accountId = account->id;
        m_profile = account->profile;
        m_account->setText(tr("%1 · account %2 · %3 · %4 credits · %5")
                               .arg(account->displayName)
                               .arg(account->id)
                               .arg(account->profile)
                               .arg(account->balanceCredits)
                               .arg(DisplayNames::value(account->status)));
        const QList<PurchaseRecord> purchases = PurchaseRepository(conn).forAccount(account->id);
        for (auto it = purchases.crbegin(); it != purchases.crend(); ++it)
            m_purchase->addItem(tr("#%1 · %2 · %3 · %4 credits")
                                    .arg(it->id)
                                    .arg(QDateTime::fromSecsSinceEpoch(it->createdAt)
                                             .toLocalTime()
                                             .toString(DisplayNames::dateFormat()),
                                         formatMoney(it->amountCents, it->currency, QLocale()))
                                    .arg(it->credits),
                                it->id);
        for (const JobRecord &j : JobRepository(conn).recentForAccount(account->id, 50))
            m_job->addItem(tr("#%1 · %2 · %3 · %4 credits · %5")
                               .arg(j.id)
                               .arg(QDateTime::fromSecsSinceEpoch(j.createdAt)
                                        .toLocalTime()
                                        .toString(DisplayNames::dateTimeFormat()),
                                    j.model)
                               .arg(j.credits)
                               .arg(j.failure.isEmpty()
                                        ? DisplayNames::value(j.status)
                                        : tr("failed (%1)").arg(DisplayNames::value(j.failure))),
                           j.id);
        // The latest purchase is the usual subject of a purchase request.
        if (m_purchase->count() > 1)
            m_purchase->setCurrentIndex(1);
    } catch (const DatabaseError &e) {
        m_account->setText(tr("The account could not be read: %1").arg(e.message()));
    }
    refresh();
}

std::optional<RequestRecord> NewRequestDialog::draft() const
{
    if (!m_accountId)
        return std::nullopt;
    RequestRecord r;
    r.accountId = m_accountId;
    r.type = m_type->currentData().toString();
    r.purchaseId = m_purchase->currentData().toLongLong();
    r.jobId = m_job->currentData().toLongLong();
    if (const auto cents = parseMoney(m_amount->text()); cents && !m_amount->text().isEmpty())
        r.claimedAmountCents = *cents;
    r.message = m_message->toPlainText().trimmed();
    r.receivedAt = QDateTime::currentSecsSinceEpoch();
    return r;
}

void NewRequestDialog::refresh()
{
    static const QHash<QString, const char *> words{
        {QStringLiteral("purchase"), QT_TR_NOOP("the purchase (order or invoice)")},
        {QStringLiteral("job"), QT_TR_NOOP("the job (the failed generation)")},
        {QStringLiteral("purchase_or_job"), QT_TR_NOOP("the purchase or the job it is about")},
        {QStringLiteral("message"), QT_TR_NOOP("the customer's reason and the details")},
        {QStringLiteral("amount"), QT_TR_NOOP("the amount the customer claims")}};
    const std::optional<RequestRecord> d = draft();
    QStringList missing;
    if (d) {
        IntakeRequirements::Draft need;
        need.type = *PolicyNames::toRequestType(d->type);
        need.hasPurchase = d->purchaseId > 0;
        need.hasJob = d->jobId > 0;
        need.hasMessage = !d->message.isEmpty();
        need.hasAmount = d->claimedAmountCents.has_value();
        for (const QString &key : IntakeRequirements::missing(m_profile, need))
            missing << tr(words.value(key));
    }
    m_missing->setText(
        !d ? QString()
        : missing.isEmpty()
            ? tr("Everything the %1 policy asks for is here.").arg(m_profile)
            : tr("The %1 policy asks for: %2.").arg(m_profile, missing.join(QStringLiteral(", "))));
    m_missing->setStyleSheet(missing.isEmpty() ? QStringLiteral("QLabel { color: #2e7d32; }")
                                               : QStringLiteral("QLabel { color: #8e5400; }"));
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(d && missing.isEmpty());
    if (!d || !missing.isEmpty()) {
        m_recommendation->setText(
            tr("The policy's recommendation shows once the request names what it needs."));
        return;
    }
    try {
        const PolicyOutcome o = m_workflow.recommendDraft(*d);
        const QString verdict = PolicyNames::verdict(o.verdict);
        QString remedy;
        if (o.remedy == Remedy::MoneyRefund && o.refundCents > 0)
            remedy =
                tr(" · refund %1")
                    .arg(formatMoney(
                        o.refundCents,
                        d->purchaseId
                            ? PurchaseRepository(m_db.connection()).find(d->purchaseId)->currency
                            : QString(),
                        QLocale()));
        else if (o.remedy == Remedy::CreditRestore && o.credits > 0)
            remedy = tr(" · restore %1 credits").arg(o.credits);
        m_recommendation->setText(
            tr("The policy would recommend: <span style='background-color:%1; color:white'>"
               "&nbsp;%2&nbsp;</span>%3 (%4)<br>%5")
                .arg(RecommendationDelegate::colour(verdict).name(),
                     RecommendationDelegate::label(verdict).toHtmlEscaped(), remedy.toHtmlEscaped(),
                     o.clauses.value(0).toHtmlEscaped(),
                     DisplayNames::profileText(o.explanation).toHtmlEscaped()));
    } catch (const DatabaseError &e) {
        m_recommendation->setText(e.message().toHtmlEscaped());
    }
}

void NewRequestDialog::accept()
{
    const std::optional<RequestRecord> d = draft();
    if (!d || !m_buttons->button(QDialogButtonBox::Save)->isEnabled()) {
        m_error->setText(d ? tr("The request lacks what the policy asks for (see above).")
                           : tr("Choose the customer's account first."));
        m_error->show();
        return;
    }
    // The same event the helpdesk would send, through the same intake.
    const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString ticket = m_ticket->text().trimmed().isEmpty() ? QStringLiteral("desk-") + uuid
                                                                : m_ticket->text().trimmed();
    QJsonObject data{{QStringLiteral("request"), ticket},
                     {QStringLiteral("account"), QStringLiteral("#%1").arg(d->accountId)},
                     {QStringLiteral("type"), d->type},
                     {QStringLiteral("message"), d->message}};
    if (d->purchaseId)
        data.insert(QStringLiteral("purchase"), QStringLiteral("#%1").arg(d->purchaseId));
    if (d->jobId)
        data.insert(QStringLiteral("job"), QStringLiteral("#%1").arg(d->jobId));
    if (d->claimedAmountCents)
        data.insert(QStringLiteral("amount_cents"), *d->claimedAmountCents);
    const QByteArray event =
        QJsonDocument(QJsonObject{{QStringLiteral("id"), QStringLiteral("desk-") + uuid},
                                  {QStringLiteral("type"), QStringLiteral("refund.requested")},
                                  {QStringLiteral("at"),
                                   QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                                  {QStringLiteral("data"), data}})
            .toJson(QJsonDocument::Compact);
    QString error;
    const auto source = BodySource::fromNdjson(event, &error);
    try {
        EventIntake intake(m_db, m_workflow);
        const IntakeResult result = intake.ingest(*source, {});
        if (!result.ok()) {
            const IntakeError &e = result.errors.value(0);
            m_error->setText(tr("Not saved: %1")
                                 .arg(e.field.isEmpty()
                                          ? e.message
                                          : e.field + QStringLiteral(": ") + e.message));
            m_error->show();
            return;
        }
        m_requestId = ExternalIdRepository(m_db.connection())
                          .find(ExternalIdRepository::Kind::Request, ticket)
                          .value_or(0);
    } catch (const DatabaseError &e) {
        m_error->setText(tr("Not saved: %1").arg(e.message()));
        m_error->show();
        return;
    }
    QDialog::accept();
}
