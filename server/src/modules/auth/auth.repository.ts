import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'

export async function findCredentials(db: Kysely<DB>, phone: string) {
  return db
    .selectFrom('users as u')
    .innerJoin('regions as r', 'r.id', 'u.region_id')
    .select([
      'u.id',
      'u.name',
      'u.phone',
      'u.roles',
      'u.active',
      'u.password_hash',
      'u.unit_id',
      'u.station',
      'r.code as region_code',
      'r.name as region_name',
      'r.level as region_level',
    ])
    .where('u.phone', '=', phone)
    .executeTakeFirst()
}

export async function findPasswordHash(db: Kysely<DB>, userId: string) {
  return db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst()
}

export async function setPassword(db: Kysely<DB>, userId: string, passwordHash: string) {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: sql`now()` as any, updated_at: sql`now()` as any })
    .where('id', '=', userId)
    .execute()
}

export async function recordAttempt(db: Kysely<DB>, phone: string, ip: string, success: boolean) {
  await db.insertInto('login_attempts').values({ phone, ip, success }).execute()
}

/** Failed attempts since `since`, per phone and per client address, and when the oldest of them happened. */
export async function recentFailures(db: Kysely<DB>, phone: string, ip: string, since: Date) {
  const row = await db
    .selectFrom('login_attempts')
    .select([
      sql<number>`count(*) filter (where phone = ${phone})::int`.as('byPhone'),
      sql<number>`count(*) filter (where ip = ${ip})::int`.as('byIp'),
      sql<Date | null>`min(at) filter (where phone = ${phone})`.as('oldestByPhone'),
      sql<Date | null>`min(at) filter (where ip = ${ip})`.as('oldestByIp'),
    ])
    .where('success', '=', false)
    .where('at', '>', since)
    .where((eb) => eb.or([eb('phone', '=', phone), eb('ip', '=', ip)]))
    .executeTakeFirstOrThrow()
  return row
}

/** A successful login forgives that phone's earlier failures. */
export async function clearFailures(db: Kysely<DB>, phone: string) {
  await db.deleteFrom('login_attempts').where('phone', '=', phone).where('success', '=', false).execute()
}

export async function pruneAttempts(db: Kysely<DB>, before: Date) {
  const res = await db.deleteFrom('login_attempts').where('at', '<', before).executeTakeFirst()
  return Number(res.numDeletedRows)
}
