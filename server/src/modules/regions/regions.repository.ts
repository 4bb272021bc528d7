import { sql } from 'kysely'
import type { Executor, RegionRow } from '../../db/types.ts'
import type { Scope } from '../../platform/policy.ts'
import { whereInScope } from '../../platform/policy.ts'
import { escapeLike } from '../../db/like.ts'

export type RegionWithCount = RegionRow & { child_count: number }

const withChildCount = (db: Executor) =>
  db
    .selectFrom('regions as r')
    .selectAll('r')
    .select(sql<number>`(select count(*)::int from regions c where c.parent_id = r.id)`.as('child_count'))

export async function findRegionByCode(db: Executor, code: string): Promise<RegionWithCount | undefined> {
  return withChildCount(db).where('r.code', '=', code).executeTakeFirst()
}

export async function findRegionsByCodes(db: Executor, codes: string[]): Promise<RegionWithCount[]> {
  if (codes.length === 0) return []
  return withChildCount(db).where('r.code', 'in', codes).orderBy('r.depth').execute()
}

export async function listChildren(db: Executor, parentId: number, q?: string): Promise<RegionWithCount[]> {
  let query = withChildCount(db).where('r.parent_id', '=', parentId)
  if (q) query = query.where('r.name', 'like', `%${escapeLike(q)}%`)
  return query.orderBy('r.code').execute()
}

/** Regions in scope whose name contains q (for pickers' search box). */
export async function searchInScope(db: Executor, scope: Scope, q: string, limit = 50): Promise<RegionWithCount[]> {
  return withChildCount(db)
    .where((eb) => whereInScope(eb, scope, 'r.path'))
    .where('r.name', 'like', `%${escapeLike(q)}%`)
    .orderBy('r.depth')
    .orderBy('r.code')
    .limit(limit)
    .execute()
}

export async function insertRegion(db: Executor, row: { code: string; name: string; level: RegionRow['level']; parentId: number | null; path: string; depth: number }): Promise<RegionRow> {
  return db.insertInto('regions').values({ code: row.code, name: row.name, level: row.level, parent_id: row.parentId, path: row.path, depth: row.depth }).returningAll().executeTakeFirstOrThrow()
}

/**
 * Insert or update regions by code, parents before children (the caller orders them). Returns the ids by
 * code. Names are updated so a re-import of a newer division list renames what was renamed.
 */
export async function upsertRegions(db: Executor, rows: { code: string; name: string; level: RegionRow['level']; parentCode: string | null }[]): Promise<{ inserted: number; updated: number }> {
  const ids = new Map<string, { id: number; path: string; depth: number }>()
  let inserted = 0
  let updated = 0
  const parentCodes = [...new Set(rows.map((r) => r.parentCode).filter((c): c is string => !!c))]
  for (const chunk of chunks(parentCodes, 500)) {
    const found = await db.selectFrom('regions').select(['id', 'code', 'path', 'depth']).where('code', 'in', chunk).execute()
    for (const f of found) ids.set(f.code, { id: f.id, path: f.path, depth: f.depth })
  }
  // One level at a time, so every batch's parents exist before it.
  const levels: RegionRow['level'][] = ['city', 'county', 'town', 'village', 'grid']
  const batches = levels.flatMap((level) => [
    ...chunks(
      rows.filter((r) => r.level === level),
      500,
    ),
  ])
  for (const batch of batches) {
    const values = batch.map((r) => {
      const parent = r.parentCode ? ids.get(r.parentCode) : undefined
      if (r.parentCode && !parent) throw new Error(`parent ${r.parentCode} of ${r.code} is not imported yet`)
      return {
        code: r.code,
        name: r.name,
        level: r.level,
        parent_id: parent?.id ?? null,
        path: `${parent?.path ?? '/'}${r.code}/`,
        depth: (parent?.depth ?? -1) + 1,
      }
    })
    const res = await db
      .insertInto('regions')
      .values(values)
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          updated_at: sql`case when regions.name is distinct from excluded.name then now() else regions.updated_at end`,
        })),
      )
      .returning(['id', 'code', 'path', 'depth', sql<boolean>`(xmax = 0)`.as('inserted')])
      .execute()
    for (const r of res) {
      ids.set(r.code, { id: r.id, path: r.path, depth: r.depth })
      if (r.inserted) inserted++
      else updated++
    }
  }
  return { inserted, updated }
}

export async function updateRegionName(db: Executor, id: number, name: string) {
  return db
    .updateTable('regions')
    .set({ name, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Lock a region's row until the transaction ends (grid creations under one village take turns). */
export async function lockRegion(db: Executor, id: number): Promise<void> {
  await db.selectFrom('regions').select('id').where('id', '=', id).forUpdate().executeTakeFirst()
}

export async function maxChildCode(db: Executor, parentId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('regions')
    .select(sql<string>`max(code)`.as('max'))
    .where('parent_id', '=', parentId)
    .executeTakeFirst()
  return row?.max ?? undefined
}

/** Per child of a region: how many villages, grids, users (accounts), units and residents (archive persons) lie in its subtree. */
export async function childSummaries(db: Executor, parentId: number) {
  return db
    .selectFrom('regions as c')
    .select([
      'c.code',
      'c.name',
      'c.level',
      sql<number>`(select count(*)::int from regions d where d.path like c.path || '%' and d.level = 'village')`.as('villages'),
      sql<number>`(select count(*)::int from regions d where d.path like c.path || '%' and d.level = 'grid')`.as('grids'),
      sql<number>`(select count(*)::int from users u join regions d on d.id = u.region_id where d.path like c.path || '%')`.as('users'),
      sql<number>`(select count(*)::int from units n join regions d on d.id = n.region_id where d.path like c.path || '%')`.as('units'),
      sql<number>`(select count(*)::int from persons p join regions d on d.id = p.region_id where d.path like c.path || '%')`.as('residents'),
    ])
    .where('c.parent_id', '=', parentId)
    .orderBy('c.code')
    .execute()
}

/** Counts for the whole subtree under `path` (the region itself included). */
export async function subtreeTotals(db: Executor, path: string) {
  const like = path + '%'
  const res = await sql<{ towns: number; villages: number; grids: number; users: number; units: number; residents: number }>`
    select
      (select count(*)::int from regions d where d.path like ${like} and d.level = 'town') as towns,
      (select count(*)::int from regions d where d.path like ${like} and d.level = 'village') as villages,
      (select count(*)::int from regions d where d.path like ${like} and d.level = 'grid') as grids,
      (select count(*)::int from users u join regions d on d.id = u.region_id where d.path like ${like}) as users,
      (select count(*)::int from units n join regions d on d.id = n.region_id where d.path like ${like}) as units,
      (select count(*)::int from persons p join regions d on d.id = p.region_id where d.path like ${like}) as residents`.execute(db)
  return res.rows[0]
}

export async function usersByRole(db: Executor, path: string): Promise<{ role: string; count: number }[]> {
  const res = await sql<{ role: string; count: number }>`
    select role, count(*)::int as count
    from (select unnest(u.roles) as role from users u join regions d on d.id = u.region_id where d.path like ${path + '%'}) t
    group by role order by role`.execute(db)
  return res.rows
}

export async function countRegions(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('regions')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
  return r.n
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size)
}
