#pragma once
// The dashboard's chart of chargebacks opened per month, by outcome.

#include "dashboardchart.h"

class ChargebacksChart : public DashboardChart
{
    Q_DECLARE_TR_FUNCTIONS(DashboardView)
public:
    using DashboardChart::DashboardChart;

protected:
    bool draw() override;
};
