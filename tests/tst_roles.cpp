// Who decides, on a real PostgreSQL with real roles: refundctl init sets up the desk's roles,
// refundctl users adds people; each signs in as their own login, the database records who
// acted whatever name the program passes, and refuses, as plain SQL, what a role may not do.

#include "models/auditchain.h"
#include "models/databaseerror.h"
#include "models/desksettings.h"
#include "models/invariantchecker.h"
#include "models/profilerepository.h"
#include "models/sqlstatement.h"
#include "models/teamroles.h"
#include "support/queryvalues.h"
#include "support/refundctlrun.h"
#include "support/testdatabase.h"
#include "support/workflowshop.h"

#include "policy/requestdossier.h"
#include "ui/decisiondialog.h"
#include "ui/mainwindow.h"
#include "ui/notedialog.h"
#include "ui/queueview.h"
#include "ui/requestdetailview.h"

#include <QAbstractButton>
#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QTableView>
#include <QTest>
#include <QThread>

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

// The people of one test: login roles named for this run (roles belong to the server), added
// with refundctl, dropped again at the end.
struct Team
{
    explicit Team(TestDatabase &test) : t(test) {}
    TestDatabase &t;
    QString tag = QString::number(QRandomGenerator::global()->generate(), 36);
    QStringList names;

    QString add(const QString &prefix, const char *role)
    {
        const QString name = prefix + tag;
        const RefundctlRun r = runRefundctl({QStringLiteral("users"), QStringLiteral("add"), name,
                                             QStringLiteral("--role"), QLatin1String(role),
                                             QStringLiteral("--password-stdin"),
                                             QStringLiteral("--database"), t.url().toString()},
                                            "s3cret-" + name.toUtf8() + '\n');
        if (r.exitCode != 0)
            qFatal("refundctl users add %s: %s", qPrintable(name), r.err.constData());
        names << name;
        return name;
    }
    std::unique_ptr<Database> login(const QString &name) const
    {
        const DatabaseUrl u = t.url();
        auto db = std::make_unique<Database>(DatabaseUrl::postgres(
            u.host(), u.port(), name, QStringLiteral("s3cret-") + name, u.databaseName()));
        db->open();
        return db;
    }
    ~Team()
    {
        if (names.isEmpty())
            return;
        const QString all = names.join(QStringLiteral(", "));
        SqlStatement::run(t.db().connection(), QStringLiteral("DROP OWNED BY %1").arg(all));
        SqlStatement::run(t.db().connection(), QStringLiteral("DROP ROLE %1").arg(all));
    }
};

ReviewDecision approval(qint64 request, const QString &reviewer)
{
    ReviewDecision d;
    d.requestId = request;
    d.action = ReviewAction::Approve;
    d.reviewer = reviewer;
    return d;
}

