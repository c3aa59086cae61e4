#pragma once
// Streams a query's rows into a CSV file: forward-only, a bounded buffer whatever the row
// count, progress with cancel, and a temporary file renamed into place only on success.

#include "reportcatalog.h"

#include <QSqlDatabase>
#include <functional>

class QIODevice;

struct ExportResult
{
    qint64 rows = 0;
    bool cancelled = false;
    QString error; // what failed and where; empty on success

    bool ok() const { return error.isEmpty() && !cancelled; }
};

class CsvExporter
{
public:
    // Called every few thousand rows; returning false cancels.
    using Progress = std::function<bool(qint64 rows)>;

    CsvExporter(const QSqlDatabase &db, bool bom = false) : m_db(db), m_bom(bom) {}
    void setProgress(Progress progress) { m_progress = std::move(progress); }

    // Writes a predefined report to `path` ("-": standard output).
    ExportResult exportReport(const Report &report, const QString &path);
    // Writes any query's rows (with `columns` saying how) to `path`.
    ExportResult exportQuery(const QString &sql, const QVariantList &values,
                             const QList<ReportColumn> &columns, const QString &path);

    // "2026-11-21T05:45:00Z" without a round trip through QDateTime.
    static QByteArray isoUtc(qint64 secondsSinceEpoch);
    // "-12.05" from -1205 minor units: exact, no floating point.
    static QByteArray decimal(qint64 minorUnits);

private:
    void writeSqlite(void *handle, const QString &sql, const QVariantList &values,
                     const QList<ReportColumn> &columns, class CsvWriter &csv,
                     ExportResult &result);
    void writePostgres(void *handle, const QString &sql, const QVariantList &values,
                       const QList<ReportColumn> &columns, class CsvWriter &csv,
                       ExportResult &result);
    // Ends a row; false when the export stops there (write error or cancel).
    bool rowWritten(class CsvWriter &csv, ExportResult &result);
    ExportResult write(const QString &sql, const QVariantList &values,
                       const QList<ReportColumn> &columns, QIODevice *device);

    QSqlDatabase m_db;
    bool m_bom;
    Progress m_progress;
};
