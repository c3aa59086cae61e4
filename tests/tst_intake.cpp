// The platform's events in and the outbox back (INTEGRATION.md, sections 1 and 2), on both
// backends, through `refundctl ingest` and `refundctl outbox` as a platform would use them:
// every event type, every refusal, replay, all-or-nothing under kill -9, overlapping batches
// at once, and an outbox that holds every credit movement once, in commit order.

#include "models/sqlstatement.h"
#include "policy/eventintake.h"
#include "policy/refundworkflow.h"
#include "support/queryvalues.h"
#include "support/refundctlrun.h"
#include "support/tablesdigest.h"
#include "support/testdatabase.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {
const QStringList tables{QStringLiteral("accounts"),        QStringLiteral("purchases"),
                         QStringLiteral("credit_lots"),     QStringLiteral("jobs"),
                         QStringLiteral("refund_requests"), QStringLiteral("ledger_entries"),
                         QStringLiteral("chargebacks"),     QStringLiteral("outages"),
                         QStringLiteral("external_ids"),    QStringLiteral("ingested_events"),
                         QStringLiteral("outbox")};

QByteArray ev(const QString &id, const QString &type, const QJsonObject &data,
              const QString &at = QStringLiteral("2026-03-02T10:00:00Z"))
{
    return QJsonDocument(QJsonObject{{QStringLiteral("id"), id},
                                     {QStringLiteral("type"), type},
                                     {QStringLiteral("at"), at},
                                     {QStringLiteral("data"), data}})
        .toJson(QJsonDocument::Compact);
}

QByteArray account(const QString &id, const QString &profile = QStringLiteral("aiimagestudio"))
{
    return ev(QStringLiteral("evt-") + id, QStringLiteral("account.upserted"),
              {{QStringLiteral("account"), id},
               {QStringLiteral("email"), id.toLower() + QStringLiteral("@example.com")},
               {QStringLiteral("name"), QStringLiteral("Zoë \"Z\" O'Brien")},
               {QStringLiteral("profile"), profile}});
}

QByteArray purchase(const QString &id, const QString &accountId, qint64 credits = 300,
                    qint64 cents = 2000, const QJsonObject &extra = {})
{
    QJsonObject data{{QStringLiteral("purchase"), id},
                     {QStringLiteral("account"), accountId},
                     {QStringLiteral("credits"), credits},
                     {QStringLiteral("amount_cents"), cents},
                     {QStringLiteral("currency"), QStringLiteral("USD")},
                     {QStringLiteral("payment_ref"), QStringLiteral("pi_") + id}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        data.insert(it.key(), it.value());
    return ev(QStringLiteral("evt-") + id, QStringLiteral("purchase.completed"), data,
              QStringLiteral("2026-03-01T10:00:00Z"));
}

QByteArray job(const QString &id, const QString &accountId, qint64 credits, const char *status,
               const char *failure = nullptr)
{
    QJsonObject data{{QStringLiteral("job"), id},
                     {QStringLiteral("account"), accountId},
                     {QStringLiteral("credits"), credits},
                     {QStringLiteral("status"), QLatin1String(status)},
                     {QStringLiteral("model"), QStringLiteral("video-v2")}};
    if (failure)
        data.insert(QStringLiteral("failure"), QLatin1String(failure));
    return ev(QStringLiteral("evt-") + id, QStringLiteral("job.finished"), data);
}

QByteArray lines(const QList<QByteArray> &events)
{
    QByteArray out;
    for (const QByteArray &e : events)
        out += e + '\n';
    return out;
}

RefundctlRun ingest(const TestDatabase &t, const QByteArray &ndjson, const QStringList &extra = {})
{
    return runRefundctl(QStringList{QStringLiteral("ingest"), QStringLiteral("-"),
                                    QStringLiteral("--database"), t.url().toString()} +
                            extra,
                        ndjson);
}

QList<QJsonObject> outbox(const TestDatabase &t, qint64 after = 0)
{
    const RefundctlRun r =
        runRefundctl({QStringLiteral("outbox"), QStringLiteral("--after"), QString::number(after),
                      QStringLiteral("--limit"), QStringLiteral("5000"),
                      QStringLiteral("--database"), t.url().toString()});
    QList<QJsonObject> events;
    for (const QByteArray &line : r.out.split('\n'))
        if (!line.isEmpty())
            events << QJsonDocument::fromJson(line).object();
    return events;
}

// The shop every test starts from: two accounts, two purchases, a failed and a good job.
QByteArray basics()
{
    return lines({account(QStringLiteral("A-1")),
                  account(QStringLiteral("A-2"), QStringLiteral("apiany")),
                  purchase(QStringLiteral("P-1"), QStringLiteral("A-1")),
                  purchase(QStringLiteral("P-2"), QStringLiteral("A-2"), 100, 900),
                  job(QStringLiteral("J-1"), QStringLiteral("A-1"), 40, "failed", "platform"),
                  job(QStringLiteral("J-2"), QStringLiteral("A-1"), 10, "succeeded")});
}
} // namespace

