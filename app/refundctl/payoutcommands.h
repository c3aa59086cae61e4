#pragma once
// refundctl payouts: list, run, reconcile, mark, retry; and the payment-processor
// configuration (INTEGRATION.md section 4) that refundctl serve shares.

#include <QCommandLineOption>
#include <QList>
#include <memory>

class CliContext;
class QCommandLineParser;
class StripeClient;

namespace PayoutCommands {
int payouts(CliContext &cli);

// --stripe-key-file and --stripe-api-base.
QList<QCommandLineOption> processorOptions();
// The client the options or the environment configure; nothing without a key (manual mode),
// or with `error` set when the configuration is wrong (a key file others can read).
std::unique_ptr<StripeClient> processorClient(const QCommandLineParser &parser, QString *error);
// The webhook secret of REFUNDDESK_STRIPE_WEBHOOK_SECRET_FILE; empty when not configured, or
// with `error` set.
QByteArray webhookSecret(QString *error);
} // namespace PayoutCommands
