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
    QString sql; // binds the values of ReportCatalog::bindings(), `scopes` times over
    int scopes = 1;
};

class ReportCatalog
{
public:
    static QStringList names();
    static std::optional<Report> find(const QString &name, const SqlDialect &dialect);
    // The values every report binds, in its order: from, to (seconds, UTC days), profile twice.
    static QVariantList bindings(const ReportParameters &parameters);
};
