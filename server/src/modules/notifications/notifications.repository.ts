import { type Kysely, type RawBuilder, type Selectable, sql, type Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'

type Executor = Kysely<DB> | Transaction<DB>

export async function insertNotifications(db: Executor, rows: { userId: string; kind: string; title: string; body: string | null; caseId: string | null; taskId?: string | null }[]) {
  if (rows.length === 0) return []
  return db
    .insertInto('notifications')
    .values(rows.map((r) => ({ user_id: r.userId, kind: r.kind, title: r.title, body: r.body, case_id: r.caseId, task_id: r.taskId ?? null })))
    .returningAll()
    .execute()
}

/**
 * One notice per recipient of a query (`recipients` selects a column `id` of users), written by ONE
 * insert … select: 10,000 volunteers are one statement. Whose query it is stays with the module that knows.
 */
export async function insertNotificationsFor(
  db: Executor,
  recipients: RawBuilder<{ id: string }>,
  n: { kind: string; title: string; body: string | null; caseId?: string | null; taskId?: string | null },
) {
  const r = await sql<Selectable<DB['notifications']>>`
    insert into notifications (user_id, kind, title, body, case_id, task_id)
    select rc.id, ${n.kind}, ${n.title}, ${n.body}, ${n.caseId ?? null}::uuid, ${n.taskId ?? null}::uuid from (${recipients}) rc
    returning *`.execute(db)
  return r.rows
}

export async function listNotifications(db: Executor, userId: string, unreadOnly: boolean, limit: number) {
  let q = db.selectFrom('notifications').selectAll().where('user_id', '=', userId)
  if (unreadOnly) q = q.where('read_at', 'is', null)
  return q.orderBy('created_at', 'desc').limit(limit).execute()
}

export async function markRead(db: Executor, userId: string, ids: string[] | 'all') {
  let q = db
    .updateTable('notifications')
    .set({ read_at: sql`now()` as any })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
  if (ids !== 'all') q = q.where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000'])
  const res = await q.executeTakeFirst()
  return Number(res.numUpdatedRows)
}

/** The login phone of an active user (where an SMS goes). */
export async function activeUserPhone(db: Executor, userId: string) {
  return (await db.selectFrom('users').select('phone').where('id', '=', userId).where('active', '=', true).executeTakeFirst())?.phone
}
