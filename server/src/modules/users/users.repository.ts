import { sql } from 'kysely'
import type { Executor, UserRow, UsersTable } from '../../db/types.ts'
import { pageWithTotal } from '../../db/paging.ts'
import { type Scope, whereInScope } from '../../platform/policy.ts'
import { escapeLike } from '../../db/like.ts'
import type { Insertable } from 'kysely'

const base = (db: Executor) =>
  db
    .selectFrom('users as u')
    .innerJoin('regions as r', 'r.id', 'u.region_id')
    .leftJoin('units as n', 'n.id', 'u.unit_id')
    .leftJoin('regions as rr', 'rr.id', 'u.residence_region_id')
    .select([
      'u.id',
      'u.phone',
      'u.name',
      'u.roles',
      'u.region_id',
      'u.unit_id',
      'u.station',
      'u.is_party_member',
      'u.is_youth_league',
      'u.residence_region_id',
      'u.active',
      'u.created_at',
      'r.code as region_code',
      'r.name as region_name',
      'r.path as region_path',
      'n.name as unit_name',
      'rr.code as residence_region_code',
    ])

export type UserView = Omit<UserRow, 'password_hash' | 'password_changed_at' | 'updated_at'> & {
  region_code: string
  region_name: string
  region_path: string
  unit_name: string | null
  residence_region_code: string | null
}

export async function findUser(db: Executor, id: string): Promise<UserView | undefined> {
  return base(db).where('u.id', '=', id).executeTakeFirst() as Promise<UserView | undefined>
}

export async function findUserIdByPhone(db: Executor, phone: string) {
  return db.selectFrom('users').select('id').where('phone', '=', phone).executeTakeFirst()
}

export interface UserFilter {
  regionPath?: string
  role?: string
  q?: string
  limit: number
  offset: number
}

export async function listUsers(db: Executor, scope: Scope, f: UserFilter) {
  let q = base(db).where((eb) => whereInScope(eb, scope, 'r.path'))
  if (f.regionPath) q = q.where('r.path', 'like', f.regionPath + '%')
  if (f.role) q = q.where(sql<boolean>`${f.role} = any(u.roles)`)
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`
    q = q.where((eb) => eb.or([eb('u.name', 'like', like), eb('u.phone', 'like', like)]))
  }
  const { items, total } = await pageWithTotal(db, q, q.orderBy('r.depth').orderBy('u.phone'), f)
  return { items: items as UserView[], total }
}

export async function insertUser(db: Executor, row: Insertable<UsersTable>) {
  return db.insertInto('users').values(row).returning('id').executeTakeFirstOrThrow()
}

/** Insert unless the phone exists; returns the id either way (used by the demo seed). */
export async function insertUserIfMissing(db: Executor, row: Insertable<UsersTable>) {
  const res = await db
    .insertInto('users')
    .values(row)
    .onConflict((oc) => oc.column('phone').doNothing())
    .returning('id')
    .executeTakeFirst()
  return { id: res?.id ?? (await findUserIdByPhone(db, row.phone))!.id, inserted: !!res }
}

export async function updateUser(db: Executor, id: string, patch: Partial<Insertable<UsersTable>>) {
  await db
    .updateTable('users')
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute()
}