// The buttons of the modal message box once it shows (QMessageBox::open is window-modal).
QMessageBox *waitForQuestion(QWidget &w, const QString &name)
{
    QMessageBox *found = nullptr;
    (void)QTest::qWaitFor(
        [&] {
            found = w.findChild<QMessageBox *>(name);
            return found && found->isVisible();
        },
        5000);
    return found;
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
            // ...and so does the desk.
            MainWindow desk(t.db());
            desk.setReviewer(QStringLiteral("ana"));
            bool said = false;
            for (QLabel *l : desk.findChildren<QLabel *>())
                said = said || (l->text() == QStringLiteral("Reviewer: ana · one person's file, no "
                                                            "roles") &&
                                l->toolTip().contains(QLatin1String("second approvals")));
            QVERIFY(said);
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
        // ...nor by a reviewer, as plain SQL either; nor does a reviewer's plain-SQL override.
        const QString reviewerSecond =
            refusal(*asReviewer, QStringLiteral("INSERT INTO approvals (request_id, step,"
                                                " proposal_id, actor, at) SELECT request_id,"
                                                " 'approved', id, 'x', 0 FROM approvals WHERE"
                                                " request_id = %1")
                                     .arg(unhappy));
        QVERIFY2(reviewerSecond.contains(QLatin1String("only a lead")), qPrintable(reviewerSecond));
        const QString reviewerOverride = refusal(
            *asReviewer, QStringLiteral("INSERT INTO decisions (request_id, verdict, remedy,"
                                        " reviewer, decided_at, profile, profile_version,"
                                        " is_override) VALUES (%1, 'approve', 'none', 'x', 0,"
                                        " 'aiimagestudio', 1, TRUE)")
                             .arg(unhappy));
        QVERIFY2(reviewerOverride.contains(QLatin1String("only a lead")),
                 qPrintable(reviewerOverride));
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
        SqlStatement::run(
            t.db().connection(),
            QStringLiteral("DROP OWNED BY %1, %2, %3, %4").arg(reviewer, lead, viewer, lead2));
        SqlStatement::run(
            t.db().connection(),
            QStringLiteral("DROP ROLE %1, %2, %3, %4").arg(reviewer, lead, viewer, lead2));
    }

    // Four-eyes: a money refund above the desk's threshold waits for a second lead, in two
    // desks signed in as two people; the database holds it against plain SQL too.
    void fourEyesAcrossTwoDesks()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const QString url = t.url().toString();
        Shop shop(t.db());
        const qint64 a = shop.account(QStringLiteral("aiimagestudio"));
        // Duplicate charges: the second charge goes back, 20.00 and 10.00.
        const qint64 big =
            shop.request(a, QStringLiteral("duplicate_charge"), shop.purchase(a, 120, 2000, 0, 2));
        const qint64 small =
            shop.request(a, QStringLiteral("duplicate_charge"), shop.purchase(a, 120, 1000, 0, 2));
        shop.workflow.triage();
        RefundctlRun r = runRefundctl({QStringLiteral("settings"), QStringLiteral("set"),
                                       QStringLiteral("four_eyes_above_cents"),
                                       QStringLiteral("1500"), QStringLiteral("--database"), url});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runRefundctl({QStringLiteral("settings"), QStringLiteral("set"),
                          QStringLiteral("four_eyes_above_cents"), QStringLiteral("lots"),
                          QStringLiteral("--database"), url});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("whole number"), r.err.constData());
        QCOMPARE(DeskSettings(t.db().connection()).fourEyesAboveCents(), 1500);
        if (backend == QLatin1String("sqlite")) {
            // One person's file: there is no second person to ask.
            QCOMPARE(shop.decide(big, ReviewAction::Approve).status,
                     DecisionResult::Status::Approved);
            return;
        }
        r = runRefundctl({QStringLiteral("init"), QStringLiteral("--database"), url});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        Team team(t);
        const QString reviewer = team.add(QStringLiteral("rev_"), "reviewer");
        const QString lead = team.add(QStringLiteral("lead_"), "lead");
        const QString admin = team.add(QStringLiteral("admin_"), "admin");
        std::unique_ptr<Database> asReviewer = team.login(reviewer);
        std::unique_ptr<Database> asLead = team.login(lead);

        // Only an admin changes the desk's settings: the database refuses the others.
        QVERIFY_THROWS_EXCEPTION(DatabaseError, DeskSettings(asReviewer->connection())
                                                    .set(QStringLiteral("four_eyes_above_cents"),
                                                         QStringLiteral("100000")));
        DeskSettings(team.login(admin)->connection())
            .set(QStringLiteral("four_eyes_above_cents"), QStringLiteral("1500"));

        // The reviewer's desk: below the threshold an approval is carried out at once...
        MainWindow reviewerDesk(*asReviewer);
        reviewerDesk.show();
        QCOMPARE(RefundWorkflow(*asReviewer).decide(approval(small, reviewer)).status,
                 DecisionResult::Status::Approved);
        // ...above it, the approval in the desk is a first one: nothing is paid.
        QVERIFY(reviewerDesk.queue()->selectRequest(big));
        QTRY_COMPARE(reviewerDesk.detail()->requestId(), big);
        reviewerDesk.action(QStringLiteral("approve"))->trigger();
        auto *dialog = reviewerDesk.findChild<DecisionDialog *>();
        QTRY_VERIFY(dialog && dialog->isVisible());
        QApplication::setActiveWindow(dialog);
        QTest::keyClick(dialog, Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE(shop.status(big), QStringLiteral("awaiting_approval"));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM payouts WHERE request_id = ?"),
                        {big}),
                 0);
        QTRY_VERIFY(reviewerDesk.detail()->dossier().firstApproval.has_value());
        QVERIFY(!reviewerDesk.action(QStringLiteral("approve"))->isEnabled());
        QVERIFY(!reviewerDesk.action(QStringLiteral("secondApproval"))->isEnabled());
        QVERIFY(reviewerDesk.action(QStringLiteral("secondApproval"))
                    ->toolTip()
                    .contains(QLatin1String("another lead")));

        // The policy editor is a lead's: a reviewer cannot save it, and is told who can.
        auto *saveProfile = reviewerDesk.findChild<QPushButton *>(QStringLiteral("saveProfile"));
        QVERIFY(saveProfile && !saveProfile->isEnabled());
        QVERIFY(saveProfile->toolTip().contains(QLatin1String("Only a lead")));

        // Plain SQL cannot pay it, credit it or decide it without the second lead.
        const QString payout = refusal(
            *asReviewer,
            QStringLiteral("INSERT INTO payouts (request_id, purchase_id, account_id, amount_cents,"
                           " currency, created_at) SELECT id, purchase_id, account_id, 2000, 'USD',"
                           " 0 FROM refund_requests WHERE id = %1")
                .arg(big));
        QVERIFY2(payout.contains(QLatin1String("payout follows")), qPrintable(payout));
        for (Database *as : {asReviewer.get(), asLead.get()}) {
            const QString decision = refusal(
                *as, QStringLiteral("INSERT INTO decisions (request_id, verdict, remedy,"
                                    " refund_cents, currency, reviewer, decided_at, profile,"
                                    " profile_version, second_approver) VALUES (%1, 'approve',"
                                    " 'money_refund', 2000, 'USD', 'x', 0, 'x', 1, '%2')")
                         .arg(big)
                         .arg(lead));
            QVERIFY2(decision.contains(QLatin1String("second approval")), qPrintable(decision));
            const QString credit =
                refusal(*as, QStringLiteral(
                                 "INSERT INTO ledger_entries (account_id, created_at, entry_type,"
                                 " credits, request_id, created_by) VALUES (%1, 0, 'adjustment',"
                                 " 500, %2, 'system')")
                                 .arg(a)
                                 .arg(big));
            QVERIFY2(credit.contains(QLatin1String("only once it is approved")),
                     qPrintable(credit));
        }

        // The lead's desk: "Waiting for my approval" lists it; the second approval pays it.
        MainWindow leadDesk(*asLead);
        leadDesk.show();
        auto *status = leadDesk.queue()->findChild<QComboBox *>(QStringLiteral("statusFilter"));
        QVERIFY(status);
        status->setCurrentIndex(status->findText(QStringLiteral("Waiting for my approval")));
        auto *table = leadDesk.queue()->findChild<QTableView *>();
        QTRY_COMPARE(table->model()->rowCount(), 1);
        QVERIFY(leadDesk.queue()->selectRequest(big));
        QTRY_COMPARE(leadDesk.detail()->requestId(), big);
        QVERIFY(leadDesk.detail()->dossier().firstApproval.has_value());
        QCOMPARE(leadDesk.detail()->dossier().firstApproval->actor, reviewer);
        QVERIFY(leadDesk.action(QStringLiteral("secondApproval"))->isEnabled());
        QVERIFY(!leadDesk.action(QStringLiteral("approve"))->isEnabled());
        // REFUNDDESK_SCREENSHOTS=dir keeps a picture of the lead's desk to look at.
        if (const QString dir = qEnvironmentVariable("REFUNDDESK_SCREENSHOTS"); !dir.isEmpty()) {
            leadDesk.resize(1600, 1000);
            leadDesk.grab().save(dir + QStringLiteral("/four-eyes-lead.png"));
        }
        // Sent back first, with a note: the request is the queue's again.
        leadDesk.action(QStringLiteral("sendBack"))->trigger();
        auto *note = leadDesk.findChild<NoteDialog *>(QStringLiteral("sendBackDialog"));
        QTRY_VERIFY(note && note->isVisible());
        note->setNote(QStringLiteral("Check the second charge first."));
        note->accept();
        QTRY_COMPARE(shop.status(big), QStringLiteral("pending"));
        // Approved again by the reviewer, then a second time by the lead.
        QCOMPARE(RefundWorkflow(*asReviewer).decide(approval(big, reviewer)).status,
                 DecisionResult::Status::AwaitingApproval);
        // refundctl lists what waits, and who approved it first.
        r = runRefundctl({QStringLiteral("approvals"), QStringLiteral("list"),
                          QStringLiteral("--json"), QStringLiteral("--database"), url});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray waiting = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(waiting.size(), 1);
        QCOMPARE(waiting.at(0)[QStringLiteral("request")].toInteger(), big);
        QCOMPARE(waiting.at(0)[QStringLiteral("first_approval")].toString(), reviewer);
        QCOMPARE(waiting.at(0)[QStringLiteral("refund_cents")].toInteger(), 2000);
        leadDesk.action(QStringLiteral("refresh"))->trigger();
        QVERIFY(leadDesk.queue()->selectRequest(big));
        QTRY_VERIFY(leadDesk.detail()->dossier().firstApproval.has_value());
        QTRY_VERIFY(leadDesk.action(QStringLiteral("secondApproval"))->isEnabled());
        leadDesk.action(QStringLiteral("secondApproval"))->trigger();
        QMessageBox *ask = waitForQuestion(leadDesk, QStringLiteral("secondApprovalQuestion"));
        QVERIFY(ask);
        QVERIFY(ask->informativeText().contains(QLatin1String("20.00")));
        ask->button(QMessageBox::Yes)->click();
        QTRY_COMPARE(shop.status(big), QStringLiteral("approved"));
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT amount_cents FROM payouts WHERE request_id = ?"),
                        {big}),
                 2000);
        QCOMPARE(SqlStatement::scalar(t.db().connection(),
                                      QStringLiteral("SELECT reviewer || '+' || second_approver"
                                                     " FROM decisions WHERE request_id = ?"),
                                      {big})
                     .toString(),
                 reviewer + QLatin1Char('+') + lead);
        // Every step is in the history, with who and under which role.
        SqlStatement steps(t.db().connection(),
                           QStringLiteral("SELECT action, actor, actor_role FROM audit_log WHERE"
                                          " request_id = ? AND action <> 'triage' ORDER BY id"));
        steps.bind(big).exec();
        QStringList history;
        while (steps.next())
            history << steps.value(0).toString() + QLatin1Char(' ') + steps.value(1).toString() +
                           QLatin1Char(' ') + steps.value(2).toString();
        QCOMPARE(history, (QStringList{
                              QStringLiteral("awaiting_approval %1 reviewer").arg(reviewer),
                              QStringLiteral("send_back %1 lead").arg(lead),
                              QStringLiteral("awaiting_approval %1 reviewer").arg(reviewer),
                              QStringLiteral("approve %1 lead").arg(lead),
                          }));
        QVERIFY(AuditChain::verify(t.db().connection()).ok);
        shop.expectInvariants();

        // Two leads give the second approval of one request at the same moment: it is paid
        // once, and the other is told.
        const QString lead2 = team.add(QStringLiteral("leadtwo_"), "lead");
        const qint64 twice =
            shop.request(a, QStringLiteral("duplicate_charge"), shop.purchase(a, 120, 3000, 0, 2));
        shop.workflow.triage();
        QCOMPARE(RefundWorkflow(*asReviewer).decide(approval(twice, reviewer)).status,
                 DecisionResult::Status::AwaitingApproval);
        QList<DecisionResult> answers(2);
        auto approver = [&](int i, const QString &name) {
            return QThread::create([&, i, name] {
                std::unique_ptr<Database> db = team.login(name);
                answers[i] = RefundWorkflow(*db).approveSecond(twice, name);
            });
        };
        std::unique_ptr<QThread> one(approver(0, lead)), two(approver(1, lead2));
        one->start();
        two->start();
        QVERIFY(one->wait(60000) && two->wait(60000));
        QCOMPARE(int(answers[0].status == DecisionResult::Status::Approved) +
                     int(answers[1].status == DecisionResult::Status::Approved),
                 1);
        const DecisionResult &refused =
            answers[0].status == DecisionResult::Status::Approved ? answers[1] : answers[0];
        QVERIFY2(refused.status == DecisionResult::Status::Failed &&
                     refused.error.contains(QLatin1String("not waiting")),
                 qPrintable(refused.error));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM payouts WHERE request_id = ?"),
                        {twice}),
                 1);
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT COUNT(*) FROM approvals WHERE request_id = ?"),
                        {twice}),
                 2);
        shop.expectInvariants();

        // Only a lead saves a company's policy profile; the database records who did.
        const QByteArray body = R"({"id": "acme"})";
        QVERIFY_THROWS_EXCEPTION(DatabaseError,
                                 ProfileRepository(asReviewer->connection())
                                     .store(QStringLiteral("acme"), QStringLiteral("Acme"), body, 0,
                                            QStringLiteral("x")));
        QCOMPARE(ProfileRepository(asLead->connection())
                     .store(QStringLiteral("acme"), QStringLiteral("Acme"), body, 0,
                            QStringLiteral("mallory")),
                 1);
        QCOMPARE(ProfileRepository(t.db().connection()).latest(QStringLiteral("acme"))->createdBy,
                 lead);

        // Which policy an account is on is a lead's to change.
        const QString moved =
            refusal(*asReviewer,
                    QStringLiteral("UPDATE accounts SET profile = 'acme' WHERE id = %1").arg(a));
        QVERIFY2(moved.contains(QLatin1String("only a lead")), qPrintable(moved));

        // Corrections: only a lead reverses a decision, as the database checks too.
        const qint64 unhappy = shop.request(a, QStringLiteral("dissatisfaction"), 0);
        shop.workflow.triage();
        ReviewDecision no = approval(unhappy, reviewer);
        no.action = ReviewAction::Deny;
        QCOMPARE(RefundWorkflow(*asReviewer).decide(no).status, DecisionResult::Status::Denied);
        try {
            RefundWorkflow(*asReviewer).reverse(unhappy, reviewer, QStringLiteral("too harsh"));
            QFAIL("a reviewer reversed a decision");
        } catch (const DatabaseError &e) {
            QVERIFY2(e.message().contains(QLatin1String("only a lead")), qPrintable(e.message()));
        }
        const QString plain = refusal(
            *asReviewer, QStringLiteral("INSERT INTO reversals (decision_id, request_id, actor, at,"
                                        " reason) SELECT id, request_id, 'x', 0, 'x' FROM"
                                        " decisions WHERE request_id = %1")
                             .arg(unhappy));
        QVERIFY2(plain.contains(QLatin1String("only a lead")), qPrintable(plain));
        leadDesk.action(QStringLiteral("refresh"))->trigger();
        status->setCurrentIndex(status->findText(QStringLiteral("All statuses")));
        QTRY_VERIFY(leadDesk.queue()->selectRequest(unhappy));
        QTRY_COMPARE(leadDesk.detail()->requestId(), unhappy);
        QVERIFY(leadDesk.action(QStringLiteral("reverse"))->isEnabled());
        leadDesk.action(QStringLiteral("reverse"))->trigger();
        auto *why = leadDesk.findChild<NoteDialog *>(QStringLiteral("reverseDialog"));
        QTRY_VERIFY(why && why->isVisible());
        why->setNote(QStringLiteral("The image really was broken."));
        why->accept();
        QTRY_VERIFY(leadDesk.detail()->dossier().reversal.has_value());
        QCOMPARE(leadDesk.detail()->dossier().reversal->actor, lead);
        QVERIFY(!leadDesk.action(QStringLiteral("reverse"))->isEnabled());
        QCOMPARE(scalar(t.db(),
                        QStringLiteral("SELECT COUNT(*) FROM refund_requests WHERE reopens = ?"),
                        {unhappy}),
                 1);

        // check notices a second approval that is not on record, and a request waiting with
        // no first approval (written as the owner, whom no trigger holds).
        const qint64 forged = shop.request(a, QStringLiteral("dissatisfaction"), 0);
        const qint64 stuck = shop.request(a, QStringLiteral("dissatisfaction"), 0);
        shop.workflow.triage();
        SqlStatement::run(t.db().connection(),
                          QStringLiteral("INSERT INTO decisions (request_id, verdict, remedy,"
                                         " reviewer, decided_at, profile, profile_version,"
                                         " second_approver) VALUES (%1, 'deny', 'none', 'x', 0,"
                                         " 'aiimagestudio', 1, 'y')")
                              .arg(forged));
        SqlStatement::run(t.db().connection(),
                          QStringLiteral("UPDATE refund_requests SET status = 'awaiting_approval'"
                                         " WHERE id = %1")
                              .arg(stuck));
        const InvariantReport report = InvariantChecker(t.db().connection()).run();
        QVERIFY(report.checks.contains(QStringLiteral("second-approval-without-record")));
        QVERIFY(report.checks.contains(QStringLiteral("awaiting-without-first-approval")));
        // The desks close before their connections, the connections before the team goes.
    }
};

QTEST_MAIN(TestRoles)
#include "tst_roles.moc"
