#include "eventintake.h"

#include "bulkeventapplier.h"
#include "intakeproblems.h"

#include "models/accountrepository.h"
#include "models/chargebackrepository.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/externalidrepository.h"
#include "models/jobrepository.h"
#include "models/outagerepository.h"
#include "models/purchaserepository.h"
#include "models/requestrepository.h"
#include "models/scopedsetting.h"
#include "models/sqlstatement.h"
#include "models/writetransaction.h"
#include "platformevents.h"
#include "refundworkflow.h"
#include "rules/policytypes.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QIODevice>
#include <QJsonDocument>
#include <optional>
#include <vector>

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("EventIntake", text);
}

using IntakeProblems::raise;

using Kind = ExternalIdRepository::Kind;

// Events read, claimed and looked up together; a chunk's lookups cost a few statements.
constexpr qsizetype chunkSize = 2000;
// A handful of events (a single POST) is quicker the ordinary way than with the bulk way's
// lookups and writes per table.
constexpr qsizetype minBulk = 16;

// Applies one event's data in the batch's transaction; every refusal is an EventProblem
// thrown before anything of that event is written.
class Applier
{
public:
    Applier(const QSqlDatabase &conn, RefundWorkflow &workflow, BulkEventApplier &bulk)
        : m_conn(conn), m_workflow(workflow), m_ids(conn), m_bulk(bulk)
    {
    }

    void apply(const PlatformEvents::Envelope &e)
    {
        if (e.type == QLatin1String("account.upserted"))
            account(PlatformEvents::accountUpserted(e.data), e.at);
        else if (e.type == QLatin1String("purchase.completed"))
            purchase(PlatformEvents::purchaseCompleted(e.data), e.at);
        else if (e.type == QLatin1String("purchase.delivered"))
            delivered(PlatformEvents::purchaseDelivered(e.data));
        else if (e.type == QLatin1String("job.finished"))
            job(PlatformEvents::jobFinished(e.data), e.at);
        else if (e.type == QLatin1String("outage.recorded"))
            outage(PlatformEvents::outageRecorded(e.data));
        else if (e.type == QLatin1String("refund.requested"))
            request(PlatformEvents::refundRequested(e.data), e.at);
        else if (e.type == QLatin1String("chargeback.opened"))
            chargeback(PlatformEvents::chargebackOpened(e.data));
    }

private:
    qint64 known(Kind kind, const QString &externalId, const char *field,
                 const char *sendFirst) const
    {
        // "#68" is the desk's own id of something the platform never named (a ticket typed
        // into the desk about a demo purchase, say).
        if (externalId.startsWith(QLatin1Char('#'))) {
            bool ok = false;
            const qint64 own = externalId.mid(1).toLongLong(&ok);
            static const char *const tables[] = {"accounts", "purchases", "jobs", "refund_requests",
                                                 "outages"};
            if (ok && own > 0 &&
                !SqlStatement::scalar(m_conn,
                                      QStringLiteral("SELECT id FROM %1 WHERE id = ?")
                                          .arg(QLatin1String(tables[int(kind)])),
                                      {own})
                     .isNull())
                return own;
            raise(QStringLiteral("data.") + QLatin1String(field),
                  tr("no %1 with the id %2").arg(ExternalIdRepository::kindName(kind), externalId));
        }
        const auto id = m_ids.find(kind, externalId);
        if (!id)
            IntakeProblems::unknownReference(kind, externalId, field, sendFirst);
        return *id;
    }

    // Records a new external id; the bulk way keeps its lookups right.
    void add(Kind kind, const QString &externalId, qint64 internalId)
    {
        m_ids.add(kind, externalId, internalId);
        m_bulk.learned(kind, externalId, internalId);
    }

    // A fact sent again must be the same fact.
    template <typename T>
    static void same(const char *field, const T &stored, const T &sent, const QString &what)
    {
        if (stored != sent)
            raise(QStringLiteral("data.") + QLatin1String(field),
                  tr("differs from %1 as already recorded (%2, now %3): facts do not change")
                      .arg(what, QVariant::fromValue(stored).toString(),
                           QVariant::fromValue(sent).toString()));
    }

