#pragma once
// The dashboard's chart of answers on time and late against the answer date.

#include "dashboardchart.h"

class AnswersChart : public DashboardChart
{
    Q_DECLARE_TR_FUNCTIONS(DashboardView)
public:
    using DashboardChart::DashboardChart;

protected:
    bool draw() override;
};
