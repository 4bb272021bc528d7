import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

/**
 * Read-only: confirmed volunteer hours per person for [from, to) (by the day the publisher confirmed them), for the
 * evaluation of cadres (issue 16). The tasks record is the one source of hours; nothing here writes.
 */
export async function confirmedHoursByUser(db: Executor, userIds: string[], from: Date, to: Date): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map()
  const r = await sql<{ user_id: string; hours: string | number }>`
    select user_id, sum(hours) as hours from task_claims
    where state = 'confirmed' and user_id = any(${sql.val(userIds)}::uuid[]) and confirmed_at >= ${from} and confirmed_at < ${to}
    group by user_id`.execute(db)
  return new Map(r.rows.map((x) => [x.user_id, Number(x.hours)]))
}
