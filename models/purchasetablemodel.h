#pragma once
// Purchases as a chunked table, with what was refunded of each.

#include "recordfilter.h"
#include "sqlwindowmodel.h"

class PurchaseTableModel : public SqlWindowModel
{
    Q_OBJECT
public:
    explicit PurchaseTableModel(Database &database, QObject *parent = nullptr);

    // kind: disputed, undelivered, duplicate (charged more than once)
    void setRecordFilter(const RecordFilter &filter);
    const RecordFilter &recordFilter() const { return m_filter; }
    static QStringList kinds();

private:
    RecordFilter m_filter;
};
