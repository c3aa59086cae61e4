#include "compensationrepository.h"

#include "sqlstatement.h"

QStringList PurchaseCompensation::grantedTypes() const
{
    QStringList types;
    for (const PriorGrant &g : grants)
        if (!types.contains(g.type))
            types << g.type;
    return types;
}

PurchaseCompensation CompensationRepository::forPurchase(qint64 purchaseId,
                                                         qint64 exceptRequest) const
{
    PurchaseCompensation c;
    // One statement: every figure from the same snapshot.
    SqlStatement grants(
        m_db, QStringLiteral(
                  "SELECT r.id, r.type, d.remedy, d.credits,"
                  " COALESCE((SELECT SUM(p.amount_cents) FROM payouts p WHERE p.request_id = r.id"
                  "  AND p.purchase_id = r.purchase_id AND p.status <> 'failed'), 0)"
                  " FROM decisions d JOIN refund_requests r ON r.id = d.request_id"
                  " WHERE r.purchase_id = ? AND r.id <> ? AND d.verdict = 'approve'"
                  " AND d.remedy <> 'none'"
                  // A reversed decision gave nothing: its credits went back (schema v11).
                  " AND NOT EXISTS (SELECT 1 FROM reversals v WHERE v.decision_id = d.id)"
                  " ORDER BY d.id"));
    grants.bindAll({purchaseId, exceptRequest}).exec();
    while (grants.next()) {
        PriorGrant g;
        g.requestId = grants.value(0).toLongLong();
        g.type = grants.value(1).toString();
        g.remedy = grants.value(2).toString();
        g.credits = grants.value(3).toLongLong();
        g.refundCents = grants.value(4).toLongLong();
        c.grants << g;
    }
    SqlStatement totals(
        m_db, QStringLiteral("SELECT (SELECT COALESCE(SUM(amount_cents), 0) FROM payouts"
                             "  WHERE purchase_id = ? AND status <> 'failed'),"
                             " (SELECT COALESCE(SUM(amount_cents), 0) FROM chargebacks"
                             "  WHERE purchase_id = ? AND status = 'lost'),"
                             " (SELECT COALESCE(SUM(credits), 0) FROM ledger_entries l"
                             "  WHERE purchase_id = ? AND entry_type = 'adjustment' AND credits > 0"
                             "  AND NOT EXISTS (SELECT 1 FROM ledger_entries v"
                             "   WHERE v.reverses_entry_id = l.id))"));
    totals.bindAll({purchaseId, purchaseId, purchaseId}).exec();
    totals.next();
    c.refundedCents = totals.value(0).toLongLong();
    c.lostChargebackCents = totals.value(1).toLongLong();
    c.restoredCredits = totals.value(2).toLongLong();
    return c;
}
