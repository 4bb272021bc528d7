import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

export interface CountyRow {
  id: number
  code: string
  name: string
  path: string
}

/** The county a region lies in (the region itself when it is one); undefined above county level or when unknown. */
export async function countyOfRegionId(db: Executor, regionId: number): Promise<CountyRow | undefined> {
  return db
    .selectFrom('regions as c')
    .innerJoin('regions as r', (j) => j.on(sql<boolean>`r.path like c.path || '%'`))
    .where('r.id', '=', regionId)
    .where('c.level', '=', 'county')
    .select(['c.id', 'c.code', 'c.name', 'c.path'])
    .executeTakeFirst()
}

export async function countyOfRegionCode(db: Executor, code: string): Promise<CountyRow | undefined> {
  const r = await db.selectFrom('regions').select('id').where('code', '=', code).executeTakeFirst()
  return r ? countyOfRegionId(db, r.id) : undefined
}

/** Active admins and leaders whose region is the county itself: who may be rostered (and the fallback). */
export async function countyStaff(db: Executor, countyId: number, roles: string[]) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'roles'])
    .where('region_id', '=', countyId)
    .where('active', '=', true)
    .where(sql<boolean>`roles && ${sql.val(roles)}::text[]`)
    .orderBy('name')
    .execute()
}

export async function rosterBetween(db: Executor, countyId: number, from: string, to: string) {
  return db
    .selectFrom('duty_roster as d')
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .select(['d.day', 'u.id', 'u.name', 'u.roles', 'u.active'])
    .where('d.county_id', '=', countyId)
    .where('d.day', '>=', from)
    .where('d.day', '<=', to)
    .orderBy('d.day')
    .orderBy('u.name')
    .execute()
}

/** Replace one day's officers. */
export async function setDay(db: Executor, countyId: number, day: string, userIds: string[], by: string | null) {
  await db.deleteFrom('duty_roster').where('county_id', '=', countyId).where('day', '=', day).execute()
  if (userIds.length)
    await db
      .insertInto('duty_roster')
      .values(userIds.map((u) => ({ county_id: countyId, day, user_id: u, created_by: by })))
      .execute()
}

/** The rostered officers (active users) of a county on a day. */
export async function officersOn(db: Executor, countyId: number, day: string): Promise<string[]> {
  const rows = await db
    .selectFrom('duty_roster as d')
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .select('u.id')
    .where('d.county_id', '=', countyId)
    .where('d.day', '=', day)
    .where('u.active', '=', true)
    .orderBy('u.id')
    .execute()
  return rows.map((r) => r.id)
}
