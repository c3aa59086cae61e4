#include "payoutsview.h"

#include "models/database.h"
#include "models/databaseerror.h"
#include "models/payouttablemodel.h"
#include "notedialog.h"
#include "policy/payoutbook.h"
#include "policy/rules/money.h"
#include "recordtableview.h"

#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

PayoutsView::PayoutsView(Database &database, RefundWorkflow &workflow, PayoutTableModel *model,
                         RecordTableView *table, QWidget *parent)
    : QWidget(parent), m_database(database), m_workflow(workflow), m_model(model), m_table(table),
      m_retry(new QPushButton(tr("&Retry failed payout…"))), m_hint(new QLabel)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 0, 6, 6);
    m_hint->setWordWrap(true);
    bar->addWidget(m_hint, 1);
    bar->addWidget(m_retry);
    layout->addLayout(bar);
    m_retry->setToolTip(tr("Send the money of a failed payout again, as a new payout, with a note "
                           "saying why (once per failed payout)"));
    for (const char *hidden : {"rank", "retried"})
        m_table->table()->setColumnHidden(m_model->fieldIndex(QLatin1String(hidden)), true);
    m_table->table()->setColumnWidth(m_model->fieldIndex(QStringLiteral("updated_at")), 140);
    m_table->table()->setColumnWidth(m_model->fieldIndex(QStringLiteral("gateway_ref")), 150);
    connect(m_retry, &QPushButton::clicked, this, [this] { retrySelected(); });
    connect(m_table->table()->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &PayoutsView::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &PayoutsView::updateActions);
    updateActions();
}

void PayoutsView::updateActions()
{
    const int row = m_table->table()->currentIndex().row();
    const bool failed = row >= 0 && m_model->status(row) == QLatin1String("failed");
    const bool retried = failed && m_model->isRetried(row);
    m_retry->setEnabled(failed && !retried);
    if (row < 0)
        m_hint->setText(tr("Failed and unknown payouts come first. A failed payout returned "
                           "nothing to the customer: retry it once its cause is dealt with. An "
                           "unknown one is resolved by refundctl payouts reconcile."));
    else if (retried)
        m_hint->setText(
            tr("Payout %1 failed and was retried already.").arg(m_model->payoutId(row)));
    else if (failed)
        m_hint->setText(tr("Payout %1 failed: %2")
                            .arg(m_model->payoutId(row))
                            .arg(m_model->value(row, QStringLiteral("failure_reason")).toString()));
    else
        m_hint->setText(
            tr("Payout %1: only a failed payout can be retried.").arg(m_model->payoutId(row)));
}

bool PayoutsView::retrySelected(const QString &noteForTests)
{
    const int row = m_table->table()->currentIndex().row();
    if (row < 0 || m_model->status(row) != QLatin1String("failed"))
        return false;
    const qint64 id = m_model->payoutId(row);
    const QString amount =
        formatMoney(m_model->value(row, QStringLiteral("amount_cents")).toLongLong(),
                    m_model->value(row, QStringLiteral("currency")).toString(), QLocale());
    qint64 made = 0;
    if (m_reviewer.isEmpty()) {
        m_hint->setText(tr("Set your reviewer name first (File menu): the retry is recorded "
                           "under it."));
        return false;
    }
    auto save = [&](const QString &note) {
        try {
            made = PayoutBook(m_database, m_workflow).retry(id, note, m_reviewer).id;
            return QString();
        } catch (const DatabaseError &e) {
            return e.message();
        }
    };
    if (!noteForTests.isEmpty()) {
        if (!save(noteForTests).isEmpty())
            return false;
    } else {
        NoteDialog dialog(0, save, this);
        dialog.setPrompt(tr("Retry payout %1").arg(id),
                         tr("%1 goes to the customer's card again as a new payout, sent with the "
                            "next payouts run. Say why it will go through this time (kept in the "
                            "history):")
                             .arg(amount),
                         tr("&Retry payout"));
        if (dialog.exec() != QDialog::Accepted)
            return false;
    }
    m_model->refresh();
    emit payoutsChanged();
    m_hint->setText(
        tr("Payout %1 retried as payout %2 (%3), pending.").arg(id).arg(made).arg(amount));
    return made > 0;
}
