#include "demodatagenerator.h"

#include "models/bulkinserter.h"
#include "models/bulkloadscope.h"
#include "models/database.h"
#include "models/sqlstatement.h"
#include "models/writetransaction.h"
#include "rules/policyprofile.h"

#include <QElapsedTimer>
#include <QTimeZone>
#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace {

// splitmix64: small, fast and identical on every platform (std distributions are not).
class DemoRandom
{
public:
    explicit DemoRandom(quint64 seed)
        : m_state(seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull)
    {
    }
    quint64 next()
    {
        quint64 z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    qint64 below(qint64 n) { return n <= 1 ? 0 : qint64(next() % quint64(n)); }
    qint64 between(qint64 lo, qint64 hi) { return hi <= lo ? lo : lo + below(hi - lo + 1); }
    bool perMille(int p) { return below(1000) < p; }
    template <typename T, size_t N> const T &pick(const std::array<T, N> &items)
    {
        return items[size_t(below(qint64(N)))];
    }

private:
    quint64 m_state;
};

struct Package
{
    const char *name;
    qint64 credits;
    qint64 cents;
};
// AI Image Studio's fixed packages (POLICIES.md), used for every demo profile.
constexpr std::array<Package, 4> packages{
    {{"Starter", 50, 500}, {"Basic", 120, 1000}, {"Pro", 300, 2000}, {"Premium", 1000, 5000}}};
constexpr Package subscriptionPackage{"Monthly plan", 500, 1500};

constexpr std::array<const char *, 5> profiles{"aidancing", "vysage", "apiany", "aiimagestudio",
                                               "hummingbytes"};
constexpr std::array<const char *, 5> models{"video-v3", "video-v3", "api-chat", "image-xl",
                                             "voice-hd"};
constexpr std::array<const char *, 11> requestTypes{
    "failed_job",    "unused_credits", "accidental_purchase", "duplicate_charge", "billing_error",
    "not_delivered", "outage",         "dissatisfaction",     "subscription",     "legal",
    "chargeback"};
constexpr std::array<const char *, 5> statuses{"new", "pending", "escalated", "approved", "denied"};
constexpr std::array<const char *, 4> reviewers{"alice", "bob", "chen", "dana"};

constexpr std::array<const char *, 16> firstNames{
    "Olivia", "Liam",  "Emma",  "Noah",  "Ava",   "Mateo", "Mia",    "Lucas",
    "Sofia",  "Ethan", "Aisha", "Kenji", "Priya", "Jonas", "Fatima", "Diego"};
constexpr std::array<const char *, 16> lastNames{
    "Smith",   "Garcia", "Chen",   "Kowalski", "Okafor", "Novak",  "Rossi", "Tanaka",
    "Schmidt", "Silva",  "Haddad", "Larsen",   "Nguyen", "Murphy", "Patel", "Dubois"};
// The names real data has, that break careless CSV and spreadsheet handling.
constexpr std::array<const char *, 14> awkwardNames{"Zoë Ångström",
                                                    "José Núñez",
                                                    "Łukasz Żółkiewski",
                                                    "山田 太郎",
                                                    "Søren Kierkegård",
                                                    "O'Brien, Patrick",
                                                    "Anna \"Annie\" Smith",
                                                    "Line\nBreak Studios",
                                                    "=HYPERLINK(\"http://evil.example\",\"click\")",
                                                    "+1 555 0100",
                                                    "@SUM(A1)",
                                                    "-2+3 Media",
                                                    "Müller & Söhne, GmbH",
                                                    "Émilie Dubois-Renée"};

QString messageFor(const QString &type, DemoRandom &rng)
{
    static const QHash<QString, std::array<const char *, 2>> messages{
        {QStringLiteral("failed_job"),
         {"My generation failed with an error, please give my credits back.",
          "Render stopped at 97%, \"internal error\". Credits were taken anyway!"}},
        {QStringLiteral("unused_credits"),
         {"I haven't used these credits, can I get a refund?",
          "Bought the wrong pack, never used it."}},
        {QStringLiteral("accidental_purchase"),
         {"I clicked buy twice by mistake.", "My kid bought this, please refund.\nThanks"}},
        {QStringLiteral("duplicate_charge"),
         {"My card was charged twice for the same order.",
          "Two charges on my statement, same amount."}},
        {QStringLiteral("billing_error"),
         {"I was charged more than the listed price.", "Wrong amount, the page said $10.00."}},
        {QStringLiteral("not_delivered"),
         {"Paid but the credits never showed up.", "Payment went through, balance still 0."}},
        {QStringLiteral("outage"),
         {"The service was down for days, I couldn't use my credits.",
          "Outage ruined my deadline."}},
        {QStringLiteral("dissatisfaction"),
         {"The result looks nothing like my prompt.", "Quality is bad, I want my money back."}},
        {QStringLiteral("subscription"),
         {"Please refund this month's subscription.", "I forgot to cancel, refund the renewal."}},
        {QStringLiteral("legal"),
         {"I withdraw from the contract under EU consumer law.",
          "Statutory right of withdrawal, 14 days."}},
        {QStringLiteral("chargeback"),
         {"Dispute opened by the card issuer: unrecognised transaction.",
          "Bank dispute: fraud claim."}},
    };
    const auto &pair = messages.value(type);
    return QString::fromUtf8(pair[size_t(rng.below(2))]);
}

struct Lot
{
    qint64 id;
    qint64 purchaseId; // 0 for lots from credit-backs and adjustments
    qint64 createdAt;
    qint64 total;
    qint64 remaining;
};

struct Purchase
{
    qint64 id;
    qint64 at;
    qint64 credits;
    qint64 cents;
    qint64 fee;
    int chargeCount;
    bool delivered;
    bool disputed;
    QString kind;
};

struct Job
{
    qint64 id;
    qint64 at;
    qint64 credits;
    QString failure; // empty: succeeded
    bool creditedBack;
    bool missedCreditBack;
};

constexpr qint64 day = 86400;

class Generator
{
public:
    // Reads where the ids go on from; after that it needs no database and may run on any
    // thread.
    Generator(Database &db, const DemoOptions &options)
        : m_rng(options.seed), m_seedTag(QString::number(options.seed, 36))
    {
        for (const PolicyProfile &p : PolicyProfile::builtIn())
            m_profiles.insert(p.id, &p);
        const QDate until = options.until.isValid() ? options.until : QDate::currentDate();
        m_end = QDateTime(until, QTime(0, 0), Qt::UTC).toSecsSinceEpoch();
        m_start = m_end - 365 * day;
        const QSqlDatabase conn = db.connection();
        auto maxId = [&conn](const char *table) {
            return SqlStatement::scalar(conn, QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM %1")
                                                  .arg(QLatin1String(table)))
                .toLongLong();
        };
        m_nextAccount = maxId("accounts") + 1;
        m_nextPurchase = maxId("purchases") + 1;
        m_nextLot = maxId("credit_lots") + 1;
        m_nextJob = maxId("jobs") + 1;
        m_nextLedger = maxId("ledger_entries") + 1;
        m_nextRequest = maxId("refund_requests") + 1;
        m_nextDecision = maxId("decisions") + 1;
        m_nextPayout = maxId("payouts") + 1;
        m_nextChargeback = maxId("chargebacks") + 1;
        m_nextAudit = maxId("audit_log") + 1;
        m_nextOutage = maxId("outages") + 1;

        auto make = [this](const char *table, std::initializer_list<const char *> cols) {
            QStringList c;
            for (const char *col : cols)
                c << QLatin1String(col);
            m_rows.emplace_back(QLatin1String(table), c);
            return &m_rows.back();
        };
        // Written in this order, so every foreign key finds its row.
        m_accounts = make("accounts", {"id", "email", "display_name", "status", "profile",
                                       "balance_credits", "created_at"});
        m_purchases = make("purchases", {"id", "account_id", "created_at", "kind", "package",
                                         "credits", "amount_cents", "currency", "fee_cents",
                                         "payment_ref", "charge_count", "delivered", "disputed"});
        m_lots = make("credit_lots", {"id", "account_id", "purchase_id", "created_at",
                                      "credits_total", "credits_remaining"});
        m_jobs = make("jobs", {"id", "account_id", "created_at", "model", "credits", "status",
                               "failure", "error_detail"});
        m_outages = make("outages", {"id", "started_at", "ended_at", "description"});
        m_requests =
            make("refund_requests",
                 {"id", "account_id", "type", "status", "purchase_id", "job_id",
                  "claimed_amount_cents", "message", "received_at", "updated_at", "assigned_to",
                  "triaged_at", "decided_at", "rec_verdict", "rec_respond_by", "answered_on"});
        m_ledger =
            make("ledger_entries", {"id", "account_id", "created_at", "entry_type", "credits",
                                    "purchase_id", "job_id", "request_id", "created_by", "note"});
        m_decisions = make("decisions", {"id", "request_id", "verdict", "remedy", "refund_cents",
                                         "credits", "currency", "reviewer", "decided_at", "profile",
                                         "profile_version", "is_override", "note"});
        m_payouts = make("payouts", {"id", "request_id", "purchase_id", "account_id",
                                     "amount_cents", "currency", "status", "gateway_ref",
                                     "created_at", "updated_at", "sent_at", "failure_reason"});
        m_chargebacks = make("chargebacks", {"id", "purchase_id", "account_id", "request_id",
                                             "opened_at", "amount_cents", "currency", "reason",
                                             "status", "resolved_at", "contacted_support_first"});
        m_audit = make("audit_log", {"id", "at", "actor", "action", "account_id", "request_id",
                                     "profile", "profile_version", "note"});
    }

