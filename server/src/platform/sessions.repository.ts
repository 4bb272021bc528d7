import { sql, type Kysely } from 'kysely'
import { executePrepared } from '../db/prepared.ts'
import type { DB } from '../db/types.ts'

export async function insertSession(db: Kysely<DB>, row: { tokenHash: string; userId: string; expiresAt: Date; ip: string | null; userAgent: string | null }) {
  return db
    .insertInto('sessions')
    .values({ token_hash: row.tokenHash, user_id: row.userId, expires_at: row.expiresAt, ip: row.ip, user_agent: row.userAgent })
    .returning(['id', 'expires_at'])
    .executeTakeFirstOrThrow()
}

/** The session with its user and the user's region, as the auth hook needs them. */
export async function findSessionWithUser(db: Kysely<DB>, tokenHash: string) {
  // Every signed-in request runs this: a prepared statement (db/prepared.ts).
  const query = db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('regions as r', 'r.id', 'u.region_id')
    .select([
      's.id as sessionId',
      's.expires_at as expiresAt',
      's.last_seen_at as lastSeenAt',
      'u.id as userId',
      'u.name',
      'u.phone',
      'u.roles',
      'u.active',
      'u.unit_id as unitId',
      'u.station',
      'r.id as regionId',
      'r.code as regionCode',
      'r.name as regionName',
      'r.level as regionLevel',
      'r.path as regionPath',
    ])
    .where('s.token_hash', '=', tokenHash)
    .compile()
  return (await executePrepared(db, query)).rows[0]
}

export async function touchSession(db: Kysely<DB>, sessionId: string, expiresAt: Date) {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: sql<Date>`now()`, expires_at: expiresAt })
    .where('id', '=', sessionId)
    .execute()
}

export async function deleteSession(db: Kysely<DB>, sessionId: string) {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute()
}

export async function deleteUserSessions(db: Kysely<DB>, userId: string, exceptSessionId?: string) {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (exceptSessionId) q = q.where('id', '!=', exceptSessionId)
  await q.execute()
}

export async function deleteExpiredSessions(db: Kysely<DB>) {
  const res = await db
    .deleteFrom('sessions')
    .where('expires_at', '<', sql<Date>`now()`)
    .executeTakeFirst()
  return Number(res.numDeletedRows)
}
