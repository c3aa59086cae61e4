#pragma once
// The managers' figures, each one SQL aggregate over a rollup table (models/rollups.h), a few
// rows per day however many facts they count: money stays exact integers here and is only
// turned into points when drawn.

#include <QDate>
#include <QList>
#include <QMap>
#include <QSqlDatabase>
#include <QString>

struct DashboardRange
{
    enum class Granularity
    {
        Day,
        Week,
        Month
    };
    QDate from; // UTC days, inclusive; both required
    QDate to;
    QString profile; // empty: all
    Granularity granularity = Granularity::Day;
};

struct DashboardKpis
{
    QMap<QString, qint64> refundedCents; // per currency: payouts that succeeded in the range
    // Now, whatever the range: payouts on their way (pending, sent), unknown, and failed ones
    // not retried yet, by status; and their money per currency.
    QMap<QString, qint64> payoutsWaiting;
    QMap<QString, qint64> payoutsWaitingCents;
    QMap<QString, qint64> revenueCents; // per currency: purchases in the range
    qint64 creditsRestored = 0;         // job credit-backs in the range
    qint64 openRequests = 0;            // now
    qint64 overdueRequests = 0;         // now, answer date before `today`
    qint64 decisions = 0;               // decided in the range
    qint64 overrides = 0;
    qint64 medianDecisionSeconds = -1; // received to decided, for decisions in the range
};

// One value of a series: the time bucket ("2026-11-02"; empty for series without time), the
// key it belongs to (a currency, a cause, a reviewer, ...) and the value.
struct DashboardPoint
{
    QString bucket;
    QString key;
    qint64 value = 0;
    qint64 extra = 0; // a second figure of the same row, where a query has one
    bool operator==(const DashboardPoint &) const = default;
};

// Everything the dashboard draws for one range, read in one go (one query per figure).
struct DashboardData
{
    DashboardRange range;
    QDate today;
    DashboardKpis kpis;
    QList<DashboardPoint> refunds;
    QList<DashboardPoint> creditsRestored;
    QList<DashboardPoint> requestsByTypeAndVerdict;
    QList<DashboardPoint> jobsByCause;
    QList<DashboardPoint> answersOnTime;
    QList<DashboardPoint> chargebacks;
    QList<DashboardPoint> decisionsPerReviewer;
};

class DashboardRepository
{
public:
    explicit DashboardRepository(const QSqlDatabase &db) : m_db(db) {}

    // Every figure below for `range`; may throw DatabaseError.
    DashboardData load(const DashboardRange &range, const QDate &today) const;
    DashboardKpis kpis(const DashboardRange &range, const QDate &today) const;
    // Money refunded (key: currency, cents) per bucket.
    QList<DashboardPoint> refunds(const DashboardRange &range) const;
    // Credits restored for failed jobs per bucket (key empty).
    QList<DashboardPoint> creditsRestored(const DashboardRange &range) const;
    // Decided requests per type (bucket) and verdict (key).
    QList<DashboardPoint> requestsByTypeAndVerdict(const DashboardRange &range) const;
    // Jobs per bucket: key "all" for every job, else the failure cause of the failed ones.
    QList<DashboardPoint> jobsByCause(const DashboardRange &range) const;
    // Decisions per bucket answered on time (key "on_time") or late ("late").
    QList<DashboardPoint> answersOnTime(const DashboardRange &range) const;
    // Chargebacks opened per month (bucket) and their status (key).
    QList<DashboardPoint> chargebacks(const DashboardRange &range) const;
    // Decisions per reviewer (bucket), key "decisions" or "overrides".
    QList<DashboardPoint> decisionsPerReviewer(const DashboardRange &range) const;

    // The bucket expression for a seconds column at the range's granularity.
    QString bucket(const DashboardRange &range, const QString &secondsColumn) const;

private:
    // Rows of (bucket, key, value[, extra]).
    QList<DashboardPoint> points(const QString &sql, const QVariantList &values,
                                 bool extra = false) const;
    // The value of `SELECT <sql>` (one number).
    qint64 number(const QString &sql, const QVariantList &values) const;
    // The days (and profile) of a rollup aliased `r`, its values appended.
    static QString rollupScope(const DashboardRange &range, QVariantList &values);
    // A rollup's rows in the range (and `condition`) as (day, k, n).
    static QString perDay(const DashboardRange &range, const QString &rollup, const QString &key,
                          const QString &value, const QString &condition, QVariantList &values);
    // Sums the per-day rows of `perDay` into the range's buckets.
    QString perBucket(const DashboardRange &range, const QString &perDay) const;
    // `SELECT '', key, SUM(value)` of a rollup over the range, per key, leaving out the keys
    // whose `count` came to nothing.
    QList<DashboardPoint> totals(const DashboardRange &range, const QString &rollup,
                                 const QString &key, const QString &value, const QString &count,
                                 const QString &condition = QString()) const;

    QSqlDatabase m_db;
};
