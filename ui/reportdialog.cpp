#include "reportdialog.h"
#include "ui/displaynames.h"

#include "policy/rules/policyprofile.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>

ReportDialog::ReportDialog(const SqlDialect &dialect, QWidget *parent)
    : QDialog(parent), m_dialect(dialect), m_report(new QComboBox), m_description(new QLabel),
      m_from(new QDateEdit), m_to(new QDateEdit), m_profile(new QComboBox),
      m_bom(new QCheckBox(tr("For E&xcel (UTF-8 byte order mark)")))
{
    setWindowTitle(tr("Export a report"));
    for (const QString &name : ReportCatalog::names())
        m_report->addItem(name, name);
    m_description->setWordWrap(true);
    const QDate today = QDate::currentDate();
    for (QDateEdit *e : {m_from, m_to}) {
        e->setCalendarPopup(true);
        e->setDisplayFormat(DisplayNames::dateFormat());
    }
    m_from->setDate(QDate(today.year(), today.month(), 1).addMonths(-1));
    m_to->setDate(today);
    m_profile->addItem(tr("All profiles"), QString());
    for (const PolicyProfile &p : PolicyProfile::builtIn())
        m_profile->addItem(p.company, p.id);
    m_bom->setChecked(QSettings().value(QStringLiteral("export/bom"), false).toBool());

    auto *form = new QFormLayout(this);
    form->addRow(tr("&Report:"), m_report);
    form->addRow(QString(), m_description);
    form->addRow(tr("&From (UTC):"), m_from);
    form->addRow(tr("&To (UTC, inclusive):"), m_to);
    form->addRow(tr("&Profile:"), m_profile);
    form->addRow(QString(), m_bom);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Export…"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        QSettings().setValue(QStringLiteral("export/bom"), m_bom->isChecked());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto describe = [this] {
        if (const auto r = ReportCatalog::find(reportName(), m_dialect))
            m_description->setText(r->description);
    };
    connect(m_report, &QComboBox::currentIndexChanged, this, describe);
    describe();
}

QString ReportDialog::reportName() const
{
    return m_report->currentData().toString();
}

ReportParameters ReportDialog::parameters() const
{
    ReportParameters p;
    p.from = m_from->date();
    p.to = m_to->date();
    p.profile = m_profile->currentData().toString();
    return p;
}

bool ReportDialog::bom() const
{
    return m_bom->isChecked();
}
