#pragma once
// The dashboard's chart of the job failure rate by cause, with the credit-backs.

#include "dashboardchart.h"

class JobsChart : public DashboardChart
{
    Q_DECLARE_TR_FUNCTIONS(DashboardView)
public:
    using DashboardChart::DashboardChart;

protected:
    bool draw() override;
};
