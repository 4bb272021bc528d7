import { sql } from 'kysely'
import type { Executor, UnitRow } from '../../db/types.ts'
import { pageWithTotal } from '../../db/paging.ts'
import { type Scope, whereInScope } from '../../platform/policy.ts'
import { escapeLike } from '../../db/like.ts'

const base = (db: Executor) =>
  db
    .selectFrom('units as n')
    .innerJoin('regions as r', 'r.id', 'n.region_id')
    .select(['n.id', 'n.name', 'n.kind', 'n.region_id', 'n.created_at', 'n.updated_at', 'r.code as region_code', 'r.name as region_name', 'r.path as region_path'])

export type UnitWithRegion = UnitRow & { region_code: string; region_name: string; region_path: string }

export async function findUnit(db: Executor, id: string): Promise<UnitWithRegion | undefined> {
  return base(db).where('n.id', '=', id).executeTakeFirst()
}

export interface UnitFilter {
  regionPath?: string
  kind?: string
  q?: string
  limit: number
  offset: number
}

export async function listUnits(db: Executor, scope: Scope, f: UnitFilter) {
  let q = base(db).where((eb) => whereInScope(eb, scope, 'r.path', 'n.id'))
  if (f.regionPath) q = q.where('r.path', 'like', f.regionPath + '%')
  if (f.kind) q = q.where('n.kind', '=', f.kind as UnitRow['kind'])
  if (f.q) q = q.where('n.name', 'like', `%${escapeLike(f.q)}%`)
  return pageWithTotal(db, q, q.orderBy('r.depth').orderBy('r.code').orderBy('n.name'), f)
}

export async function insertUnit(db: Executor, row: { name: string; kind: UnitRow['kind']; regionId: number }) {
  return db.insertInto('units').values({ name: row.name, kind: row.kind, region_id: row.regionId }).returning('id').executeTakeFirstOrThrow()
}

/** Insert units that are not there yet (by region and name); returns how many were new. */
export async function insertUnitsIfMissing(db: Executor, rows: { name: string; kind: UnitRow['kind']; regionId: number }[]) {
  if (rows.length === 0) return 0
  let n = 0
  for (let i = 0; i < rows.length; i += 500) {
    const res = await db
      .insertInto('units')
      .values(rows.slice(i, i + 500).map((r) => ({ name: r.name, kind: r.kind, region_id: r.regionId })))
      .onConflict((oc) => oc.columns(['region_id', 'name']).doNothing())
      .executeTakeFirst()
    n += Number(res.numInsertedOrUpdatedRows ?? 0)
  }
  return n
}

export async function updateUnit(db: Executor, id: string, patch: { name?: string; kind?: UnitRow['kind']; regionId?: number }) {
  await db
    .updateTable('units')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(patch.regionId !== undefined ? { region_id: patch.regionId } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute()
}

export async function unitNameTaken(db: Executor, regionId: number, name: string, exceptId?: string) {
  let q = db.selectFrom('units').select('id').where('region_id', '=', regionId).where('name', '=', name)
  if (exceptId) q = q.where('id', '!=', exceptId)
  return !!(await q.executeTakeFirst())
}
