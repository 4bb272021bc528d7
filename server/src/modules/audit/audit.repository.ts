import { type Expression, type SqlBool, sql } from 'kysely'
import { AUDIT_GROUP_PATTERNS, AUDIT_GROUPS, type AuditGroup } from '@minqing/common'
import type { Executor } from '../../db/types.ts'
import { pageWithTotal } from '../../db/paging.ts'
import { regionIdUnder } from '../../platform/policy.ts'
import { escapeLike } from '../../db/like.ts'

export interface AuditFilter {
  /** Rows whose region lies under this path… */
  scopePath: string
  /** …and, for county-level callers, rows with no region (system settings, logins, county-wide exports). */
  withoutRegion: boolean
  actorId?: string
  actorQ?: string
  /** A person: audit rows about them, and their archive history. */
  personId?: string
  entityType?: string
  entityId?: string
  action?: string
  group?: AuditGroup
  from?: string
  to?: string
  limit: number
  offset: number
}

const likeAny = (column: string, patterns: readonly string[]) =>
  sql<SqlBool>`(${sql.join(
    patterns.map((p) => sql`${sql.ref(column)} like ${p}`),
    sql` or `,
  )})`

/** `action` belongs to the group: matches one of its patterns and none of an earlier group's (AUDIT_GROUPS order). */
function inGroup(column: string, group: AuditGroup): Expression<SqlBool> {
  const idx = AUDIT_GROUPS.indexOf(group)
  const earlier = AUDIT_GROUPS.slice(0, idx).flatMap((g) => (g === 'other' ? [] : AUDIT_GROUP_PATTERNS[g]))
  if (group === 'other') return sql<SqlBool>`not ${likeAny(column, earlier)}`
  const own = likeAny(column, AUDIT_GROUP_PATTERNS[group])
  return earlier.length ? sql<SqlBool>`(${own} and not ${likeAny(column, earlier)})` : own
}

/**
 * The rows to list, as one derived table `x`: audit_log, and when a person is asked for, their archive history
 * rows (created / changed, with the changes) in the same shape, so one order and one pager cover both.
 */
function source(db: Executor, personId: string | undefined) {
  const audit = db
    .selectFrom('audit_log as a')
    .select([sql<string>`'a' || a.id`.as('key'), 'a.id as seq', 'a.at', 'a.actor_id', 'a.action', 'a.entity_type', 'a.entity_id', 'a.region_id', 'a.ip', 'a.details'])
  if (!personId) return audit
  const history = db
    .selectFrom('archive_history as h')
    .innerJoin('persons as p', 'p.id', 'h.entity_id')
    .where('h.entity_type', '=', 'person')
    .where('h.entity_id', '=', personId)
    .select([
      sql<string>`'h' || h.id`.as('key'),
      'h.id as seq',
      'h.at',
      'h.actor_id',
      sql<string>`'archive.person_' || h.action`.as('action'),
      sql<string>`'person'`.as('entity_type'),
      sql<string>`h.entity_id::text`.as('entity_id'),
      sql<number | null>`p.region_id`.as('region_id'),
      sql<string | null>`null::text`.as('ip'),
      sql<unknown>`jsonb_build_object('changes', h.changes)`.as('details'),
    ])
  // Kysely cannot match the two selections' row types; the columns line up by the SQL above.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const rows = history as any
  return audit.where('a.entity_type', '=', 'person').where('a.entity_id', '=', personId).unionAll(rows)
}

