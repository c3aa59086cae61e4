#pragma once
// Payouts as a chunked table: the money on its way back, failed and unknown ones first.

#include "recordfilter.h"
#include "sqlwindowmodel.h"

class PayoutTableModel : public SqlWindowModel
{
    Q_OBJECT
public:
    explicit PayoutTableModel(Database &database, QObject *parent = nullptr);

    // kind: a payout status, or "attention" (failed or unknown)
    void setRecordFilter(const RecordFilter &filter);
    const RecordFilter &recordFilter() const { return m_filter; }
    static QStringList kinds();
    // The column the view hides and sorts by first: failed, unknown, pending, sent, succeeded.
    int rankColumn() const { return fieldIndex(QStringLiteral("rank")); }
    qint64 payoutId(int row) const { return value(row, QStringLiteral("id")).toLongLong(); }
    QString status(int row) const { return value(row, QStringLiteral("status")).toString(); }
    // Whether a person retried the failed payout of this row already.
    bool isRetried(int row) const { return value(row, QStringLiteral("retried")).toLongLong() > 0; }

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    RecordFilter m_filter;
};
