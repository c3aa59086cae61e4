#include "bulkeventapplier.h"

#include "intakeproblems.h"
#include "models/creditlotrepository.h"
#include "models/databaseerror.h"
#include "models/scopedsetting.h"
#include "models/sqlstatement.h"
#include "refundworkflow.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <algorithm>
#include <limits>

namespace {
QStringList columns(std::initializer_list<const char *> names)
{
    QStringList list;
    for (const char *name : names)
        list << QLatin1String(name);
    return list;
}

const QStringList accountColumns =
    columns({"id", "email", "display_name", "status", "profile", "balance_credits", "created_at"});
const QStringList externalColumns = columns({"kind", "external_id", "internal_id"});
const QStringList purchaseColumns =
    columns({"id", "account_id", "created_at", "kind", "package", "credits", "amount_cents",
             "currency", "fee_cents", "payment_ref", "charge_count", "delivered", "disputed"});
const QStringList lotColumns = columns(
    {"id", "account_id", "purchase_id", "created_at", "credits_total", "credits_remaining"});
const QStringList jobColumns = columns(
    {"id", "account_id", "created_at", "model", "credits", "status", "failure", "error_detail"});
const QStringList ledgerColumns =
    columns({"id", "account_id", "created_at", "entry_type", "credits", "purchase_id", "job_id",
             "request_id", "created_by", "note"});
const QStringList outboxColumns = columns({"seq", "type", "at", "data"});

QString jsonText(const QJsonArray &array)
{
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QJsonArray jsonOf(const QSet<QString> &texts)
{
    QJsonArray array;
    for (const QString &t : texts)
        array.append(t);
    return array;
}

// A reference the fast way resolves: the platform's own id, not the desk's "#68".
bool plain(const QString &externalId)
{
    return !externalId.isEmpty() && !externalId.startsWith(QLatin1Char('#'));
}

QString dataText(const PlatformEvents::Envelope &e, const char *key)
{
    const QJsonValue v = e.data.value(QLatin1String(key));
    return v.isString() ? v.toString() : QString();
}
} // namespace

BulkEventApplier::BulkEventApplier(const QSqlDatabase &conn, RefundWorkflow &workflow,
                                   qint64 appliedAt)
    : m_conn(conn), m_dialect(SqlDialect::of(conn)), m_workflow(workflow), m_appliedAt(appliedAt),
      m_accountWriter(conn, m_dialect, QStringLiteral("accounts"), accountColumns),
      m_externalWriter(conn, m_dialect, QStringLiteral("external_ids"), externalColumns),
      m_purchaseWriter(conn, m_dialect, QStringLiteral("purchases"), purchaseColumns),
      m_lotWriter(conn, m_dialect, QStringLiteral("credit_lots"), lotColumns),
      m_jobWriter(conn, m_dialect, QStringLiteral("jobs"), jobColumns),
      m_ledgerWriter(conn, m_dialect, QStringLiteral("ledger_entries"), ledgerColumns),
      m_outboxWriter(conn, m_dialect, QStringLiteral("outbox"), outboxColumns)
{
}

BulkEventApplier::~BulkEventApplier() = default;

QList<bool> BulkEventApplier::claim(const Envelopes &events)
{
    QList<bool> claimed(events.size(), false);
    QHash<QString, qsizetype> first; // event id -> its first place in the chunk
    QJsonArray rows;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const PlatformEvents::Envelope &e = *events.at(i);
        if (first.contains(e.id))
            continue;
        first.insert(e.id, i);
        rows.append(QJsonArray{e.id, e.type, e.at});
    }
    if (rows.isEmpty())
        return claimed;
    // ON CONFLICT DO NOTHING waits for a concurrent batch holding the same id and then does
    // nothing if that one committed: each event is applied exactly once. (SQLite wants a WHERE
    // in an INSERT ... SELECT with an upsert clause.)
    SqlStatement st(m_conn,
                    QStringLiteral("INSERT INTO ingested_events (event_id, type, at, applied_at)"
                                   " SELECT %1, %2, %3, CAST(? AS BIGINT) FROM %4 WHERE true"
                                   " ON CONFLICT (event_id) DO NOTHING RETURNING event_id")
                        .arg(m_dialect.jsonText(0), m_dialect.jsonText(1), m_dialect.jsonInteger(2),
                             m_dialect.jsonRows()));
    st.bindAll({m_appliedAt, jsonText(rows)}).exec();
    while (st.next())
        claimed[first.value(st.value(0).toString())] = true;
    return claimed;
}

