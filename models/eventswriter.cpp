#include "eventswriter.h"

#include "sqlstatement.h"

#include <QDateTime>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <map>

namespace {
QString rfc3339(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(Qt::ISODate);
}
} // namespace

qint64 EventsWriter::write(QIODevice *out, const std::function<void(qint64)> &progress)
{
    qint64 written = 0;
    // One NDJSON line; ids are unique in the file and the same for the same data.
    auto line = [this](const QString &id, const char *type, qint64 at, const QJsonObject &data) {
        return QJsonDocument(QJsonObject{{QStringLiteral("id"), m_tag + QLatin1Char('-') + id},
                                         {QStringLiteral("type"), QLatin1String(type)},
                                         {QStringLiteral("at"), rfc3339(at)},
                                         {QStringLiteral("data"), data}})
                   .toJson(QJsonDocument::Compact) +
               '\n';
    };
    auto emitEvent = [&](const QString &id, const char *type, qint64 at, const QJsonObject &data) {
        out->write(line(id, type, at, data));
        ++written;
    };
    {
        SqlStatement outages(m_db, QStringLiteral("SELECT id, started_at, ended_at, description"
                                                  " FROM outages ORDER BY id"));
        outages.exec();
        while (outages.next())
            emitEvent(
                QStringLiteral("o") + outages.value(0).toString(), "outage.recorded",
                outages.value(1).toLongLong(),
                {{QStringLiteral("outage"), QStringLiteral("O-") + outages.value(0).toString()},
                 {QStringLiteral("from"), rfc3339(outages.value(1).toLongLong())},
                 {QStringLiteral("to"), rfc3339(outages.value(2).toLongLong())},
                 {QStringLiteral("description"), outages.value(3).toString()}});
    }
    // One account at a time, by id ranges, so no result holds more than a page of accounts.
    qint64 after = 0;
    qint64 accounts = 0;
    while (true) {
        SqlStatement page(m_db, QStringLiteral("SELECT id, email, display_name, profile, status,"
                                               " created_at FROM accounts WHERE id > ?"
                                               " ORDER BY id LIMIT 500"));
        page.bind(after).exec();
        QList<std::pair<qint64, QJsonObject>> list;
        QList<qint64> created;
        while (page.next()) {
            const QString a = QStringLiteral("A-") + page.value(0).toString();
            list.append({page.value(0).toLongLong(),
                         QJsonObject{{QStringLiteral("account"), a},
                                     {QStringLiteral("email"), page.value(1).toString()},
                                     {QStringLiteral("name"), page.value(2).toString()},
                                     {QStringLiteral("profile"), page.value(3).toString()},
                                     {QStringLiteral("status"), page.value(4).toString()}}});
            created << page.value(5).toLongLong();
        }
        if (list.isEmpty())
            break;
        for (qsizetype k = 0; k < list.size(); ++k) {
            const qint64 id = list.at(k).first;
            after = id;
            const QString a = QStringLiteral("A-%1").arg(id);
            emitEvent(QStringLiteral("a%1").arg(id), "account.upserted", created.at(k),
                      list.at(k).second);
            std::multimap<std::pair<qint64, int>, QByteArray> timeline;
            auto add = [&](qint64 at, int order, const QString &eid, const char *type,
                           const QJsonObject &data) {
                timeline.emplace(std::pair{at, order}, line(eid, type, at, data));
            };
            SqlStatement purchases(
                m_db, QStringLiteral("SELECT id, created_at, kind, package, credits, amount_cents,"
                                     " currency, fee_cents, payment_ref, charge_count, delivered"
                                     " FROM purchases WHERE account_id = ? ORDER BY id"));
            purchases.bind(id).exec();
            while (purchases.next()) {
                QJsonObject data{{QStringLiteral("purchase"),
                                  QStringLiteral("P-") + purchases.value(0).toString()},
                                 {QStringLiteral("account"), a},
                                 {QStringLiteral("kind"), purchases.value(2).toString()},
                                 {QStringLiteral("credits"), purchases.value(4).toLongLong()},
                                 {QStringLiteral("amount_cents"), purchases.value(5).toLongLong()},
                                 {QStringLiteral("currency"), purchases.value(6).toString()},
                                 {QStringLiteral("fee_cents"), purchases.value(7).toLongLong()},
                                 {QStringLiteral("payment_ref"), purchases.value(8).toString()},
                                 {QStringLiteral("charge_count"), purchases.value(9).toInt()},
                                 {QStringLiteral("delivered"), purchases.value(10).toBool()}};
                if (!purchases.value(3).toString().isEmpty())
                    data.insert(QStringLiteral("package"), purchases.value(3).toString());
                add(purchases.value(1).toLongLong(), 0,
                    QStringLiteral("p") + purchases.value(0).toString(), "purchase.completed",
                    data);
            }
            SqlStatement jobs(m_db, QStringLiteral("SELECT id, created_at, model, credits, status,"
                                                   " failure, error_detail FROM jobs"
                                                   " WHERE account_id = ? ORDER BY id"));
            jobs.bind(id).exec();
            while (jobs.next()) {
                QJsonObject data{
                    {QStringLiteral("job"), QStringLiteral("J-") + jobs.value(0).toString()},
                    {QStringLiteral("account"), a},
                    {QStringLiteral("credits"), jobs.value(3).toLongLong()},
                    {QStringLiteral("status"), jobs.value(4).toString()},
                    {QStringLiteral("model"), jobs.value(2).toString()}};
                if (!jobs.value(5).isNull()) {
                    data.insert(QStringLiteral("failure"), jobs.value(5).toString());
                    data.insert(QStringLiteral("error"), jobs.value(6).toString());
                }
                add(jobs.value(1).toLongLong(), 1, QStringLiteral("j") + jobs.value(0).toString(),
                    "job.finished", data);
            }
            SqlStatement requests(
                m_db, QStringLiteral("SELECT r.id, r.received_at, r.type, r.purchase_id,"
                                     " r.job_id, r.claimed_amount_cents, r.message,"
                                     " c.reason, c.contacted_support_first FROM refund_requests r"
                                     " LEFT JOIN chargebacks c ON c.request_id = r.id"
                                     " WHERE r.account_id = ? ORDER BY r.id"));
            requests.bind(id).exec();
            while (requests.next()) {
                const QString type = requests.value(2).toString();
                const qint64 at = requests.value(1).toLongLong();
                if (type == QLatin1String("chargeback")) {
                    add(at, 2, QStringLiteral("c") + requests.value(0).toString(),
                        "chargeback.opened",
                        {{QStringLiteral("purchase"),
                          QStringLiteral("P-") + requests.value(3).toString()},
                         {QStringLiteral("reason"), requests.value(7).toString()},
                         {QStringLiteral("contacted_support_first"), requests.value(8).toBool()}});
                    continue;
                }
                QJsonObject data{{QStringLiteral("request"),
                                  QStringLiteral("T-") + requests.value(0).toString()},
                                 {QStringLiteral("account"), a},
                                 {QStringLiteral("type"), type},
                                 {QStringLiteral("message"), requests.value(6).toString()}};
                if (!requests.value(3).isNull())
                    data.insert(QStringLiteral("purchase"),
                                QStringLiteral("P-") + requests.value(3).toString());
                if (!requests.value(4).isNull())
                    data.insert(QStringLiteral("job"),
                                QStringLiteral("J-") + requests.value(4).toString());
                if (!requests.value(5).isNull())
                    data.insert(QStringLiteral("amount_cents"), requests.value(5).toLongLong());
                add(at, 2, QStringLiteral("r") + requests.value(0).toString(), "refund.requested",
                    data);
            }
            for (const auto &[key, line] : timeline) {
                out->write(line);
                ++written;
            }
            ++accounts;
        }
        if (progress)
            progress(accounts);
    }
    return written;
}
