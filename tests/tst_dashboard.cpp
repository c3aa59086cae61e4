// The dashboard's SQL aggregates on both backends against a hand-built fixture.

#include "models/dashboardrepository.h"
#include "models/rollups.h"
#include "models/sqldialect.h"
#include "models/sqlstatement.h"
#include "support/dashboardfixture.h"
#include "support/testdatabase.h"

#include <QDateTime>
#include <QTest>

namespace {
constexpr qint64 hour = DashboardFixture::hour;
using P = DashboardPoint;
} // namespace

class TestDashboard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    // Every rollup (schema v16, v17) is what the facts say, whoever wrote them and whatever
    // happened to them since: new rows one by one and many in one statement, a job failing, a
    // payout succeeding, a request answered, a chargeback lost, an account put on another
    // profile. The dashboard reads only the rollups (and the payouts waiting).
    void rollupsFollowTheFacts()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DashboardFixture f;
        f.build(t.db());
        if (QTest::currentTestFailed())
            return;
        const QSqlDatabase conn = t.db().connection();
        const QList<Rollups::Spec> specs = Rollups::all(SqlDialect::of(conn));
        QCOMPARE(specs.size(), 9);
        const auto exec = [&](const QString &sql, const QVariantList &values = {}) {
            SqlStatement st(conn, sql);
            for (const QVariant &v : values)
                st.bind(v);
            st.exec();
        };
        const auto same = [&](const char *step) {
            for (const Rollups::Spec &spec : specs) {
                const qint64 differences =
                    SqlStatement::scalar(conn, Rollups::differences(spec)).toLongLong();
                QVERIFY2(differences == 0, qPrintable(QStringLiteral("%1 after %2: %3 groups")
                                                          .arg(spec.table, QLatin1String(step))
                                                          .arg(differences)));
            }
        };
        same("the fixture");
        if (QTest::currentTestFailed())
            return;
        // A job that was running fails; a second statement adds jobs in one go.
        SqlStatement::run(conn, QStringLiteral("UPDATE jobs SET status = 'failed', failure ="
                                               " 'platform' WHERE id = (SELECT MIN(id) FROM jobs"
                                               " WHERE status <> 'failed')"));
        SqlStatement::run(conn, QStringLiteral("INSERT INTO jobs (account_id, created_at,"
                                               " credits, status) SELECT account_id, created_at"
                                               " + 60, credits, 'succeeded' FROM jobs"));
        same("a failed job and many new ones");
        // A chargeback is opened on ann's purchase, then lost; the open request is answered.
        exec(QStringLiteral("INSERT INTO chargebacks (purchase_id, account_id,"
                            " opened_at, amount_cents, currency) SELECT id,"
                            " account_id, created_at + 86400, amount_cents,"
                            " currency FROM purchases WHERE account_id = ?"),
             {f.ann});
        same("chargebacks opened");
        SqlStatement::run(conn, QStringLiteral("UPDATE chargebacks SET status = 'lost',"
                                               " resolved_at = opened_at + 3600"));
        exec(QStringLiteral("UPDATE refund_requests SET rec_respond_by = '2026-03-01'"
                            " WHERE id = ?"),
             {f.open});
        same("chargebacks lost and an answer date moved");
        // An account moves to another profile, and everything it did with it.
        exec(QStringLiteral("UPDATE accounts SET profile = 'apiany' WHERE"
                            " id = ?"),
             {f.ann});
        same("a profile move");
        // Nothing is counted twice either: every rollup holds its facts.
        for (const Rollups::Spec &spec : specs)
            QVERIFY2(SqlStatement::scalar(conn, QStringLiteral("SELECT COUNT(*) FROM %1 WHERE"
                                                               " profile = 'apiany'")
                                                    .arg(spec.table))
                             .toLongLong() > 0,
                     qPrintable(spec.table));
        // A rollup someone tampered with is found, and a rebuild puts it right.
        SqlStatement::run(conn, QStringLiteral("UPDATE rollup_ledger SET credits = credits + 1"));
        QVERIFY(SqlStatement::scalar(conn, Rollups::differences(*Rollups::find(
                                               specs, QStringLiteral("rollup_ledger"))))
                    .toLongLong() > 0);
        Rollups::rebuild(t.db());
        same("a rebuild");
    }

    void aggregatesMatchTheFixture()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DashboardFixture f;
        f.build(t.db());
        if (QTest::currentTestFailed())
            return;
        const qint64 open = f.open;

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
