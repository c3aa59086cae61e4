#pragma once
// Ledger entries as a chunked table; for one account with its running balance.

#include "recordfilter.h"
#include "sqlwindowmodel.h"

class LedgerTableModel : public SqlWindowModel
{
    Q_OBJECT
public:
    enum class Scope
    {
        AllAccounts,
        OneAccount // adds the running balance; filters other than the account do not apply
    };
    explicit LedgerTableModel(Database &database, Scope scope = Scope::AllAccounts,
                              QObject *parent = nullptr);

    void setRecordFilter(const RecordFilter &filter);
    const RecordFilter &recordFilter() const { return m_filter; }
    static QStringList kinds();

private:
    Scope m_scope;
    RecordFilter m_filter;
};
