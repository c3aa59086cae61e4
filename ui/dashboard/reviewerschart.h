#pragma once
// The dashboard's chart of decisions per reviewer, with the overrides among them.

#include "dashboardchart.h"

class ReviewersChart : public DashboardChart
{
    Q_DECLARE_TR_FUNCTIONS(DashboardView)
public:
    using DashboardChart::DashboardChart;

protected:
    bool draw() override;
};