    void account(const PlatformEvents::AccountUpserted &a, qint64 at)
    {
        try {
            m_workflow.profile(a.profile);
        } catch (const DatabaseError &) {
            IntakeProblems::unknownProfile(a.profile);
        }
        AccountRepository accounts(m_conn);
        const auto existing = m_ids.find(Kind::Account, a.account);
        if (const auto byEmail = accounts.findByEmail(a.email);
            byEmail && (!existing || byEmail->id != *existing))
            IntakeProblems::emailTaken(a.email, m_ids.externalOf(Kind::Account, byEmail->id));
        AccountRecord r;
        r.email = a.email;
        r.displayName = a.name;
        r.profile = a.profile;
        r.status = a.status;
        if (existing) {
            r.id = *existing;
            accounts.update(r);
            return;
        }
        r.createdAt = at;
        add(Kind::Account, a.account, accounts.create(r));
    }

    void purchase(const PlatformEvents::PurchaseCompleted &p, qint64 at)
    {
        const qint64 account = known(Kind::Account, p.account, "account", "account.upserted");
        PurchaseRepository purchases(m_conn);
        if (const auto existing = m_ids.find(Kind::Purchase, p.purchase)) {
            const PurchaseRecord r = *purchases.find(*existing);
            const QString what = tr("purchase \"%1\"").arg(p.purchase);
            same("account", r.accountId, account, what);
            same("credits", r.credits, p.credits, what);
            same("amount_cents", r.amountCents, p.amountCents, what);
            same("currency", r.currency, p.currency, what);
            same("payment_ref", r.paymentRef, p.paymentRef, what);
            same("fee_cents", r.feeCents, p.feeCents, what);
            same("charge_count", r.chargeCount, p.chargeCount, what);
            same("kind", r.kind, p.kind, what);
            return;
        }
        if (const auto other = purchases.findByPaymentRef(p.paymentRef))
            IntakeProblems::paymentRefTaken(p.paymentRef,
                                            m_ids.externalOf(Kind::Purchase, other->id));
        PurchaseRecord r;
        r.accountId = account;
        r.createdAt = at;
        r.kind = p.kind;
        r.package = p.package;
        r.credits = p.credits;
        r.amountCents = p.amountCents;
        r.currency = p.currency;
        r.feeCents = p.feeCents;
        r.paymentRef = p.paymentRef;
        r.chargeCount = p.chargeCount;
        r.delivered = p.delivered;
        add(Kind::Purchase, p.purchase, m_workflow.recordPurchase(m_conn, r));
    }

    void delivered(const PlatformEvents::PurchaseDelivered &d)
    {
        m_workflow.deliverPurchase(
            m_conn, known(Kind::Purchase, d.purchase, "purchase", "purchase.completed"));
    }

    void job(const PlatformEvents::JobFinished &j, qint64 at)
    {
        const qint64 account = known(Kind::Account, j.account, "account", "account.upserted");
        if (const auto existing = m_ids.find(Kind::Job, j.job)) {
            const JobRecord r = *JobRepository(m_conn).find(*existing);
            const QString what = tr("job \"%1\"").arg(j.job);
            same("account", r.accountId, account, what);
            same("credits", r.credits, j.credits, what);
            same("status", r.status, j.status, what);
            same("failure", r.failure, j.failure, what);
            return;
        }
        const auto a = AccountRepository(m_conn).find(account);
        if (a->balanceCredits < j.credits)
            IntakeProblems::notEnoughCredits(j.account, a->balanceCredits, j.credits);
        JobRecord r;
        r.accountId = account;
        r.createdAt = at;
        r.model = j.model;
        r.credits = j.credits;
        const qint64 id = m_workflow.recordJob(m_conn, r);
        add(Kind::Job, j.job, id);
        if (j.status == QLatin1String("failed"))
            m_workflow.reportJobFailure(m_conn, id, *PolicyNames::toFailureCause(j.failure),
                                        j.error);
    }

