#include "requestdetailview.h"

#include "displaynames.h"
#include "models/databaseerror.h"
#include "policy/refundworkflow.h"
#include "policy/rules/money.h"
#include "policy/rules/replydraft.h"
#include "recommendationdelegate.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

namespace {
QString esc(const QString &text)
{
    return text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
}

QString when(qint64 secs)
{
    if (secs <= 0)
        return QStringLiteral("–");
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(secs).toLocalTime(),
                              DisplayNames::dateTimeFormat());
}

QString row(const QString &label, const QString &valueHtml)
{
    return QStringLiteral("<tr><td style='color:palette(mid); padding-right:12px'>%1</td>"
                          "<td>%2</td></tr>")
        .arg(label.toHtmlEscaped(), valueHtml);
}

QString badge(const QString &verdict)
{
    return QStringLiteral("<span style='background-color:%1; color:white; font-weight:bold'>"
                          "&nbsp;%2&nbsp;</span>")
        .arg(RecommendationDelegate::colour(verdict).name(),
             RecommendationDelegate::label(verdict).toHtmlEscaped());
}

QLabel *htmlLabel()
{
    auto *label = new QLabel;
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    return label;
}
} // namespace

RequestDetailView::RequestDetailView(Database &database, RefundWorkflow &workflow, QWidget *parent)
    : QWidget(parent), m_database(database), m_workflow(workflow), m_title(new QLabel),
      m_placeholder(new QLabel(tr("Select a request in the queue."))), m_body(new QWidget),
      m_scroll(new QScrollArea), m_request(htmlLabel()), m_account(htmlLabel()),
      m_outcome(htmlLabel()), m_history(new QTextBrowser), m_reply(new QPlainTextEdit),
      m_copyReply(new QPushButton(tr("&Copy reply")))
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(8, 6, 6, 6);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextFormat(Qt::RichText);
    outer->addWidget(m_title);

    // Decisions on the first row, the rest below, so the pane stays narrow.
    auto *buttons = new QGridLayout;
    buttons->setHorizontalSpacing(6);
    for (int i = 0; i < 6; ++i) {
        auto *b = new QToolButton;
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        b->setMinimumHeight(i < 3 ? 30 : 24);
        if (i < 3) {
            QFont f = b->font();
            f.setBold(true);
            b->setFont(f);
        }
        m_buttons << b;
        buttons->addWidget(b, i / 3, i % 3);
    }
    outer->addLayout(buttons);

    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    outer->addWidget(m_placeholder, 1);

    QScrollArea *scroll = m_scroll;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *body = new QVBoxLayout(m_body);
    body->setContentsMargins(0, 0, 6, 0);
    auto group = [body](const QString &title, QWidget *content) {
        auto *box = new QGroupBox(title);
        auto *l = new QVBoxLayout(box);
        l->addWidget(content);
        body->addWidget(box);
        return l;
    };
    group(tr("Policy recommendation"), m_outcome);
    group(tr("Request"), m_request);
    group(tr("Account"), m_account);
    m_history->setOpenLinks(false);
    m_history->setMinimumHeight(110);
    group(tr("History and notes"), m_history);
    m_reply->setMinimumHeight(150);
    m_reply->setAccessibleName(tr("Reply draft"));
    QVBoxLayout *replyLayout = group(tr("Reply draft for the customer"), m_reply);
    auto *copyRow = new QHBoxLayout;
    copyRow->addStretch();
    copyRow->addWidget(m_copyReply);
    replyLayout->addLayout(copyRow);
    body->addStretch();
    scroll->setWidget(m_body);
    outer->addWidget(scroll, 1);
    m_body->setVisible(false);
    scroll->setVisible(false);
    connect(m_copyReply, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_reply->toPlainText()); });
    setMinimumWidth(380);
    render();
}

void RequestDetailView::setActions(QAction *approve, QAction *deny, QAction *escalate,
                                   QAction *assign, QAction *note, QAction *openAccount)
{
    const QList<QAction *> actions{approve, deny, escalate, assign, note, openAccount};
    for (qsizetype i = 0; i < actions.size(); ++i)
        m_buttons.at(i)->setDefaultAction(actions.at(i));
    m_decideActions = {approve, deny};
}

void RequestDetailView::setWaitingActions(QAction *secondApproval, QAction *sendBack)
{
    m_waitingActions = {secondApproval, sendBack};
}

