import type { Migration } from 'kysely/migration'
import * as foundation from './20261121000000_foundation.ts'
import * as archive from './20261122000000_archive.ts'
import * as diary from './20261123000000_diary.ts'
import * as cases from './20261124000000_cases.ts'
import * as intake from './20261125000000_intake.ts'
import * as nameSearch from './20261126000000_name_search.ts'
import * as auditIndexes from './20261207020000_audit_indexes.ts'
import * as idMasks from './20261207030000_id_masks.ts'
import * as caseLinks from './20261207040000_case_links.ts'
import * as stats from './20261207050000_stats.ts'
import * as statsNow from './20261207060000_stats_now.ts'
import * as tasks from './20261207070000_tasks.ts'

/**
 * Every migration, keyed by its timestamped name. Listed statically (not read from the folder) so the
 * same set runs from source under tsx, under Vitest and in any bundle. Add new files here in order.
 */
export const migrations: Record<string, Migration> = {
  '20261121000000_foundation': foundation,
  '20261122000000_archive': archive,
  '20261123000000_diary': diary,
  '20261124000000_cases': cases,
  '20261125000000_intake': intake,
  '20261126000000_name_search': nameSearch,
  '20261207020000_audit_indexes': auditIndexes,
  '20261207030000_id_masks': idMasks,
  '20261207040000_case_links': caseLinks,
  '20261207050000_stats': stats,
  '20261207060000_stats_now': statsNow,
  '20261207070000_tasks': tasks,
}
