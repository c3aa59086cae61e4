#include "accountview.h"

#include "displaynames.h"
#include "models/accountrepository.h"
#include "models/audittablemodel.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/jobtablemodel.h"
#include "models/ledgertablemodel.h"
#include "models/purchasetablemodel.h"
#include "models/requestqueuemodel.h"
#include "policy/rules/money.h"
#include "recommendationdelegate.h"
#include "tablecelldelegate.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

AccountView::AccountView(Database &database, BackgroundReader *reader, qint64 accountId,
                         QWidget *parent)
    : QWidget(parent), m_database(database), m_accountId(accountId), m_header(new QLabel),
      m_tabs(new QTabWidget)
{
    auto *layout = new QVBoxLayout(this);
    m_header->setTextFormat(Qt::RichText);
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_header);
    layout->addWidget(m_tabs, 1);

    RecordFilter filter;
    filter.accountId = accountId;
    auto *ledger = new LedgerTableModel(database, LedgerTableModel::Scope::OneAccount, this);
    auto *purchases = new PurchaseTableModel(database, this);
    auto *jobs = new JobTableModel(database, this);
    auto *requests = new RequestQueueModel(database, this);
    m_ledger = ledger;
    for (SqlWindowModel *m :
         std::initializer_list<SqlWindowModel *>{ledger, purchases, jobs, requests})
        m->setBackgroundReader(reader);
    ledger->setRecordFilter(filter);
    purchases->setRecordFilter(filter);
    jobs->setRecordFilter(filter);
    QueueFilter qf;
    qf.slice.accountId = accountId;
    requests->setQueueFilter(qf);

    addTable(ledger, tr("&Ledger"));
    addTable(purchases, tr("&Purchases"));
    addTable(jobs, tr("&Jobs"));
    QTableView *requestTable = addTable(requests, tr("&Requests"));
    // Everything done on the account, by whom and when: the audit trail, newest first.
    auto *audit = new AuditTableModel(database, this);
    audit->setBackgroundReader(reader);
    audit->setAccount(accountId);
    QTableView *auditTable = addTable(audit, tr("&Audit trail"));
    auditTable->setItemDelegateForColumn(audit->fieldIndex(QStringLiteral("action")),
                                         new TableCellDelegate(&DisplayNames::auditAction, this));
    auditTable->setColumnWidth(audit->fieldIndex(QStringLiteral("at")), 150);
    auditTable->setColumnWidth(audit->fieldIndex(QStringLiteral("action")), 200);
    auditTable->setColumnWidth(audit->fieldIndex(QStringLiteral("note")), 420);
    requestTable->setItemDelegateForColumn(requests->fieldIndex(QStringLiteral("recommendation")),
                                           new RecommendationDelegate(this));
    connect(requestTable, &QTableView::activated, this, [this, requests](const QModelIndex &i) {
        emit requestActivated(requests->requestId(i.row()));
    });
    showHeader();
}

QTableView *AccountView::addTable(SqlWindowModel *model, const QString &title)
{
    auto *table = new QTableView;
    table->setModel(model);
    table->setItemDelegate(new TableCellDelegate(this));
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setStretchLastSection(true);
    for (const char *hidden : {"account_id", "email", "currency"})
        if (model->fieldIndex(QLatin1String(hidden)) >= 0)
            table->setColumnHidden(model->fieldIndex(QLatin1String(hidden)), true);
    m_tabs->addTab(table, title);
    m_models << model;
    return table;
}

void AccountView::reload()
{
    showHeader();
    for (SqlWindowModel *m : std::as_const(m_models))
        m->refresh();
}

void AccountView::showHeader()
{
    try {
        const QSqlDatabase conn = m_database.connection();
        AccountRepository accounts(conn);
        const auto account = accounts.find(m_accountId);
        if (!account) {
            m_header->setText(tr("Account %1 does not exist.").arg(m_accountId));
            return;
        }
        const AccountSummary s = accounts.summary(m_accountId);
        m_header->setText(
            tr("<h2>%1 &lt;%2&gt;</h2>Account %3 · %4 · %5 · <b>%6 credits</b><br>"
               "%7 purchases, %8 paid, %9 refunded · %10 jobs credited back (%11 credits)")
                .arg(account->displayName.toHtmlEscaped(), account->email.toHtmlEscaped())
                .arg(m_accountId)
                .arg(DisplayNames::status(account->status), account->profile.toHtmlEscaped())
                .arg(account->balanceCredits)
                .arg(s.purchases)
                .arg(formatMoney(s.purchasedCents, s.currency, QLocale()),
                     formatMoney(s.refundedCents, s.currency, QLocale()))
                .arg(s.creditBacks)
                .arg(s.creditBackCredits));
    } catch (const DatabaseError &e) {
        m_header->setText(
            tr("Cannot read account %1: %2").arg(m_accountId).arg(e.message().toHtmlEscaped()));
    }
}

QTableView *AccountView::currentTable() const
{
    return qobject_cast<QTableView *>(m_tabs->currentWidget());
}