void BulkEventApplier::prepare(const Envelopes &events)
{
    // PostgreSQL plans a prepared statement once for all after a few runs, with the sizes the
    // tables had then: in a batch that fills an empty table, a lookup planned when it held
    // nothing (a scan) would stay so for the rest of it. These are planned each time, with
    // today's sizes (and only these: the foreign-key checks keep their cached plans).
    const bool postgres = m_dialect.isPostgres();
    const ScopedSetting customPlans(
        m_conn,
        postgres ? QStringLiteral("SET LOCAL plan_cache_mode = force_custom_plan") : QString(),
        postgres ? QStringLiteral("SET LOCAL plan_cache_mode TO DEFAULT") : QString());
    std::array<QSet<QString>, 5> refs;
    QSet<QString> emails, paymentRefs;
    auto ref = [&](Kind kind, const QString &id) {
        if (plain(id) && !m_ids[int(kind)].contains(id))
            refs[int(kind)].insert(id);
    };
    for (const PlatformEvents::Envelope *e : events) {
        if (e->type == QLatin1String("job.finished")) {
            ref(Kind::Job, dataText(*e, "job"));
            ref(Kind::Account, dataText(*e, "account"));
        } else if (e->type == QLatin1String("purchase.completed")) {
            ref(Kind::Purchase, dataText(*e, "purchase"));
            ref(Kind::Account, dataText(*e, "account"));
            if (const QString p = dataText(*e, "payment_ref"); !p.isEmpty())
                paymentRefs.insert(p);
        } else if (e->type == QLatin1String("account.upserted")) {
            ref(Kind::Account, dataText(*e, "account"));
            if (const QString m = dataText(*e, "email"); !m.isEmpty())
                emails.insert(m);
        }
    }
    for (int kind = 0; kind < int(refs.size()); ++kind) {
        if (refs[kind].isEmpty())
            continue;
        QHash<QString, qint64> &ids = m_ids[kind];
        for (const QString &id : std::as_const(refs[kind]))
            ids.insert(id, 0);
        SqlStatement st(m_conn, QStringLiteral("SELECT external_id, internal_id FROM external_ids"
                                               " WHERE kind = ? AND %1")
                                    .arg(m_dialect.inJsonTexts(QStringLiteral("external_id"))));
        st.bindAll({ExternalIdRepository::kindName(Kind(kind)), jsonText(jsonOf(refs[kind]))})
            .exec();
        while (st.next())
            ids.insert(st.value(0).toString(), st.value(1).toLongLong());
    }
    auto owners = [&](QHash<QString, qint64> &cache, const char *sql, const char *column,
                      const QSet<QString> &keys) {
        QSet<QString> wanted;
        for (const QString &k : keys)
            if (!cache.contains(k)) {
                cache.insert(k, 0);
                wanted.insert(k);
            }
        if (wanted.isEmpty())
            return;
        SqlStatement st(m_conn,
                        QLatin1String(sql).arg(m_dialect.inJsonTexts(QLatin1String(column))));
        st.bind(jsonText(jsonOf(wanted))).exec();
        while (st.next())
            cache.insert(st.value(0).toString(), st.value(1).toLongLong());
    };
    owners(m_emails, "SELECT email, id FROM accounts WHERE %1", "email", emails);
    owners(m_paymentRefs, "SELECT payment_ref, id FROM purchases WHERE %1", "payment_ref",
           paymentRefs);
    QList<qint64> accounts;
    for (const QString &id : std::as_const(refs[int(Kind::Account)]))
        if (const qint64 account = m_ids[int(Kind::Account)].value(id);
            account && !m_states.contains(account))
            accounts << account;
    loadStates(accounts);
}

