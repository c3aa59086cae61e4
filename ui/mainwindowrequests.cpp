// The main window's actions on the request shown: deciding, the second approval of a
// four-eyes request, notes, sending back, reversing and assigning.

#include "decisiondialog.h"
#include "mainwindow.h"
#include "models/databaseerror.h"
#include "notedialog.h"
#include "policy/rules/money.h"
#include "requestdetailview.h"
#include "ui/displaynames.h"

#include <QAbstractButton>
#include <QDateTime>
#include <QLocale>
#include <QMessageBox>
#include <QStatusBar>
#include <memory>

void MainWindow::decide(int actionValue)
{
    if (!m_detail->hasRequest())
        return;
    if (m_reviewer.isEmpty()) {
        askReviewerName();
        if (m_reviewer.isEmpty())
            return;
    }
    const auto action = ReviewAction(actionValue);
    auto *dialog = new DecisionDialog(
        action, m_detail->dossier(), m_reviewer,
        [this](const ReviewDecision &d) { return m_workflow.decide(d); }, this);
    if (m_sessionRole == QLatin1String("reviewer"))
        dialog->forbidOverride(tr("Only a lead may decide against the policy: escalate the "
                                  "request instead (E)."));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const DecisionResult &r = dialog->result();
        if (r.status == DecisionResult::Status::AlreadyDecided) {
            notify(tr("Already decided"),
                   tr("Request %1 was decided by %2 at %3 while you were looking at it. Nothing "
                      "was changed; the queue now shows the current state.")
                       .arg(r.requestId)
                       .arg(r.decidedBy, QDateTime::fromSecsSinceEpoch(r.decidedAt)
                                             .toLocalTime()
                                             .toString(DisplayNames::dateTimeFormat())));
        } else {
            QString what;
            switch (r.status) {
            case DecisionResult::Status::Approved:
                what = r.remedy == Remedy::MoneyRefund && r.credits > 0
                           ? tr("Request %1 approved: %2 to refund, %n credit(s) taken back.",
                                nullptr, int(r.credits))
                                 .arg(r.requestId)
                                 .arg(formatMoney(r.refundCents, r.currency, QLocale()))
                       : r.remedy == Remedy::MoneyRefund
                           ? tr("Request %1 approved: %2 to refund.")
                                 .arg(r.requestId)
                                 .arg(formatMoney(r.refundCents, r.currency, QLocale()))
                       : r.remedy == Remedy::CreditRestore
                           ? tr("Request %1 approved: %2 credits restored.")
                                 .arg(r.requestId)
                                 .arg(r.credits)
                           : tr("Request %1 approved.").arg(r.requestId);
                break;
            case DecisionResult::Status::Denied:
                what = tr("Request %1 denied.").arg(r.requestId);
                break;
            case DecisionResult::Status::AwaitingApproval:
                what = tr("Request %1 is waiting for a second approval by another lead.")
                           .arg(r.requestId);
                break;
            default:
                what = tr("Request %1 escalated.").arg(r.requestId);
                break;
            }
            statusBar()->showMessage(what, 8000);
        }
        refreshAfterWrite(r.requestId);
    });
    dialog->open();
}

