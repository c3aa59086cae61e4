#pragma once
// refundctl audit verify and audit head: the audit trail's hash chain.

class CliContext;

namespace AuditCommands {
int audit(CliContext &cli);
} // namespace AuditCommands