void BulkEventApplier::loadStates(const QList<qint64> &accounts)
{
    if (accounts.isEmpty())
        return;
    QJsonArray ids;
    for (qint64 a : accounts)
        ids.append(a);
    const QString json = jsonText(ids);
    // Locked in one order, so two batches about the same accounts wait rather than deadlock
    // within a chunk; the balance and the lots read after the lock are the current ones.
    SqlStatement balances(
        m_conn, QStringLiteral("SELECT id, balance_credits FROM accounts WHERE %1"
                               " ORDER BY id%2")
                    .arg(m_dialect.inJsonIntegers(QStringLiteral("id")), m_dialect.forUpdate()));
    balances.bind(json).exec();
    while (balances.next())
        m_states[balances.value(0).toLongLong()].balance = balances.value(1).toLongLong();
    SqlStatement lots(m_conn, QStringLiteral("SELECT id, account_id, created_at, credits_remaining"
                                             " FROM credit_lots WHERE %1"
                                             " AND credits_remaining > 0"
                                             " ORDER BY account_id, created_at, id")
                                  .arg(m_dialect.inJsonIntegers(QStringLiteral("account_id"))));
    lots.bind(json).exec();
    while (lots.next()) {
        Lot lot;
        lot.id = lots.value(0).toLongLong();
        lot.createdAt = lots.value(2).toLongLong();
        lot.remaining = lots.value(3).toLongLong();
        m_states[lots.value(1).toLongLong()].lots.push_back(lot);
    }
}

BulkEventApplier::AccountState &BulkEventApplier::state(qint64 account)
{
    if (!m_states.contains(account))
        loadStates({account});
    return m_states[account];
}

qint64 BulkEventApplier::lookup(Kind kind, const QString &externalId)
{
    QHash<QString, qint64> &ids = m_ids[int(kind)];
    if (const auto it = ids.constFind(externalId); it != ids.constEnd())
        return *it;
    const qint64 id = ExternalIdRepository(m_conn).find(kind, externalId).value_or(0);
    ids.insert(externalId, id);
    return id;
}

qint64 BulkEventApplier::lookupOwner(QHash<QString, qint64> &cache, const char *sql,
                                     const QString &key)
{
    if (const auto it = cache.constFind(key); it != cache.constEnd())
        return *it;
    const qint64 id =
        SqlStatement::scalar(m_conn, QLatin1String(sql), {key}, qint64(0)).toLongLong();
    cache.insert(key, id);
    return id;
}

QString BulkEventApplier::externalOf(Kind kind, qint64 id)
{
    if (id < 0) { // one of this chunk's, not written yet
        const QHash<QString, qint64> &ids = m_ids[int(kind)];
        for (auto it = ids.begin(); it != ids.end(); ++it)
            if (it.value() == id)
                return it.key();
    }
    return ExternalIdRepository(m_conn).externalOf(kind, id);
}

BulkEventApplier::IdPool &BulkEventApplier::poolOf(Kind kind)
{
    return kind == Kind::Account ? m_accountIds : kind == Kind::Purchase ? m_purchaseIds : m_jobIds;
}

void BulkEventApplier::assignIds(IdPool &pool)
{
    pool.real.clear();
    if (!pool.issued)
        return;
    pool.real.reserve(size_t(pool.issued));
    if (m_dialect.isSqlite()) {
        // The write transaction holds the whole database: the ids after the largest are ours.
        const qint64 next =
            SqlStatement::scalar(
                m_conn, QStringLiteral("SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence"
                                       " WHERE name = '%1'), 0),"
                                       " COALESCE((SELECT MAX(id) FROM %1), 0)) + 1")
                            .arg(QLatin1String(pool.table)))
                .toLongLong();
        for (qint64 i = 0; i < pool.issued; ++i)
            pool.real.push_back(next + i);
        return;
    }
    SqlStatement st(m_conn, QStringLiteral("SELECT nextval(pg_get_serial_sequence('%1', 'id'))"
                                           " FROM generate_series(1, CAST(? AS INTEGER))")
                                .arg(QLatin1String(pool.table)));
    st.bind(pool.issued).exec();
    while (st.next())
        pool.real.push_back(st.value(0).toLongLong());
    std::sort(pool.real.begin(), pool.real.end());
    if (qint64(pool.real.size()) != pool.issued)
        throw DatabaseError(QStringLiteral("%1: the id sequence gave %2 ids, not %3")
                                .arg(QLatin1String(pool.table))
                                .arg(pool.real.size())
                                .arg(pool.issued));
}

void BulkEventApplier::addLot(qint64 account, AccountState &s, const Lot &lot)
{
    // Spent oldest first: the lots stay in (created_at, id) order. A new lot's id is still a
    // temporary one, but it is the newest, so it goes after any lot of the same time.
    const auto key = [](const Lot &l) {
        return std::pair(l.createdAt, l.isNew ? std::numeric_limits<qint64>::max() : l.id);
    };
    const auto at = std::upper_bound(s.lots.begin(), s.lots.end(), lot,
                                     [&](const Lot &a, const Lot &b) { return key(a) < key(b); });
    s.lots.insert(at, lot);
    s.balance += lot.remaining;
    m_dirty.insert(account);
}

