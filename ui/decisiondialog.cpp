#include "decisiondialog.h"

#include "displaynames.h"
#include "policy/rules/money.h"
#include "policy/rules/replydraft.h"
#include "recommendationdelegate.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QShortcut>
#include <QVBoxLayout>

DecisionDialog::DecisionDialog(ReviewAction action, const RequestDossier &dossier,
                               const QString &reviewer, Submit submit, QWidget *parent)
    : QDialog(parent), m_action(action), m_dossier(dossier), m_reviewer(reviewer),
      m_submit(std::move(submit)), m_note(new QPlainTextEdit), m_error(new QLabel),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel))
{
    const RequestRecord &r = dossier.request;
    const std::optional<PolicyOutcome> &rec = dossier.outcome;
    const Verdict recommended = rec ? rec->verdict : Verdict::Review;
    m_override = (action == ReviewAction::Approve && recommended == Verdict::Deny) ||
                 (action == ReviewAction::Deny && recommended == Verdict::Approve);

    QString verb;
    switch (action) {
    case ReviewAction::Approve:
        verb = tr("Approve");
        setWindowTitle(tr("Approve request %1").arg(r.id));
        break;
    case ReviewAction::Deny:
        verb = tr("Deny");
        setWindowTitle(tr("Deny request %1").arg(r.id));
        break;
    case ReviewAction::Escalate:
        verb = tr("Escalate");
        setWindowTitle(tr("Escalate request %1").arg(r.id));
        break;
    }

    auto *layout = new QVBoxLayout(this);
    auto *summary = new QLabel;
    summary->setWordWrap(true);
    summary->setTextFormat(Qt::RichText);
    const QString verdictName = rec ? PolicyNames::verdict(rec->verdict) : QString();
    summary->setText(tr("<b>%1</b> for %2 &lt;%3&gt;.<br>The policy recommends: "
                        "<span style='background-color:%4; color:white'>&nbsp;%5&nbsp;</span> %6")
                         .arg(DisplayNames::requestType(r.type).toHtmlEscaped(),
                              dossier.account.displayName.toHtmlEscaped(),
                              dossier.account.email.toHtmlEscaped(),
                              RecommendationDelegate::colour(verdictName).name(),
                              RecommendationDelegate::label(verdictName).toHtmlEscaped(),
                              rec ? DisplayNames::profileText(rec->explanation).toHtmlEscaped()
                                  : dossier.outcomeError.toHtmlEscaped()));
    layout->addWidget(summary);

    if (action == ReviewAction::Approve && dossier.purchase) {
        // Rule 11 before the reviewer types anything: what the purchase already got, and
        // whether this approval can still give anything.
        const PurchaseCompensation &c = dossier.compensation;
        const QStringList given = DisplayNames::priorGrants(c, dossier.purchase->currency);
        bool sameType = false;
        for (const PriorGrant &g : c.grants)
            sameType = sameType || g.type == r.type;
        const bool nothingLeft =
            sameType ||
            (rec && rec->verdict == Verdict::Deny && dossier.profile &&
             rec->clauses.value(0) == dossier.profile->clause(ClauseRole::AlreadyCompensated).id);
        if (!given.isEmpty() || nothingLeft) {
            auto *prior = new QLabel(
                (nothingLeft ? tr("<b>Already compensated: this cannot be approved.</b> ")
                             : QString()) +
                tr("Purchase %1 already got: %2.")
                    .arg(dossier.purchase->id)
                    .arg(given.join(QStringLiteral("; ")).toHtmlEscaped()));
            prior->setWordWrap(true);
            prior->setObjectName(QStringLiteral("priorCompensation"));
            prior->setStyleSheet(nothingLeft ? QStringLiteral("QLabel { background: #ffebee;"
                                                              " color: #8e0000; border: 1px solid"
                                                              " #c62828; padding: 6px; }")
                                             : QStringLiteral("QLabel { padding: 2px; }"));
            layout->addWidget(prior);
            m_alreadyCompensated = nothingLeft;
        }
    }

    if (m_override && !m_alreadyCompensated) {
        auto *warning = new QLabel(
            tr("<b>This is an override.</b> The policy recommends %1 (%2). Deciding otherwise "
               "needs a note saying why; it is recorded with your name.")
                .arg(RecommendationDelegate::label(verdictName).toHtmlEscaped(),
                     rec ? rec->clauses.value(0).toHtmlEscaped() : QString()));
        warning->setWordWrap(true);
        warning->setStyleSheet(QStringLiteral("QLabel { background: #fff3e0; color: #6d3d00;"
                                              " border: 1px solid #b26a00; padding: 6px; }"));
        warning->setObjectName(QStringLiteral("overrideWarning"));
        layout->addWidget(warning);
    }

    auto *form = new QFormLayout;
    layout->addLayout(form);
    if (action == ReviewAction::Approve && !m_alreadyCompensated)
        buildAmount(form);
    if (action == ReviewAction::Deny && dossier.profile) {
        m_reason = new QComboBox;
        m_reason->addItem(tr("Choose the clause that applies…"), QString());
        for (const PolicyClause &c : dossier.profile->clauses())
            m_reason->addItem(DisplayNames::profileText(c.title), c.id);
        if (rec && recommended == Verdict::Deny)
            m_reason->setCurrentIndex(qMax(0, m_reason->findData(rec->clauses.value(0))));
        form->addRow(tr("&Reason:"), m_reason);
        connect(m_reason, &QComboBox::currentIndexChanged, this, [this](int index) {
            const PolicyClause *c =
                ReplyDraft::findClause(*m_dossier.profile, m_reason->itemData(index).toString());
            if (c)
                m_note->setPlainText(
                    tr("%1: %2").arg(c->id, DisplayNames::profileText(c->explanation)));
        });
        if (m_reason->currentIndex() > 0)
            emit m_reason->currentIndexChanged(m_reason->currentIndex());
    }
    m_note->setTabChangesFocus(true);
    m_note->setMinimumHeight(90);
    m_note->setPlaceholderText(m_alreadyCompensated ? tr("Deny the request instead (D).")
                               : m_override || action == ReviewAction::Escalate
                                   ? tr("Why? (required for an override)")
                                   : tr("Internal note (optional)"));
    if (action == ReviewAction::Escalate)
        m_note->setPlaceholderText(tr("What should the next reviewer look at?"));
    form->addRow(tr("&Note:"), m_note);

    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #c62828; font-weight: bold; }"));
    m_error->setObjectName(QStringLiteral("decisionError"));
    m_error->hide();
    layout->addWidget(m_error);

    auto *hint = new QLabel(tr("Ctrl+Enter confirms, Esc cancels. This cannot be undone."));
    hint->setStyleSheet(QStringLiteral("QLabel { color: palette(mid); }"));
    if (action == ReviewAction::Escalate)
        hint->setText(tr("Ctrl+Enter confirms, Esc cancels."));
    layout->addWidget(hint);

    m_buttons->button(QDialogButtonBox::Ok)->setText(verb);
    if (m_alreadyCompensated) {
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
        m_buttons->button(QDialogButtonBox::Ok)
            ->setToolTip(
                tr("The purchase already received this remedy, or all it paid or delivered: deny "
                   "the request instead."));
    }
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &DecisionDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (const QKeySequence &keys :
         {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)})
        connect(new QShortcut(keys, this), &QShortcut::activated, this, &DecisionDialog::accept);
    if (m_amount)
        m_amount->setFocus();
    else if (m_reason && m_reason->currentIndex() == 0)
        m_reason->setFocus();
    else
        m_note->setFocus();
    resize(520, sizeHint().height());
}