    void outage(const PlatformEvents::OutageRecorded &o)
    {
        OutageRecord r{0, o.from, o.to, o.description};
        OutageRepository outages(m_conn);
        if (const auto existing = m_ids.find(Kind::Outage, o.outage)) {
            r.id = *existing;
            outages.update(r);
            return;
        }
        add(Kind::Outage, o.outage, outages.create(r));
    }

    void request(const PlatformEvents::RefundRequested &q, qint64 at)
    {
        qint64 account = 0;
        if (!q.account.isEmpty()) {
            account = known(Kind::Account, q.account, "account", "account.upserted");
        } else {
            const auto a = AccountRepository(m_conn).findByEmail(q.email);
            if (!a)
                raise(QStringLiteral("data.email"),
                      tr("no account has the email \"%1\"").arg(q.email));
            account = a->id;
        }
        const qint64 purchase = q.purchase.isEmpty() ? 0
                                                     : known(Kind::Purchase, q.purchase, "purchase",
                                                             "purchase.completed");
        const qint64 job = q.job.isEmpty() ? 0 : known(Kind::Job, q.job, "job", "job.finished");
        if (purchase && PurchaseRepository(m_conn).find(purchase)->accountId != account)
            raise(QStringLiteral("data.purchase"),
                  tr("purchase \"%1\" is not this account's").arg(q.purchase));
        if (job && JobRepository(m_conn).find(job)->accountId != account)
            raise(QStringLiteral("data.job"), tr("job \"%1\" is not this account's").arg(q.job));
        const RequestType type = *PolicyNames::toRequestType(q.type);
        if (type == RequestType::FailedJob && !job)
            raise(QStringLiteral("data.job"), tr("is required for a failed_job request"));
        if (type != RequestType::FailedJob && type != RequestType::Dissatisfaction &&
            type != RequestType::Legal && !purchase)
            raise(QStringLiteral("data.purchase"), tr("is required for a %1 request").arg(q.type));
        if (const auto existing = m_ids.find(Kind::Request, q.request)) {
            const RequestRecord r = *RequestRepository(m_conn).find(*existing);
            const QString what = tr("request \"%1\"").arg(q.request);
            same("account", r.accountId, account, what);
            same("type", r.type, q.type, what);
            same("purchase", r.purchaseId, purchase, what);
            same("job", r.jobId, job, what);
            return;
        }
        RequestRecord r;
        r.accountId = account;
        r.type = q.type;
        r.purchaseId = purchase;
        r.jobId = job;
        r.claimedAmountCents = q.amountCents;
        r.message = q.message;
        r.receivedAt = at;
        const qint64 id = m_workflow.submitRequest(m_conn, r);
        add(Kind::Request, q.request, id);
        // Triaged as it arrives: the queue never shows it without a recommendation.
        m_workflow.triageRequest(m_conn, id);
    }

    void chargeback(const PlatformEvents::ChargebackOpened &c)
    {
        const qint64 purchase = known(Kind::Purchase, c.purchase, "purchase", "purchase.completed");
        if (PurchaseRepository(m_conn).find(purchase)->disputed)
            raise(QStringLiteral("data.purchase"),
                  tr("purchase \"%1\" already has an open chargeback").arg(c.purchase));
        m_workflow.recordChargeback(m_conn, purchase, c.reason, c.contactedSupportFirst, c.dueBy);
    }

    QSqlDatabase m_conn;
    RefundWorkflow &m_workflow;
    ExternalIdRepository m_ids;
    BulkEventApplier &m_bulk;
};