void BulkEventApplier::spend(qint64 account, AccountState &s, qint64 credits)
{
    qint64 left = credits;
    for (Lot &lot : s.lots) {
        if (left == 0)
            break;
        const qint64 take = std::min(left, lot.remaining);
        if (take == 0)
            continue;
        lot.remaining -= take;
        lot.changed = true;
        left -= take;
    }
    if (left > 0)
        throw CreditLotRepository::shortOfCredits(account, left, credits);
    s.balance -= credits;
    m_dirty.insert(account);
}

bool BulkEventApplier::apply(const PlatformEvents::Envelope &e)
{
    if (e.type == QLatin1String("job.finished"))
        return applyJob(e);
    if (e.type == QLatin1String("purchase.completed"))
        return applyPurchase(e);
    if (e.type == QLatin1String("account.upserted"))
        return applyAccount(e);
    return false;
}

bool BulkEventApplier::applyAccount(const PlatformEvents::Envelope &e)
{
    const PlatformEvents::AccountUpserted a = PlatformEvents::accountUpserted(e.data);
    if (!plain(a.account) || lookup(Kind::Account, a.account))
        return false; // an update
    auto known = m_profiles.constFind(a.profile);
    if (known == m_profiles.constEnd()) {
        bool exists = true;
        try {
            m_workflow.profile(a.profile);
        } catch (const DatabaseError &) {
            exists = false;
        }
        known = m_profiles.insert(a.profile, exists);
    }
    if (!*known)
        IntakeProblems::unknownProfile(a.profile);
    if (const qint64 owner =
            lookupOwner(m_emails, "SELECT id FROM accounts WHERE email = ?", a.email))
        IntakeProblems::emailTaken(a.email, externalOf(Kind::Account, owner));

    const qint64 id = m_accountIds.take();
    m_newAccounts.push_back({id, e.at, a});
    m_states.insert(id, AccountState{});
    m_emails.insert(a.email, id);
    m_ids[int(Kind::Account)].insert(a.account, id);
    m_newExternals.push_back({Kind::Account, a.account, id});
    return true;
}

bool BulkEventApplier::applyPurchase(const PlatformEvents::Envelope &e)
{
    const PlatformEvents::PurchaseCompleted p = PlatformEvents::purchaseCompleted(e.data);
    if (!plain(p.account) || !plain(p.purchase) || lookup(Kind::Purchase, p.purchase))
        return false; // the desk's own id, or the fact sent again
    const qint64 account = lookup(Kind::Account, p.account);
    if (!account)
        IntakeProblems::unknownReference(Kind::Account, p.account, "account", "account.upserted");
    if (const qint64 other = lookupOwner(
            m_paymentRefs, "SELECT id FROM purchases WHERE payment_ref = ?", p.paymentRef))
        IntakeProblems::paymentRefTaken(p.paymentRef, externalOf(Kind::Purchase, other));

    AccountState &s = state(account);
    const qint64 id = m_purchaseIds.take();
    const qint64 at = e.at ? e.at : m_workflow.now();
    m_newPurchases.push_back({id, account, at, p});
    m_paymentRefs.insert(p.paymentRef, id);
    m_ids[int(Kind::Purchase)].insert(p.purchase, id);
    m_newExternals.push_back({Kind::Purchase, p.purchase, id});
    if (p.delivered && p.credits > 0) {
        addLot(account, s, Lot{m_lotIds.take(), at, id, p.credits, p.credits, true, true});
        m_newEntries.push_back(
            {m_ledgerIds.take(), account, at, p.credits, id, 0, "purchase", QString()});
    }
    return true;
}

