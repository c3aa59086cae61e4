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
    return withoutRequest(forPurchases(QStringLiteral("?"), {purchaseId}).value(purchaseId),
                          exceptRequest);
}

QHash<qint64, PurchaseCompensation>
CompensationRepository::forPurchases(const QString &purchaseIds, const QVariantList &values) const
{
    // Grouped by purchase; forPurchase() is this for one.
    QHash<qint64, PurchaseCompensation> out;
    auto bindAll = [&](SqlStatement &st) {
        for (const QVariant &v : values)
            st.bind(v);
        st.exec();
    };
    SqlStatement grants(
        m_db,
        QStringLiteral("SELECT r.purchase_id, r.id, r.type, d.remedy, d.credits,"
                       " COALESCE((SELECT SUM(p.amount_cents) FROM payouts p"
                       "  WHERE p.request_id = r.id AND p.purchase_id = r.purchase_id"
                       "  AND p.status <> 'failed'), 0)"
                       " FROM decisions d JOIN refund_requests r ON r.id = d.request_id"
                       " WHERE r.purchase_id IN (%1) AND d.verdict = 'approve'"
                       " AND d.remedy <> 'none'"
                       " AND NOT EXISTS (SELECT 1 FROM reversals v WHERE v.decision_id = d.id)"
                       " ORDER BY d.id")
            .arg(purchaseIds));
    bindAll(grants);
    while (grants.next()) {
        PriorGrant g;
        g.requestId = grants.value(1).toLongLong();
        g.type = grants.value(2).toString();
        g.remedy = grants.value(3).toString();
        g.credits = grants.value(4).toLongLong();
        g.refundCents = grants.value(5).toLongLong();
        out[grants.value(0).toLongLong()].grants << g;
    }
    // One statement: every figure of a purchase from the same snapshot.
    SqlStatement totals(
        m_db, QStringLiteral("SELECT p.id,"
                             " (SELECT COALESCE(SUM(amount_cents), 0) FROM payouts"
                             "  WHERE purchase_id = p.id AND status <> 'failed'),"
                             " (SELECT COALESCE(SUM(amount_cents), 0) FROM chargebacks"
                             "  WHERE purchase_id = p.id AND status = 'lost'),"
                             " (SELECT COALESCE(SUM(credits), 0) FROM ledger_entries l"
                             "  WHERE purchase_id = p.id AND entry_type = 'adjustment'"
                             "  AND credits > 0 AND NOT EXISTS (SELECT 1 FROM ledger_entries v"
                             "   WHERE v.reverses_entry_id = l.id))"
                             " FROM purchases p WHERE p.id IN (%1)")
                  .arg(purchaseIds));
    bindAll(totals);
    while (totals.next()) {
        PurchaseCompensation &c = out[totals.value(0).toLongLong()];
        c.refundedCents = totals.value(1).toLongLong();
        c.lostChargebackCents = totals.value(2).toLongLong();
        c.restoredCredits = totals.value(3).toLongLong();
    }
    return out;
}

PurchaseCompensation CompensationRepository::withoutRequest(PurchaseCompensation c,
                                                            qint64 requestId)
{
    c.grants.removeIf([requestId](const PriorGrant &g) { return g.requestId == requestId; });
    return c;
}
