#pragma once
// The dashboard's chart of money refunded and credits restored over time.

#include "dashboardchart.h"

class MoneyChart : public DashboardChart
{
    Q_DECLARE_TR_FUNCTIONS(DashboardView)
public:
    using DashboardChart::DashboardChart;

protected:
    bool draw() override;
};
