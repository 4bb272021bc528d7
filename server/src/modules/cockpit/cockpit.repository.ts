import type { Executor } from '../../db/types.ts'

/** The region paths of the cases a burst of bus events named (action events carry only the case id). */
export async function casePaths(db: Executor, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('cases as c').innerJoin('regions as r', 'r.id', 'c.region_id').select('r.path').distinct().where('c.id', 'in', ids).execute()
  return rows.map((r) => r.path)
}
