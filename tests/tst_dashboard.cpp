// The dashboard's SQL aggregates on both backends against a hand-built fixture.

#include "models/dashboardrepository.h"
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

    // The jobs rollup (schema v16) is what the facts say, whoever wrote the jobs and whatever
    // happened to them since: new jobs, a status that moved, an account put on another
    // profile. The dashboard's jobs figure reads only the rollup.
    void jobsRollupFollowsTheFacts()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        DashboardFixture f;
        f.build(t.db());
        if (QTest::currentTestFailed())
            return;
        const QSqlDatabase conn = t.db().connection();
        const auto rows = [&](const QString &sql) {
            SqlStatement st(conn, sql);
            st.exec();
            QStringList out;
            while (st.next())
                out << QStringLiteral("%1 %2 %3 %4 %5")
                           .arg(st.value(0).toLongLong())
                           .arg(st.value(1).toString(), st.value(2).toString(),
                                st.value(3).toString())
                           .arg(st.value(4).toLongLong());
            return out;
        };
        const auto same = [&] {
            const QStringList facts = rows(QStringLiteral(
                "SELECT j.created_at / 86400, a.profile, j.status, COALESCE(j.failure, ''),"
                " COUNT(*) FROM jobs j JOIN accounts a ON a.id = j.account_id"
                " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"));
            const QStringList rollup = rows(QStringLiteral(
                "SELECT day, profile, status, failure, jobs FROM rollup_jobs WHERE jobs <> 0"
                " ORDER BY 1, 2, 3, 4"));
            QVERIFY(!facts.isEmpty());
            QCOMPARE(rollup, facts);
        };
        same();
        if (QTest::currentTestFailed())
            return;
        // A job that was running fails; a second statement adds jobs in one go.
        SqlStatement::run(conn, QStringLiteral("UPDATE jobs SET status = 'failed', failure ="
                                               " 'platform' WHERE id = (SELECT MIN(id) FROM jobs"
                                               " WHERE status <> 'failed')"));
        SqlStatement::run(conn, QStringLiteral("INSERT INTO jobs (account_id, created_at,"
                                               " credits, status) SELECT account_id, created_at"
                                               " + 60, credits, 'succeeded' FROM jobs"));
        same();
        if (QTest::currentTestFailed())
            return;
        // An account moves to another profile, and its jobs with it.
        SqlStatement::run(conn, QStringLiteral("UPDATE accounts SET profile = CASE WHEN profile ="
                                               " 'apiany' THEN 'vysage' ELSE 'apiany' END WHERE"
                                               " id = (SELECT MIN(account_id) FROM jobs)"));
        same();
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
