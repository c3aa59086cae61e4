#include "schema.h"
#include "schemasteps.h"

#include "auditchain.h"
#include "databaseerror.h"
#include "sqldialect.h"
#include "sqlstatement.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QUuid>

namespace SchemaSteps {

QStringList migrateToV1(const SqlDialect &d)
{
    const QString id = d.idColumn();
    QStringList s;
    s << QStringLiteral("CREATE TABLE accounts (%1,"
                        " email TEXT NOT NULL UNIQUE,"
                        " display_name TEXT NOT NULL,"
                        " status TEXT NOT NULL DEFAULT 'active'"
                        "  CHECK (status IN ('active', 'suspended', 'terminated')),"
                        " profile TEXT NOT NULL CHECK (profile <> ''),"
                        " balance_credits BIGINT NOT NULL DEFAULT 0 CHECK (balance_credits >= 0),"
                        " created_at BIGINT NOT NULL)")
             .arg(id);
    s << QStringLiteral(
             "CREATE TABLE purchases (%1,"
             " account_id BIGINT NOT NULL REFERENCES accounts (id),"
             " created_at BIGINT NOT NULL,"
             " kind TEXT NOT NULL DEFAULT 'credits' CHECK (kind IN ('credits', 'subscription')),"
             " package TEXT NOT NULL DEFAULT '',"
             " credits BIGINT NOT NULL CHECK (credits >= 0),"
             " amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),"
             " currency TEXT NOT NULL CHECK (length(currency) = 3),"
             " fee_cents BIGINT NOT NULL DEFAULT 0"
             "  CHECK (fee_cents >= 0 AND fee_cents <= amount_cents),"
             " payment_ref TEXT NOT NULL UNIQUE,"
             " charge_count INTEGER NOT NULL DEFAULT 1 CHECK (charge_count >= 1),"
             " %2, %3)")
             .arg(id, d.boolColumn(QStringLiteral("delivered"), true),
                  d.boolColumn(QStringLiteral("disputed"), false));
    s << QStringLiteral("CREATE INDEX purchases_account ON purchases (account_id, created_at)");
    s << QStringLiteral("CREATE INDEX purchases_created ON purchases (created_at)");
    // Credits are spent oldest lot first; a lot remembers what is left of it.
    s << QStringLiteral("CREATE TABLE credit_lots (%1,"
                        " account_id BIGINT NOT NULL REFERENCES accounts (id),"
                        " purchase_id BIGINT UNIQUE REFERENCES purchases (id),"
                        " created_at BIGINT NOT NULL,"
                        " credits_total BIGINT NOT NULL CHECK (credits_total > 0),"
                        " credits_remaining BIGINT NOT NULL"
                        "  CHECK (credits_remaining >= 0 AND credits_remaining <= credits_total))")
             .arg(id);
    s << QStringLiteral("CREATE INDEX credit_lots_account ON credit_lots (account_id, id)");
    s << QStringLiteral(
             "CREATE TABLE jobs (%1,"
             " account_id BIGINT NOT NULL REFERENCES accounts (id),"
             " created_at BIGINT NOT NULL,"
             " model TEXT NOT NULL DEFAULT '',"
             " credits BIGINT NOT NULL CHECK (credits > 0),"
             " status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),"
             " failure TEXT CHECK (failure IN ('platform', 'user', 'unknown')),"
             " error_detail TEXT NOT NULL DEFAULT '',"
             " CHECK ((status = 'failed') = (failure IS NOT NULL)))")
             .arg(id);
    s << QStringLiteral("CREATE INDEX jobs_account ON jobs (account_id, created_at)");
    s << QStringLiteral("CREATE INDEX jobs_created ON jobs (created_at)");
    s << QStringLiteral("CREATE INDEX jobs_status ON jobs (status, failure)");
    s << QStringLiteral("CREATE TABLE outages (%1,"
                        " started_at BIGINT NOT NULL,"
                        " ended_at BIGINT NOT NULL CHECK (ended_at >= started_at),"
                        " description TEXT NOT NULL DEFAULT '')")
             .arg(id);
    s << QStringLiteral(
             "CREATE TABLE refund_requests (%1,"
             " account_id BIGINT NOT NULL REFERENCES accounts (id),"
             " type TEXT NOT NULL CHECK (type IN ('failed_job', 'unused_credits',"
             "  'accidental_purchase', 'duplicate_charge', 'billing_error', 'not_delivered',"
             "  'outage', 'dissatisfaction', 'subscription', 'legal', 'chargeback')),"
             " status TEXT NOT NULL DEFAULT 'new'"
             "  CHECK (status IN ('new', 'pending', 'escalated', 'approved', 'denied')),"
             " purchase_id BIGINT REFERENCES purchases (id),"
             " job_id BIGINT REFERENCES jobs (id),"
             " claimed_amount_cents BIGINT CHECK (claimed_amount_cents >= 0),"
             " message TEXT NOT NULL DEFAULT '',"
             " received_at BIGINT NOT NULL,"
             " updated_at BIGINT NOT NULL,"
             " assigned_to TEXT,"
             " triaged_at BIGINT,"
             " decided_at BIGINT,"
             " rec_verdict TEXT CHECK (rec_verdict IN ('approve', 'deny', 'review')),"
             " rec_remedy TEXT CHECK (rec_remedy IN ('money_refund', 'credit_restore', 'none')),"
             " rec_refund_cents BIGINT CHECK (rec_refund_cents >= 0),"
             " rec_credits BIGINT CHECK (rec_credits >= 0),"
             " rec_actions TEXT,"
             " rec_clauses TEXT,"
             " rec_respond_by TEXT,"
             " rec_explanation TEXT,"
             " rec_profile TEXT,"
             " rec_profile_version INTEGER,"
             " CHECK ((status IN ('approved', 'denied')) = (decided_at IS NOT NULL)))")
             .arg(id);
    s << QStringLiteral("CREATE INDEX requests_status ON refund_requests (status, received_at)");
    s << QStringLiteral("CREATE INDEX requests_account ON refund_requests (account_id)");
    s << QStringLiteral("CREATE INDEX requests_received ON refund_requests (received_at)");
    s << QStringLiteral(
             "CREATE TABLE ledger_entries (%1,"
             " account_id BIGINT NOT NULL REFERENCES accounts (id),"
             " created_at BIGINT NOT NULL,"
             " entry_type TEXT NOT NULL CHECK (entry_type IN ('purchase', 'usage',"
             "  'job_credit_back', 'refund', 'clawback', 'forfeiture', 'adjustment')),"
             " credits BIGINT NOT NULL CHECK (credits <> 0),"
             " purchase_id BIGINT REFERENCES purchases (id),"
             " job_id BIGINT REFERENCES jobs (id),"
             " request_id BIGINT REFERENCES refund_requests (id),"
             " reverses_entry_id BIGINT REFERENCES ledger_entries (id),"
             " created_by TEXT NOT NULL,"
             " note TEXT NOT NULL DEFAULT '',"
             " CHECK ((entry_type IN ('purchase', 'job_credit_back') AND credits > 0)"
             "  OR (entry_type IN ('usage', 'refund', 'clawback', 'forfeiture') AND credits < 0)"
             "  OR entry_type = 'adjustment'),"
             " CHECK (entry_type NOT IN ('usage', 'job_credit_back') OR job_id IS NOT NULL),"
             " CHECK (entry_type <> 'purchase' OR purchase_id IS NOT NULL))")
             .arg(id);
    // One compensation per generation event, enforced by the database itself.
    s << QStringLiteral("CREATE UNIQUE INDEX ledger_one_credit_back_per_job ON ledger_entries"
                        " (job_id) WHERE entry_type = 'job_credit_back'");
    s << QStringLiteral("CREATE UNIQUE INDEX ledger_one_usage_per_job ON ledger_entries"
                        " (job_id) WHERE entry_type = 'usage'");
    s << QStringLiteral("CREATE UNIQUE INDEX ledger_one_entry_per_purchase ON ledger_entries"
                        " (purchase_id) WHERE entry_type = 'purchase'");
    s << QStringLiteral("CREATE INDEX ledger_account ON ledger_entries (account_id, id)");
    s << QStringLiteral("CREATE INDEX ledger_created ON ledger_entries (created_at)");
    s << QStringLiteral("CREATE INDEX ledger_request ON ledger_entries (request_id)");
    s << d.appendOnlyTriggers(QStringLiteral("ledger_entries"));
    s << QStringLiteral(
             "CREATE TABLE decisions (%1,"
             " request_id BIGINT NOT NULL UNIQUE REFERENCES refund_requests (id),"
             " verdict TEXT NOT NULL CHECK (verdict IN ('approve', 'deny')),"
             " remedy TEXT NOT NULL CHECK (remedy IN ('money_refund', 'credit_restore', 'none')),"
             " refund_cents BIGINT NOT NULL DEFAULT 0 CHECK (refund_cents >= 0),"
             " credits BIGINT NOT NULL DEFAULT 0 CHECK (credits >= 0),"
             " currency TEXT,"
             " reviewer TEXT NOT NULL CHECK (reviewer <> ''),"
             " decided_at BIGINT NOT NULL,"
             " profile TEXT NOT NULL,"
             " profile_version INTEGER NOT NULL,"
             " rec_verdict TEXT,"
             " %2,"
             " note TEXT NOT NULL DEFAULT '',"
             " CHECK (verdict = 'approve' OR (refund_cents = 0 AND credits = 0)))")
             .arg(id, d.boolColumn(QStringLiteral("is_override"), false));
    s << QStringLiteral("CREATE INDEX decisions_decided ON decisions (decided_at)");
    s << QStringLiteral("CREATE TABLE payouts (%1,"
                        " request_id BIGINT REFERENCES refund_requests (id),"
                        " purchase_id BIGINT NOT NULL REFERENCES purchases (id),"
                        " account_id BIGINT NOT NULL REFERENCES accounts (id),"
                        " amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),"
                        " currency TEXT NOT NULL CHECK (length(currency) = 3),"
                        " status TEXT NOT NULL DEFAULT 'pending'"
                        "  CHECK (status IN ('pending', 'sent', 'succeeded', 'failed', 'unknown')),"
                        " gateway_ref TEXT,"
                        " created_at BIGINT NOT NULL,"
                        " updated_at BIGINT NOT NULL)")
             .arg(id);
    s << QStringLiteral("CREATE INDEX payouts_purchase ON payouts (purchase_id)");
    s << QStringLiteral("CREATE INDEX payouts_status ON payouts (status, created_at)");
    s << QStringLiteral(
             "CREATE TABLE chargebacks (%1,"
             " purchase_id BIGINT NOT NULL REFERENCES purchases (id),"
             " account_id BIGINT NOT NULL REFERENCES accounts (id),"
             " request_id BIGINT REFERENCES refund_requests (id),"
             " opened_at BIGINT NOT NULL,"
             " amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),"
             " currency TEXT NOT NULL CHECK (length(currency) = 3),"
             " reason TEXT NOT NULL DEFAULT '',"
             " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),"
             " resolved_at BIGINT,"
             " %2,"
             " CHECK ((status = 'open') = (resolved_at IS NULL)))")
             .arg(id, d.boolColumn(QStringLiteral("contacted_support_first"), false));
    s << QStringLiteral("CREATE INDEX chargebacks_opened ON chargebacks (opened_at)");
    s << QStringLiteral("CREATE TABLE audit_log (%1,"
                        " at BIGINT NOT NULL,"
                        " actor TEXT NOT NULL,"
                        " action TEXT NOT NULL,"
                        " account_id BIGINT REFERENCES accounts (id),"
                        " request_id BIGINT REFERENCES refund_requests (id),"
                        " profile TEXT,"
                        " profile_version INTEGER,"
                        " recommendation TEXT,"
                        " note TEXT NOT NULL DEFAULT '',"
                        " details TEXT NOT NULL DEFAULT '')")
             .arg(id);
    s << QStringLiteral("CREATE INDEX audit_request ON audit_log (request_id, id)");
    s << QStringLiteral("CREATE INDEX audit_at ON audit_log (at)");
    s << d.appendOnlyTriggers(QStringLiteral("audit_log"));
    return s;
}

QStringList migrateToV2(const SqlDialect &)
{
    // Company-defined policy profiles, versioned: a decision names the version it used.
    return {QStringLiteral("CREATE TABLE policy_profiles ("
                           " profile TEXT NOT NULL,"
                           " version INTEGER NOT NULL CHECK (version >= 1),"
                           " company TEXT NOT NULL,"
                           " body TEXT NOT NULL,"
                           " created_at BIGINT NOT NULL,"
                           " created_by TEXT NOT NULL,"
                           " PRIMARY KEY (profile, version))")};
}

QStringList migrateToV3(const SqlDialect &)
{
    // The dashboard's figures over a range of days, each from an index alone (no table rows):
    // the failed jobs by time and cause, the credit-backs by time, the revenue by time.
    return {QStringLiteral("DROP INDEX jobs_status"),
            QStringLiteral("CREATE INDEX jobs_status ON jobs (status, created_at, failure,"
                           " account_id)"),
            QStringLiteral("CREATE INDEX ledger_credit_backs ON ledger_entries (created_at,"
                           " account_id, credits) WHERE entry_type = 'job_credit_back'"),
            QStringLiteral("DROP INDEX purchases_created"),
            QStringLiteral("CREATE INDEX purchases_created ON purchases (created_at, account_id,"
                           " currency, amount_cents, charge_count)")};
}

// SQLite tests `x IN ('a', 'b', 'c')` by building a temporary b-tree of the list and looking
// every row up in it: in the CHECK constraints of v1 that was a third of a bulk load's time
// (2.4 s of 7.2 s for 1.5M demo rows). The same test spelt as comparisons joined by OR costs
// next to nothing. Each quoted list becomes `(x = 'a' OR x = 'b' ...)`, and `x NOT IN (...)`
// becomes `(x <> 'a' AND x <> 'b' ...)`: the same truth value, NULL included.
QString spellOutInLists(const QString &sql)
{
    static const QRegularExpression inList(
        QStringLiteral(R"((\b[a-z_]+) (NOT )?IN \(\s*('[^']*'(?:\s*,\s*'[^']*')*)\s*\))"));
    static const QRegularExpression item(QStringLiteral("'[^']*'"));
    QString out;
    qsizetype done = 0;
    auto matches = inList.globalMatch(sql);
    while (matches.hasNext()) {
        const QRegularExpressionMatch m = matches.next();
        const QString column = m.captured(1);
        const bool negated = m.hasCaptured(2);
        QStringList terms;
        auto values = item.globalMatch(m.captured(3));
        while (values.hasNext())
            terms << QStringLiteral("%1 %2 %3")
                         .arg(column, negated ? QStringLiteral("<>") : QStringLiteral("="),
                              values.next().captured());
        out += sql.mid(done, m.capturedStart() - done);
        out += QLatin1Char('(') +
               terms.join(negated ? QStringLiteral(" AND ") : QStringLiteral(" OR ")) +
               QLatin1Char(')');
        done = m.capturedEnd();
    }
    return out + sql.mid(done);
}

void runAll(const QSqlDatabase &db, const QStringList &statements)
{
    for (const QString &statement : statements)
        SqlStatement::run(db, statement);
}

// Bumps SQLite's schema version after sqlite_schema was rewritten, so every connection reparses
// it; the next statement on `table` fails (and the migration with it) when SQLite cannot read
// the new text back.
void reloadSqliteSchema(const QSqlDatabase &db, const QString &table)
{
    const qint64 version =
        SqlStatement::scalar(db, QStringLiteral("PRAGMA schema_version")).toLongLong();
    SqlStatement::run(db, QStringLiteral("PRAGMA schema_version = %1").arg(version + 1));
    SqlStatement::scalar(db, QStringLiteral("SELECT COUNT(*) FROM %1 WHERE 0").arg(table));
}

void migrateToV4(const QSqlDatabase &db, const SqlDialect &d)
{
    // Nearly every ledger row has no request: the index keeps only those that do (a lookup
    // by request, `request_id = ?`, implies it is not NULL, so both backends still use it).
    runAll(db, {QStringLiteral("DROP INDEX ledger_request"),
                QStringLiteral("CREATE INDEX ledger_request ON ledger_entries (request_id)"
                               " WHERE request_id IS NOT NULL")});
    if (!d.isSqlite())
        return; // PostgreSQL checks an IN list as cheaply as the comparisons.

    // The tables' CHECK constraints respelt in place, by the procedure SQLite documents for
    // schema changes that leave the stored rows as they are ("Making Other Kinds Of Table
    // Schema Changes"): rewrite sqlite_schema, bump the schema version so every connection
    // reparses it, inside the migration's transaction. The new constraints are equivalent to
    // the old, so every stored row still satisfies them.
    const WritableSchema writable(db);
    QList<std::pair<QString, QString>> rewritten;
    {
        SqlStatement tables(db, QStringLiteral("SELECT name, sql FROM sqlite_schema"
                                               " WHERE type = 'table' AND sql LIKE '% IN (%'"));
        tables.exec();
        while (tables.next()) {
            const QString sql = tables.value(1).toString();
            const QString respelt = spellOutInLists(sql);
            if (respelt != sql)
                rewritten.append({tables.value(0).toString(), respelt});
        }
    }
    for (const auto &[table, sql] : std::as_const(rewritten)) {
        SqlStatement update(db, QStringLiteral("UPDATE sqlite_schema SET sql = ?"
                                               " WHERE type = 'table' AND name = ?"));
        update.bindAll({sql, table}).exec();
    }
    // A table SQLite could not read back fails the migration here, and its transaction leaves
    // the database as it was.
    if (!rewritten.isEmpty())
        reloadSqliteSchema(db, rewritten.first().first);
}

// "(any of these columns changes)", for a guard trigger's condition.
QString anyChanges(const SqlDialect &d, std::initializer_list<const char *> columns)
{
    QStringList terms;
    for (const char *c : columns)
        terms << d.changes(QLatin1String(c));
    return QLatin1Char('(') + terms.join(QStringLiteral(" OR ")) + QLatin1Char(')');
}

// A payout's status only moves forward (v5, kept by v7's guard).
const QString payoutMovesForwardOnly =
    QStringLiteral(" OR NOT (NEW.status = OLD.status"
                   " OR (OLD.status = 'pending' AND NEW.status = 'sent')"
                   " OR (OLD.status = 'sent' AND NEW.status IN ('succeeded', 'failed',"
                   " 'unknown'))"
                   " OR (OLD.status = 'unknown' AND NEW.status IN ('succeeded', 'failed')))");

// Facts stay facts (ARCHITECTURE.md): what was recorded is never rewritten, and a state only
// moves forward along its state machine. The database refuses the rest, whoever asks.
QStringList migrateToV5(const SqlDialect &d)
{
    QStringList s;
    // The lookups of rule 11 under the purchase's lock, and check's joins.
    s << QStringLiteral("CREATE INDEX requests_purchase ON refund_requests (purchase_id)"
                        " WHERE purchase_id IS NOT NULL");
    s << QStringLiteral("CREATE INDEX ledger_purchase_adjustments ON ledger_entries (purchase_id)"
                        " WHERE entry_type = 'adjustment'");
    s << QStringLiteral("CREATE INDEX payouts_request ON payouts (request_id)");
    s << QStringLiteral("CREATE INDEX chargebacks_purchase ON chargebacks (purchase_id)");

    s << d.appendOnlyTriggers(QStringLiteral("decisions"));
    s << d.guardTriggers(
        QStringLiteral("payouts"),
        anyChanges(d, {"id", "request_id", "purchase_id", "account_id", "amount_cents", "currency",
                       "created_at"}) +
            QStringLiteral(" OR (OLD.gateway_ref IS NOT NULL AND %1)")
                .arg(d.changes(QStringLiteral("gateway_ref"))) +
            payoutMovesForwardOnly,
        QStringLiteral("payouts: only the status of a payout moves, forward only (pending, sent, "
                       "then succeeded, failed or unknown; unknown to succeeded or failed); its "
                       "amount, currency, purchase, account and request never change"));
    s << d.guardTriggers(
        QStringLiteral("refund_requests"),
        anyChanges(d, {"id", "account_id", "type", "purchase_id", "job_id", "claimed_amount_cents",
                       "message", "received_at"}) +
            QStringLiteral(" OR OLD.status IN ('approved', 'denied')"
                           " OR (OLD.status = 'pending' AND NEW.status = 'new')"
                           " OR (OLD.status = 'escalated' AND NEW.status IN ('new', 'pending'))"),
        QStringLiteral("refund_requests: a request only moves forward (new, pending, escalated, "
                       "then approved or denied), a decided one never changes, and what the "
                       "customer asked for is never rewritten"));
    s << d.guardTriggers(
        QStringLiteral("chargebacks"),
        anyChanges(d, {"id", "purchase_id", "account_id", "request_id", "opened_at", "amount_cents",
                       "currency"}) +
            QStringLiteral(" OR OLD.status <> 'open'"),
        QStringLiteral("chargebacks: a chargeback only moves from open to won or lost, once, and "
                       "its purchase, account and amount never change"));
    s << d.guardTriggers(
        QStringLiteral("purchases"),
        anyChanges(d, {"id", "account_id", "created_at", "kind", "credits", "amount_cents",
                       "currency", "fee_cents", "payment_ref", "charge_count"}) +
            QStringLiteral(" OR (%1 AND NOT NEW.delivered)")
                .arg(d.changes(QStringLiteral("delivered"))),
        QStringLiteral("purchases: a purchase is a fact: only its dispute flag changes, and its "
                       "credits can be delivered once"));
    s << d.guardTriggers(
        QStringLiteral("jobs"),
        anyChanges(d, {"id", "account_id", "created_at", "credits", "model"}) +
            QStringLiteral(" OR (OLD.status = 'failed' AND (%1 OR %2))"
                           " OR (OLD.status = 'running' AND NEW.status = 'queued')"
                           " OR (OLD.status = 'succeeded' AND NEW.status IN ('queued', 'running'))")
                .arg(d.changes(QStringLiteral("status")), d.changes(QStringLiteral("failure"))),
        QStringLiteral("jobs: a job only moves forward (queued, running, then succeeded or "
                       "failed), a failure is final, and its account and credits never change"));
    s << d.guardTriggers(
        QStringLiteral("credit_lots"),
        anyChanges(d, {"id", "account_id", "purchase_id", "created_at", "credits_total"}) +
            QStringLiteral(" OR NEW.credits_remaining > OLD.credits_remaining"),
        QStringLiteral("credit_lots: a lot only shrinks; credits come back as a new lot with "
                       "its ledger entry"));
    return s;
}

// The platform's connections (INTEGRATION.md): its own ids for what it sends, the events
// already applied (idempotency by event id), the outbox it reads back with a gap-free sequence,
// and the API tokens of `refundctl serve`, stored only as hashes.
QStringList migrateToV6(const SqlDialect &d)
{
    QStringList s;
    s << QStringLiteral("CREATE TABLE external_ids ("
                        // Comparisons, not IN: SQLite checks them much faster (see v4).
                        " kind TEXT NOT NULL CHECK (kind = 'account' OR kind = 'purchase'"
                        "  OR kind = 'job' OR kind = 'request' OR kind = 'outage'),"
                        " external_id TEXT NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),"
                        " internal_id BIGINT NOT NULL,"
                        " PRIMARY KEY (kind, external_id))");
    s << QStringLiteral("CREATE UNIQUE INDEX external_ids_internal ON external_ids"
                        " (kind, internal_id)");
    s << d.appendOnlyTriggers(QStringLiteral("external_ids"));
    s << QStringLiteral("CREATE TABLE ingested_events ("
                        " event_id TEXT PRIMARY KEY CHECK (length(event_id) BETWEEN 1 AND 200),"
                        " type TEXT NOT NULL,"
                        " at BIGINT NOT NULL,"
                        " applied_at BIGINT NOT NULL)");
    s << d.appendOnlyTriggers(QStringLiteral("ingested_events"));
    s << QStringLiteral("CREATE TABLE outbox ("
                        " seq BIGINT PRIMARY KEY CHECK (seq >= 1),"
                        " type TEXT NOT NULL,"
                        " at BIGINT NOT NULL,"
                        " data TEXT NOT NULL)");
    s << d.appendOnlyTriggers(QStringLiteral("outbox"));
    // One row: the last sequence number given. Taking the next one locks the row until the
    // commit, so numbers are given in commit order and a rolled-back one is given again.
    s << QStringLiteral("CREATE TABLE outbox_head (id INTEGER PRIMARY KEY CHECK (id = 1),"
                        " last_seq BIGINT NOT NULL CHECK (last_seq >= 0))");
    s << QStringLiteral("INSERT INTO outbox_head (id, last_seq) VALUES (1, 0)");
    s << QStringLiteral("CREATE TABLE api_tokens ("
                        " name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),"
                        " token_hash TEXT NOT NULL UNIQUE,"
                        " scopes TEXT NOT NULL,"
                        " created_at BIGINT NOT NULL,"
                        " revoked_at BIGINT)");
    s << QStringLiteral("ALTER TABLE chargebacks ADD COLUMN due_by BIGINT");
    return s;
}

// Money out (INTEGRATION.md section 4): a payout remembers when it first left, why the
// processor refused it, and which failed payout a person retried; the processor's webhooks are
// applied once by event id; a dispute names its processor id; and the database has an id of
// its own, which makes the idempotency keys of two databases sharing one Stripe account differ.
QStringList migrateToV7(const SqlDialect &d)
{
    QStringList s;
    s << QStringLiteral("ALTER TABLE payouts ADD COLUMN sent_at BIGINT");
    s << QStringLiteral("ALTER TABLE payouts ADD COLUMN failure_reason TEXT NOT NULL DEFAULT ''");
    s << QStringLiteral("ALTER TABLE payouts ADD COLUMN retry_of BIGINT REFERENCES payouts (id)");
    // One retry per failed payout, and at most one payout of a request still on its way or paid:
    // the second of two people retrying at once is refused by the database.
    s << QStringLiteral("CREATE UNIQUE INDEX payouts_retry_of ON payouts (retry_of)"
                        " WHERE retry_of IS NOT NULL");
    s << QStringLiteral("CREATE UNIQUE INDEX payouts_one_live ON payouts (request_id)"
                        " WHERE request_id IS NOT NULL AND status <> 'failed'");
    if (d.isSqlite())
        s << QStringLiteral("DROP TRIGGER payouts_guard")
          << QStringLiteral("DROP TRIGGER payouts_no_delete");
    else
        s << QStringLiteral("DROP TRIGGER payouts_guard ON payouts");
    s << d.guardTriggers(
        QStringLiteral("payouts"),
        anyChanges(d, {"id", "request_id", "purchase_id", "account_id", "amount_cents", "currency",
                       "created_at", "retry_of"}) +
            QStringLiteral(" OR (OLD.gateway_ref IS NOT NULL AND %1)"
                           " OR (OLD.sent_at IS NOT NULL AND %2)")
                .arg(d.changes(QStringLiteral("gateway_ref")),
                     d.changes(QStringLiteral("sent_at"))) +
            payoutMovesForwardOnly,
        QStringLiteral("payouts: only the status of a payout moves, forward only (pending, sent, "
                       "then succeeded, failed or unknown; unknown to succeeded or failed); its "
                       "amount, currency, purchase, account, request and first sending never "
                       "change"));
    s << QStringLiteral("CREATE TABLE processor_events ("
                        " event_id TEXT PRIMARY KEY CHECK (length(event_id) BETWEEN 1 AND 200),"
                        " type TEXT NOT NULL,"
                        " received_at BIGINT NOT NULL)");
    s << d.appendOnlyTriggers(QStringLiteral("processor_events"));
    s << QStringLiteral("ALTER TABLE chargebacks ADD COLUMN dispute_ref TEXT");
    s << QStringLiteral("CREATE UNIQUE INDEX chargebacks_dispute ON chargebacks (dispute_ref)"
                        " WHERE dispute_ref IS NOT NULL");
    s << QStringLiteral("CREATE TABLE desk_settings ("
                        " key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 100),"
                        " value TEXT NOT NULL)");
    s << QStringLiteral("INSERT INTO desk_settings (key, value) VALUES ('database_uuid', '%1')")
             .arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
    return s;
}

// The chain's trigger on SQLite: an AFTER INSERT trigger fills in the new row's position and
// hashes (the append-only guard lets a row be completed once). `withRole`: see canonicalSql().
QString auditChainSqlite(const SqlDialect &d, bool withRole)
{
    return QStringLiteral(
               "CREATE TRIGGER audit_chain AFTER INSERT ON audit_log BEGIN"
               " UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1;"
               " UPDATE audit_log SET chain_seq = (SELECT last_seq FROM audit_head WHERE id = 1),"
               " prev_hash = (SELECT last_hash FROM audit_head WHERE id = 1) WHERE id = NEW.id;"
               " UPDATE audit_log SET hash = %1 WHERE id = NEW.id;"
               " UPDATE audit_head SET last_hash = (SELECT hash FROM audit_log"
               " WHERE id = NEW.id) WHERE id = 1;"
               " END")
        .arg(AuditChain::hashSql(
            d, QStringLiteral("audit_log.prev_hash"),
            AuditChain::canonicalSql(d, QStringLiteral("audit_log"), withRole)));
}

// The chain's function on PostgreSQL. Writers take turns on the chain with a transaction-level
// lock; each row reads the newest one through the chain_seq index (not the head row: updating
// one row per insert makes a long transaction's inserts quadratic on PostgreSQL), and the head
// follows once per statement.
QString auditChainPostgres(const SqlDialect &d, bool withRole)
{
    return QStringLiteral("CREATE OR REPLACE FUNCTION audit_chain() RETURNS trigger"
                          " LANGUAGE plpgsql AS $$"
                          " DECLARE prev TEXT; seq BIGINT; BEGIN"
                          " PERFORM pg_advisory_xact_lock(%2);"
                          " SELECT chain_seq, hash INTO seq, prev FROM audit_log"
                          "  ORDER BY chain_seq DESC LIMIT 1;"
                          " IF seq IS NULL THEN seq := 0; prev := '%3'; END IF;"
                          " NEW.chain_seq := seq + 1; NEW.prev_hash := prev;"
                          " NEW.hash := %1;"
                          " RETURN NEW; END $$")
        .arg(AuditChain::hashSql(d, QStringLiteral("prev"),
                                 AuditChain::canonicalSql(d, QStringLiteral("NEW"), withRole)))
        .arg(AuditChain::lockKey)
        .arg(AuditChain::genesis());
}

// The audit trail as a hash chain (AuditChain): every row gets its chain position, the hash
// before it and its own, computed by the database as it is inserted; the rows already there
// are chained in id order. On PostgreSQL a BEFORE INSERT trigger sets them under the lock of
// audit_head's row (one chain whoever writes); on SQLite an AFTER INSERT trigger fills them in
// (the append-only guard lets a row be completed once, never changed after).
void migrateToV8(const QSqlDatabase &db, const SqlDialect &d)
{
    QStringList s;
    s << QStringLiteral("ALTER TABLE audit_log ADD COLUMN chain_seq BIGINT");
    s << QStringLiteral("ALTER TABLE audit_log ADD COLUMN prev_hash TEXT");
    s << QStringLiteral("ALTER TABLE audit_log ADD COLUMN hash TEXT");
    s << QStringLiteral("CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1),"
                        " last_seq BIGINT NOT NULL CHECK (last_seq >= 0),"
                        " last_hash TEXT NOT NULL)");
    if (d.isSqlite()) {
        s << QStringLiteral("DROP TRIGGER audit_log_no_update");
        runAll(db, s);
        s.clear();
        // The rows already there, in id order.
        QString previous = AuditChain::genesis();
        qint64 seq = 0;
        QList<std::tuple<qint64, QString, QString>> chained;
        {
            SqlStatement rows(db, QStringLiteral("SELECT id, at, actor, action, account_id,"
                                                 " request_id, profile, profile_version,"
                                                 " recommendation, note, details FROM audit_log"
                                                 " ORDER BY id"));
            rows.exec();
            while (rows.next()) {
                QVariantList fields{++seq};
                for (int i = 0; i < 11; ++i)
                    fields << rows.value(i);
                const QString h = AuditChain::hash(previous, AuditChain::canonical(fields));
                chained.append({rows.value(0).toLongLong(), previous, h});
                previous = h;
            }
        }
        SqlStatement update(db, QStringLiteral("UPDATE audit_log SET chain_seq = ?, prev_hash = ?,"
                                               " hash = ? WHERE id = ?"));
        qint64 position = 0;
        for (const auto &[id, prev, h] : std::as_const(chained))
            update.bindAll({++position, prev, h, id}).exec();
        SqlStatement head(db, QStringLiteral("INSERT INTO audit_head (id, last_seq, last_hash)"
                                             " VALUES (1, ?, ?)"));
        head.bindAll({seq, previous}).exec();
        s << QStringLiteral("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
                            " WHEN OLD.hash IS NOT NULL"
                            " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END");
        s << auditChainSqlite(d, false);
    } else {
        s << QStringLiteral(
                 "DO $$ DECLARE r audit_log%ROWTYPE; prev TEXT := '%1'; seq BIGINT := 0; BEGIN"
                 " ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;"
                 " FOR r IN SELECT * FROM audit_log ORDER BY id LOOP"
                 "  seq := seq + 1; r.chain_seq := seq;"
                 "  UPDATE audit_log SET chain_seq = seq, prev_hash = prev, hash = %2"
                 "   WHERE id = r.id;"
                 "  prev := %2;"
                 " END LOOP;"
                 " ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change;"
                 " INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, seq, prev);"
                 " END $$")
                 .arg(AuditChain::genesis(),
                      AuditChain::hashSql(d, QStringLiteral("prev"),
                                          AuditChain::canonicalSql(d, QStringLiteral("r"), false)));
        s << QStringLiteral("ALTER TABLE audit_log ALTER COLUMN chain_seq SET NOT NULL,"
                            " ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL");
        s << auditChainPostgres(d, false);
        s << QStringLiteral("CREATE FUNCTION audit_head_move() RETURNS trigger LANGUAGE plpgsql"
                            " AS $$ BEGIN"
                            " UPDATE audit_head SET (last_seq, last_hash) = (SELECT chain_seq, hash"
                            "  FROM audit_log ORDER BY chain_seq DESC LIMIT 1)"
                            "  WHERE id = 1 AND EXISTS (SELECT 1 FROM audit_log);"
                            " RETURN NULL; END $$");
        s << QStringLiteral("CREATE TRIGGER audit_head_move AFTER INSERT ON audit_log"
                            " FOR EACH STATEMENT EXECUTE FUNCTION audit_head_move()");
        s << QStringLiteral("CREATE TRIGGER audit_chain BEFORE INSERT ON audit_log"
                            " FOR EACH ROW EXECUTE FUNCTION audit_chain()");
    }
    s << QStringLiteral("CREATE UNIQUE INDEX audit_chain_seq ON audit_log (chain_seq)");
    // An account's audit trail, newest first, on its page.
    s << QStringLiteral("CREATE INDEX audit_account ON audit_log (account_id, at)");
    runAll(db, s);
}

// Who decides (PostgreSQL: a team's shared database). A person signs in as their own login
// role, a member of one of the desk's group roles (TeamRoles); for such a session the database
// itself records who acted (session_user, whatever name the program passes) and refuses what
// the role may not do. Sessions that are no desk person (the owner, a service, one person's
// SQLite file) keep the names they give. The chain's trigger runs as its owner, so no desk
// role needs to write audit_head itself.
QStringList migrateToV9(const SqlDialect &d)
{
    if (d.isSqlite())
        return {};
    QStringList s;
    s << QStringLiteral(
        "CREATE FUNCTION refunddesk_role_of(who text) RETURNS text LANGUAGE sql STABLE"
        " SECURITY DEFINER SET search_path = pg_catalog AS $$"
        " SELECT r.rolname::text FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid"
        " JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = who AND r.rolname IN"
        " ('refunddesk_viewer', 'refunddesk_reviewer', 'refunddesk_lead', 'refunddesk_admin')"
        " ORDER BY array_position(ARRAY['refunddesk_admin', 'refunddesk_lead',"
        " 'refunddesk_reviewer', 'refunddesk_viewer'], r.rolname::text) LIMIT 1 $$");

    // Fires before audit_chain (triggers fire in name order): the chain hashes the real actor.
    s << QStringLiteral(
        "CREATE FUNCTION audit_actor() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN"
        " IF refunddesk_role_of(session_user) IS NOT NULL THEN NEW.actor := session_user; END IF;"
        " RETURN NEW; END $$");
    s << QStringLiteral("CREATE TRIGGER audit_actor BEFORE INSERT ON audit_log"
                        " FOR EACH ROW EXECUTE FUNCTION audit_actor()");
    s << QStringLiteral(
        "CREATE FUNCTION decisions_actor() RETURNS trigger LANGUAGE plpgsql AS $$"
        " DECLARE r text := refunddesk_role_of(session_user);"
        " BEGIN"
        " IF r IS NULL THEN RETURN NEW; END IF;"
        " IF r = 'refunddesk_viewer' THEN"
        "  RAISE EXCEPTION 'decisions: % is a viewer and cannot decide', session_user;"
        " END IF;"
        " IF NEW.is_override AND r = 'refunddesk_reviewer' THEN"
        "  RAISE EXCEPTION 'decisions: only a lead may decide against the policy (% is a"
        " reviewer)', session_user;"
        " END IF;"
        " NEW.reviewer := session_user;"
        " RETURN NEW; END $$");
    s << QStringLiteral("CREATE TRIGGER decisions_actor BEFORE INSERT ON decisions"
                        " FOR EACH ROW EXECUTE FUNCTION decisions_actor()");
    s << QStringLiteral("ALTER FUNCTION audit_chain() SECURITY DEFINER SET search_path = public");
    s << QStringLiteral("ALTER FUNCTION audit_head_move() SECURITY DEFINER"
                        " SET search_path = public");
    return s;
}

using Step = void (*)(const QSqlDatabase &, const SqlDialect &);
template <QStringList (*statements)(const SqlDialect &)>
void plain(const QSqlDatabase &db, const SqlDialect &d)
{
    runAll(db, statements(d));
}
constexpr Step steps[] = {plain<migrateToV1>,  plain<migrateToV2>,  plain<migrateToV3>,
                          migrateToV4,         plain<migrateToV5>,  plain<migrateToV6>,
                          plain<migrateToV7>,  migrateToV8,         plain<migrateToV9>,
                          migrateToV10,        migrateToV11,        plain<migrateToV12>,
                          plain<migrateToV13>, plain<migrateToV14>, plain<migrateToV15>,
                          plain<migrateToV16>, plain<migrateToV17>};

} // namespace SchemaSteps

using namespace SchemaSteps;

int Schema::latestVersion()
{
    return int(std::size(steps));
}

void Schema::upgrade(int version, const QSqlDatabase &db, const SqlDialect &dialect)
{
    if (version < 1 || version > latestVersion())
        throw DatabaseError(
            QCoreApplication::translate("Schema", "no schema version %1").arg(version));
    steps[version - 1](db, dialect);
}

QString Schema::spellOutInListsForTest(const QString &sql)
{
    return spellOutInLists(sql);
}
