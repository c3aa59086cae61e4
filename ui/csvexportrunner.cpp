#include "csvexportrunner.h"

#include "models/backgroundreader.h"
#include "models/csvexporter.h"

#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QProgressDialog>
#include <QTimer>

CsvExportRunner::CsvExportRunner(Database &database, QWidget *parent)
    : QObject(parent), m_database(database), m_parent(parent)
{
}

void CsvExportRunner::start(const QString &sql, const QVariantList &values,
                            const QList<ReportColumn> &columns, const QString &path, bool bom)
{
    // Its own thread and connection: a long export neither freezes the window nor holds up
    // the tables' counts.
    auto *reader = new BackgroundReader(m_database, this);
    m_progress = new QProgressDialog(tr("Exporting to %1…").arg(QFileInfo(path).fileName()),
                                     tr("Cancel"), 0, 0, m_parent);
    m_progress->setWindowTitle(tr("Export"));
    m_progress->setMinimumDuration(300);
    m_progress->setAutoClose(false);
    m_progress->setAutoReset(false);
    connect(m_progress, &QProgressDialog::canceled, this, [cancel = m_cancel] { *cancel = true; });
    auto *tick = new QTimer(this);
    connect(tick, &QTimer::timeout, this, [this, path] {
        m_progress->setLabelText(
            tr("Exporting to %1: %2 rows…")
                .arg(QFileInfo(path).fileName(), QLocale().toString(qint64(*m_rows))));
    });
    tick->start(200);

    auto cancel = m_cancel;
    auto rows = m_rows;
    reader->run(
        this,
        [=](const QSqlDatabase &db) {
            CsvExporter exporter(db, bom);
            exporter.setProgress([cancel, rows](qint64 n) {
                *rows = n;
                return !*cancel;
            });
            const ExportResult r = exporter.exportQuery(sql, values, columns, path);
            return QVariant(QVariantMap{{QStringLiteral("rows"), r.rows},
                                        {QStringLiteral("cancelled"), r.cancelled},
                                        {QStringLiteral("error"), r.error}});
        },
        [this, tick, path](const QVariant &result, const QString &readError) {
            tick->stop();
            m_progress->close();
            const QVariantMap r = result.toMap();
            const qint64 rows = r.value(QStringLiteral("rows")).toLongLong();
            const bool cancelled = r.value(QStringLiteral("cancelled")).toBool();
            const QString error =
                readError.isEmpty() ? r.value(QStringLiteral("error")).toString() : readError;
            if (!m_quiet) {
                if (!error.isEmpty())
                    QMessageBox::warning(m_parent, tr("Export failed"),
                                         tr("Nothing was written.\n\n%1").arg(error));
                else if (cancelled)
                    QMessageBox::information(m_parent, tr("Export cancelled"),
                                             tr("The export was cancelled; no file was written."));
                else
                    QMessageBox::information(
                        m_parent, tr("Export finished"),
                        tr("%1 rows written to %2.").arg(QLocale().toString(rows), path));
            }
            emit finished(rows, cancelled, error);
            deleteLater();
        });
}