    // The rows queued so far, one BulkRows per table in the order they are to be written;
    // the generator goes on with empty ones.
    std::vector<BulkRows> takeRows()
    {
        std::vector<BulkRows> taken;
        taken.reserve(m_rows.size());
        for (BulkRows &rows : m_rows)
            taken.push_back(std::exchange(rows, BulkRows(rows.table(), rows.columns())));
        return taken;
    }
    const std::deque<BulkRows> &pending() const { return m_rows; }
    qint64 pendingRows() const
    {
        qint64 n = 0;
        for (const BulkRows &rows : m_rows)
            n += rows.rows();
        return n;
    }

    void outages()
    {
        const std::array<std::tuple<qint64, qint64, const char *>, 3> list{{
            {m_end - 200 * day, 3 * 3600, "Payment page errors"},
            {m_end - 120 * day, 60 * 3600, "Render cluster outage: generations unavailable"},
            {m_end - 30 * day, 50 * 60, "API latency incident"},
        }};
        for (const auto &[from, length, text] : list)
            m_outages->add({m_nextOutage++, from, from + length, QString::fromUtf8(text)});
    }

    void account(qint64 ordinal)
    {
        const qint64 accountId = m_nextAccount++;
        const int profileIndex = int(m_rng.below(qint64(profiles.size())));
        const QString profile = QLatin1String(profiles[size_t(profileIndex)]);
        const QString currency =
            m_rng.perMille(150) ? QStringLiteral("EUR") : QStringLiteral("USD");
        QString status = QStringLiteral("active");
        if (m_rng.perMille(20))
            status = QStringLiteral("terminated");
        else if (m_rng.perMille(30))
            status = QStringLiteral("suspended");

        QString name;
        QString slug;
        // Every awkward name at least once, whatever the seed, then now and then.
        if (ordinal < qint64(awkwardNames.size()) || m_rng.perMille(70)) {
            name = QString::fromUtf8(ordinal < qint64(awkwardNames.size())
                                         ? awkwardNames[size_t(ordinal)]
                                         : m_rng.pick(awkwardNames));
            slug = QStringLiteral("customer");
        } else {
            const QString first = QLatin1String(m_rng.pick(firstNames));
            const QString last = QLatin1String(m_rng.pick(lastNames));
            name = first + QLatin1Char(' ') + last;
            slug = (first + QLatin1Char('.') + last).toLower();
        }
        const QString email =
            QStringLiteral("%1.%2@example.%3")
                .arg(slug)
                .arg(accountId)
                .arg(m_rng.perMille(500) ? QStringLiteral("com") : QStringLiteral("org"));
        const qint64 created = m_start + m_rng.below(300 * day);

        // Decide the account's refund request first: it shapes the facts it refers to.
        QString requestType;
        QString requestStatus;
        if (ordinal < qint64(requestTypes.size() * statuses.size())) {
            requestType = QLatin1String(requestTypes[size_t(ordinal) % requestTypes.size()]);
            requestStatus = QLatin1String(statuses[size_t(ordinal) / requestTypes.size()]);
        } else if (m_rng.perMille(120)) {
            requestType = QLatin1String(m_rng.pick(requestTypes));
            requestStatus = QLatin1String(m_rng.pick(statuses));
        }

        std::vector<Lot> lots;
        std::vector<Purchase> purchases;
        std::vector<Job> jobs;
        qint64 balance = 0;
        qint64 planned = 0; // credits the planned jobs will spend
        qint64 requestJobId = 0;

        auto ledger = [&](qint64 at, const char *type, qint64 credits, qint64 purchaseId,
                          qint64 jobId, qint64 requestId, const QString &by, const QString &note) {
            m_ledger->add({m_nextLedger++, accountId, at, QLatin1String(type), credits,
                           purchaseId ? QVariant(purchaseId) : QVariant(),
                           jobId ? QVariant(jobId) : QVariant(),
                           requestId ? QVariant(requestId) : QVariant(), by, note});
            balance += credits;
        };
        auto spend = [&](qint64 credits) {
            for (Lot &lot : lots) {
                const qint64 take = std::min(lot.remaining, credits);
                lot.remaining -= take;
                credits -= take;
                if (credits == 0)
                    break;
            }
        };

        // Purchases and the jobs that spend them, in time order.
        const int purchaseCount = int(m_rng.between(1, 4));
        std::vector<qint64> times;
        // An open request about a purchase is usually about a recent one: the queue then holds
        // cases inside the refund windows too, not only late ones the policy denies.
        const bool recentPurchase =
            (requestStatus == QLatin1String("new") || requestStatus == QLatin1String("pending")) &&
            (requestType == QLatin1String("unused_credits") ||
             requestType == QLatin1String("accidental_purchase") ||
             requestType == QLatin1String("duplicate_charge") ||
             requestType == QLatin1String("billing_error")) &&
            m_rng.perMille(600);
        for (int i = 0; i < purchaseCount; ++i)
            times.push_back(recentPurchase ? m_end - 3 * day - m_rng.below(4 * day)
                                           : created + m_rng.below(std::max<qint64>(
                                                           day, m_end - 3 * day - created)));
        std::sort(times.begin(), times.end());
        const bool isSubscriber = profile == QLatin1String("hummingbytes") && m_rng.perMille(300);
        for (int i = 0; i < purchaseCount; ++i) {
            Purchase p;
            p.id = m_nextPurchase++;
            p.at = times[size_t(i)];
            const bool subscription = (requestType == QLatin1String("subscription") && i == 0) ||
                                      (isSubscriber && i == 0);
            const Package &pkg = subscription ? subscriptionPackage : m_rng.pick(packages);
            p.kind = subscription ? QStringLiteral("subscription") : QStringLiteral("credits");
            p.credits = pkg.credits;
            p.cents = pkg.cents;
            p.fee = (p.cents * 29 + 500) / 1000 + 30;
            p.chargeCount =
                (requestType == QLatin1String("duplicate_charge") && i == 0) || m_rng.perMille(10)
                    ? 2
                    : 1;
            p.delivered =
                !((requestType == QLatin1String("not_delivered") && i == 0) || m_rng.perMille(5));
            p.disputed = requestType == QLatin1String("chargeback") && i == 0;
            m_purchases->add({p.id, accountId, p.at, p.kind, QString::fromUtf8(pkg.name), p.credits,
                              p.cents, currency, p.fee,
                              QStringLiteral("pay_%1_%2").arg(m_seedTag).arg(p.id), p.chargeCount,
                              p.delivered, p.disputed});
            purchases.push_back(p);
            if (p.delivered) {
                lots.push_back({m_nextLot++, p.id, p.at, p.credits, p.credits});
                ledger(p.at, "purchase", p.credits, p.id, 0, 0, QStringLiteral("system"), {});
            }

            // Spend part of the balance before the next purchase.
            const qint64 until = i + 1 < purchaseCount ? times[size_t(i + 1)] : m_end - day;
            qint64 budget = (balance - planned) * m_rng.between(20, 100) / 100;
            std::vector<qint64> costs;
            while (true) {
                const qint64 cost = m_rng.between(4, 40);
                if (cost > budget)
                    break;
                costs.push_back(cost);
                budget -= cost;
                planned += cost;
            }
            std::vector<qint64> jobTimes;
            for (size_t k = 0; k < costs.size(); ++k)
                jobTimes.push_back(p.at + 60 +
                                   m_rng.below(std::max<qint64>(60, until - p.at - 600)));
            std::sort(jobTimes.begin(), jobTimes.end());
            for (size_t k = 0; k < costs.size(); ++k) {
                Job job{m_nextJob++, jobTimes[k], costs[k], {}, false, false};
                if (m_rng.perMille(40)) {
                    const qint64 roll = m_rng.below(100);
                    job.failure = roll < 55   ? QStringLiteral("platform")
                                  : roll < 90 ? QStringLiteral("user")
                                              : QStringLiteral("unknown");
                }
                jobs.push_back(job);
            }
        }
        // A failed_job request needs a job to point at; an account that never ran one
        // complains about a result instead.
        if (requestType == QLatin1String("failed_job") && jobs.empty())
            requestType = QStringLiteral("dissatisfaction");
        // A failed_job request needs a failed job to point at.
        if (requestType == QLatin1String("failed_job") && !jobs.empty()) {
            Job &job = jobs[size_t(m_rng.below(qint64(jobs.size())))];
            job.failure = requestStatus == QLatin1String("approved") || m_rng.perMille(500)
                              ? QStringLiteral("unknown")
                              : QStringLiteral("platform");
            requestJobId = job.id;
            // Now and then the automatic credit-back did not happen and the customer asks:
            // triage applies it.
            job.missedCreditBack = requestStatus == QLatin1String("new") &&
                                   job.failure == QLatin1String("platform") && m_rng.perMille(600);
        }
        for (Job &job : jobs) {
            static const QHash<QString, QString> details{
                {QStringLiteral("platform"), QStringLiteral("GPU worker timed out (exit 137)")},
                {QStringLiteral("user"), QStringLiteral("Prompt rejected by the content policy")},
                {QStringLiteral("unknown"), QStringLiteral("No status from the renderer")}};
            m_jobs->add(
                {job.id, accountId, job.at, QLatin1String(models[size_t(profileIndex)]),
                 job.credits,
                 job.failure.isEmpty() ? QStringLiteral("succeeded") : QStringLiteral("failed"),
                 job.failure.isEmpty() ? QVariant() : QVariant(job.failure),
                 details.value(job.failure)});
            spend(job.credits);
            ledger(job.at, "usage", -job.credits, 0, job.id, 0, QStringLiteral("system"), {});
            if (job.failure == QLatin1String("platform") && !job.missedCreditBack) {
                // Every policy promises an automatic credit-back for platform failures.
                const qint64 at = job.at + 120;
                lots.push_back({m_nextLot++, 0, at, job.credits, job.credits});
                ledger(at, "job_credit_back", job.credits, 0, job.id, 0, QStringLiteral("system"),
                       QStringLiteral("automatic credit-back"));
                job.creditedBack = true;
            }
        }

        if (!requestType.isEmpty())
            request(accountId, profile, currency, requestType, requestStatus, purchases, jobs, lots,
                    balance, requestJobId, status, ledger);

        for (const Lot &lot : lots)
            m_lots->add({lot.id, accountId, lot.purchaseId ? QVariant(lot.purchaseId) : QVariant(),
                         lot.createdAt, lot.total, lot.remaining});
        m_accounts->add({accountId, email, name, status, profile, balance, created});
    }