bool BulkEventApplier::applyJob(const PlatformEvents::Envelope &e)
{
    const PlatformEvents::JobFinished j = PlatformEvents::jobFinished(e.data);
    if (!plain(j.account) || !plain(j.job) || lookup(Kind::Job, j.job))
        return false;
    const qint64 account = lookup(Kind::Account, j.account);
    if (!account)
        IntakeProblems::unknownReference(Kind::Account, j.account, "account", "account.upserted");
    AccountState &s = state(account);
    if (s.balance < j.credits)
        IntakeProblems::notEnoughCredits(j.account, s.balance, j.credits);

    const qint64 id = m_jobIds.take();
    const qint64 at = e.at ? e.at : m_workflow.now();
    m_newJobs.push_back({id, account, at, j});
    m_ids[int(Kind::Job)].insert(j.job, id);
    m_newExternals.push_back({Kind::Job, j.job, id});
    spend(account, s, j.credits);
    m_newEntries.push_back(
        {m_ledgerIds.take(), account, at, -j.credits, 0, id, "usage", QString()});
    if (j.status == QLatin1String("failed") && j.failure == QLatin1String("platform")) {
        // The automatic credit-back, once, published: what reportJobFailure() does.
        const qint64 now = m_workflow.now();
        addLot(account, s, Lot{m_lotIds.take(), now, 0, j.credits, j.credits, true, true});
        m_newEntries.push_back({m_ledgerIds.take(), account, now, j.credits, 0, id,
                                "job_credit_back", RefundWorkflow::creditBackNote()});
        const QJsonObject data{{QStringLiteral("account"), j.account},
                               {QStringLiteral("credits"), j.credits},
                               {QStringLiteral("reason"), QStringLiteral("job_credit_back")},
                               {QStringLiteral("job"), j.job}};
        m_outgoing.push_back(
            {now, QString::fromUtf8(QJsonDocument(data).toJson(QJsonDocument::Compact))});
    }
    return true;
}