void DecisionDialog::buildAmount(QLayout *layout)
{
    auto *form = static_cast<QFormLayout *>(layout);
    const RequestDossier &d = m_dossier;
    const bool chargeback = d.request.type == QLatin1String("chargeback");
    const std::optional<PolicyOutcome> &rec = d.outcome;
    Remedy remedy = rec ? rec->remedy : Remedy::None;
    if (chargeback) {
        form->addRow(tr("Outcome:"),
                     new QLabel(tr("The chargeback is recorded as lost: the bank keeps the "
                                   "reversal. No amount is paid by us.")));
        return;
    }
    if (remedy == Remedy::None && d.job && d.job->status == QLatin1String("failed") && !d.purchase)
        remedy = Remedy::CreditRestore;
    if (remedy == Remedy::CreditRestore) {
        const qint64 credits =
            rec && rec->credits > 0 ? rec->credits : (d.job ? d.job->credits : 0);
        form->addRow(tr("Remedy:"),
                     new QLabel(tr("Restore %n credit(s) to the account", nullptr, int(credits))));
        return;
    }
    if (!d.purchase) {
        form->addRow(tr("Remedy:"), new QLabel(tr("Nothing to refund: no purchase is named.")));
        return;
    }
    const qint64 recommended = rec && rec->remedy == Remedy::MoneyRefund ? rec->refundCents : 0;
    m_maxCents = recommended > 0 ? qMin(recommended, d.refundableCents) : d.refundableCents;
    m_amount = new QLineEdit;
    m_amount->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("\\d{1,13}([.,]\\d{0,2})?")), m_amount));
    if (recommended > 0)
        m_amount->setText(formatMoney(recommended, QString())
                              .trimmed()
                              .replace(QLatin1Char('.'), QLocale().decimalPoint()));
    m_amount->setAccessibleName(tr("Amount to refund"));
    auto *label = new QLabel(
        recommended > 0
            ? tr("Money refund of up to %1 (recommended); it may be lowered, never raised.")
                  .arg(formatMoney(m_maxCents, d.purchase->currency, QLocale()))
            : tr("The policy names no amount. At most %1 is still refundable on purchase %2.")
                  .arg(formatMoney(m_maxCents, d.purchase->currency, QLocale()))
                  .arg(d.purchase->id));
    label->setWordWrap(true);
    form->addRow(tr("Remedy:"), label);
    form->addRow(tr("&Amount (%1):").arg(d.purchase->currency), m_amount);
    if (RefundWorkflow::moneyRefundRevokesCredits(
            PolicyNames::toRequestType(d.request.type).value_or(RequestType::Legal))) {
        // The money goes back, so do the credits bought with it: say what before confirming.
        QString text =
            d.purchaseCreditsLeft > 0
                ? tr("The %1 credits left of this purchase are taken back from the balance.")
                      .arg(d.purchaseCreditsLeft)
                : tr("No credits of this purchase are left to take back.");
        if (d.purchaseCreditsGone > 0)
            text += QLatin1Char(' ') +
                    tr("%1 of its %2 credits were already spent (or taken back) and stay so: "
                       "the customer keeps what they were used for.")
                        .arg(d.purchaseCreditsGone)
                        .arg(d.purchaseCreditsGone + d.purchaseCreditsLeft);
        auto *credits = new QLabel(text);
        credits->setWordWrap(true);
        credits->setObjectName(QStringLiteral("creditsTakenBack"));
        form->addRow(tr("Credits:"), credits);
    } else {
        form->addRow(tr("Credits:"),
                     new QLabel(tr("The purchase's credits stay: only the extra charge goes "
                                   "back.")));
    }
}