// One line, at most `limit` bytes kept; the rest of a longer line is read and dropped.
bool readLine(QIODevice *device, qint64 limit, QByteArray *line, bool *tooLong)
{
    line->clear();
    *tooLong = false;
    if (device->atEnd())
        return false;
    while (true) {
        QByteArray chunk = device->readLine(64 * 1024 + 1);
        if (chunk.isEmpty())
            break;
        const bool ends = chunk.endsWith('\n');
        if (!*tooLong) {
            line->append(chunk);
            if (line->size() > limit + 1) {
                *tooLong = true;
                line->clear();
            }
        }
        if (ends)
            break;
    }
    while (line->endsWith('\n') || line->endsWith('\r'))
        line->chop(1);
    return true;
}
} // namespace

QString IntakeError::describe() const
{
    QString where = tr("line %1").arg(position);
    if (!eventId.isEmpty())
        where += QStringLiteral(" (%1)").arg(eventId);
    return field.isEmpty() ? QStringLiteral("%1: %2").arg(where, message)
                           : QStringLiteral("%1: %2: %3").arg(where, field, message);
}

bool NdjsonSource::next(QByteArray *json, qint64 *position, QString *problem)
{
    while (true) {
        bool tooLong = false;
        if (!readLine(m_device, PlatformEvents::maxLineBytes, json, &tooLong))
            return false;
        ++m_line;
        *position = m_line;
        problem->clear();
        if (tooLong) {
            *problem = tr("the line is longer than 1 MiB");
            return true;
        }
        if (!json->trimmed().isEmpty())
            return true;
    }
}

bool NdjsonSource::rewind()
{
    if (m_device->isSequential() || !m_device->seek(0))
        return false;
    m_line = 0;
    return true;
}

std::unique_ptr<BodySource> BodySource::fromNdjson(const QByteArray &body, QString *error)
{
    auto source = std::make_unique<BodySource>();
    for (const QByteArray &line : body.split('\n'))
        if (!line.trimmed().isEmpty())
            source->m_items << line;
    if (source->m_items.isEmpty()) {
        *error = tr("the body holds no event");
        return nullptr;
    }
    return source;
}

std::unique_ptr<BodySource> BodySource::fromJsonArray(const QByteArray &body, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = tr("the body is not JSON (at offset %1: %2)")
                     .arg(parseError.offset)
                     .arg(parseError.errorString());
        return nullptr;
    }
    if (!doc.isArray()) {
        *error = tr("an application/json body is one array of events");
        return nullptr;
    }
    auto source = std::make_unique<BodySource>();
    for (const QJsonValue v : doc.array())
        source->m_items << QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
    // A non-object element keeps its place, so its error names the right index.
    qsizetype i = 0;
    for (const QJsonValue v : doc.array()) {
        if (!v.isObject())
            source->m_items[i] = QByteArrayLiteral("[]");
        ++i;
    }
    return source;
}

bool BodySource::next(QByteArray *json, qint64 *position, QString *problem)
{
    if (m_next >= m_items.size())
        return false;
    problem->clear();
    *position = m_next;
    *json = m_items.at(m_next++);
    return true;
}

bool BodySource::rewind()
{
    m_next = 0;
    return true;
}

EventIntake::EventIntake(Database &database, RefundWorkflow &workflow)
    : m_db(database), m_workflow(workflow)
{
}

IntakeResult EventIntake::ingest(EventSource &source, const Options &options)
{
    constexpr int attempts = 5;
    for (int attempt = 1;; ++attempt) {
        try {
            return this->attempt(source, options);
        } catch (const DatabaseError &e) {
            // A deadlock with a concurrent batch: this one rolled back whole, so start again
            // (when the input can be read twice; a pipe cannot).
            if (attempt == attempts || !m_db.dialect().isRetryable(e.nativeCode(), e.message()) ||
                !source.rewind())
                throw;
        }
    }
}

