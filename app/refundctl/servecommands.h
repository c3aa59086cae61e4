#pragma once
// refundctl serve and tokens: the HTTP endpoint for the platform and its API tokens.

class CliContext;

namespace ServeCommands {
int serve(CliContext &cli);
int tokens(CliContext &cli);
} // namespace ServeCommands