void BulkEventApplier::flush()
{
    for (IdPool *pool : {&m_accountIds, &m_purchaseIds, &m_lotIds, &m_jobIds, &m_ledgerIds})
        assignIds(*pool);
    const IdPool &accountId = m_accountIds, &purchaseId = m_purchaseIds, &lotId = m_lotIds,
                 &jobId = m_jobIds, &entryId = m_ledgerIds;

    // New accounts' states go under their real ids; their rows carry their balance.
    QSet<qint64> newAccounts;
    if (!m_newAccounts.empty()) {
        BulkRows rows(QStringLiteral("accounts"), accountColumns);
        for (const NewAccount &n : m_newAccounts) {
            const qint64 id = accountId(n.id);
            newAccounts.insert(id);
            m_states.insert(id, m_states.take(n.id));
            rows.add({id, n.data.email, n.data.name, n.data.status, n.data.profile,
                      m_states[id].balance, n.at});
        }
        m_accountWriter.write(rows);
    }
    if (!m_newExternals.empty()) {
        BulkRows rows(QStringLiteral("external_ids"), externalColumns);
        for (const NewExternal &x : m_newExternals)
            rows.add({ExternalIdRepository::kindName(x.kind), x.externalId, poolOf(x.kind)(x.id)});
        m_externalWriter.write(rows);
    }
    if (!m_newPurchases.empty()) {
        BulkRows rows(QStringLiteral("purchases"), purchaseColumns);
        for (const NewPurchase &n : m_newPurchases) {
            const PlatformEvents::PurchaseCompleted &p = n.data;
            rows.add({purchaseId(n.id), accountId(n.account), n.at, p.kind, p.package, p.credits,
                      p.amountCents, p.currency, p.feeCents, p.paymentRef, p.chargeCount,
                      p.delivered, false});
        }
        m_purchaseWriter.write(rows);
    }
    BulkRows newLots(QStringLiteral("credit_lots"), lotColumns);
    QJsonArray lotUpdates, balanceUpdates;
    for (const qint64 dirty : std::as_const(m_dirty)) {
        const qint64 account = accountId(dirty);
        AccountState &s = m_states[account];
        for (Lot &lot : s.lots) {
            lot.id = lotId(lot.id);
            if (lot.isNew)
                newLots.add({lot.id, account, SqlStatement::idOrNull(purchaseId(lot.purchase)),
                             lot.createdAt, lot.total, lot.remaining});
            else if (lot.changed)
                lotUpdates.append(QJsonArray{lot.id, lot.remaining});
            lot.isNew = lot.changed = false;
        }
        s.lots.erase(std::remove_if(s.lots.begin(), s.lots.end(),
                                    [](const Lot &l) { return l.remaining == 0; }),
                     s.lots.end());
        if (!newAccounts.contains(account))
            balanceUpdates.append(QJsonArray{account, s.balance});
    }
    m_dirty.clear();
    if (!newLots.isEmpty())
        m_lotWriter.write(newLots);
    if (!m_newJobs.empty()) {
        BulkRows rows(QStringLiteral("jobs"), jobColumns);
        for (const NewJob &n : m_newJobs) {
            const PlatformEvents::JobFinished &j = n.data;
            const bool failed = j.status == QLatin1String("failed");
            rows.add({jobId(n.id), accountId(n.account), n.at, j.model, j.credits,
                      failed ? QStringLiteral("failed") : QStringLiteral("succeeded"),
                      failed ? QVariant(j.failure) : QVariant(), failed ? j.error : QString()});
        }
        m_jobWriter.write(rows);
    }
    if (!m_newEntries.empty()) {
        BulkRows rows(QStringLiteral("ledger_entries"), ledgerColumns);
        for (const NewEntry &n : m_newEntries)
            rows.add({entryId(n.id), accountId(n.account), n.at, QLatin1String(n.type), n.credits,
                      SqlStatement::idOrNull(purchaseId(n.purchase)),
                      SqlStatement::idOrNull(jobId(n.job)), QVariant(),
                      RefundWorkflow::systemReviewer(), n.note});
        m_ledgerWriter.write(rows);
    }
    if (!m_outgoing.empty()) {
        // Numbers taken in one step; the head row stays locked until the commit, so they are
        // given in commit order, as OutboxRepository::append gives them one by one.
        SqlStatement head(m_conn, QStringLiteral("UPDATE outbox_head SET last_seq = last_seq + ?"
                                                 " WHERE id = 1 RETURNING last_seq"));
        head.bind(qint64(m_outgoing.size())).exec();
        head.next();
        qint64 seq = head.value(0).toLongLong() - qint64(m_outgoing.size());
        BulkRows rows(QStringLiteral("outbox"), outboxColumns);
        for (const Outgoing &o : m_outgoing)
            rows.add({++seq, QStringLiteral("credits.restored"), o.at, o.data});
        m_outboxWriter.write(rows);
    }
    // Absolute values, read under the accounts' locks: lots only shrink, as their guard wants.
    auto update = [&](const char *table, const char *column, const QJsonArray &rows) {
        if (rows.isEmpty())
            return;
        SqlStatement st(m_conn, QStringLiteral("UPDATE %1 SET %2 = %3 FROM %4 WHERE %1.id = %5")
                                    .arg(QLatin1String(table), QLatin1String(column),
                                         m_dialect.jsonInteger(1), m_dialect.jsonRows(),
                                         m_dialect.jsonInteger(0)));
        st.bind(jsonText(rows)).exec();
    };
    update("credit_lots", "credits_remaining", lotUpdates);
    update("accounts", "balance_credits", balanceUpdates);

    // What the chunk remembers now names the written rows by their real ids.
    for (const NewExternal &x : m_newExternals)
        m_ids[int(x.kind)].insert(x.externalId, poolOf(x.kind)(x.id));
    for (const NewAccount &n : m_newAccounts)
        m_emails.insert(n.data.email, accountId(n.id));
    for (const NewPurchase &n : m_newPurchases)
        m_paymentRefs.insert(n.data.paymentRef, purchaseId(n.id));
    m_newAccounts.clear();
    m_newExternals.clear();
    m_newPurchases.clear();
    m_newJobs.clear();
    m_newEntries.clear();
    m_outgoing.clear();
    for (IdPool *pool : {&m_accountIds, &m_purchaseIds, &m_lotIds, &m_jobIds, &m_ledgerIds}) {
        pool->issued = 0;
        pool->real.clear();
    }
}

void BulkEventApplier::beforeOrdinary()
{
    flush();
    m_ledgerMark = SqlStatement::scalar(
                       m_conn, QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM ledger_entries"))
                       .toLongLong();
}

void BulkEventApplier::afterOrdinary(const QString &type)
{
    // Balances and lots move only with ledger entries: forget the accounts that got one.
    SqlStatement moved(m_conn, QStringLiteral("SELECT DISTINCT account_id FROM ledger_entries"
                                              " WHERE id > ?"));
    moved.bind(m_ledgerMark).exec();
    while (moved.next())
        m_states.remove(moved.value(0).toLongLong());
    if (type == QLatin1String("account.upserted"))
        m_emails.clear(); // an email may have moved
    else if (type == QLatin1String("purchase.completed"))
        m_paymentRefs.clear();
}

void BulkEventApplier::learned(Kind kind, const QString &externalId, qint64 id)
{
    m_ids[int(kind)].insert(externalId, id);
}

void BulkEventApplier::endChunk()
{
    flush();
    for (auto &ids : m_ids)
        ids.clear();
    m_emails.clear();
    m_paymentRefs.clear();
    m_states.clear();
}
