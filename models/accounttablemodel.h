#pragma once
// Accounts as a chunked table, searchable by email, name or id.

#include "recordfilter.h"
#include "sqlwindowmodel.h"

class AccountTableModel : public SqlWindowModel
{
    Q_OBJECT
public:
    explicit AccountTableModel(Database &database, QObject *parent = nullptr);

    // kind: account status
    void setRecordFilter(const RecordFilter &filter);
    const RecordFilter &recordFilter() const { return m_filter; }
    qint64 accountId(int row) const { return value(row, QStringLiteral("id")).toLongLong(); }
    static QStringList kinds();

private:
    RecordFilter m_filter;
};
