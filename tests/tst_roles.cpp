// Who decides, on a real PostgreSQL with real roles: refundctl init sets up the desk's roles,
// refundctl users adds people; each signs in as their own login, the database records who
// acted whatever name the program passes, and refuses, as plain SQL, what a role may not do.

#include "models/auditchain.h"
#include "models/databaseerror.h"
#include "models/sqlstatement.h"
#include "models/teamroles.h"
#include "support/queryvalues.h"
#include "support/refundctlrun.h"
#include "support/testdatabase.h"
#include "support/workflowshop.h"

#include "policy/requestdossier.h"
#include "ui/decisiondialog.h"
#include "ui/mainwindow.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTest>

namespace {
QString refusal(Database &db, const QString &sql)
{
    try {
        SqlStatement::run(db.connection(), sql);
    } catch (const DatabaseError &e) {
        return e.message();
    }
    return {};
}
} // namespace

class TestRoles : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void rolesAreEnforcedByTheDatabase()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        if (backend == QLatin1String("sqlite")) {
            // One person's file: roles do not apply, and refundctl says so.
            const RefundctlRun r = runRefundctl({QStringLiteral("users"), QStringLiteral("list"),
                                                 QStringLiteral("--database"), t.url().toString()});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("operating-system user"), r.err.constData());
            return;
        }
        const QString url = t.url().toString();
        RefundctlRun r = runRefundctl({QStringLiteral("init"), QStringLiteral("--database"), url});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("refunddesk_viewer"), r.out.constData());

        // Roles belong to the server: names of this run's own.
        const QString tag = QString::number(QRandomGenerator::global()->generate(), 36);
        const QString reviewer = QStringLiteral("rev_") + tag;
        const QString lead = QStringLiteral("lead_") + tag;
        const QString viewer = QStringLiteral("view_") + tag;
        const QString lead2 = QStringLiteral("leadtwo_") + tag;
        auto add = [&](const QString &name, const char *role) {
            return runRefundctl({QStringLiteral("users"), QStringLiteral("add"), name,
                                 QStringLiteral("--role"), QLatin1String(role),
                                 QStringLiteral("--password-stdin"), QStringLiteral("--database"),
                                 url},
                                "s3cret-" + name.toUtf8() + '\n');
        };
        for (const auto &[name, role] : {std::pair{reviewer, "reviewer"}, std::pair{lead, "lead"},
                                         std::pair{viewer, "viewer"}, std::pair{lead2, "lead"}}) {
            r = add(name, role);
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        r = add(reviewer, "reviewer");
        QCOMPARE(r.exitCode, 1); // taken
        r = runRefundctl(
            {QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--database"), url});
        QVERIFY(r.out.contains(reviewer.toUtf8()) && r.out.contains(lead.toUtf8()));

        // What the shop needs, made by the owner.
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("aiimagestudio"));
        const qint64 purchase = shop.purchase(a, 500, 4900);
        const qint64 unhappy = shop.request(a, QStringLiteral("dissatisfaction"), purchase);
        const qint64 dup =
            shop.request(a, QStringLiteral("duplicate_charge"), shop.purchase(a, 120, 1000, 0, 2));
        shop.workflow.triage();

        auto login = [&](const QString &name) {
            DatabaseUrl u = t.url();
            u = DatabaseUrl::postgres(u.host(), u.port(), name, QStringLiteral("s3cret-") + name,
                                      u.databaseName());
            auto db = std::make_unique<Database>(u);
            db->open();
            return db;
        };
        std::unique_ptr<Database> asReviewer = login(reviewer);
        QCOMPARE(TeamRoles(asReviewer->connection()).sessionRole(), QStringLiteral("reviewer"));

        // Plain SQL a reviewer may not send.
        for (const char *sql :
             {"TRUNCATE audit_log", "ALTER TABLE audit_log DISABLE TRIGGER USER",
              "DELETE FROM ledger_entries", "UPDATE audit_head SET last_seq = 0",
              "DROP TABLE decisions", "UPDATE decisions SET note = 'x'",
              "INSERT INTO policy_profiles (profile, version, company, body, created_at,"
              " created_by) VALUES ('x', 1, 'x', '{}', 0, 'x')"})
            QVERIFY2(!refusal(*asReviewer, QLatin1String(sql)).isEmpty(), sql);

        // Deciding as the policy says: recorded as the session's login, not the name passed.
        RefundWorkflow asReviewerFlow(*asReviewer);
        ReviewDecision d;
        d.requestId = dup;
        d.action = ReviewAction::Approve;
        d.reviewer = QStringLiteral("mallory");
        DecisionResult result = asReviewerFlow.decide(d);
        QVERIFY2(result.processed(), qPrintable(result.error));
        QCOMPARE(SqlStatement::scalar(t.db().connection(),
                                      QStringLiteral("SELECT reviewer FROM decisions WHERE"
                                                     " request_id = ?"),
                                      {dup})
                     .toString(),
                 reviewer);
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE request_id ="
                                       " ? AND actor = 'mallory'"),
                        {dup}),
                 0);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM ledger_entries WHERE"
                                               " created_by = 'mallory'")),
                 0);

        // An override: refused for a reviewer by the database, taken from a lead.
        d.requestId = unhappy;
        d.amountCents = 1000;
        d.allowOverride = true;
        d.note = QStringLiteral("goodwill");
        result = asReviewerFlow.decide(d);
        QVERIFY(!result.processed());
        QVERIFY2(result.error.contains(QLatin1String("only a lead")), qPrintable(result.error));
        // Nothing the session can set changes who it is.
        SqlStatement::run(
            asReviewer->connection(),
            QStringLiteral("SELECT set_config('refunddesk.session_role', '-', false)"));
        result = asReviewerFlow.decide(d);
        QVERIFY2(result.error.contains(QLatin1String("only a lead")), qPrintable(result.error));
        QCOMPARE(shop.status(unhappy), QStringLiteral("pending"));
        std::unique_ptr<Database> asLead = login(lead);
        RefundWorkflow asLeadFlow(*asLead);
        result = asLeadFlow.decide(d);
        // Four-eyes: a lead's override is a first approval; nothing is paid yet.
        QCOMPARE(result.status, DecisionResult::Status::AwaitingApproval);
        QCOMPARE(shop.status(unhappy), QStringLiteral("awaiting_approval"));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM payouts WHERE request_id = ?"),
                        {unhappy}),
                 0);
        // Not approved a second time by the same lead, through the program or as plain SQL...
        result = asLeadFlow.approveSecond(unhappy, QStringLiteral("someone else"));
        QVERIFY2(!result.processed() && result.error.contains(QLatin1String("another lead")),
                 qPrintable(result.error));
        const QString ownSecond =
            refusal(*asLead, QStringLiteral("INSERT INTO approvals (request_id, step, proposal_id,"
                                            " actor, at) SELECT request_id, 'approved', id, 'x', 0"
                                            " FROM approvals WHERE request_id = %1")
                                 .arg(unhappy));
        QVERIFY2(ownSecond.contains(QLatin1String("own decision")), qPrintable(ownSecond));
        // ...nor by a reviewer.
        result = asReviewerFlow.approveSecond(unhappy, reviewer);
        QVERIFY2(!result.processed() && result.error.contains(QLatin1String("only a lead")),
                 qPrintable(result.error));
        QCOMPARE(shop.status(unhappy), QStringLiteral("awaiting_approval"));
        std::unique_ptr<Database> asLead2 = login(lead2);
        result = RefundWorkflow(*asLead2).approveSecond(unhappy, QStringLiteral("mallory"));
        QVERIFY2(result.status == DecisionResult::Status::Approved, qPrintable(result.error));
        QCOMPARE(result.refundCents, 1000);
        QCOMPARE(SqlStatement::scalar(t.db().connection(),
                                      QStringLiteral("SELECT reviewer || '+' || second_approver"
                                                     " FROM decisions WHERE request_id = ?"),
                                      {unhappy})
                     .toString(),
                 lead + QLatin1Char('+') + lead2);

        // The desk of each: who is signed in, and what the role may not do is not offered.
        {
            std::unique_ptr<Database> deskDb = login(viewer);
            MainWindow desk(*deskDb);
            QCOMPARE(desk.sessionRole(), QStringLiteral("viewer"));
            QVERIFY(!desk.action(QStringLiteral("approve"))->isEnabled());
            QVERIFY(!desk.action(QStringLiteral("newRequest"))->isEnabled());
            QVERIFY(desk.action(QStringLiteral("approve"))
                        ->toolTip()
                        .contains(QLatin1String("viewer")));
            QVERIFY(!desk.action(QStringLiteral("reviewer"))->isEnabled());
            bool said = false;
            for (QLabel *l : desk.findChildren<QLabel *>())
                said = said || l->text() == QStringLiteral("Signed in as %1 (viewer)").arg(viewer);
            QVERIFY(said);
        }
        {
            std::unique_ptr<Database> deskDb = login(reviewer);
            MainWindow desk(*deskDb);
            QCOMPARE(desk.sessionRole(), QStringLiteral("reviewer"));
            RefundWorkflow flow(*deskDb);
            const qint64 other = shop.request(a, QStringLiteral("dissatisfaction"), purchase);
            shop.workflow.triage();
            DecisionDialog dialog(ReviewAction::Approve, RequestDossier::load(*deskDb, flow, other),
                                  reviewer,
                                  [&](const ReviewDecision &x) { return flow.decide(x); });
            QVERIFY(dialog.isOverride());
            dialog.forbidOverride(QStringLiteral("Only a lead"));
            QVERIFY(
                !dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
        }

        // A viewer reads and writes nothing.
        std::unique_ptr<Database> asViewer = login(viewer);
        QVERIFY(scalar(*asViewer, QStringLiteral("SELECT COUNT(*) FROM decisions")) == 2);
        QCOMPARE(shop.status(unhappy), QStringLiteral("approved"));
        QVERIFY(!refusal(*asViewer, QStringLiteral("INSERT INTO audit_log (at, actor, action)"
                                                   " VALUES (0, 'x', 'note')"))
                     .isEmpty());

        // The chain holds over everyone's rows, and check is content.
        QVERIFY(AuditChain::verify(t.db().connection()).ok);
        shop.expectInvariants();

        // Another role; a disabled person can no longer sign in.
        r = runRefundctl({QStringLiteral("users"), QStringLiteral("set-role"), viewer,
                          QStringLiteral("lead"), QStringLiteral("--database"), url});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(TeamRoles(login(viewer)->connection()).sessionRole(), QStringLiteral("lead"));
        r = runRefundctl({QStringLiteral("users"), QStringLiteral("disable"), reviewer,
                          QStringLiteral("--database"), url});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY_THROWS_EXCEPTION(DatabaseError, login(reviewer));

        asReviewer.reset();
        asLead.reset();
        asLead2.reset();
        asViewer.reset();
        SqlStatement::run(t.db().connection(), QStringLiteral("DROP OWNED BY %1, %2, %3, %4")
                                                   .arg(reviewer, lead, viewer, lead2));
        SqlStatement::run(t.db().connection(), QStringLiteral("DROP ROLE %1, %2, %3, %4")
                                                   .arg(reviewer, lead, viewer, lead2));
    }
};

QTEST_MAIN(TestRoles)
#include "tst_roles.moc"
