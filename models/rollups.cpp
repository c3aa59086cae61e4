#include "rollups.h"

namespace Rollups {

QStringList recountJobs()
{
    return {QStringLiteral("DELETE FROM rollup_jobs"),
            QStringLiteral("INSERT INTO rollup_jobs (day, profile, status, failure, jobs)"
                           " SELECT j.created_at / 86400, a.profile, j.status,"
                           " COALESCE(j.failure, ''), COUNT(*) FROM jobs j JOIN accounts a"
                           " ON a.id = j.account_id GROUP BY 1, 2, 3, 4")};
}

} // namespace Rollups
