import { sql, type Insertable, type Updateable } from 'kysely'
import type { EnterprisesTable, Executor, PlacesTable } from '../../db/types.ts'
import { pageWithTotal } from '../../db/paging.ts'
import { type Scope, whereInScope } from '../../platform/policy.ts'
import { escapeLike } from '../../db/like.ts'

const enterpriseBase = (db: Executor) =>
  db
    .selectFrom('enterprises as e')
    .innerJoin('regions as r', 'r.id', 'e.region_id')
    .leftJoin('users as c', 'c.id', 'e.cadre_user_id')
    .selectAll('e')
    .select(['r.code as region_code', 'r.name as region_name', 'r.path as region_path', 'c.name as cadre_name'])

export type EnterpriseView = NonNullable<Awaited<ReturnType<typeof findEnterprise>>>

export async function findEnterprise(db: Executor, id: string) {
  return enterpriseBase(db).where('e.id', '=', id).executeTakeFirst()
}

export async function findEnterpriseByCode(db: Executor, creditCode: string) {
  return db.selectFrom('enterprises').select('id').where('credit_code', '=', creditCode).executeTakeFirst()
}

export async function listEnterprises(db: Executor, scope: Scope, f: { regionPath?: string; q?: string; creditCode?: string; limit: number; offset: number }) {
  let q = enterpriseBase(db).where((eb) => whereInScope(eb, scope, 'r.path'))
  if (f.regionPath) q = q.where('r.path', 'like', f.regionPath + '%')
  if (f.q) q = q.where('e.name', 'like', `%${escapeLike(f.q)}%`)
  if (f.creditCode) q = q.where('e.credit_code', '=', f.creditCode)
  return pageWithTotal(db, q, q.orderBy('r.code').orderBy('e.name'), f)
}

export async function teamOf(db: Executor, enterpriseIds: string[]) {
  if (enterpriseIds.length === 0) return []
  return db
    .selectFrom('enterprise_team as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.enterprise_id', 't.user_id', 't.duty', 'u.name'])
    .where('t.enterprise_id', 'in', enterpriseIds)
    .orderBy('u.name')
    .execute()
}

export async function insertEnterprise(db: Executor, row: Insertable<EnterprisesTable>) {
  return db.insertInto('enterprises').values(row).returning('id').executeTakeFirstOrThrow()
}

export async function updateEnterprise(db: Executor, id: string, patch: Updateable<EnterprisesTable>) {
  await db
    .updateTable('enterprises')
    .set({ ...patch, updated_at: sql`now()` as any })
    .where('id', '=', id)
    .execute()
}

export async function setTeam(db: Executor, enterpriseId: string, team: { userId: string; duty: string | null }[]) {
  await db.deleteFrom('enterprise_team').where('enterprise_id', '=', enterpriseId).execute()
  if (team.length)
    await db
      .insertInto('enterprise_team')
      .values(team.map((m) => ({ enterprise_id: enterpriseId, user_id: m.userId, duty: m.duty })))
      .execute()
}

export async function usersWithPaths(db: Executor, ids: string[]) {
  if (ids.length === 0) return []
  return db.selectFrom('users as u').innerJoin('regions as r', 'r.id', 'u.region_id').select(['u.id', 'u.name', 'r.path']).where('u.id', 'in', ids).execute()
}

// ---- places ---------------------------------------------------------------------------
const placeBase = (db: Executor) =>
  db.selectFrom('places as pl').innerJoin('regions as r', 'r.id', 'pl.region_id').selectAll('pl').select(['r.code as region_code', 'r.name as region_name', 'r.path as region_path'])

export type PlaceView = NonNullable<Awaited<ReturnType<typeof findPlace>>>

export async function findPlace(db: Executor, id: string) {
  return placeBase(db).where('pl.id', '=', id).executeTakeFirst()
}

export async function listPlaces(db: Executor, scope: Scope, f: { regionPath?: string; kind?: string; q?: string; limit: number; offset: number }) {
  let q = placeBase(db).where((eb) => whereInScope(eb, scope, 'r.path'))
  if (f.regionPath) q = q.where('r.path', 'like', f.regionPath + '%')
  if (f.kind) q = q.where('pl.kind', '=', f.kind)
  if (f.q) q = q.where('pl.name', 'like', `%${escapeLike(f.q)}%`)
  return pageWithTotal(db, q, q.orderBy('r.code').orderBy('pl.name'), f)
}

export async function placeNameTaken(db: Executor, regionId: number, name: string, exceptId?: string) {
  let q = db.selectFrom('places').select('id').where('region_id', '=', regionId).where('name', '=', name)
  if (exceptId) q = q.where('id', '!=', exceptId)
  return !!(await q.executeTakeFirst())
}

export async function insertPlace(db: Executor, row: Insertable<PlacesTable>) {
  return db.insertInto('places').values(row).returning('id').executeTakeFirstOrThrow()
}

export async function updatePlace(db: Executor, id: string, patch: Updateable<PlacesTable>) {
  await db
    .updateTable('places')
    .set({ ...patch, updated_at: sql`now()` as any })
    .where('id', '=', id)
    .execute()
}