    template <typename LedgerFn>
    void request(qint64 accountId, const QString &profile, const QString &currency,
                 const QString &type, QString status, std::vector<Purchase> &purchases,
                 std::vector<Job> &jobs, std::vector<Lot> &lots, qint64 &balance,
                 qint64 requestJobId, QString &accountStatus, LedgerFn &ledger)
    {
        const qint64 requestId = m_nextRequest++;
        const bool refersToJob =
            type == QLatin1String("failed_job") || type == QLatin1String("dissatisfaction");
        Job *job = nullptr;
        if (refersToJob && !jobs.empty()) {
            job = &jobs.back();
            for (Job &j : jobs)
                if (type == QLatin1String("failed_job") ? !j.failure.isEmpty()
                                                        : j.failure.isEmpty())
                    job = &j;
            for (Job &j : jobs)
                if (j.id == requestJobId)
                    job = &j;
        }
        Purchase &purchase = purchases.front();
        QString payoutState; // the state of the decision's payout, when it made one
        const bool decided =
            status == QLatin1String("approved") || status == QLatin1String("denied");
        // Decided requests spread over the year, a while after what they refer to; open ones
        // are recent, as in a real queue.
        const qint64 basis = std::max(job ? job->at + 120 : purchase.at, purchase.at);
        const qint64 received =
            decided ? std::min(m_end - 3600, basis + m_rng.between(3600, 10 * day))
                    : std::min(m_end - 60,
                               std::max(basis + 3600,
                                        m_end - m_rng.between(3600, status == QLatin1String("new")
                                                                        ? 3 * day
                                                                        : 14 * day)));
        const qint64 decidedAt =
            decided ? std::min(m_end - 60, received + m_rng.between(1800, 6 * day)) : 0;
        const QString reviewer = QLatin1String(m_rng.pick(reviewers));
        qint64 claimed = 0;
        if (type == QLatin1String("billing_error"))
            claimed = purchase.cents / 5;

        QString remedy = QStringLiteral("none");
        qint64 refundCents = 0;
        qint64 credits = 0;
        bool isOverride = false;
        QString note;

        if (status == QLatin1String("approved")) {
            if (type == QLatin1String("failed_job")) {
                if (job && !job->creditedBack) {
                    remedy = QStringLiteral("credit_restore");
                    credits = job->credits;
                    lots.push_back({m_nextLot++, 0, decidedAt, credits, credits});
                    ledger(decidedAt, "job_credit_back", credits, 0, job->id, requestId, reviewer,
                           QStringLiteral("credit-back after review"));
                    job->creditedBack = true;
                } else {
                    status = QStringLiteral("denied"); // already compensated: never twice
                }
            } else if (type == QLatin1String("not_delivered") || type == QLatin1String("outage")) {
                remedy = QStringLiteral("credit_restore");
                credits = type == QLatin1String("outage") ? std::min<qint64>(100, purchase.credits)
                                                          : purchase.credits;
                lots.push_back({m_nextLot++, 0, decidedAt, credits, credits});
                ledger(decidedAt, "adjustment", credits, purchase.id, 0, requestId, reviewer,
                       QStringLiteral("credits restored"));
            } else if (type == QLatin1String("chargeback")) {
                note = QStringLiteral("Chargeback lost at the bank");
            } else {
                remedy = QStringLiteral("money_refund");
                if (type == QLatin1String("duplicate_charge"))
                    refundCents = purchase.cents * (purchase.chargeCount - 1);
                else if (type == QLatin1String("billing_error"))
                    refundCents = claimed;
                else if (type == QLatin1String("unused_credits") ||
                         type == QLatin1String("accidental_purchase"))
                    refundCents = purchase.cents - purchase.fee;
                else
                    refundCents = purchase.cents / 2;
                if (type != QLatin1String("duplicate_charge") &&
                    type != QLatin1String("billing_error") && refundCents > 0) {
                    // The money goes back, so do the purchase's unspent credits (as the
                    // workflow does for every money refund but an extra charge).
                    for (Lot &lot : lots)
                        if (lot.purchaseId == purchase.id && lot.remaining > 0) {
                            credits = std::min(lot.remaining, balance);
                            lot.remaining -= credits;
                        }
                    if (credits > 0)
                        ledger(decidedAt, "refund", -credits, purchase.id, 0, requestId, reviewer,
                               QStringLiteral("credits returned with the refund"));
                }
                if (type == QLatin1String("dissatisfaction") ||
                    type == QLatin1String("subscription") || type == QLatin1String("legal")) {
                    isOverride = type != QLatin1String("legal");
                    note = QStringLiteral("Goodwill: half refunded, approved by the billing lead");
                }
                if (refundCents > 0) {
                    const qint64 age = m_end - decidedAt;
                    const QString payoutStatus = m_rng.perMille(20) ? QStringLiteral("failed")
                                                 : age > 10 * day   ? QStringLiteral("succeeded")
                                                 : age > 2 * day    ? QStringLiteral("sent")
                                                                    : QStringLiteral("pending");
                    payoutState = payoutStatus;
                    m_payouts->add(
                        {m_nextPayout++, requestId, purchase.id, accountId, refundCents, currency,
                         payoutStatus,
                         payoutStatus == QLatin1String("pending")
                             ? QVariant()
                             : QVariant(QStringLiteral("re_%1_%2").arg(m_seedTag).arg(requestId)),
                         decidedAt, std::min(m_end, decidedAt + 2 * day),
                         payoutStatus == QLatin1String("pending")
                             ? QVariant(QMetaType::fromType<qint64>())
                             : QVariant(std::min(m_end, decidedAt + 600)),
                         payoutStatus == QLatin1String("failed")
                             ? QStringLiteral("expired_or_canceled_card")
                             : QString()});
                } else {
                    remedy = QStringLiteral("none");
                }
            }
        }
        if (status == QLatin1String("denied") && note.isEmpty())
            note = QStringLiteral("Not covered by the refund policy");

        // What triage would have stored: the answer date from the profile's calendar, and for a
        // decision the recommendation it followed or overrode.
        QVariant respondBy;
        const PolicyProfile *p = m_profiles.value(profile);
        if (status != QLatin1String("new") && type != QLatin1String("chargeback") && p &&
            p->respondWithinBusinessDays)
            respondBy =
                p->calendar
                    .addBusinessDays(p->calendar.localDate(received), *p->respondWithinBusinessDays)
                    .toString(Qt::ISODate);
        QVariant recommended;
        if (decided)
            recommended = (status == QLatin1String("approved")) != isOverride
                              ? QStringLiteral("approve")
                              : QStringLiteral("deny");
        m_requests->add(
            {requestId, accountId, type, status, purchase.id, job ? QVariant(job->id) : QVariant(),
             claimed ? QVariant(claimed) : QVariant(), messageFor(type, m_rng), received,
             decided ? decidedAt : received,
             status == QLatin1String("new") ? QVariant() : QVariant(reviewer),
             status == QLatin1String("new") ? QVariant() : QVariant(received + 60),
             decided ? QVariant(decidedAt) : QVariant(), recommended, respondBy,
             decided ? QVariant((p ? p->calendar.localDate(decidedAt)
                                   : QDateTime::fromSecsSinceEpoch(decidedAt, Qt::UTC).date())
                                    .toString(Qt::ISODate))
                     : QVariant()});
        if (status != QLatin1String("new"))
            m_audit->add({m_nextAudit++, received + 60, QStringLiteral("system"),
                          QStringLiteral("triage"), accountId, requestId, profile, 1, QString()});
        if (status == QLatin1String("escalated"))
            m_audit->add({m_nextAudit++, received + 3600, reviewer, QStringLiteral("escalate"),
                          accountId, requestId, profile, 1,
                          QStringLiteral("Needs a senior reviewer")});
        if (decided) {
            const QString verdict = status == QLatin1String("approved") ? QStringLiteral("approve")
                                                                        : QStringLiteral("deny");
            m_decisions->add({m_nextDecision++, requestId, verdict,
                              verdict == QLatin1String("approve") ? remedy : QStringLiteral("none"),
                              refundCents, credits, currency, reviewer, decidedAt, profile, 1,
                              isOverride, note});
            m_audit->add({m_nextAudit++, decidedAt, reviewer, verdict, accountId, requestId,
                          profile, 1, note});
            // The payouts worker's moves, as PayoutBook records them.
            const QString worker = QStringLiteral("payouts-worker");
            if (!payoutState.isEmpty() && payoutState != QLatin1String("pending"))
                m_audit->add({m_nextAudit++, std::min(m_end, decidedAt + 600), worker,
                              QStringLiteral("payout_sent"), accountId, requestId, QVariant(),
                              QVariant(), QString()});
            if (payoutState == QLatin1String("succeeded") || payoutState == QLatin1String("failed"))
                m_audit->add({m_nextAudit++, std::min(m_end, decidedAt + 2 * day), worker,
                              payoutState == QLatin1String("succeeded")
                                  ? QStringLiteral("payout_paid")
                                  : QStringLiteral("payout_failed"),
                              accountId, requestId, QVariant(), QVariant(), QString()});
        }

        if (type == QLatin1String("chargeback")) {
            const bool contacted = m_rng.perMille(400);
            const QString cbStatus = status == QLatin1String("approved") ? QStringLiteral("lost")
                                     : status == QLatin1String("denied") ? QStringLiteral("won")
                                                                         : QStringLiteral("open");
            m_chargebacks->add({m_nextChargeback++, purchase.id, accountId, requestId, received,
                                purchase.cents, currency, messageFor(type, m_rng), cbStatus,
                                decided ? QVariant(decidedAt) : QVariant(), contacted});
            // As RefundWorkflow::recordChargeback records the dispute and its actions.
            m_audit->add({m_nextAudit++, received, QStringLiteral("system"),
                          QStringLiteral("chargeback"), accountId, requestId, profile, 1,
                          QString()});
            const bool suspends = profile == QLatin1String("apiany") ||
                                  profile == QLatin1String("hummingbytes") ||
                                  (profile == QLatin1String("aidancing") && !contacted);
            if (suspends && accountStatus == QLatin1String("active"))
                accountStatus = QStringLiteral("suspended");
            if (profile == QLatin1String("apiany") && balance > 0) {
                const qint64 clawback = std::min(balance, purchase.credits);
                qint64 left = clawback;
                for (Lot &lot : lots) {
                    const qint64 take = std::min(lot.remaining, left);
                    lot.remaining -= take;
                    left -= take;
                }
                ledger(received, "clawback", -clawback, purchase.id, 0, requestId,
                       QStringLiteral("system"), QStringLiteral("chargeback clawback"));
            }
        }
    }

private:
    DemoRandom m_rng;
    QString m_seedTag;
    qint64 m_start = 0;
    qint64 m_end = 0;
    qint64 m_nextAccount = 1, m_nextPurchase = 1, m_nextLot = 1, m_nextJob = 1, m_nextLedger = 1,
           m_nextRequest = 1, m_nextDecision = 1, m_nextPayout = 1, m_nextChargeback = 1,
           m_nextAudit = 1, m_nextOutage = 1;
    QHash<QString, const PolicyProfile *> m_profiles; // the built-in ones, by id
    std::deque<BulkRows> m_rows; // a deque: the pointers below stay valid as it grows
    BulkRows *m_accounts, *m_purchases, *m_lots, *m_jobs, *m_outages, *m_requests, *m_ledger,
        *m_decisions, *m_payouts, *m_chargebacks, *m_audit;
};

// The rows of every table generated since the last batch, and how many accounts are done.
struct Batch
{
    std::vector<BulkRows> rows;
    qint64 accountsDone = 0;
};

// Hands batches from the generating thread to the writing one. Bounded, so the generator
// never runs far ahead of the database.
class Handoff
{
public:
    // False when the writer has given up: the generator stops.
    bool push(Batch batch)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_cancelled || m_queue.size() < capacity; });
        if (m_cancelled)
            return false;
        m_queue.push_back(std::move(batch));
        m_changed.notify_all();
        return true;
    }
    // Nothing once the generator has closed the handoff and every batch is taken.
    std::optional<Batch> pop()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_closed || !m_queue.empty(); });
        if (m_queue.empty())
            return std::nullopt;
        Batch batch = std::move(m_queue.front());
        m_queue.pop_front();
        m_changed.notify_all();
        return batch;
    }
    void close()
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        m_changed.notify_all();
    }
    void cancel()
    {
        std::lock_guard lock(m_mutex);
        m_cancelled = true;
        m_queue.clear();
        m_changed.notify_all();
    }

