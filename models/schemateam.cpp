// Schema versions 10 on: four-eyes approval, corrections by reversal, a company's own policy
// profiles, and the desk-role triggers' conditions.

#include "rollups.h"
#include "schemasteps.h"

#include "sqldialect.h"

#include <QCoreApplication>

namespace SchemaSteps {

// Four-eyes (PostgreSQL: a team's shared database). A money refund above the desk's threshold
// (desk_settings.four_eyes_above_cents, 100.00 when not set) and every override wait in
// awaiting_approval until a second lead approves; each step is a row of `approvals`. For a
// desk person's session the database refuses the decision, its payout and its ledger entries
// without that second approval, and writes the proposer as the decision's reviewer and the
// session as its second approver. The audit trail records under which desk role each row was
// written (actor_role, part of the chain when set).
void migrateToV10(const QSqlDatabase &db, const SqlDialect &d)
{
    QStringList s;
    s << QStringLiteral("ALTER TABLE audit_log ADD COLUMN actor_role TEXT");
    s << QStringLiteral("ALTER TABLE decisions ADD COLUMN second_approver TEXT");
    const QString approvals =
        QStringLiteral("CREATE TABLE approvals (%1,"
                       " request_id BIGINT NOT NULL REFERENCES refund_requests (id),"
                       " step TEXT NOT NULL CHECK (step IN ('proposed', 'approved', 'sent_back')),"
                       " proposal_id BIGINT REFERENCES approvals (id),"
                       " actor TEXT NOT NULL CHECK (actor <> ''),"
                       " at BIGINT NOT NULL,"
                       " verdict TEXT CHECK (verdict IN ('approve', 'deny')),"
                       " refund_cents BIGINT NOT NULL DEFAULT 0 CHECK (refund_cents >= 0),"
                       " currency TEXT,"
                       " %2,"
                       " note TEXT NOT NULL DEFAULT '',"
                       " CHECK ((step = 'proposed') = (proposal_id IS NULL)),"
                       " CHECK ((step = 'proposed') = (verdict IS NOT NULL)),"
                       " CHECK (step <> 'sent_back' OR note <> ''))")
            .arg(d.idColumn(), d.boolColumn(QStringLiteral("is_override"), false));
    s << (d.isSqlite() ? spellOutInLists(approvals) : approvals); // see v4
    // A proposal is answered once.
    s << QStringLiteral("CREATE UNIQUE INDEX approvals_one_answer ON approvals (proposal_id)"
                        " WHERE proposal_id IS NOT NULL");
    s << QStringLiteral("CREATE INDEX approvals_request ON approvals (request_id, id)");
    s << d.appendOnlyTriggers(QStringLiteral("approvals"));
    const QString statuses = QStringLiteral("'new', 'pending', 'escalated', 'approved', 'denied'");
    if (d.isSqlite()) {
        s << QStringLiteral("DROP TRIGGER audit_chain");
        s << auditChainSqlite(d, true);
        runAll(db, s);
        // The request's status may also be awaiting_approval: a looser CHECK, so every stored
        // row still satisfies it (v4 spelt the list out as comparisons).
        const QString sql =
            SqlStatement::scalar(db, QStringLiteral("SELECT sql FROM sqlite_schema"
                                                    " WHERE type = 'table'"
                                                    " AND name = 'refund_requests'"))
                .toString();
        const QString before = QStringLiteral("status = 'escalated' OR");
        if (sql.count(before) != 1)
            throw DatabaseError(QCoreApplication::translate(
                "Schema", "refund_requests has an unexpected definition; cannot add the "
                          "awaiting_approval status"));
        QString loosened = sql;
        loosened.replace(before, before + QStringLiteral(" status = 'awaiting_approval' OR"));
        {
            const WritableSchema writable(db);
            SqlStatement(db, QStringLiteral("UPDATE sqlite_schema SET sql = ?"
                                            " WHERE type = 'table' AND name = 'refund_requests'"))
                .bindAll({loosened})
                .exec();
        }
        reloadSqliteSchema(db, QStringLiteral("refund_requests"));
        return;
    }
    s << QStringLiteral("ALTER TABLE refund_requests DROP CONSTRAINT refund_requests_status_check,"
                        " ADD CONSTRAINT refund_requests_status_check"
                        " CHECK (status IN (%1, 'awaiting_approval'))")
             .arg(statuses);
    s << auditChainPostgres(d, true);
    s << QStringLiteral("ALTER FUNCTION audit_chain() SECURITY DEFINER SET search_path = public");
    s << QStringLiteral(
        "CREATE OR REPLACE FUNCTION audit_actor() RETURNS trigger LANGUAGE plpgsql AS $$"
        " DECLARE r text := refunddesk_role_of(session_user);"
        " BEGIN"
        " IF r IS NOT NULL THEN"
        "  NEW.actor := session_user; NEW.actor_role := substr(r, length('refunddesk_') + 1);"
        " END IF;"
        " RETURN NEW; END $$");
    s << QStringLiteral(
        "CREATE FUNCTION refunddesk_four_eyes_above() RETURNS bigint LANGUAGE sql STABLE AS $$"
        " SELECT COALESCE((SELECT value::bigint FROM desk_settings"
        "  WHERE key = 'four_eyes_above_cents'), 10000) $$");
    // Whether a decision needs a second approval.
    s << QStringLiteral("CREATE FUNCTION refunddesk_needs_four_eyes(d decisions) RETURNS boolean"
                        " LANGUAGE sql STABLE AS $$"
                        " SELECT d.is_override OR (d.remedy = 'money_refund'"
                        "  AND d.refund_cents > refunddesk_four_eyes_above()) $$");
    s << QStringLiteral(
        "CREATE FUNCTION approvals_actor() RETURNS trigger LANGUAGE plpgsql AS $$"
        " DECLARE r text := refunddesk_role_of(session_user); p approvals%ROWTYPE;"
        " BEGIN"
        " IF r IS NULL THEN RETURN NEW; END IF;"
        " NEW.actor := session_user;"
        " IF r = 'refunddesk_viewer' THEN"
        "  RAISE EXCEPTION 'approvals: % is a viewer and cannot decide', session_user;"
        " END IF;"
        " IF NEW.step = 'proposed' THEN"
        "  IF NEW.is_override AND r = 'refunddesk_reviewer' THEN"
        "   RAISE EXCEPTION 'approvals: only a lead may decide against the policy (% is a"
        " reviewer)', session_user;"
        "  END IF;"
        "  RETURN NEW;"
        " END IF;"
        " SELECT * INTO p FROM approvals WHERE id = NEW.proposal_id AND step = 'proposed'"
        "  AND request_id = NEW.request_id;"
        " IF NOT FOUND THEN"
        "  RAISE EXCEPTION 'approvals: % is no first approval of request %', NEW.proposal_id,"
        "   NEW.request_id;"
        " END IF;"
        " IF NEW.step = 'sent_back' AND p.actor = session_user THEN RETURN NEW; END IF;"
        " IF r = 'refunddesk_reviewer' THEN"
        "  RAISE EXCEPTION 'approvals: only a lead gives a second approval (% is a reviewer)',"
        "   session_user;"
        " END IF;"
        " IF p.actor = session_user THEN"
        "  RAISE EXCEPTION 'approvals: % cannot give the second approval of their own"
        " decision: another lead must', session_user;"
        " END IF;"
        " RETURN NEW; END $$");
    s << QStringLiteral("CREATE TRIGGER approvals_actor BEFORE INSERT ON approvals"
                        " FOR EACH ROW EXECUTE FUNCTION approvals_actor()");
    s << QStringLiteral(
        "CREATE OR REPLACE FUNCTION decisions_actor() RETURNS trigger LANGUAGE plpgsql AS $$"
        " DECLARE r text := refunddesk_role_of(session_user); proposer text;"
        " BEGIN"
        " IF r IS NULL THEN RETURN NEW; END IF;"
        " IF r = 'refunddesk_viewer' THEN"
        "  RAISE EXCEPTION 'decisions: % is a viewer and cannot decide', session_user;"
        " END IF;"
        " IF NEW.is_override AND r = 'refunddesk_reviewer' THEN"
        "  RAISE EXCEPTION 'decisions: only a lead may decide against the policy (% is a"
        " reviewer)', session_user;"
        " END IF;"
        " IF NOT refunddesk_needs_four_eyes(NEW) THEN"
        "  NEW.reviewer := session_user; NEW.second_approver := NULL; RETURN NEW;"
        " END IF;"
        " SELECT p.actor INTO proposer FROM approvals a JOIN approvals p ON p.id = a.proposal_id"
        "  WHERE a.request_id = NEW.request_id AND a.step = 'approved'"
        "  AND a.actor = session_user::text AND p.verdict = NEW.verdict"
        "  AND p.refund_cents = NEW.refund_cents AND p.is_override = NEW.is_override"
        "  ORDER BY a.id DESC LIMIT 1;"
        " IF proposer IS NULL OR proposer = session_user THEN"
        "  RAISE EXCEPTION 'decisions: request % needs a second approval by another lead',"
        "   NEW.request_id;"
        " END IF;"
        " NEW.reviewer := proposer; NEW.second_approver := session_user;"
        " RETURN NEW; END $$");
    s << QStringLiteral(
        "CREATE FUNCTION payouts_four_eyes() RETURNS trigger LANGUAGE plpgsql AS $$"
        " DECLARE d decisions%ROWTYPE;"
        " BEGIN"
        " IF refunddesk_role_of(session_user) IS NULL THEN RETURN NEW; END IF;"
        " IF NEW.retry_of IS NOT NULL AND EXISTS (SELECT 1 FROM payouts o"
        "  WHERE o.id = NEW.retry_of AND o.request_id = NEW.request_id"
        "  AND o.amount_cents = NEW.amount_cents) THEN RETURN NEW; END IF;"
        " SELECT * INTO d FROM decisions WHERE request_id = NEW.request_id;"
        " IF NOT FOUND OR d.verdict <> 'approve' OR d.remedy <> 'money_refund'"
        "  OR NEW.amount_cents > d.refund_cents THEN"
        "  RAISE EXCEPTION 'payouts: a payout follows the approved money refund of its request"
        " (request %), for at most its amount', NEW.request_id;"
        " END IF;"
        " IF refunddesk_needs_four_eyes(d) AND d.second_approver IS NULL THEN"
        "  RAISE EXCEPTION 'payouts: request % needs a second approval by another lead before"
        " it is paid', NEW.request_id;"
        " END IF;"
        " RETURN NEW; END $$");
    s << QStringLiteral("CREATE TRIGGER payouts_four_eyes BEFORE INSERT ON payouts"
                        " FOR EACH ROW EXECUTE FUNCTION payouts_four_eyes()");
    // Only the entries a decision makes (the bulk of the ledger, purchases and usage, has no
    // request and never calls the function).
    s << QStringLiteral(
        "CREATE FUNCTION ledger_four_eyes() RETURNS trigger LANGUAGE plpgsql AS $$"
        " DECLARE d decisions%ROWTYPE;"
        " BEGIN"
        " IF refunddesk_role_of(session_user) IS NULL THEN RETURN NEW; END IF;"
        " SELECT * INTO d FROM decisions WHERE request_id = NEW.request_id;"
        " IF NOT FOUND OR d.verdict <> 'approve' THEN"
        "  RAISE EXCEPTION 'ledger_entries: credits move for request % only once it is"
        " approved', NEW.request_id;"
        " END IF;"
        " IF refunddesk_needs_four_eyes(d) AND d.second_approver IS NULL THEN"
        "  RAISE EXCEPTION 'ledger_entries: request % needs a second approval by another lead"
        " before credits move', NEW.request_id;"
        " END IF;"
        " RETURN NEW; END $$");
    s << QStringLiteral("CREATE TRIGGER ledger_four_eyes BEFORE INSERT ON ledger_entries"
                        " FOR EACH ROW WHEN (NEW.request_id IS NOT NULL AND NEW.entry_type IN"
                        " ('refund', 'adjustment', 'job_credit_back'))"
                        " EXECUTE FUNCTION ledger_four_eyes()");
    runAll(db, s);
}

// Corrections by reversal: a lead reverses a decision with a reason. The credits it moved move
// back in ledger entries that name the entry they reverse (no request of their own, so the
// decision's own entries still add up to it), and the request is reopened as a new one. Rows
// are only added. On a team's database only a lead reverses, as the database checks too.
void migrateToV11(const QSqlDatabase &db, const SqlDialect &d)
{
    QStringList s;
    s << QStringLiteral("CREATE TABLE reversals (%1,"
                        " decision_id BIGINT NOT NULL UNIQUE REFERENCES decisions (id),"
                        " request_id BIGINT NOT NULL REFERENCES refund_requests (id),"
                        " actor TEXT NOT NULL CHECK (actor <> ''),"
                        " at BIGINT NOT NULL,"
                        " reason TEXT NOT NULL CHECK (reason <> ''),"
                        " reopened_as BIGINT REFERENCES refund_requests (id))")
             .arg(d.idColumn());
    s << QStringLiteral("CREATE INDEX reversals_request ON reversals (request_id)");
    s << d.appendOnlyTriggers(QStringLiteral("reversals"));
    s << QStringLiteral("CREATE UNIQUE INDEX ledger_reversed_once ON ledger_entries"
                        " (reverses_entry_id) WHERE reverses_entry_id IS NOT NULL");
    s << QStringLiteral("ALTER TABLE refund_requests ADD COLUMN reopens BIGINT"
                        " REFERENCES refund_requests (id)");
    if (d.isPostgres()) {
        s << QStringLiteral(
            "CREATE FUNCTION reversals_actor() RETURNS trigger LANGUAGE plpgsql AS $$"
            " DECLARE r text := refunddesk_role_of(session_user);"
            " BEGIN"
            " IF r IS NULL THEN RETURN NEW; END IF;"
            " IF r NOT IN ('refunddesk_lead', 'refunddesk_admin') THEN"
            "  RAISE EXCEPTION 'reversals: only a lead reverses a decision (% is a %)',"
            "   session_user, substr(r, length('refunddesk_') + 1);"
            " END IF;"
            " NEW.actor := session_user;"
            " RETURN NEW; END $$");
        s << QStringLiteral("CREATE TRIGGER reversals_actor BEFORE INSERT ON reversals"
                            " FOR EACH ROW EXECUTE FUNCTION reversals_actor()");
        // A desk person's reversing entry follows the session's own reversal of that decision.
        s << QStringLiteral(
            "CREATE FUNCTION ledger_reversal() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN"
            " IF refunddesk_role_of(session_user) IS NULL THEN RETURN NEW; END IF;"
            " IF NOT EXISTS (SELECT 1 FROM ledger_entries t JOIN reversals v"
            "  ON v.request_id = t.request_id WHERE t.id = NEW.reverses_entry_id"
            "  AND t.account_id = NEW.account_id AND t.credits = -NEW.credits"
            "  AND v.actor = session_user::text) THEN"
            "  RAISE EXCEPTION 'ledger_entries: entry % is reversed only by a lead''s reversal"
            " of its decision', NEW.reverses_entry_id;"
            " END IF;"
            " RETURN NEW; END $$");
        s << QStringLiteral("CREATE TRIGGER ledger_reversal BEFORE INSERT ON ledger_entries"
                            " FOR EACH ROW WHEN (NEW.reverses_entry_id IS NOT NULL)"
                            " EXECUTE FUNCTION ledger_reversal()");
        // No payout, not even a retry, for a reversed decision.
        s << QStringLiteral(
            "CREATE FUNCTION payouts_not_reversed() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN"
            " IF EXISTS (SELECT 1 FROM reversals v WHERE v.request_id = NEW.request_id) THEN"
            "  RAISE EXCEPTION 'payouts: the decision of request % was reversed',"
            "   NEW.request_id;"
            " END IF;"
            " RETURN NEW; END $$");
        s << QStringLiteral("CREATE TRIGGER payouts_not_reversed BEFORE INSERT ON payouts"
                            " FOR EACH ROW EXECUTE FUNCTION payouts_not_reversed()");
    } else {
        s << QStringLiteral("CREATE TRIGGER payouts_not_reversed BEFORE INSERT ON payouts"
                            " WHEN EXISTS (SELECT 1 FROM reversals v"
                            "  WHERE v.request_id = NEW.request_id)"
                            " BEGIN SELECT RAISE(ABORT, 'payouts: the decision of this request"
                            " was reversed'); END");
    }
    runAll(db, s);
}

// A company's policy profile is edited in the desk or imported, and versioned: a saved
// version never changes (decisions name the version they were made under). On a team's
// database the database records who saved it, and only a lead may (TeamRoles).
QStringList migrateToV12(const SqlDialect &d)
{
    QStringList s = d.appendOnlyTriggers(QStringLiteral("policy_profiles"));
    if (d.isPostgres()) {
        s << QStringLiteral(
            "CREATE FUNCTION policy_profiles_author() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN"
            " IF refunddesk_role_of(session_user) IS NOT NULL THEN"
            "  NEW.created_by := session_user;"
            " END IF;"
            " RETURN NEW; END $$");
        s << QStringLiteral("CREATE TRIGGER policy_profiles_author BEFORE INSERT ON"
                            " policy_profiles FOR EACH ROW EXECUTE FUNCTION"
                            " policy_profiles_author()");
    }
    return s;
}

// Which policy an account is on is a lead's to change on a team's database (the platform's own
// service login, which is no desk person, still updates what it says of its accounts).
QStringList migrateToV13(const SqlDialect &d)
{
    if (d.isSqlite())
        return {};
    return {QStringLiteral(
                "CREATE FUNCTION accounts_profile_guard() RETURNS trigger LANGUAGE plpgsql AS $$"
                " DECLARE r text := refunddesk_role_of(session_user);"
                " BEGIN"
                " IF r IS NOT NULL AND r NOT IN ('refunddesk_lead', 'refunddesk_admin') THEN"
                "  RAISE EXCEPTION 'accounts: only a lead puts an account on another policy"
                " profile (% is a %)', session_user, substr(r, length('refunddesk_') + 1);"
                " END IF;"
                " RETURN NEW; END $$"),
            QStringLiteral("CREATE TRIGGER accounts_profile_guard BEFORE UPDATE OF profile ON"
                           " accounts FOR EACH ROW WHEN (OLD.profile IS DISTINCT FROM"
                           " NEW.profile) EXECUTE FUNCTION accounts_profile_guard()")};
}

// The triggers that check a desk person's role fire for desk persons only: a condition the
// server evaluates without calling the trigger function (for the owner and the services,
// which write nearly every audit row, calling it cost 0.7 ms per payout on PostgreSQL). A
// superuser is no desk person; a missing group role (roles not set up) makes it false.
QStringList migrateToV14(const SqlDialect &d)
{
    if (d.isSqlite())
        return {};
    const QString deskPerson =
        QStringLiteral("current_setting('is_superuser') = 'off'"
                       " AND pg_has_role(session_user, to_regrole('refunddesk_viewer'), 'MEMBER')");
    return {QStringLiteral("DROP TRIGGER audit_actor ON audit_log"),
            QStringLiteral("CREATE TRIGGER audit_actor BEFORE INSERT ON audit_log FOR EACH ROW"
                           " WHEN (%1) EXECUTE FUNCTION audit_actor()")
                .arg(deskPerson),
            QStringLiteral("DROP TRIGGER ledger_four_eyes ON ledger_entries"),
            QStringLiteral("CREATE TRIGGER ledger_four_eyes BEFORE INSERT ON ledger_entries"
                           " FOR EACH ROW WHEN (NEW.request_id IS NOT NULL AND NEW.entry_type IN"
                           " ('refund', 'adjustment', 'job_credit_back') AND %1)"
                           " EXECUTE FUNCTION ledger_four_eyes()")
                .arg(deskPerson)};
}

// The day a request was answered, in its profile's time zone: the answer date it is measured
// against is a day there, so an answer at 21:00 in New York on the answer date is on time
// although it is the next day in UTC. The workflow writes it with the decision. A decided
// request never changes, so requests decided before this version keep it empty and are
// measured by their UTC day, as they were (RequestRepository::answeredOnSql).
QStringList migrateToV15(const SqlDialect &)
{
    return {QStringLiteral("ALTER TABLE refund_requests ADD COLUMN answered_on TEXT")};
}

// The dashboard's jobs figure from a rollup (issue 19): jobs per UTC day (days since
// 1970-01-01), account profile, status and failure, kept by triggers in the transaction that
// writes the jobs, whoever writes them (ingest, the workflow, the demo). A job's status
// moving, or its account moving to another profile, moves its count. On PostgreSQL a
// statement's new jobs are counted at once (a COPY of a million jobs is one upsert per
// group).
QStringList migrateToV16(const SqlDialect &d)
{
    QStringList s;
    s << QStringLiteral("CREATE TABLE rollup_jobs (day BIGINT NOT NULL, profile TEXT NOT NULL,"
                        " status TEXT NOT NULL, failure TEXT NOT NULL, jobs BIGINT NOT NULL,"
                        " PRIMARY KEY (day, profile, status, failure))");
    // (Written out here: a migration that ran never changes; v17 counts from Rollups::all.)
    s << QStringLiteral("INSERT INTO rollup_jobs (day, profile, status, failure, jobs)"
                        " SELECT j.created_at / 86400, a.profile, j.status,"
                        " COALESCE(j.failure, ''), COUNT(*) FROM jobs j JOIN accounts a"
                        " ON a.id = j.account_id GROUP BY 1, 2, 3, 4");
    const QString upsertOne = QStringLiteral(
        "INSERT INTO rollup_jobs (day, profile, status, failure, jobs)"
        " VALUES (%1.created_at / 86400, COALESCE((SELECT profile FROM accounts WHERE"
        " id = %1.account_id), ''), %1.status, COALESCE(%1.failure, ''), %2)"
        " ON CONFLICT (day, profile, status, failure) DO UPDATE SET jobs ="
        " rollup_jobs.jobs + %2");
    // An account's jobs, grouped as the rollup counts them, with `sign` applied.
    const QString moveAccount =
        QStringLiteral("INSERT INTO rollup_jobs (day, profile, status, failure, jobs)"
                       " SELECT j.created_at / 86400, %1, j.status, COALESCE(j.failure, ''),"
                       " %2 * COUNT(*) FROM jobs j WHERE j.account_id = NEW.id AND true"
                       " GROUP BY 1, 2, 3, 4 ON CONFLICT (day, profile, status, failure)"
                       " DO UPDATE SET jobs = rollup_jobs.jobs + excluded.jobs");
    if (d.isSqlite()) {
        s << QStringLiteral("CREATE TRIGGER rollup_jobs_inserted AFTER INSERT ON jobs BEGIN %1;"
                            " END")
                 .arg(upsertOne.arg(QStringLiteral("NEW"), QStringLiteral("1")));
        s << QStringLiteral("CREATE TRIGGER rollup_jobs_moved AFTER UPDATE OF status, failure"
                            " ON jobs WHEN OLD.status IS NOT NEW.status OR OLD.failure IS NOT"
                            " NEW.failure BEGIN %1; %2; END")
                 .arg(upsertOne.arg(QStringLiteral("OLD"), QStringLiteral("-1")),
                      upsertOne.arg(QStringLiteral("NEW"), QStringLiteral("1")));
        s << QStringLiteral("CREATE TRIGGER rollup_jobs_profile AFTER UPDATE OF profile ON"
                            " accounts WHEN OLD.profile IS NOT NEW.profile BEGIN %1; %2; END")
                 .arg(moveAccount.arg(QStringLiteral("OLD.profile"), QStringLiteral("-1")),
                      moveAccount.arg(QStringLiteral("NEW.profile"), QStringLiteral("1")));
        return s;
    }
    // Functions run as the owner, so no desk role needs a grant on the rollup.
    const auto definer = [](const char *name, const QString &body) {
        return QStringLiteral("CREATE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql SECURITY"
                              " DEFINER SET search_path = public AS $$ BEGIN %2;"
                              " RETURN NULL; END $$")
            .arg(QLatin1String(name), body);
    };
    // One index probe per new job for its profile: a join let the planner, knowing nothing of
    // the transition table, scan every account for each batch of a COPY.
    s << definer("rollup_jobs_inserted",
                 QStringLiteral("INSERT INTO rollup_jobs (day, profile, status, failure, jobs)"
                                " SELECT n.created_at / 86400, COALESCE((SELECT a.profile FROM"
                                " accounts a WHERE a.id = n.account_id), ''), n.status,"
                                " COALESCE(n.failure, ''), COUNT(*) FROM new_jobs n"
                                " GROUP BY 1, 2, 3, 4 ON CONFLICT (day, profile, status, failure)"
                                " DO UPDATE SET jobs = rollup_jobs.jobs + excluded.jobs"));
    s << QStringLiteral("CREATE TRIGGER rollup_jobs_inserted AFTER INSERT ON jobs REFERENCING"
                        " NEW TABLE AS new_jobs FOR EACH STATEMENT EXECUTE FUNCTION"
                        " rollup_jobs_inserted()");
    s << definer("rollup_jobs_moved",
                 upsertOne.arg(QStringLiteral("OLD"), QStringLiteral("-1")) + QStringLiteral("; ") +
                     upsertOne.arg(QStringLiteral("NEW"), QStringLiteral("1")));
    s << QStringLiteral("CREATE TRIGGER rollup_jobs_moved AFTER UPDATE OF status, failure ON"
                        " jobs FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR"
                        " OLD.failure IS DISTINCT FROM NEW.failure) EXECUTE FUNCTION"
                        " rollup_jobs_moved()");
    s << definer("rollup_jobs_profile",
                 moveAccount.arg(QStringLiteral("OLD.profile"), QStringLiteral("-1")) +
                     QStringLiteral("; ") +
                     moveAccount.arg(QStringLiteral("NEW.profile"), QStringLiteral("1")));
    s << QStringLiteral("CREATE TRIGGER rollup_jobs_profile AFTER UPDATE OF profile ON accounts"
                        " FOR EACH ROW WHEN (OLD.profile IS DISTINCT FROM NEW.profile)"
                        " EXECUTE FUNCTION rollup_jobs_profile()");
    return s;
}

// Every figure of the dashboard from a rollup (issue 19): the ledger, purchases, succeeded
// payouts, decisions, their waits, answers, open requests and chargebacks, each kept by the
// triggers Rollups writes from its description, as rollup_jobs now is too (its v16 triggers
// give way to the same ones).
QStringList migrateToV17(const SqlDialect &d)
{
    QStringList s;
    const QList<Rollups::Spec> rollups = Rollups::all(d);
    for (const Rollups::Spec &spec : rollups)
        s << Rollups::dropTriggers(spec, d);
    // v3's covering indexes served those figures from the facts; the rollups do now, so the
    // jobs and purchases keep only what their tables' filters need (a 10-million-row load
    // builds them in less time).
    s << QStringLiteral("DROP INDEX jobs_status") << QStringLiteral("DROP INDEX purchases_created")
      << QStringLiteral("CREATE INDEX purchases_created ON purchases (created_at)");
    // The Jobs table's status filter reads jobs in id order. On PostgreSQL only the few jobs
    // that did not succeed are indexed (PostgreSQL sees that status = 'failed' implies the
    // index's condition; the succeeded ones are most rows, read in id order as they are): a
    // 10-million-row load builds it in 1.5 s instead of 5.8. SQLite uses a partial index only
    // when a query repeats its condition, so it keeps them all.
    s << (d.isSqlite() ? QStringLiteral("CREATE INDEX jobs_status ON jobs (status, id)")
                       : QStringLiteral("CREATE INDEX jobs_status ON jobs (status, id) WHERE"
                                        " status <> 'succeeded'"));
    for (const Rollups::Spec &spec : rollups) {
        if (spec.table != QLatin1String("rollup_jobs"))
            s << Rollups::createTable(spec);
        s << Rollups::createTriggers(spec, d) << Rollups::recount(spec, d);
    }
    return s;
}

} // namespace SchemaSteps
