#pragma once
// The predefined CSV reports: what each contains, as one SQL query over indexed columns, and
// how each column is written.

#include "sqldialect.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QVariantList>
#include <optional>

struct ReportColumn
{
    enum class Kind
    {
        Text,
        Integer,
        Money,     // minor units; written as an exact decimal
        Timestamp, // seconds since the epoch; written as ISO 8601 UTC
        Boolean    // written as true/false
    };
    QString header;
    Kind kind = Kind::Text;
    // Text: the words a stored code is shown as ("job_credit_back" -> "Job credit-back"), for
    // exports "as shown"; none writes what is stored.
    using Labeller = QString (*)(const QString &);
    Labeller labeller = nullptr;
};

struct ReportParameters
{
    QDate from; // invalid: from the beginning
    QDate to;   // inclusive; invalid: up to now
    QString profile;
};

struct Report
{
    QString name;
    QString description;
    QList<ReportColumn> columns;
    QString sql;
    QVariantList values; // what `sql` binds
};

class ReportCatalog
{
public:
    static QStringList names();
    // The report limited to `parameters`: only the conditions that apply are in its SQL, so an
    // unbounded export reads in key order instead of through a time index.
    static std::optional<Report> find(const QString &name, const SqlDialect &dialect,
                                      const ReportParameters &parameters = {});
};