void RequestDetailView::showRequest(qint64 requestId)
{
    // Another request opens at its top, where the recommendation is; a reload stays put.
    const bool another = requestId != m_requestId;
    m_requestId = requestId;
    m_loaded = false;
    if (requestId > 0) {
        try {
            m_dossier = RequestDossier::load(m_database, m_workflow, requestId);
            m_loaded = true;
        } catch (const DatabaseError &e) {
            m_placeholder->setText(
                tr("Cannot show request %1: %2").arg(requestId).arg(e.message()));
            emit loadFailed(e.message());
        }
    } else {
        m_placeholder->setText(tr("Select a request in the queue."));
    }
    render();
    if (another)
        m_scroll->verticalScrollBar()->setValue(0);
}

void RequestDetailView::render()
{
    m_placeholder->setVisible(!m_loaded);
    m_body->setVisible(m_loaded);
    m_scroll->setVisible(m_loaded);
    for (QToolButton *b : std::as_const(m_buttons))
        b->setVisible(m_loaded);
    if (!m_loaded) {
        m_title->clear();
        return;
    }
    const RequestRecord &r = m_dossier.request;
    const QList<QAction *> &first = m_dossier.firstApproval && m_waitingActions.size() == 2
                                        ? m_waitingActions
                                        : m_decideActions;
    for (qsizetype i = 0; i < first.size(); ++i)
        m_buttons.at(i)->setDefaultAction(first.at(i));
    m_title->setText(tr("Request %1 · %2 · %3")
                         .arg(r.id)
                         .arg(DisplayNames::requestType(r.type).toHtmlEscaped(),
                              DisplayNames::status(r.status).toHtmlEscaped()));
    m_outcome->setText(outcomeHtml());
    m_request->setText(requestHtml());
    m_account->setText(accountHtml());
    m_history->setHtml(historyHtml());
    m_reply->setPlainText(replyDraft());
}

QString RequestDetailView::replyDraft() const
{
    if (!m_loaded || !m_dossier.outcome || !m_dossier.profile)
        return {};
    return ReplyDraft::compose(*m_dossier.outcome, *m_dossier.profile,
                               m_dossier.account.displayName, m_dossier.currency());
}

