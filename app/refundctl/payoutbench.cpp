// refundctl bench payouts: how fast payouts go through the payouts worker to a processor (the
// fake one of the tests, or Stripe's test mode), and what the worker itself costs per payout.

#include "benchcommands.h"
#include "clicontext.h"
#include "models/accountrepository.h"
#include "models/database.h"
#include "models/databaseerror.h"
#include "models/payoutrepository.h"
#include "models/purchaserepository.h"
#include "models/stripeclient.h"
#include "models/writetransaction.h"
#include "payoutcommands.h"
#include "policy/payoutbook.h"
#include "policy/payoutworker.h"
#include "policy/refundworkflow.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QUuid>

int BenchCommands::payouts(CliContext &cli)
{
    QCommandLineParser parser;
    const QCommandLineOption countOption(QStringLiteral("count"),
                                         tr("How many payouts (default 1000)."),
                                         QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption inFlightOption(QStringLiteral("in-flight"),
                                            tr("Requests waiting at once (default 8)."),
                                            QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption rateOption(QStringLiteral("rate"),
                                        tr("Requests a second at most (default 1000)."),
                                        QStringLiteral("N"), QStringLiteral("1000"));
    parser.addOptions({countOption, inFlightOption, rateOption});
    parser.addOptions(PayoutCommands::processorOptions());
    parser.addPositionalArgument(QStringLiteral("payouts"), tr("What to benchmark."));
    int exitCode = 0;
    if (!cli.parse(parser,
                   tr("Creates payouts on new purchases and sends them through the payouts worker "
                      "to the configured processor (a local fake, or Stripe's test mode), then "
                      "prints the time, the payouts per second and the worker's own time per "
                      "payout. Writes into the database: use a scratch one."),
                   &exitCode))
        return exitCode;
    bool ok = false, flightOk = false, rateOk = false;
    const int count = parser.value(countOption).toInt(&ok);
    const int inFlight = parser.value(inFlightOption).toInt(&flightOk);
    const double rate = parser.value(rateOption).toDouble(&rateOk);
    if (!ok || count <= 0 || !flightOk || inFlight <= 0 || !rateOk || rate <= 0)
        return cli.usageError(tr("--count, --in-flight and --rate take positive numbers"));
    QString error;
    const std::unique_ptr<StripeClient> client = PayoutCommands::processorClient(parser, &error);
    if (!client) {
        cli.err() << tr("refundctl bench payouts: %1")
                         .arg(error.isEmpty() ? tr("give the processor: --stripe-key-file and "
                                                   "--stripe-api-base (bench/payouts.sh starts "
                                                   "the tests' fake)")
                                              : error)
                  << Qt::endl;
        return Exit::Usage;
    }
    Database &db = cli.database();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString tag = QUuid::createUuid().toString(QUuid::Id128).left(8);
    QElapsedTimer clock;
    clock.start();
    WriteTransaction::run(db, [&](const QSqlDatabase &conn) {
        AccountRecord a;
        a.email = QStringLiteral("payouts-%1@bench.example").arg(tag);
        a.displayName = QStringLiteral("Bench");
        a.profile = QStringLiteral("aiimagestudio");
        a.createdAt = now;
        const qint64 account = AccountRepository(conn).create(a);
        for (int i = 0; i < count; ++i) {
            PurchaseRecord p;
            p.accountId = account;
            p.createdAt = now;
            p.credits = 0;
            p.amountCents = 1000;
            p.currency = QStringLiteral("USD");
            p.paymentRef = QStringLiteral("pi_bench_%1_%2").arg(tag).arg(i);
            PayoutRecord o;
            o.purchaseId = PurchaseRepository(conn).create(p);
            o.accountId = account;
            o.amountCents = 500;
            o.currency = p.currency;
            o.createdAt = now;
            PayoutRepository(conn).create(o);
        }
        return true;
    });
    cli.err() << tr("%1 payouts created in %2 ms").arg(count).arg(clock.elapsed()) << Qt::endl;

    RefundWorkflow workflow(db);
    PayoutBook book(db, workflow);
    PayoutWorker::Options options;
    options.perSecond = rate;
    options.inFlight = inFlight;
    PayoutWorker worker(db, book, *client, options);
    clock.restart();
    const PayoutWorker::Summary summary = worker.sendPendingAndWait(count);
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    cli.out() << tr("%1 payouts through the processor in %2 s with %3 in flight: %4 payouts/s; "
                    "%5 succeeded, %6 not; the worker's own time %7 ms per payout (database "
                    "included)")
                     .arg(summary.taken)
                     .arg(seconds, 0, 'f', 2)
                     .arg(inFlight)
                     .arg(double(summary.taken) / seconds, 0, 'f', 0)
                     .arg(summary.succeeded)
                     .arg(summary.taken - summary.succeeded)
                     .arg(summary.taken ? double(summary.overheadNs) / 1e6 / summary.taken : 0.0, 0,
                          'f', 3)
              << Qt::endl;
    return summary.succeeded == count ? Exit::Ok : Exit::Failure;
}