IntakeResult EventIntake::attempt(EventSource &source, const Options &options)
{
    IntakeResult result;
    auto addError = [&](qint64 position, const QString &id, const QString &field,
                        const QString &message) {
        if (result.errors.size() < options.maxErrors)
            result.errors << IntakeError{position, id, field, message};
        ++result.errorCount;
    };
    WriteTransaction tx(m_db);
    const QSqlDatabase conn = tx.connection();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    BulkEventApplier bulk(conn, m_workflow, now);
    Applier applier(conn, m_workflow, bulk);
    const ScopedSetting pageCache(conn, ScopedSetting::BigPageCache{});

    // The events go in chunks: each chunk's ids are claimed and what they refer to looked up
    // with a few statements, then applied in order. A refused event writes nothing, so the
    // next ones are still applied (in the transaction that will roll back) to name their
    // problems too; a database error ends that.
    struct Item
    {
        qint64 position = 0;
        std::optional<PlatformEvents::Envelope> event;
        IntakeError problem; // when there is no event
    };
    std::vector<Item> chunk;
    bool canApply = true;
    auto databaseError = [&](const DatabaseError &e, qint64 position, const QString &id) {
        if (m_db.dialect().isRetryable(e.nativeCode(), e.message()))
            throw e; // a lost race: the whole batch again
        // The transaction cannot go on (PostgreSQL aborts it): name it, check the rest.
        addError(position, id, {}, e.message());
        canApply = false;
    };
    QByteArray json;
    qint64 position = 0;
    QString inputProblem;
    bool more = true;
    while (more) {
        chunk.clear();
        while (qsizetype(chunk.size()) < chunkSize &&
               (more = source.next(&json, &position, &inputProblem))) {
            ++result.read;
            if (options.progress && result.read % 10000 == 0)
                options.progress(result.read);
            Item item;
            item.position = position;
            if (!inputProblem.isEmpty()) {
                item.problem = IntakeError{position, {}, {}, inputProblem};
            } else {
                try {
                    item.event = PlatformEvents::envelope(json);
                } catch (const EventProblem &p) {
                    item.problem = IntakeError{position, p.eventId, p.field, p.message};
                }
            }
            chunk.push_back(std::move(item));
        }
        if (chunk.empty())
            break;
        BulkEventApplier::Envelopes events;
        for (const Item &item : chunk)
            if (item.event)
                events << &*item.event;
        const bool inBulk = options.bulk && events.size() >= minBulk;
        QList<bool> claimed;
        if (canApply) {
            try {
                claimed = bulk.claim(events);
                BulkEventApplier::Envelopes fresh;
                for (qsizetype i = 0; i < events.size(); ++i)
                    if (claimed.at(i))
                        fresh << events.at(i);
                if (inBulk)
                    bulk.prepare(fresh);
            } catch (const DatabaseError &e) {
                databaseError(e, chunk.front().position, {});
            }
        }
        qsizetype next = 0; // the place of the next event in `events` and `claimed`
        for (const Item &item : chunk) {
            if (!item.event) {
                addError(item.problem.position, item.problem.eventId, item.problem.field,
                         item.problem.message);
                continue;
            }
            const PlatformEvents::Envelope &e = *item.event;
            const bool fresh = claimed.value(next++);
            try {
                if (!canApply) {
                    // The transaction cannot go on: only check the rest, to name every problem.
                    PlatformEvents::check(e);
                    continue;
                }
                if (!fresh) {
                    ++result.duplicates;
                    continue;
                }
                if (!inBulk) {
                    applier.apply(e);
                } else if (!bulk.apply(e)) {
                    bulk.beforeOrdinary();
                    applier.apply(e);
                    bulk.afterOrdinary(e.type);
                }
                ++result.applied;
            } catch (const EventProblem &p) {
                addError(item.position, e.id, p.field, p.message);
            } catch (const DatabaseError &error) {
                databaseError(error, item.position, e.id);
            }
        }
        if (canApply) {
            try {
                bulk.endChunk();
            } catch (const DatabaseError &e) {
                databaseError(e, chunk.front().position, {});
            }
        }
    }
    if (result.ok() && !options.dryRun)
        tx.commit();
    return result; // else rolled back: nothing of the batch is written
}
