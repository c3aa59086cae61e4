#pragma once
// The rollup tables the dashboard reads, kept by triggers as the facts are written (schema
// v16 on). What both the migration that creates one and a bulk load that pauses its trigger
// need: the statements that count it again from the facts.

#include <QStringList>

namespace Rollups {
// Empties rollup_jobs and counts every job into it: per UTC day (days since 1970-01-01), the
// account's profile, status and failure ('' for none).
QStringList recountJobs();
} // namespace Rollups
