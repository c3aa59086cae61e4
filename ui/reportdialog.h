#pragma once
// Chooses a predefined report, its date range and profile, and where to save it.

#include "models/reportcatalog.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;

class ReportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ReportDialog(const SqlDialect &dialect, QWidget *parent = nullptr);

    QString reportName() const;
    ReportParameters parameters() const;
    bool bom() const;

private:
    SqlDialect m_dialect;
    QComboBox *m_report;
    QLabel *m_description;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QComboBox *m_profile;
    QCheckBox *m_bom;
};
