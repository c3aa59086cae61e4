#pragma once
// Runs one CSV export on a thread of its own with a progress dialog and Cancel, and says how
// it ended. Deletes itself when done.

#include "models/reportcatalog.h"

#include <QObject>
#include <atomic>
#include <memory>

class Database;
class QProgressDialog;
class QWidget;

class CsvExportRunner : public QObject
{
    Q_OBJECT
public:
    CsvExportRunner(Database &database, QWidget *parent);

    void start(const QString &sql, const QVariantList &values, const QList<ReportColumn> &columns,
               const QString &path, bool bom);
    // For tests: no message box at the end.
    void setQuiet(bool quiet) { m_quiet = quiet; }

signals:
    // rows written; `error` empty on success; `cancelled` when the user stopped it.
    void finished(qint64 rows, bool cancelled, const QString &error);

private:
    Database &m_database;
    QWidget *m_parent;
    QProgressDialog *m_progress = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel = std::make_shared<std::atomic<bool>>(false);
    std::shared_ptr<std::atomic<qint64>> m_rows = std::make_shared<std::atomic<qint64>>(0);
    bool m_quiet = false;
};