class TestIntake : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase_data() { TestDatabase::addBackendRows(); }

    void everyEventType()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        QByteArray file = basics();
        file += lines(
            {ev(QStringLiteral("e-deliver-0"), QStringLiteral("purchase.completed"),
                {{QStringLiteral("purchase"), QStringLiteral("P-3")},
                 {QStringLiteral("account"), QStringLiteral("A-1")},
                 {QStringLiteral("credits"), 120},
                 {QStringLiteral("amount_cents"), 1000},
                 {QStringLiteral("currency"), QStringLiteral("EUR")},
                 {QStringLiteral("payment_ref"), QStringLiteral("ch_3")},
                 {QStringLiteral("fee_cents"), 59},
                 {QStringLiteral("delivered"), false}}),
             ev(QStringLiteral("e-deliver-1"), QStringLiteral("purchase.delivered"),
                {{QStringLiteral("purchase"), QStringLiteral("P-3")}}),
             ev(QStringLiteral("e-deliver-2"), QStringLiteral("purchase.delivered"),
                {{QStringLiteral("purchase"), QStringLiteral("P-3")}}),
             ev(QStringLiteral("e-outage"), QStringLiteral("outage.recorded"),
                {{QStringLiteral("outage"), QStringLiteral("O-1")},
                 {QStringLiteral("from"), QStringLiteral("2026-03-01T12:00:00Z")},
                 {QStringLiteral("to"), QStringLiteral("2026-03-02T12:00:00Z")}}),
             ev(QStringLiteral("e-outage-2"), QStringLiteral("outage.recorded"),
                {{QStringLiteral("outage"), QStringLiteral("O-1")},
                 {QStringLiteral("from"), QStringLiteral("2026-03-01T12:00:00Z")},
                 {QStringLiteral("to"), QStringLiteral("2026-03-04T12:00:00Z")},
                 {QStringLiteral("description"), QStringLiteral("GPU fleet down")}}),
             ev(QStringLiteral("e-rename"), QStringLiteral("account.upserted"),
                {{QStringLiteral("account"), QStringLiteral("A-1")},
                 {QStringLiteral("email"), QStringLiteral("ana@example.com")},
                 {QStringLiteral("name"), QStringLiteral("Ana Lima")},
                 {QStringLiteral("profile"), QStringLiteral("aiimagestudio")}}),
             ev(QStringLiteral("e-ticket"), QStringLiteral("refund.requested"),
                {{QStringLiteral("request"), QStringLiteral("T-1")},
                 {QStringLiteral("email"), QStringLiteral("ana@example.com")},
                 {QStringLiteral("type"), QStringLiteral("outage")},
                 {QStringLiteral("purchase"), QStringLiteral("P-1")},
                 {QStringLiteral("message"), QStringLiteral("=1+1 could not work for 3 days")}},
                QStringLiteral("2026-03-05T09:00:00Z")),
             ev(QStringLiteral("e-cb"), QStringLiteral("chargeback.opened"),
                {{QStringLiteral("purchase"), QStringLiteral("P-2")},
                 {QStringLiteral("reason"), QStringLiteral("fraudulent")},
                 {QStringLiteral("due_by"), QStringLiteral("2026-03-20T00:00:00Z")}})});
        RefundctlRun r = ingest(t, file);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out.trimmed(), QByteArray("14 applied, 0 duplicates"));
        Database &db = t.db();
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM accounts")), 2);
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM ingested_events")), 14);
        // A-1: 300 bought, 40 + 10 spent, 40 credited back, 120 delivered (once) = 410.
        QCOMPARE(scalar(db, QStringLiteral("SELECT balance_credits FROM accounts WHERE email ="
                                           " 'ana@example.com'")),
                 410);
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM accounts WHERE display_name ="
                                           " 'Ana Lima'")),
                 1);
        QCOMPARE(scalar(db, QStringLiteral("SELECT ended_at - started_at FROM outages")),
                 3 * 86400);
        // The ticket was triaged on arrival: aiimagestudio reviews the unused share.
        SqlStatement st(db.connection(),
                        QStringLiteral("SELECT status, rec_verdict, rec_remedy, received_at,"
                                       " message FROM refund_requests WHERE type = 'outage'"));
        st.exec();
        QVERIFY(st.next());
        QCOMPARE(st.value(0).toString(), QStringLiteral("pending"));
        QCOMPARE(st.value(1).toString(), QStringLiteral("review"));
        QCOMPARE(st.value(2).toString(), QStringLiteral("money_refund"));
        QCOMPARE(st.value(3).toLongLong(), 1772701200); // the event's time
        QCOMPARE(st.value(4).toString(), QStringLiteral("=1+1 could not work for 3 days"));
        // The chargeback: apiany suspends and claws back; its answer date is the network's.
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM accounts WHERE status ="
                                           " 'suspended'")),
                 1);
        QCOMPARE(scalar(db, QStringLiteral("SELECT due_by FROM chargebacks")), 1773964800);
        QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM refund_requests WHERE type ="
                                           " 'chargeback' AND rec_respond_by = '2026-03-20'")),
                 1);
        // The outbox: the credit-back once, then the suspension and the clawback.
        const QList<QJsonObject> out = outbox(t);
        QStringList types;
        for (const QJsonObject &o : out)
            types << o.value(QStringLiteral("type")).toString();
        QCOMPARE(types, (QStringList{QStringLiteral("credits.restored"),
                                     QStringLiteral("account.suspended"),
                                     QStringLiteral("credits.revoked")}));
        const QJsonObject restored = out.first().value(QStringLiteral("data")).toObject();
        QCOMPARE(restored.value(QStringLiteral("account")).toString(), QStringLiteral("A-1"));
        QCOMPARE(restored.value(QStringLiteral("job")).toString(), QStringLiteral("J-1"));
        QCOMPARE(restored.value(QStringLiteral("credits")).toInteger(), 40);
        QCOMPARE(restored.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("job_credit_back"));
        QCOMPARE(out.first().value(QStringLiteral("id")).toString(), QStringLiteral("rd-1"));
        const QJsonObject revoked = out.last().value(QStringLiteral("data")).toObject();
        QCOMPARE(revoked.value(QStringLiteral("account")).toString(), QStringLiteral("A-2"));
        QCOMPARE(revoked.value(QStringLiteral("reason")).toString(), QStringLiteral("clawback"));
        QCOMPARE(revoked.value(QStringLiteral("credits")).toInteger(), 100);
        QCOMPARE(outbox(t, 2).size(), 1);
        r = runRefundctl(
            {QStringLiteral("check"), QStringLiteral("--database"), t.url().toString()});
        QVERIFY2(r.exitCode == 0, r.out.constData());
    }

    void replayChangesNothing()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        const QByteArray file = basics();
        QCOMPARE(ingest(t, file).exitCode, 0);
        const QByteArray before = tablesDigest(t.db(), tables);
        const RefundctlRun again = ingest(t, file, {QStringLiteral("--json")});
        QCOMPARE(again.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(again.out).object();
        QCOMPARE(o.value(QStringLiteral("applied")).toInteger(), 0);
        QCOMPARE(o.value(QStringLiteral("duplicates")).toInteger(), 6);
        QCOMPARE(tablesDigest(t.db(), tables), before);
        // The same facts under new event ids change nothing either; a dry run writes nothing.
        QByteArray renamed = file;
        renamed.replace("\"evt-", "\"again-");
        QCOMPARE(ingest(t, renamed, {QStringLiteral("--dry-run")}).exitCode, 0);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM ingested_events")), 6);
        QCOMPARE(ingest(t, renamed).out.trimmed(), QByteArray("6 applied, 0 duplicates"));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM jobs")), 2);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM outbox")), 1);
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("expected"); // the start of the error after "line 7 "
        auto edited = [](QByteArray e, const char *from, const char *to) {
            return e.replace(from, to);
        };
        const QByteArray p = purchase(QStringLiteral("P-9"), QStringLiteral("A-1"));
        QTest::newRow("malformed")
            << QByteArray("{\"id\": \"x\", ") << QStringLiteral("7: not JSON");
        QTest::newRow("unknown type")
            << edited(p, "purchase.completed", "purchase.refunded")
            << QStringLiteral("7 (evt-P-9): type: unknown event type \"purchase.refunded\"");
        QTest::newRow("missing field") << edited(p, "\"credits\":300,", "")
                                       << QStringLiteral("7 (evt-P-9): data.credits: is required");
        QTest::newRow("mistyped field")
            << edited(p, "\"credits\":300", "\"credits\":\"300\"")
            << QStringLiteral("7 (evt-P-9): data.credits: must be a whole number");
        QTest::newRow("unknown account")
            << purchase(QStringLiteral("P-9"), QStringLiteral("A-404"))
            << QStringLiteral("7 (evt-P-9): data.account: unknown account \"A-404\"");
        QTest::newRow("unknown purchase")
            << ev(QStringLiteral("e"), QStringLiteral("chargeback.opened"),
                  {{QStringLiteral("purchase"), QStringLiteral("P-404")}})
            << QStringLiteral("7 (e): data.purchase: unknown purchase \"P-404\"");
        QTest::newRow("currency")
            << edited(p, "\"USD\"", "\"usd\"")
            << QStringLiteral("7 (evt-P-9): data.currency: \"usd\" is not an ISO 4217 code");
        QTest::newRow("fee above amount")
            << purchase(QStringLiteral("P-9"), QStringLiteral("A-1"), 300, 2000,
                        {{QStringLiteral("fee_cents"), 2001}})
            << QStringLiteral("7 (evt-P-9): data.fee_cents: 2001 is above amount_cents 2000");
        QTest::newRow("changed fact")
            << edited(purchase(QStringLiteral("P-1"), QStringLiteral("A-1"), 301), "evt-P-1",
                      "evt-P-1b")
            << QStringLiteral("7 (evt-P-1b): data.credits: differs from purchase \"P-1\"");
        QTest::newRow("out of bounds")
            << edited(p, "\"amount_cents\":2000", "\"amount_cents\":10000000000000000")
            << QStringLiteral("7 (evt-P-9): data.amount_cents: must be a whole number from 0 to "
                              "10^15");
        QTest::newRow("negative") << edited(p, "\"amount_cents\":2000", "\"amount_cents\":-1")
                                  << QStringLiteral("7 (evt-P-9): data.amount_cents:");
        QTest::newRow("line over 1 MiB")
            << edited(p, "\"USD\"", "\"USD\", \"package\": \"" + QByteArray(1100000, 'x') + "\"")
            << QStringLiteral("7: the line is longer than 1 MiB");
        QByteArray deep = "1";
        for (int i = 0; i < 20; ++i)
            deep = "[" + deep + "]";
        QTest::newRow("too deep") << edited(p, "\"USD\"", "\"USD\", \"x\": " + deep)
                                  << QStringLiteral("7: nested deeper than 16 levels");
        QTest::newRow("email taken")
            << edited(account(QStringLiteral("A-7")), "a-7@example.com", "a-1@example.com")
            << QStringLiteral("7 (evt-A-7): data.email: \"a-1@example.com\" already belongs to "
                              "account A-1");
        QTest::newRow("balance too low")
            << job(QStringLiteral("J-9"), QStringLiteral("A-1"), 1000, "succeeded")
            << QStringLiteral("7 (evt-J-9): data.credits: account \"A-1\" has 290 credits");
        QTest::newRow("another account's purchase")
            << ev(QStringLiteral("t"), QStringLiteral("refund.requested"),
                  {{QStringLiteral("request"), QStringLiteral("T-9")},
                   {QStringLiteral("account"), QStringLiteral("A-1")},
                   {QStringLiteral("type"), QStringLiteral("unused_credits")},
                   {QStringLiteral("purchase"), QStringLiteral("P-2")}})
            << QStringLiteral("7 (t): data.purchase: purchase \"P-2\" is not this account's");
        QTest::newRow("request without its purchase")
            << ev(QStringLiteral("t"), QStringLiteral("refund.requested"),
                  {{QStringLiteral("request"), QStringLiteral("T-9")},
                   {QStringLiteral("account"), QStringLiteral("A-1")},
                   {QStringLiteral("type"), QStringLiteral("unused_credits")}})
            << QStringLiteral("7 (t): data.purchase: is required for a unused_credits request");
        QTest::newRow("payment reused")
            << edited(purchase(QStringLiteral("P-9"), QStringLiteral("A-1")), "pi_P-9", "pi_P-1")
            << QStringLiteral("7 (evt-P-9): data.payment_ref: \"pi_P-1\" is already the payment "
                              "of purchase P-1");
        QTest::newRow("bad time") << edited(p, "2026-03-01T10:00:00Z", "2026-03-01 noon")
                                  << QStringLiteral("7 (evt-P-9): at: must be an RFC 3339 time");
    }
    void refusals()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, expected);
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        QCOMPARE(ingest(t, basics()).exitCode, 0);
        const QByteArray before = tablesDigest(t.db(), tables);
        // Six good events, the bad one on line 7, and a good one after it: all refused.
        const QByteArray file =
            lines({account(QStringLiteral("A-5")), account(QStringLiteral("A-6")),
                   purchase(QStringLiteral("P-5"), QStringLiteral("A-5")),
                   job(QStringLiteral("J-5"), QStringLiteral("A-5"), 10, "failed", "platform"),
                   account(QStringLiteral("A-8")), account(QStringLiteral("A-9")), line,
                   purchase(QStringLiteral("P-6"), QStringLiteral("A-6"))});
        const RefundctlRun r = ingest(t, file);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(err.startsWith(QStringLiteral("line ") + expected), qPrintable(err));
        QVERIFY2(err.contains(QLatin1String("nothing was written (1 of 8 events refused)")),
                 qPrintable(err));
        QCOMPARE(tablesDigest(t.db(), tables), before);
    }

    void everyProblemIsNamedAtMostTwenty()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        QList<QByteArray> events;
        for (int i = 0; i < 30; ++i)
            events << purchase(QStringLiteral("P-%1").arg(i), QStringLiteral("A-404"));
        const RefundctlRun r = ingest(t, lines(events), {QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err.count("unknown account"), 20);
        QVERIFY2(r.err.contains("... and 10 more problems"), r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("error_count")).toInteger(), 30);
        QCOMPARE(o.value(QStringLiteral("errors")).toArray().size(), 20);
        QCOMPARE(o.value(QStringLiteral("errors"))
                     .toArray()
                     .at(3)
                     .toObject()
                     .value(QStringLiteral("line")),
                 4);
    }

    void outboxHoldsEveryCreditMovementOnceInCommitOrder()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        QCOMPARE(ingest(t, basics()).exitCode, 0);
        Database &db = t.db();
        RefundWorkflow workflow(db);
        // Decisions in the desk: an unused-credits refund that revokes (override), a credit
        // restoration, a denial.
        const QByteArray tickets =
            lines({ev(QStringLiteral("t1"), QStringLiteral("refund.requested"),
                      {{QStringLiteral("request"), QStringLiteral("T-1")},
                       {QStringLiteral("account"), QStringLiteral("A-1")},
                       {QStringLiteral("type"), QStringLiteral("unused_credits")},
                       {QStringLiteral("purchase"), QStringLiteral("P-1")}}),
                   job(QStringLiteral("J-3"), QStringLiteral("A-2"), 20, "failed", "unknown"),
                   ev(QStringLiteral("t2"), QStringLiteral("refund.requested"),
                      {{QStringLiteral("request"), QStringLiteral("T-2")},
                       {QStringLiteral("account"), QStringLiteral("A-2")},
                       {QStringLiteral("type"), QStringLiteral("failed_job")},
                       {QStringLiteral("job"), QStringLiteral("J-3")}}),
                   ev(QStringLiteral("t3"), QStringLiteral("refund.requested"),
                      {{QStringLiteral("request"), QStringLiteral("T-3")},
                       {QStringLiteral("account"), QStringLiteral("A-1")},
                       {QStringLiteral("type"), QStringLiteral("dissatisfaction")},
                       {QStringLiteral("job"), QStringLiteral("J-2")}})});
        QCOMPARE(ingest(t, tickets).exitCode, 0);
        auto requestId = [&](const char *ticket) {
            return scalar(db,
                          QStringLiteral("SELECT internal_id FROM external_ids WHERE kind ="
                                         " 'request' AND external_id = ?"),
                          {QLatin1String(ticket)});
        };
        ReviewDecision d;
        d.reviewer = QStringLiteral("ana");
        d.action = ReviewAction::Approve;
        d.requestId = requestId("T-1");
        d.amountCents = 2000;
        d.allowOverride = true;
        d.note = QStringLiteral("goodwill");
        QCOMPARE(workflow.decide(d).status, DecisionResult::Status::Approved);
        d = {};
        d.reviewer = QStringLiteral("ana");
        d.action = ReviewAction::Approve;
        d.requestId = requestId("T-2");
        d.note = QStringLiteral("the renderer failed, verified");
        QCOMPARE(workflow.decide(d).status, DecisionResult::Status::Approved);
        d.requestId = requestId("T-3");
        d.action = ReviewAction::Deny;
        QCOMPARE(workflow.decide(d).status, DecisionResult::Status::Denied);

        const QList<QJsonObject> out = outbox(t);
        // Gap-free, from 1, ids rd-SEQ.
        for (qsizetype i = 0; i < out.size(); ++i) {
            QCOMPARE(out.at(i).value(QStringLiteral("seq")).toInteger(), i + 1);
            QCOMPARE(out.at(i).value(QStringLiteral("id")).toString(),
                     QStringLiteral("rd-%1").arg(i + 1));
        }
        // Every credit movement of the ledger that the platform must mirror, once: the
        // restorations and revocations the outbox says add up, per account, to the ledger's.
        QHash<QString, qint64> published;
        QStringList decided;
        for (const QJsonObject &o : out) {
            const QString type = o.value(QStringLiteral("type")).toString();
            const QJsonObject data = o.value(QStringLiteral("data")).toObject();
            const qint64 credits = data.value(QStringLiteral("credits")).toInteger();
            if (type == QLatin1String("credits.restored"))
                published[data.value(QStringLiteral("account")).toString()] += credits;
            else if (type == QLatin1String("credits.revoked"))
                published[data.value(QStringLiteral("account")).toString()] -= credits;
            else if (type == QLatin1String("request.decided")) {
                decided << data.value(QStringLiteral("request")).toString() + QLatin1Char(':') +
                               data.value(QStringLiteral("verdict")).toString();
                QVERIFY(!data.value(QStringLiteral("reply")).toString().isEmpty());
            }
        }
        QCOMPARE(decided, (QStringList{QStringLiteral("T-1:approve"), QStringLiteral("T-2:approve"),
                                       QStringLiteral("T-3:deny")}));
        SqlStatement ledger(
            db.connection(),
            QStringLiteral("SELECT x.external_id, SUM(e.credits) FROM ledger_entries e"
                           " JOIN external_ids x ON x.kind = 'account' AND x.internal_id ="
                           " e.account_id WHERE e.entry_type IN ('job_credit_back', 'adjustment',"
                           " 'refund', 'clawback', 'forfeiture') GROUP BY x.external_id"));
        ledger.exec();
        QHash<QString, qint64> moved;
        while (ledger.next())
            moved[ledger.value(0).toString()] = ledger.value(1).toLongLong();
        QCOMPARE(published, moved);
        QCOMPARE(moved.value(QStringLiteral("A-1")), 40 - 250); // credit-back, then the refund
        QCOMPARE(moved.value(QStringLiteral("A-2")), 20);
    }

    void overlappingBatchesAtOnceApplyEachEventOnce()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        QTemporaryDir dir;
        // PostgreSQL applies an event in ~2 ms today (a statement is three round trips): fewer
        // there, enough for the batches to overlap in time on both.
        const int accounts = t.db().dialect().isPostgres() ? 300 : 1500;
        QList<QByteArray> all;
        for (int i = 0; i < accounts; ++i) {
            all << account(QStringLiteral("A-%1").arg(i))
                << purchase(QStringLiteral("P-%1").arg(i), QStringLiteral("A-%1").arg(i))
                << job(QStringLiteral("J-%1").arg(i), QStringLiteral("A-%1").arg(i), 5, "failed",
                       "platform");
        }
        // The first file holds the first two thirds of the events, the second the last two.
        auto write = [&](const QString &name, qsizetype from, qsizetype to) {
            QFile f(dir.filePath(name));
            f.open(QIODevice::WriteOnly);
            f.write(lines(all.mid(from, to - from)));
            return f.fileName();
        };
        const QString first = write(QStringLiteral("a.ndjson"), 0, 2 * accounts);
        const QString second = write(QStringLiteral("b.ndjson"), accounts, 3 * accounts);
        QProcess a, b;
        for (auto [p, file] : {std::pair{&a, first}, std::pair{&b, second}})
            p->start(QStringLiteral(REFUNDCTL_PATH),
                     {QStringLiteral("ingest"), file, QStringLiteral("--json"),
                      QStringLiteral("--database"), t.url().toString()});
        QVERIFY(a.waitForFinished(120000));
        QVERIFY(b.waitForFinished(120000));
        const QByteArray errA = a.readAllStandardError(), errB = b.readAllStandardError();
        QVERIFY2(a.exitCode() == 0 && b.exitCode() == 0, (errA + errB).constData());
        const QJsonObject ra = QJsonDocument::fromJson(a.readAllStandardOutput()).object();
        const QJsonObject rb = QJsonDocument::fromJson(b.readAllStandardOutput()).object();
        const qint64 applied = ra.value(QStringLiteral("applied")).toInteger() +
                               rb.value(QStringLiteral("applied")).toInteger();
        const qint64 duplicates = ra.value(QStringLiteral("duplicates")).toInteger() +
                                  rb.value(QStringLiteral("duplicates")).toInteger();
        QCOMPARE(applied, 3 * accounts);
        QCOMPARE(duplicates, accounts);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM ingested_events")),
                 3 * accounts);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM jobs")), accounts);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM outbox")), accounts);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT MAX(seq) FROM outbox")), accounts);
        const RefundctlRun check = runRefundctl(
            {QStringLiteral("check"), QStringLiteral("--database"), t.url().toString()});
        QCOMPARE(check.exitCode, 0);
    }

    void demoEventsIngestToTheDemosData()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("demo.ndjson"));
        const QString accounts =
            t.db().dialect().isPostgres() ? QStringLiteral("40") : QStringLiteral("300");
        const QStringList demo{
            QStringLiteral("demo"),       QStringLiteral("--accounts"), accounts,
            QStringLiteral("--seed"),     QStringLiteral("7"),          QStringLiteral("--until"),
            QStringLiteral("2026-10-31"), QStringLiteral("--quiet")};
        RefundctlRun r = runRefundctl(demo + QStringList{QStringLiteral("--events"), file});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // The same seed gives the same file.
        const QString again = dir.filePath(QStringLiteral("again.ndjson"));
        QCOMPARE(runRefundctl(demo + QStringList{QStringLiteral("--events"), again}).exitCode, 0);
        QFile a(file), b(again);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QCOMPARE(a.readAll(), b.readAll());
        // Ingested, it gives the demo's accounts, purchases, jobs and requests.
        r = runRefundctl(
            {QStringLiteral("ingest"), file, QStringLiteral("--database"), t.url().toString()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QTemporaryDir other;
        const QString reference =
            QStringLiteral("sqlite:") + other.filePath(QStringLiteral("d.db"));
        QCOMPARE(runRefundctl(demo + QStringList{QStringLiteral("--database"), reference}).exitCode,
                 0);
        auto counts = [](const QString &url) {
            const RefundctlRun s =
                runRefundctl({QStringLiteral("stats"), QStringLiteral("--database"), url});
            const QJsonObject o = QJsonDocument::fromJson(s.out).object();
            qint64 requests = 0;
            const QJsonObject byStatus = o.value(QStringLiteral("requests_by_status")).toObject();
            for (auto it = byStatus.begin(); it != byStatus.end(); ++it)
                requests += it.value().toInteger();
            return QList<qint64>{o.value(QStringLiteral("accounts")).toInteger(),
                                 o.value(QStringLiteral("purchases")).toInteger(),
                                 o.value(QStringLiteral("jobs")).toInteger(), requests};
        };
        QCOMPARE(counts(t.url().toString()), counts(reference));
        QVERIFY(counts(reference).at(2) > 0);
        r = runRefundctl(
            {QStringLiteral("check"), QStringLiteral("--database"), t.url().toString()});
        QVERIFY2(r.exitCode == 0, r.out.constData());
    }

    // The bulk way (new accounts, purchases and jobs applied in memory and written in chunks)
    // leaves the very rows, ids, lots, balances and outbox the one-by-one way leaves, on a
    // file that mixes everything: the demo's events over several chunks, then facts sent
    // again, updates, the desk's own "#" ids, duplicates, late deliveries and credit-backs.
    void bulkWritesWhatOneByOneWrites()
    {
        REFUNDDESK_FRESH_DATABASE(one);
        TestDatabase bulk(backend);
        QVERIFY(bulk.isAvailable());
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("demo.ndjson"));
        const bool pg = one.db().dialect().isPostgres();
        RefundctlRun r = runRefundctl(
            {QStringLiteral("demo"), QStringLiteral("--accounts"),
             pg ? QStringLiteral("60") : QStringLiteral("150"), QStringLiteral("--seed"),
             QStringLiteral("11"), QStringLiteral("--until"), QStringLiteral("2026-10-31"),
             QStringLiteral("--quiet"), QStringLiteral("--events"), file});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray events = f.readAll();
        QVERIFY(events.count('\n') > 2000); // more than one chunk
        QJsonObject undelivered{{QStringLiteral("delivered"), false}};
        events += lines({
            account(QStringLiteral("X-1")),
            purchase(QStringLiteral("XP-1"), QStringLiteral("X-1")),
            purchase(QStringLiteral("XP-2"), QStringLiteral("X-1"), 50, 500, undelivered),
            job(QStringLiteral("XJ-1"), QStringLiteral("X-1"), 280, "failed", "platform"),
            job(QStringLiteral("XJ-2"), QStringLiteral("X-1"), 290, "succeeded"),
            job(QStringLiteral("XJ-3"), QStringLiteral("X-1"), 5, "failed", "user"),
            // The same facts under new event ids, and one event twice.
            ev(QStringLiteral("evt-again-1"), QStringLiteral("job.finished"),
               QJsonDocument::fromJson(
                   job(QStringLiteral("XJ-2"), QStringLiteral("X-1"), 290, "succeeded"))
                   .object()
                   .value(QStringLiteral("data"))
                   .toObject()),
            job(QStringLiteral("XJ-3"), QStringLiteral("X-1"), 5, "failed", "user"),
            // An update between new ones, then the late delivery and a job that needs it.
            ev(QStringLiteral("evt-update-X-1"), QStringLiteral("account.upserted"),
               {{QStringLiteral("account"), QStringLiteral("X-1")},
                {QStringLiteral("email"), QStringLiteral("new-x1@example.com")},
                {QStringLiteral("name"), QStringLiteral("X One")},
                {QStringLiteral("profile"), QStringLiteral("aiimagestudio")}}),
            account(QStringLiteral("X-2")),
            ev(QStringLiteral("evt-deliver-XP-2"), QStringLiteral("purchase.delivered"),
               {{QStringLiteral("purchase"), QStringLiteral("XP-2")}}),
            job(QStringLiteral("XJ-4"), QStringLiteral("X-1"), 30, "failed", "platform"),
            // The desk's own ids go the ordinary way.
            purchase(QStringLiteral("XP-3"), QStringLiteral("#1"), 70, 700),
            job(QStringLiteral("XJ-5"), QStringLiteral("#1"), 1, "succeeded"),
            purchase(QStringLiteral("XP-4"), QStringLiteral("X-2"), 10, 100),
            job(QStringLiteral("XJ-6"), QStringLiteral("X-2"), 10, "failed", "platform"),
            job(QStringLiteral("XJ-7"), QStringLiteral("X-2"), 5, "succeeded"),
        });
        auto ingestInProcess = [&](TestDatabase &t, bool inBulk) {
            t.db().open();
            RefundWorkflow workflow(t.db());
            workflow.setClock([] { return qint64(1'790'000'000); });
            EventIntake intake(t.db(), workflow);
            QBuffer buffer(&events);
            buffer.open(QIODevice::ReadOnly);
            NdjsonSource source(&buffer);
            EventIntake::Options options;
            options.bulk = inBulk;
            const IntakeResult result = intake.ingest(source, options);
            QVERIFY2(result.ok(), qPrintable(result.errors.value(0).describe()));
            QCOMPARE(result.duplicates, 1);
        };
        ingestInProcess(one, false);
        ingestInProcess(bulk, true);
        QStringList compared = tables;
        compared.removeAll(QStringLiteral("ingested_events")); // applied_at is the wall clock
        compared << QStringLiteral("audit_log") << QStringLiteral("decisions");
        QCOMPARE(tablesDigest(bulk.db(), compared), tablesDigest(one.db(), compared));
        const QString claimed =
            QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT type), SUM(at) FROM ingested_events");
        QCOMPARE(scalar(bulk.db(), claimed), scalar(one.db(), claimed));
        QCOMPARE(scalar(bulk.db(), QStringLiteral("SELECT balance_credits FROM accounts a JOIN"
                                                  " external_ids x ON x.internal_id = a.id AND"
                                                  " x.kind = 'account' AND x.external_id = 'X-2'")),
                 5);
        r = runRefundctl(
            {QStringLiteral("check"), QStringLiteral("--database"), bulk.url().toString()});
        QVERIFY2(r.exitCode == 0, r.out.constData());
    }

    void killedHalfWayWritesNothing()
    {
        REFUNDDESK_FRESH_DATABASE(t);
        t.db().open();
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("big.ndjson")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        const int accounts = 40000; // long enough to be killed half-way
        for (int i = 0; i < accounts; ++i)
            f.write(
                lines({account(QStringLiteral("A-%1").arg(i)),
                       purchase(QStringLiteral("P-%1").arg(i), QStringLiteral("A-%1").arg(i))}));
        f.close();
        QProcess p;
        p.start(QStringLiteral(REFUNDCTL_PATH), {QStringLiteral("ingest"), f.fileName(),
                                                 QStringLiteral("--database"), t.url().toString()});
        QVERIFY(p.waitForStarted());
        // Wait until it is writing, then kill it without a chance to clean up.
        QTRY_VERIFY_WITH_TIMEOUT(
            QFile::exists(t.url().toString().mid(7) + QStringLiteral("-wal")) ||
                t.db().dialect().isPostgres(),
            10000);
        QTest::qWait(300);
        QCOMPARE(p.state(), QProcess::Running);
        p.kill();
        QVERIFY(p.waitForFinished());
        const qint64 applied =
            scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM ingested_events"));
        QVERIFY2(applied == 0 || applied == 2 * accounts, qPrintable(QString::number(applied)));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM accounts")), applied / 2);
        // And the database takes the whole file afterwards.
        const RefundctlRun r = runRefundctl({QStringLiteral("ingest"), f.fileName(),
                                             QStringLiteral("--database"), t.url().toString()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT COUNT(*) FROM purchases")), accounts);
    }
};

QTEST_GUILESS_MAIN(TestIntake)
#include "tst_intake.moc"