QString RequestDetailView::outcomeHtml() const
{
    const RequestDossier &d = m_dossier;
    if (!d.outcome)
        return QStringLiteral("<p style='color:#c62828'>%1</p>")
            .arg(esc(tr("The policy cannot evaluate this request: %1").arg(d.outcomeError)));
    const PolicyOutcome &o = *d.outcome;
    const QString verdict = PolicyNames::verdict(o.verdict);
    QString html;
    if (d.reversal) {
        const ReversalRecord &v = *d.reversal;
        html += QStringLiteral("<p style='background:#f8d7da;color:#58151c;padding:4px'><b>%1</b>"
                               "<br>%2</p>")
                    .arg(esc(tr("Decision reversed")),
                         esc(tr("%1 reversed it on %2: %3").arg(v.actor, when(v.at), v.reason)) +
                             QStringLiteral("<br>") +
                             esc(tr("The credits it moved went back; the case continues in "
                                    "request %1.")
                                     .arg(v.reopenedAs)));
    }
    if (d.request.reopens > 0)
        html += QStringLiteral("<p style='color:#5c4400'>%1</p>")
                    .arg(esc(tr("Reopens request %1, whose decision a lead reversed.")
                                 .arg(d.request.reopens)));
    if (d.firstApproval) {
        // Four-eyes: what the first approval decided, waiting for another lead.
        const ApprovalRecord &a = *d.firstApproval;
        QString what = a.verdict == QLatin1String("approve") ? tr("approve") : tr("deny");
        if (a.refundCents > 0)
            what = tr("%1, refund %2").arg(what, formatMoney(a.refundCents, a.currency, QLocale()));
        if (a.isOverride)
            what = tr("%1 (against the policy)").arg(what);
        html += QStringLiteral("<p style='background:#fff3cd;color:#5c4400;padding:4px'><b>%1</b>"
                               "<br>%2</p>")
                    .arg(esc(tr("Waiting for a second approval")),
                         esc(tr("%1 decided on %2: %3.").arg(a.actor, when(a.at), what)) +
                             (a.note.isEmpty()
                                  ? QString()
                                  : QStringLiteral("<br>") + esc(tr("Note: %1").arg(a.note))) +
                             QStringLiteral("<br>") +
                             esc(tr("A lead other than %1 gives the second approval (Shift+A) or "
                                    "sends it back (Shift+B).")
                                     .arg(a.actor)));
    }
    html += QStringLiteral("<p>%1 &nbsp; ").arg(badge(verdict));
    switch (o.remedy) {
    case Remedy::MoneyRefund:
        html += esc(tr("refund %1").arg(formatMoney(o.refundCents, d.currency(), QLocale())));
        break;
    case Remedy::CreditRestore:
        html += esc(tr("restore %n credit(s)", nullptr, int(o.credits)));
        break;
    case Remedy::None:
        html += esc(tr("no refund"));
        break;
    }
    html += QStringLiteral("</p><p>%1</p>").arg(esc(DisplayNames::profileText(o.explanation)));
    for (const QString &id : o.clauses) {
        const PolicyClause *clause = d.profile ? ReplyDraft::findClause(*d.profile, id) : nullptr;
        if (!clause)
            continue;
        html += QStringLiteral("<p><b>%1</b> <span style='color:palette(mid)'>(%2)</span><br>"
                               "<i>\u201C%3\u201D</i></p>")
                    .arg(esc(DisplayNames::profileText(clause->title)), esc(clause->id),
                         esc(clause->quote));
    }
    html += QStringLiteral("<p style='color:palette(mid)'>%1</p>")
                .arg(esc(o.respondBy.isValid()
                             ? tr("Profile %1, version %2. Answer by %3.")
                                   .arg(o.profile)
                                   .arg(o.profileVersion)
                                   .arg(QLocale().toString(o.respondBy, DisplayNames::dateFormat()))
                             : tr("Profile %1, version %2. No answer date is stated.")
                                   .arg(o.profile)
                                   .arg(o.profileVersion)));
    // The versions it went through: triaged, decided, and what a newer one would say.
    const StoredRecommendation &triaged = d.request.recommendation;
    QStringList versions;
    if (triaged.isSet() &&
        (triaged.profile != o.profile || triaged.profileVersion != o.profileVersion))
        versions
            << tr("Triaged under %1 version %2.").arg(triaged.profile).arg(triaged.profileVersion);
    if (d.decision) {
        versions << tr("Decided under %1 version %2.")
                        .arg(d.decision->profile)
                        .arg(d.decision->profileVersion);
        if ((d.decision->profile != o.profile || d.decision->profileVersion != o.profileVersion) &&
            d.decision->recommendedVerdict != verdict)
            versions << tr("%1 version %2 would now say \"%3\" (%4).")
                            .arg(o.profile)
                            .arg(o.profileVersion)
                            .arg(RecommendationDelegate::label(verdict), o.clauses.value(0));
    }
    if (!versions.isEmpty())
        html += QStringLiteral("<p style='color:palette(mid)'>%1</p>")
                    .arg(esc(versions.join(QLatin1Char(' '))));
    if (d.request.recommendation.isSet() && d.request.recommendation.verdict != verdict)
        html += QStringLiteral("<p style='color:#b26a00'>%1</p>")
                    .arg(esc(
                        tr("At triage the policy recommended \"%1\"; the facts have changed "
                           "since.")
                            .arg(RecommendationDelegate::label(d.request.recommendation.verdict))));
    return html;
}

