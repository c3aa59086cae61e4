#pragma once
// refundctl users: the people of a team's PostgreSQL database and their roles.

class CliContext;

namespace TeamCommands {
int users(CliContext &cli);
// refundctl settings list|get|set: the desk's shared settings (on a team's database, an
// admin's to change).
int settings(CliContext &cli);
// After `init` on PostgreSQL: the group roles and their privileges, when this login may
// create roles; a note saying how otherwise. Returns false when setting them up failed.
bool setUpRoles(CliContext &cli);
} // namespace TeamCommands
