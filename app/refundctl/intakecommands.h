#pragma once
// refundctl ingest, outbox and tokens: the platform's events in, the desk's changes out.

class CliContext;

namespace IntakeCommands {
int ingest(CliContext &cli);
int outbox(CliContext &cli);
} // namespace IntakeCommands
