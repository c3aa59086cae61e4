#pragma once
// refundctl triage, decide, approvals, check, requests, chargeback: the review workflow headless.

class CliContext;

namespace WorkflowCommands {
int triage(CliContext &cli);
int decide(CliContext &cli);
int check(CliContext &cli);
int requests(CliContext &cli);
int chargeback(CliContext &cli);
// Four-eyes: list, approve or send back the requests waiting for a second approval.
int approvals(CliContext &cli);
// A lead's correction: reverses a decision and reopens its request.
int reverse(CliContext &cli);
} // namespace WorkflowCommands