export async function listAudit(db: Executor, f: AuditFilter) {
  let q = db
    .selectFrom(source(db, f.personId).as('x'))
    .leftJoin('users as u', 'u.id', 'x.actor_id')
    .leftJoin('regions as r', 'r.id', 'x.region_id')
    .select([
      'x.key',
      'x.at',
      'x.actor_id',
      'x.action',
      'x.entity_type',
      'x.entity_id',
      'x.ip',
      'x.details',
      'u.name as actor_name',
      'u.phone as actor_phone',
      'r.code as region_code',
      'r.name as region_name',
    ])
    .where((eb) => {
      const under = regionIdUnder('x.region_id', f.scopePath)
      return f.withoutRegion ? eb.or([under, eb('x.region_id', 'is', null)]) : under
    })
  if (f.actorId) q = q.where('x.actor_id', '=', f.actorId)
  if (f.actorQ) {
    const term = f.actorQ.trim()
    const byPhone = /^[0-9]{4,11}$/.test(term) ? sql<SqlBool>` or phone like ${'%' + term}` : sql``
    q = q.where(sql<SqlBool>`x.actor_id in (select id from users where name like ${'%' + escapeLike(term) + '%'}${byPhone})`)
  }
  if (f.entityType) q = q.where('x.entity_type', '=', f.entityType)
  if (f.entityId) q = q.where('x.entity_id', '=', f.entityId)
  if (f.action) q = q.where('x.action', '=', f.action)
  if (f.group) q = q.where(inGroup('x.action', f.group))
  if (f.from) q = q.where('x.at', '>=', new Date(f.from))
  if (f.to) q = q.where('x.at', '<', new Date(f.to))
  return pageWithTotal(db, q, q.orderBy('x.at', 'desc').orderBy('x.seq', 'desc'), f)
}

/** A person's region path, to check the caller may see them before listing what happened to them. */
export async function personPath(db: Executor, id: string) {
  return db.selectFrom('persons as p').innerJoin('regions as r', 'r.id', 'p.region_id').select(['p.id', 'r.path as region_path']).where('p.id', '=', id).executeTakeFirst()
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const INT = /^[0-9]{1,9}$/

/**
 * Display names of the entities on one page, keyed `<type>:<id>`: one query per kind of entity present.
 * Rows whose entity is gone (or whose id is not of the table's type) simply get no name.
 */
export async function entityNames(db: Executor, refs: { type: string; id: string | null }[]): Promise<Map<string, string>> {
  const ids = (type: string, ok: RegExp) => [...new Set(refs.filter((r) => r.type === type && r.id && ok.test(r.id)).map((r) => r.id!))]
  const out = new Map<string, string>()
  const put = (type: string, rows: { id: string | number; name: string }[]) => rows.forEach((r) => out.set(`${type}:${r.id}`, r.name))
  const persons = ids('person', UUID)
  const users = ids('user', UUID)
  const units = ids('unit', UUID)
  const households = ids('household', UUID)
  const clients = ids('api_client', UUID)
  const regions = ids('region', /^[0-9]{6,15}$/)
  const categories = ids('category', INT).map(Number)
  const tags = ids('tag', INT).map(Number)
  const sources = ids('case_source', /^[a-z0-9_-]{2,40}$/)
  await Promise.all([
    persons.length &&
      db
        .selectFrom('persons')
        .select(['id', 'name'])
        .where('id', 'in', persons)
        .execute()
        .then((r) => put('person', r)),
    users.length &&
      db
        .selectFrom('users')
        .select(['id', 'name'])
        .where('id', 'in', users)
        .execute()
        .then((r) => put('user', r)),
    units.length &&
      db
        .selectFrom('units')
        .select(['id', 'name'])
        .where('id', 'in', units)
        .execute()
        .then((r) => put('unit', r)),
    households.length &&
      db
        .selectFrom('households')
        .select(['id', 'address as name'])
        .where('id', 'in', households)
        .execute()
        .then((r) => put('household', r)),
    clients.length &&
      db
        .selectFrom('api_clients')
        .select(['id', 'name'])
        .where('id', 'in', clients)
        .execute()
        .then((r) => put('api_client', r)),
    regions.length &&
      db
        .selectFrom('regions')
        .select(['code as id', 'name'])
        .where('code', 'in', regions)
        .execute()
        .then((r) => put('region', r)),
    categories.length &&
      db
        .selectFrom('categories')
        .select(['id', 'name'])
        .where('id', 'in', categories)
        .execute()
        .then((r) => put('category', r)),
    tags.length &&
      db
        .selectFrom('tags')
        .select(['id', 'name'])
        .where('id', 'in', tags)
        .execute()
        .then((r) => put('tag', r)),
    sources.length &&
      db
        .selectFrom('case_sources')
        .select(['code as id', 'name'])
        .where('code', 'in', sources)
        .execute()
        .then((r) => put('case_source', r)),
  ])
  return out
}