void MainWindow::approveSecond()
{
    if (!m_detail->hasRequest() || !m_detail->dossier().firstApproval)
        return;
    const RequestDossier &d = m_detail->dossier();
    const ApprovalRecord first = *d.firstApproval;
    const qint64 id = d.request.id;
    const QString what = first.refundCents > 0
                             ? tr("refund %1 to the customer's card")
                                   .arg(formatMoney(first.refundCents, first.currency, QLocale()))
                         : first.verdict == QLatin1String("approve") ? tr("approve it")
                                                                     : tr("deny it");
    auto *ask = new QMessageBox(QMessageBox::Question, tr("Second approval"),
                                tr("Give the second approval to request %1?").arg(id),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    ask->setObjectName(QStringLiteral("secondApprovalQuestion"));
    ask->setInformativeText(tr("%1 decided to %2. With your approval it is carried out at once; "
                               "a decision is corrected afterwards only by a reversal.")
                                .arg(first.actor, what));
    ask->setDefaultButton(QMessageBox::Cancel);
    ask->button(QMessageBox::Yes)->setText(tr("&Approve"));
    ask->setAttribute(Qt::WA_DeleteOnClose);
    connect(ask, &QMessageBox::accepted, this, [this, id] {
        const DecisionResult r = m_workflow.approveSecond(id, m_reviewer);
        if (!r.processed())
            notify(tr("Not approved"), tr("Request %1 was not approved: %2").arg(id).arg(r.error));
        else
            statusBar()->showMessage(
                r.status == DecisionResult::Status::Denied
                    ? tr("Request %1 denied with a second approval.").arg(id)
                : r.remedy == Remedy::MoneyRefund
                    ? tr("Request %1 approved with a second approval: %2 to refund.")
                          .arg(id)
                          .arg(formatMoney(r.refundCents, r.currency, QLocale()))
                    : tr("Request %1 approved with a second approval.").arg(id),
                8000);
        refreshAfterWrite(id);
    });
    ask->open();
}

NoteDialog *MainWindow::noteDialog(qint64 requestId, std::function<void(const QString &)> write,
                                   std::function<QString()> done, int shownFor)
{
    auto *dialog = new NoteDialog(
        requestId,
        [write = std::move(write)](const QString &text) {
            try {
                write(text);
                return QString();
            } catch (const DatabaseError &e) {
                return e.message(); // shown in the dialog, which stays open
            }
        },
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, requestId, done = std::move(done), shownFor] {
        statusBar()->showMessage(done(), shownFor);
        refreshAfterWrite(requestId);
    });
    return dialog;
}

void MainWindow::reverseDecision()
{
    if (!m_detail->hasRequest() || !m_detail->dossier().request.isDecided())
        return;
    const qint64 id = m_detail->requestId();
    auto reopened = std::make_shared<qint64>(0);
    NoteDialog *dialog = noteDialog(
        id,
        [this, id, reopened](const QString &reason) {
            *reopened = m_workflow.reverse(id, m_reviewer, reason).reopenedAs;
        },
        [this, id, reopened] {
            return tr("Request %1 reversed: the case continues in request %2.")
                .arg(id)
                .arg(*reopened);
        },
        8000);
    dialog->setObjectName(QStringLiteral("reverseDialog"));
    dialog->setPrompt(tr("Reverse the decision of request %1").arg(id),
                      tr("Why it is reversed. The credits the decision moved move back, and the "
                         "request reopens as a new one for a fresh decision; money already "
                         "paid out is not reversed. This cannot be undone."),
                      tr("&Reverse"));
    dialog->open();
}

void MainWindow::sendBack()
{
    if (!m_detail->hasRequest() || !m_detail->dossier().firstApproval)
        return;
    const qint64 id = m_detail->requestId();
    NoteDialog *dialog = noteDialog(
        id, [this, id](const QString &note) { m_workflow.sendBack(id, m_reviewer, note); },
        [this, id] { return tr("Request %1 sent back to the queue.").arg(id); }, 5000);
    dialog->setObjectName(QStringLiteral("sendBackDialog"));
    dialog->setPrompt(tr("Send request %1 back").arg(id),
                      tr("Why it goes back (the first approver and the queue see this):"),
                      tr("Send &back"));
    dialog->open();
}

void MainWindow::addNote()
{
    if (!m_detail->hasRequest())
        return;
    const qint64 id = m_detail->requestId();
    noteDialog(
        id, [this, id](const QString &note) { m_workflow.addNote(id, m_reviewer, note); },
        [this, id] { return tr("Note added to request %1.").arg(id); }, 5000)
        ->open();
}

void MainWindow::assignToMe()
{
    if (!m_detail->hasRequest() || m_reviewer.isEmpty())
        return;
    const qint64 id = m_detail->requestId();
    try {
        m_workflow.assign(id, m_reviewer, m_reviewer);
        statusBar()->showMessage(tr("Request %1 assigned to you.").arg(id), 5000);
    } catch (const DatabaseError &e) {
        notify(tr("Not assigned"), tr("Request %1 was not assigned: %2").arg(id).arg(e.message()));
    }
    refreshAfterWrite(id);
}
