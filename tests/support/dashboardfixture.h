#pragma once
// A small, hand-built history for the dashboard's tests, with sums worked out by hand:
// March 2026 (UTC), two accounts on two profiles, two currencies, three requests (one
// approved by carol, one denied by dave, one open), three jobs (one failed on the platform
// and credited back, one failed by the user).

#include "models/accountrepository.h"
#include "models/database.h"
#include "models/purchaserepository.h"
#include "policy/payoutbook.h"
#include "policy/refundworkflow.h"
#include "queryvalues.h"

#include <QDateTime>
#include <QTest>

struct DashboardFixture
{
    static constexpr qint64 hour = 3600;
    static constexpr qint64 day = 24 * hour;
    static qint64 t0() // Monday 2026-03-02 10:00 UTC
    {
        return QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toSecsSinceEpoch();
    }

    qint64 ann = 0;       // hummingbytes
    qint64 bob = 0;       // vysage
    qint64 approved = 0;  // ann's unused credits, 2.50 USD refunded by carol
    qint64 open = 0;      // ann's accidental purchase
    qint64 denied = 0;    // bob's unused credits, denied by dave
    qint64 failedJob = 0; // platform failure on 2026-03-02, 30 credits restored

    // Builds the history; check QTest::currentTestFailed() afterwards.
    void build(Database &db)
    {
        const qint64 t0 = DashboardFixture::t0();
        qint64 clock = t0;
        RefundWorkflow w(db);
        w.setClock([&clock] { return clock; });
        auto account = [&](const QString &email, const QString &profile) {
            AccountRecord a;
            a.email = email;
            a.displayName = email;
            a.profile = profile;
            a.createdAt = t0;
            return AccountRepository(db.connection()).create(a);
        };
        int refs = 0;
        auto purchase = [&](qint64 accountId, qint64 cents, const QString &currency) {
            PurchaseRecord p;
            p.accountId = accountId;
            p.createdAt = clock;
            p.credits = cents;
            p.amountCents = cents;
            p.currency = currency;
            p.paymentRef = QStringLiteral("pay_%1").arg(++refs);
            return w.recordPurchase(p);
        };
        auto request = [&](qint64 accountId, const QString &type, qint64 purchaseId) {
            RequestRecord r;
            r.accountId = accountId;
            r.type = type;
            r.purchaseId = purchaseId;
            r.message = QStringLiteral("please");
            const qint64 id = w.submitRequest(r);
            w.triage();
            return id;
        };
        auto decide = [&](qint64 id, ReviewAction action, const QString &reviewer,
                          std::optional<qint64> amount) {
            ReviewDecision d;
            d.requestId = id;
            d.action = action;
            d.reviewer = reviewer;
            d.amountCents = amount;
            d.note = QStringLiteral("checked");
            const DecisionResult r = w.decide(d);
            QVERIFY2(r.processed(), qPrintable(r.error));
        };

        ann = account(QStringLiteral("ann@example.com"), QStringLiteral("hummingbytes"));
        bob = account(QStringLiteral("bob@example.com"), QStringLiteral("vysage"));
        const qint64 p1 = purchase(ann, 1000, QStringLiteral("USD"));
        clock = t0 + hour;
        approved = request(ann, QStringLiteral("unused_credits"), p1);
        clock = t0 + 2 * hour;
        decide(approved, ReviewAction::Approve, QStringLiteral("carol"), 250);
        // Refunded money counts once the payout succeeded.
        PayoutBook(db, w).markByHand(
            scalar(db, QStringLiteral("SELECT id FROM payouts WHERE request_id = ?"), {approved}),
            true, QStringLiteral("TR-1"), QStringLiteral("bank transfer"), QStringLiteral("carol"));
        clock = t0 + 3 * hour;
        const qint64 p3 = purchase(ann, 500, QStringLiteral("USD"));
        failedJob = w.recordJob(ann, 30, QStringLiteral("video"));
        QVERIFY(w.reportJobFailure(failedJob, FailureCause::Platform, QStringLiteral("gpu")));
        QVERIFY(!w.reportJobFailure(w.recordJob(ann, 20, QStringLiteral("video")),
                                    FailureCause::User, QStringLiteral("prompt")));
        clock = t0 + 5 * hour;
        open = request(ann, QStringLiteral("accidental_purchase"), p3);
        clock = t0 + day;
        const qint64 p2 = purchase(bob, 2000, QStringLiteral("EUR"));
        clock = t0 + day + hour;
        w.recordJob(bob, 10, QStringLiteral("image"));
        clock = t0 + day + 2 * hour;
        denied = request(bob, QStringLiteral("unused_credits"), p2);
        clock = t0 + day + 4 * hour;
        decide(denied, ReviewAction::Deny, QStringLiteral("dave"), std::nullopt);
    }
};
