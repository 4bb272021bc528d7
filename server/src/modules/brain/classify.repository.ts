import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

/** Labels after the watermark, oldest first. */
export async function labelsAfter(db: Executor, after: string, limit = 10_000) {
  return db.selectFrom('brain_labels').select(['id', 'category_code', 'tokens']).where('id', '>', after).orderBy('id').limit(limit).execute()
}

export async function insertLabel(db: Executor, row: { caseId: string | null; code: string; tokens: string[]; by: string | null }) {
  return db.insertInto('brain_labels').values({ case_id: row.caseId, category_code: row.code, tokens: row.tokens, created_by: row.by }).returning('id').executeTakeFirstOrThrow()
}

/** The latest label of a case (a re-dispatch with the same category is not learned twice). */
export async function lastLabelOf(db: Executor, caseId: string) {
  return db.selectFrom('brain_labels').select(['category_code']).where('case_id', '=', caseId).orderBy('id', 'desc').limit(1).executeTakeFirst()
}

export async function activeCategories(db: Executor) {
  return db.selectFrom('categories').select(['id', 'code', 'name', 'parent_id']).where('active', '=', true).execute()
}

/** What the brain reads of a case: its words, category, urgency and place. */
export async function caseForBrain(db: Executor, id: string) {
  return db
    .selectFrom('cases as c')
    .innerJoin('regions as r', 'r.id', 'c.region_id')
    .leftJoin('categories as cat', 'cat.id', 'c.category_id')
    .select(['c.id', 'c.title', 'c.description', 'c.category_id', 'cat.code as category_code', 'c.urgency', 'c.region_id', 'r.path as region_path', 'c.state', 'c.created_at'])
    .where('c.id', '=', id)
    .executeTakeFirst()
}

/** Active leaders whose region is the town the path lies in (none above town level). */
export async function townLeaders(db: Executor, regionPath: string) {
  return db
    .selectFrom('users as u')
    .innerJoin('regions as t', 't.id', 'u.region_id')
    .select(['u.id', 'u.name'])
    .where('t.level', '=', 'town')
    .where(sql<boolean>`${regionPath} like t.path || '%'`)
    .where('u.active', '=', true)
    .where(sql<boolean>`'leader' = any(u.roles)`)
    .orderBy('u.name')
    .execute()
}

export async function userNames(db: Executor, ids: string[]) {
  if (!ids.length) return []
  return db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute()
}

/** When the case was last pushed (a second push within the cool-down is refused). */
export async function lastPushAt(db: Executor, caseId: string): Promise<Date | null> {
  const row = await db.selectFrom('case_events').select('at').where('case_id', '=', caseId).where('action', '=', 'push').orderBy('at', 'desc').limit(1).executeTakeFirst()
  return row ? row.at : null
}