void DecisionDialog::forbidOverride(const QString &why)
{
    if (!m_override)
        return;
    QPushButton *ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(false);
    ok->setToolTip(why);
    showError(why);
}

std::optional<ReviewDecision> DecisionDialog::decision(QString *error) const
{
    ReviewDecision d;
    d.requestId = m_dossier.request.id;
    d.action = m_action;
    d.reviewer = m_reviewer;
    d.note = m_note->toPlainText().trimmed();
    d.allowOverride = m_override;
    if (m_alreadyCompensated) {
        *error = tr("This purchase was already compensated: the request can only be denied.");
        return std::nullopt;
    }
    if (m_override && d.note.isEmpty()) {
        *error = tr("An override needs a note saying why.");
        return std::nullopt;
    }
    const bool policyDenies = m_dossier.outcome && m_dossier.outcome->verdict == Verdict::Deny;
    if (m_action == ReviewAction::Deny && d.note.isEmpty() && !policyDenies) {
        *error = tr("A denial needs a reason: choose a clause or write one.");
        return std::nullopt;
    }
    if (m_amount) {
        const std::optional<qint64> cents = parseMoney(m_amount->text());
        if (!cents || *cents <= 0) {
            *error = tr("Enter the amount to refund, e.g. 12.50.");
            return std::nullopt;
        }
        if (*cents > m_maxCents) {
            *error = tr("%1 is more than the %2 allowed here.")
                         .arg(formatMoney(*cents, m_dossier.currency(), QLocale()),
                              formatMoney(m_maxCents, m_dossier.currency(), QLocale()));
            return std::nullopt;
        }
        const qint64 recommended =
            m_dossier.outcome && m_dossier.outcome->remedy == Remedy::MoneyRefund
                ? m_dossier.outcome->refundCents
                : 0;
        if (*cents != recommended)
            d.amountCents = *cents;
    }
    return d;
}

void DecisionDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void DecisionDialog::accept()
{
    QString error;
    const std::optional<ReviewDecision> d = decision(&error);
    if (!d) {
        showError(error);
        return;
    }
    m_buttons->setEnabled(false);
    m_result = m_submit(*d);
    m_buttons->setEnabled(true);
    if (m_result.status == DecisionResult::Status::Failed ||
        m_result.status == DecisionResult::Status::AlreadyCompensated) {
        // Everything typed stays: the reviewer fixes it or tries again.
        showError(tr("Not saved: %1").arg(m_result.error));
        return;
    }
    QDialog::accept();
}
