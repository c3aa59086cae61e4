#pragma once
// refundctl policy: evaluate a case, list the profiles, show one in plain words.

class CliContext;

namespace PolicyCommands {
int run(CliContext &cli);
} // namespace PolicyCommands
