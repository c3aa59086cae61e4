#pragma once
// Accounts, purchases and requests built through the workflow as production code would, on a
// pinned clock, for the workflow and money-safety suites.

#include "models/accountrepository.h"
#include "models/invariantchecker.h"
#include "models/purchaserepository.h"
#include "models/requestrepository.h"
#include "policy/refundworkflow.h"

#include <QTest>

constexpr qint64 day = 86400;
constexpr qint64 t0 = 1'772'000'000; // 2026-02-25

// One account with one purchase, built through the workflow as production code would.
struct Shop
{
    Database &db;
    RefundWorkflow workflow;
    qint64 clock = t0;
    int refs = 0;
    QString paymentPrefix = QStringLiteral("pay_"); // pi_ for purchases paid through Stripe

    explicit Shop(Database &database) : db(database), workflow(database)
    {
        workflow.setClock([this] { return clock; });
    }

    qint64 account(const QString &profile)
    {
        AccountRecord a;
        a.email = QStringLiteral("user%1@example.com").arg(++refs);
        a.displayName = QStringLiteral("Zoë \"Z\" O'Brien, Ltd");
        a.profile = profile;
        a.createdAt = clock;
        return AccountRepository(db.connection()).create(a);
    }
    qint64 purchase(qint64 account, qint64 credits, qint64 cents, qint64 fee = 0,
                    int chargeCount = 1, bool delivered = true)
    {
        PurchaseRecord p;
        p.accountId = account;
        p.createdAt = clock;
        p.credits = credits;
        p.amountCents = cents;
        p.feeCents = fee;
        p.chargeCount = chargeCount;
        p.delivered = delivered;
        p.paymentRef = paymentPrefix + QString::number(++refs);
        return workflow.recordPurchase(p);
    }
    qint64 request(qint64 account, const QString &type, qint64 purchase, qint64 job = 0,
                   std::optional<qint64> claimed = {})
    {
        RequestRecord r;
        r.accountId = account;
        r.type = type;
        r.purchaseId = purchase;
        r.jobId = job;
        r.claimedAmountCents = claimed;
        r.message = QStringLiteral("=HYPERLINK(\"x\") please, refund");
        return workflow.submitRequest(r);
    }
    qint64 balance(qint64 account)
    {
        return AccountRepository(db.connection()).find(account)->balanceCredits;
    }
    QString status(qint64 request)
    {
        return RequestRepository(db.connection()).find(request)->status;
    }
    DecisionResult decide(qint64 request, ReviewAction action, const QString &note = {},
                          std::optional<qint64> amount = {}, bool allowOverride = false)
    {
        ReviewDecision d;
        d.requestId = request;
        d.action = action;
        d.reviewer = QStringLiteral("alice");
        d.note = note;
        d.amountCents = amount;
        d.allowOverride = allowOverride;
        return workflow.decide(d);
    }
    void expectInvariants()
    {
        const InvariantReport report = InvariantChecker(db.connection()).run();
        QVERIFY2(report.ok(), qPrintable(report.violations.join(QLatin1Char('\n'))));
    }
};
