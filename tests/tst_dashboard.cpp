// The dashboard's SQL aggregates on both backends against a hand-built fixture.

#include "models/accountrepository.h"
#include "models/dashboardrepository.h"
#include "models/purchaserepository.h"
#include "models/sqlstatement.h"
#include "policy/refundworkflow.h"
#include "support/testdatabase.h"

#include <QDateTime>
#include <QTest>

namespace {
const qint64 t0 = QDateTime(QDate(2026, 3, 2), QTime(10, 0), Qt::UTC).toSecsSinceEpoch(); // Monday
constexpr qint64 hour = 3600;
constexpr qint64 day = 24 * hour;

using P = DashboardPoint;
} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void aggregatesMatchTheFixture()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        qint64 clock = t0;
        RefundWorkflow w(t.db());
        w.setClock([&clock] { return clock; });
        auto account = [&](const QString &email, const QString &profile) {
            AccountRecord a;
            a.email = email;
            a.displayName = email;
            a.profile = profile;
            a.createdAt = t0;
            return AccountRepository(t.db().connection()).create(a);
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

        const qint64 ann =
            account(QStringLiteral("ann@example.com"), QStringLiteral("hummingbytes"));
        const qint64 bob = account(QStringLiteral("bob@example.com"), QStringLiteral("vysage"));
        const qint64 p1 = purchase(ann, 1000, QStringLiteral("USD"));
        clock = t0 + hour;
        const qint64 r1 = request(ann, QStringLiteral("unused_credits"), p1);
        clock = t0 + 2 * hour;
        decide(r1, ReviewAction::Approve, QStringLiteral("carol"), 250);
        clock = t0 + 3 * hour;
        const qint64 p3 = purchase(ann, 500, QStringLiteral("USD"));
        QVERIFY(w.reportJobFailure(w.recordJob(ann, 30, QStringLiteral("video")),
                                   FailureCause::Platform, QStringLiteral("gpu")));
        QVERIFY(!w.reportJobFailure(w.recordJob(ann, 20, QStringLiteral("video")),
                                    FailureCause::User, QStringLiteral("prompt")));
        clock = t0 + 5 * hour;
        const qint64 open = request(ann, QStringLiteral("accidental_purchase"), p3);
        clock = t0 + day;
        const qint64 p2 = purchase(bob, 2000, QStringLiteral("EUR"));
        clock = t0 + day + hour;
        w.recordJob(bob, 10, QStringLiteral("image"));
        clock = t0 + day + 2 * hour;
        const qint64 r3 = request(bob, QStringLiteral("unused_credits"), p2);
        clock = t0 + day + 4 * hour;
        decide(r3, ReviewAction::Deny, QStringLiteral("dave"), std::nullopt);

        DashboardRepository dash(t.db().connection());
        DashboardRange march;
        march.from = QDate(2026, 3, 1);
        march.to = QDate(2026, 3, 31);
        const QDate later(2027, 1, 1);
        const DashboardKpis k = dash.kpis(march, later);
        QCOMPARE(k.refundedCents, (QMap<QString, qint64>{{QStringLiteral("USD"), 250}}));
        QCOMPARE(k.revenueCents, (QMap<QString, qint64>{{QStringLiteral("USD"), 1500},
                                                        {QStringLiteral("EUR"), 2000}}));
        QCOMPARE(k.creditsRestored, qint64(30));
        QCOMPARE(k.decisions, qint64(2));
        QCOMPARE(k.overrides, qint64(0));
        QCOMPARE(k.medianDecisionSeconds, hour); // 1 h and 2 h: the lower middle
        QCOMPARE(k.openRequests, qint64(1));
        const bool hasDeadline =
            !SqlStatement::scalar(t.db().connection(),
                                  QStringLiteral("SELECT rec_respond_by FROM"
                                                 " refund_requests WHERE id = ?"),
                                  {open})
                 .isNull();
        QCOMPARE(k.overdueRequests, qint64(hasDeadline ? 1 : 0));
        QCOMPARE(dash.kpis(march, QDate(2026, 3, 2)).overdueRequests, qint64(0));

        QCOMPARE(dash.refunds(march),
                 (QList<P>{{QStringLiteral("2026-03-02"), QStringLiteral("USD"), 250}}));
        QCOMPARE(dash.creditsRestored(march),
                 (QList<P>{{QStringLiteral("2026-03-02"), QString(), 30}}));
        QCOMPARE(dash.requestsByTypeAndVerdict(march),
                 (QList<P>{{QStringLiteral("unused_credits"), QStringLiteral("approve"), 1},
                           {QStringLiteral("unused_credits"), QStringLiteral("deny"), 1}}));
        QCOMPARE(dash.jobsByCause(march),
                 (QList<P>{{QStringLiteral("2026-03-02"), QStringLiteral("all"), 2},
                           {QStringLiteral("2026-03-02"), QStringLiteral("platform"), 1},
                           {QStringLiteral("2026-03-02"), QStringLiteral("user"), 1},
                           {QStringLiteral("2026-03-03"), QStringLiteral("all"), 1}}));
        QCOMPARE(dash.decisionsPerReviewer(march),
                 (QList<P>{{QStringLiteral("carol"), QStringLiteral("decisions"), 1},
                           {QStringLiteral("dave"), QStringLiteral("decisions"), 1}}));
        const QList<P> onTime = dash.answersOnTime(march);
        qint64 answered = 0;
        for (const P &p : onTime)
            answered += p.value;
        QCOMPARE(answered,
                 qint64(SqlStatement::scalar(t.db().connection(),
                                             QStringLiteral("SELECT COUNT(*) FROM"
                                                            " refund_requests WHERE"
                                                            " decided_at IS NOT NULL AND"
                                                            " rec_respond_by IS NOT NULL"))
                            .toLongLong()));

        DashboardRange weeks = march;
        weeks.granularity = DashboardRange::Granularity::Week;
        QCOMPARE(dash.jobsByCause(weeks).first(),
                 (P{QStringLiteral("2026-03-02"), QStringLiteral("all"), 3}));
        DashboardRange months = march;
        months.granularity = DashboardRange::Granularity::Month;
        QCOMPARE(dash.refunds(months),
                 (QList<P>{{QStringLiteral("2026-03"), QStringLiteral("USD"), 250}}));

        // The profile filter, and a range with nothing in it.
        DashboardRange vysage = march;
        vysage.profile = QStringLiteral("vysage");
        const DashboardKpis v = dash.kpis(vysage, later);
        QCOMPARE(v.revenueCents, (QMap<QString, qint64>{{QStringLiteral("EUR"), 2000}}));
        QVERIFY(v.refundedCents.isEmpty());
        QCOMPARE(v.decisions, qint64(1));
        QCOMPARE(v.openRequests, qint64(0));
        DashboardRange april;
        april.from = QDate(2026, 4, 1);
        april.to = QDate(2026, 4, 30);
        QCOMPARE(dash.kpis(april, later).decisions, qint64(0));
        QCOMPARE(dash.kpis(april, later).medianDecisionSeconds, qint64(-1));
        QVERIFY(dash.jobsByCause(april).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDashboard)
#include "tst_dashboard.moc"