private:
    static constexpr size_t capacity = 3;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_queue;
    bool m_closed = false;
    bool m_cancelled = false;
};

} // namespace

DemoResult DemoDataGenerator::generate(const DemoOptions &options, const Progress &progress)
{
    QElapsedTimer timer;
    timer.start();
    // Rebuilding the indexes pays off unless the database already holds much more.
    const qint64 existing =
        SqlStatement::scalar(m_db.connection(), QStringLiteral("SELECT COUNT(*) FROM accounts"))
            .toLongLong();
    BulkLoadScope bulk(m_db, existing <= 2 * qint64(options.accounts));
    WriteTransaction tx(m_db);
    Generator gen(m_db, options);
    std::vector<std::unique_ptr<BulkInserter>> writers;
    QStringList tables;
    for (const BulkRows &rows : gen.pending()) {
        writers.push_back(std::make_unique<BulkInserter>(m_db.connection(), m_db.dialect(),
                                                         rows.table(), rows.columns()));
        tables << rows.table();
    }
    bulk.begin(tables);

    // Generating rows and writing them each keep a core busy: the generator runs on a thread
    // of its own, this one (whose connection it is) writes. Same seed, same rows, same order.
    Handoff handoff;
    std::exception_ptr generatorError;
    std::thread generator([&] {
        try {
            gen.outages();
            for (qint64 i = 0; i < options.accounts; ++i) {
                gen.account(i);
                if (gen.pendingRows() >= 20000 && !handoff.push({gen.takeRows(), i + 1}))
                    return;
            }
            handoff.push({gen.takeRows(), options.accounts});
        } catch (...) {
            generatorError = std::current_exception();
        }
        handoff.close();
    });
    try {
        while (std::optional<Batch> batch = handoff.pop()) {
            for (size_t k = 0; k < writers.size(); ++k)
                writers[k]->write(batch->rows[k]);
            if (progress)
                progress(batch->accountsDone, options.accounts);
        }
    } catch (...) {
        handoff.cancel();
        generator.join();
        throw;
    }
    generator.join();
    if (generatorError)
        std::rethrow_exception(generatorError);

    bulk.finish();
    if (m_db.dialect().isPostgres())
        for (const QString &table : std::as_const(tables))
            SqlStatement::scalar(m_db.connection(), m_db.dialect().resetIdentity(table));
    tx.commit();

    DemoResult result;
    for (const auto &writer : writers) {
        result.rows += writer->rowsWritten();
        if (writer->table() == QLatin1String("ledger_entries"))
            result.ledgerEntries = writer->rowsWritten();
        else if (writer->table() == QLatin1String("refund_requests"))
            result.requests = writer->rowsWritten();
    }
    result.accounts = options.accounts;
    result.seconds = double(timer.nsecsElapsed()) / 1e9;
    return result;
}
