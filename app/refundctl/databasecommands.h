#pragma once
// refundctl subcommands that set up and describe a database: init, demo, stats,
// rollups.

class CliContext;

namespace DatabaseCommands {
int init(CliContext &cli);
int demo(CliContext &cli);
int stats(CliContext &cli);
int rollups(CliContext &cli);
} // namespace DatabaseCommands
