#pragma once
// refundctl triage, decide, check, requests, chargeback: the review workflow headless.

class CliContext;

namespace WorkflowCommands {
int triage(CliContext &cli);
int decide(CliContext &cli);
int check(CliContext &cli);
int requests(CliContext &cli);
int chargeback(CliContext &cli);
} // namespace WorkflowCommands
