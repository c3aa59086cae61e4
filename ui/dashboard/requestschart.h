#pragma once
// The dashboard's chart of decided requests by type and verdict.

#include "dashboardchart.h"

class RequestsChart : public DashboardChart
{
    Q_DECLARE_TR_FUNCTIONS(DashboardView)
public:
    using DashboardChart::DashboardChart;

protected:
    bool draw() override;
};
