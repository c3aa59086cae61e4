#pragma once
// Generation jobs as a chunked table, with whether a failed one was credited back.

#include "recordfilter.h"
#include "sqlwindowmodel.h"

class JobTableModel : public SqlWindowModel
{
    Q_OBJECT
public:
    explicit JobTableModel(Database &database, QObject *parent = nullptr);

    // kind: job status; cause: failure cause
    void setRecordFilter(const RecordFilter &filter);
    const RecordFilter &recordFilter() const { return m_filter; }
    static QStringList kinds();
    static QStringList causes();

private:
    RecordFilter m_filter;
};
