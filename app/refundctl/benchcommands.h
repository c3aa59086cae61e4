#pragma once
// refundctl bench: how fast the desk's views are next to the database's own command-line tool.

#include <QCoreApplication>

class CliContext;

class BenchCommands
{
    Q_DECLARE_TR_FUNCTIONS(BenchCommands)
public:
    static int run(CliContext &cli);

private:
    static int views(CliContext &cli);
    static int exportLedger(CliContext &cli);
    static int dashboard(CliContext &cli);
    static int ingest(CliContext &cli);  // ingestbench.cpp
    static int payouts(CliContext &cli); // payoutbench.cpp
    static int audit(CliContext &cli);
};
