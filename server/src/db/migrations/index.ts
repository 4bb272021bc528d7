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
import * as taskCore from './20261207080000_task_core.ts'
import * as teamsActivities from './20261207081000_teams_activities.ts'
import * as dutyBrainLabels from './20261207083000_duty_brain_labels.ts'
import * as brainHotwordsAlerts from './20261207084000_brain_hotwords_alerts.ts'
import * as brainSimilar from './20261207085000_brain_similar.ts'
import * as evaluation from './20261207086000_evaluation.ts'
import * as weeklyReports from './20261207087000_weekly_reports.ts'
import * as brainDocs from './20261207089000_brain_docs.ts'
import * as meetingsPacts from './20261207091000_meetings_pacts.ts'
import * as brainHotwordsFilter from './20261207094000_brain_hotwords_filter.ts'
import * as brainClusterIndex from './20261207096000_brain_cluster_index.ts'

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
  '20261207080000_task_core': taskCore,
  '20261207081000_teams_activities': teamsActivities,
  '20261207083000_duty_brain_labels': dutyBrainLabels,
  '20261207084000_brain_hotwords_alerts': brainHotwordsAlerts,
  '20261207085000_brain_similar': brainSimilar,
  '20261207086000_evaluation': evaluation,
  '20261207087000_weekly_reports': weeklyReports,
  '20261207089000_brain_docs': brainDocs,
  '20261207091000_meetings_pacts': meetingsPacts,
  '20261207094000_brain_hotwords_filter': brainHotwordsFilter,
  '20261207096000_brain_cluster_index': brainClusterIndex,
}
