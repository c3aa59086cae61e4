#pragma once
// One account's audit trail as a chunked table, newest first: who did what, when, to which
// request, with the note, and each row's place in the hash chain.

#include "sqlwindowmodel.h"

class AuditTableModel : public SqlWindowModel
{
    Q_OBJECT
public:
    explicit AuditTableModel(Database &database, QObject *parent = nullptr);

    void setAccount(qint64 accountId);
};