QString RequestDetailView::requestHtml() const
{
    const RequestDossier &d = m_dossier;
    const RequestRecord &r = d.request;
    QString html = QStringLiteral("<table>");
    html += row(tr("Received"), esc(when(r.receivedAt)));
    html += row(tr("Status"), esc(DisplayNames::status(r.status)));
    html += row(tr("Assigned to"), r.assignedTo.isEmpty() ? esc(tr("nobody")) : esc(r.assignedTo));
    if (r.claimedAmountCents)
        html += row(tr("Amount claimed"),
                    esc(formatMoney(*r.claimedAmountCents, d.currency(), QLocale())));
    if (d.purchase) {
        const PurchaseRecord &p = *d.purchase;
        QStringList flags;
        if (p.chargeCount > 1)
            flags << tr("charged %n times", nullptr, p.chargeCount);
        if (!p.delivered)
            flags << tr("not delivered");
        if (p.disputed)
            flags << tr("disputed");
        html += row(
            tr("Purchase %1").arg(p.id),
            esc(tr("%1 · %2 credits · %3 on %4")
                    .arg(p.package)
                    .arg(p.credits)
                    .arg(formatMoney(p.amountCents, p.currency, QLocale()), when(p.createdAt))) +
                (flags.isEmpty()
                     ? QString()
                     : QStringLiteral(" · <b>%1</b>").arg(esc(flags.join(QStringLiteral(", "))))));
        html +=
            row(tr("Still refundable"), esc(formatMoney(d.refundableCents, p.currency, QLocale())));
        const QStringList given = DisplayNames::priorGrants(d.compensation, p.currency);
        if (!given.isEmpty())
            html += row(tr("Already given"), esc(given.join(QStringLiteral("; "))));
    }
    if (d.job) {
        const JobRecord &j = *d.job;
        QString state = DisplayNames::value(j.status);
        if (!j.failure.isEmpty())
            state += tr(" (%1 failure)").arg(DisplayNames::value(j.failure));
        html += row(tr("Job %1").arg(j.id), esc(tr("%1 · %2 credits · %3 · %4")
                                                    .arg(j.model)
                                                    .arg(j.credits)
                                                    .arg(state, when(j.createdAt))));
        if (!j.errorDetail.isEmpty())
            html += row(tr("Error"), esc(j.errorDetail));
    }
    // The money on its way back: where it is, with the processor's reference and reason.
    for (const PayoutRecord &p : d.payouts) {
        QStringList parts{formatMoney(p.amountCents, p.currency, QLocale()),
                          DisplayNames::payoutStatus(p.status)};
        if (!p.gatewayRef.isEmpty())
            parts << p.gatewayRef;
        if (p.sentAt)
            parts << tr("sent %1").arg(when(p.sentAt));
        if (p.updatedAt != p.createdAt)
            parts << tr("last change %1").arg(when(p.updatedAt));
        const bool attention =
            p.status == QLatin1String("failed") || p.status == QLatin1String("unknown");
        QString text = esc(parts.join(QStringLiteral(" · ")));
        if (attention)
            text = QStringLiteral("<b style='color:#c62828'>%1</b>").arg(text);
        if (!p.failureReason.isEmpty())
            text += QStringLiteral("<br>") + esc(p.failureReason);
        html += row(p.retryOf ? tr("Payout %1 (retry of %2)").arg(p.id).arg(p.retryOf)
                              : tr("Payout %1").arg(p.id),
                    text);
    }
    html += QStringLiteral("</table>");
    html += QStringLiteral("<p><b>%1</b></p><blockquote>%2</blockquote>")
                .arg(esc(tr("Customer's message")),
                     r.message.isEmpty() ? esc(tr("(no message)")) : esc(r.message));
    return html;
}

QString RequestDetailView::accountHtml() const
{
    const RequestDossier &d = m_dossier;
    const AccountRecord &a = d.account;
    const AccountSummary &s = d.summary;
    QString status = esc(DisplayNames::status(a.status));
    if (a.status != QLatin1String("active"))
        status = QStringLiteral("<b style='color:#c62828'>%1</b>").arg(status);
    QString html = QStringLiteral("<table>");
    html +=
        row(tr("Customer"), QStringLiteral("%1 &lt;%2&gt;").arg(esc(a.displayName), esc(a.email)));
    html +=
        row(tr("Account"), QStringLiteral("%1 · %2 · %3").arg(a.id).arg(status, esc(a.profile)));
    html += row(tr("Balance"), esc(tr("%n credit(s)", nullptr, int(a.balanceCredits))));
    html += row(tr("Lifetime"),
                esc(tr("%n purchase(s), %1 paid, %2 refunded", nullptr, int(s.purchases))
                        .arg(formatMoney(s.purchasedCents, s.currency, QLocale()),
                             formatMoney(s.refundedCents, s.currency, QLocale()))));
    html += row(tr("Credit-backs"),
                esc(tr("%n job(s), %1 credits restored", nullptr, int(s.creditBacks))
                        .arg(s.creditBackCredits)));
    html += row(tr("Requests"), esc(QString::number(s.requests)));
    if (s.openChargebacks > 0)
        html +=
            row(tr("Chargebacks"), QStringLiteral("<b style='color:#c62828'>%1</b>")
                                       .arg(esc(tr("%n open", nullptr, int(s.openChargebacks)))));
    return html + QStringLiteral("</table>");
}

QString RequestDetailView::historyHtml() const
{
    if (m_dossier.history.isEmpty())
        return esc(tr("Nothing happened to this request yet."));
    QString html;
    for (const AuditRecord &a : m_dossier.history) {
        const QString who = a.actorRole.isEmpty()
                                ? a.actor
                                : tr("%1 (%2)").arg(a.actor, DisplayNames::value(a.actorRole));
        html += QStringLiteral("<p><b>%1</b> · %2 · %3")
                    .arg(esc(DisplayNames::auditAction(a.action)), esc(who), esc(when(a.at)));
        if (!a.note.isEmpty())
            html += QStringLiteral("<br>%1").arg(esc(a.note));
        html += QStringLiteral("</p>");
    }
    return html;
}
