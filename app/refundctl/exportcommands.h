#pragma once
// refundctl export: the predefined CSV reports, headless.

#include <QCoreApplication>

class CliContext;

class ExportCommands
{
    Q_DECLARE_TR_FUNCTIONS(ExportCommands)
public:
    static int run(CliContext &cli);
};
