import { sql, type Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'

export async function findCredentials(db: Kysely<DB>, phone: string) {
  return db
    .selectFrom('users as u')
    .innerJoin('regions as r', 'r.id', 'u.region_id')
    .select(['u.id', 'u.name', 'u.phone', 'u.roles', 'u.active', 'u.password_hash', 'u.unit_id', 'u.station', 'r.code as region_code', 'r.name as region_name', 'r.level as region_level'])
    .where('u.phone', '=', phone)
    .executeTakeFirst()
}

export async function findPasswordHash(db: Kysely<DB>, userId: string) {
  return db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst()
}

export async function setPassword(db: Kysely<DB>, userId: string, passwordHash: string) {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', userId)
    .execute()
}

export async function recordAttempt(db: Kysely<DB>, phone: string, ip: string, success: boolean) {
  await db.insertInto('login_attempts').values({ phone, ip, success }).execute()
}

/**
 * Failed attempts since `since`: for this phone from this address (byPair), from this address on any phone (byIp),
 * and on this phone from anywhere since its last successful login (byPhone, with the latest one's time).
 */
export async function recentFailures(db: Kysely<DB>, phone: string, ip: string, since: Date) {
  const { rows } = await sql<{
    byPair: number
    oldestByPair: Date | null
    byIp: number
    oldestByIp: Date | null
    byPhone: number
    lastByPhone: Date | null
  }>`
    select
      count(*) filter (where a.phone = ${phone} and a.ip = ${ip})::int as "byPair",
      min(a.at) filter (where a.phone = ${phone} and a.ip = ${ip}) as "oldestByPair",
      count(*) filter (where a.ip = ${ip})::int as "byIp",
      min(a.at) filter (where a.ip = ${ip}) as "oldestByIp",
      count(*) filter (where a.phone = ${phone} and a.at > coalesce(ok.at, '-infinity'))::int as "byPhone",
      max(a.at) filter (where a.phone = ${phone}) as "lastByPhone"
    from login_attempts a,
      (select max(at) as at from login_attempts where phone = ${phone} and success) ok
    where not a.success and a.at > ${since} and (a.phone = ${phone} or a.ip = ${ip})
  `.execute(db)
  return rows[0]
}

/** Failed attempts on a phone since its last successful login: how many, from how many addresses, the latest. */
export async function failuresSinceLastSuccess(db: Kysely<DB>, phone: string) {
  const { rows } = await sql<{ count: number; addresses: number; lastAt: Date | null }>`
    select count(*)::int as count, count(distinct ip)::int as addresses, max(at) as "lastAt"
    from login_attempts
    where phone = ${phone} and not success
      and at > coalesce((select max(at) from login_attempts where phone = ${phone} and success), '-infinity')
  `.execute(db)
  return rows[0]
}

/**
 * A successful login forgives that phone's earlier failures from the same address (the owner's own typos); failures
 * from other addresses stay, so whoever made them stays throttled there.
 */
export async function clearFailures(db: Kysely<DB>, phone: string, ip: string) {
  await db.deleteFrom('login_attempts').where('phone', '=', phone).where('ip', '=', ip).where('success', '=', false).execute()
}

export async function pruneAttempts(db: Kysely<DB>, before: Date) {
  const res = await db.deleteFrom('login_attempts').where('at', '<', before).executeTakeFirst()
  return Number(res.numDeletedRows)
}
