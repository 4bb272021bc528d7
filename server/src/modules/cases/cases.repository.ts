import { CLOCK_RUNNING_STATES } from '@minqing/common'
import { type Insertable, type Kysely, type SqlBool, sql, type Transaction, type Updateable } from 'kysely'
import type { CasesTable, DB } from '../../db/types.ts'
import { cappedCount } from '../../db/paging.ts'
import { executePrepared } from '../../db/prepared.ts'
import { regionIdUnder, type Scope } from '../../platform/policy.ts'
import { escapeLike } from '../../db/like.ts'

type Executor = Kysely<DB> | Transaction<DB>

// ---- categories and routing ----------------------------------------------------------
export async function listCategories(db: Executor) {
  return db.selectFrom('categories as c').leftJoin('categories as p', 'p.id', 'c.parent_id').selectAll('c').select('p.code as parent_code').orderBy('c.sort').orderBy('c.id').execute()
}

export async function findCategoryByCode(db: Executor, code: string) {
  return db.selectFrom('categories as c').leftJoin('categories as p', 'p.id', 'c.parent_id').selectAll('c').select('p.code as parent_code').where('c.code', '=', code).executeTakeFirst()
}

export async function findCategory(db: Executor, id: number) {
  return db.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertCategory(db: Executor, row: Insertable<DB['categories']>) {
  return db.insertInto('categories').values(row).returning('id').executeTakeFirstOrThrow()
}

export async function updateCategory(db: Executor, id: number, patch: Updateable<DB['categories']>) {
  await db.updateTable('categories').set(patch).where('id', '=', id).execute()
}

export async function listRoutingRules(db: Executor) {
  return db
    .selectFrom('routing_rules as rr')
    .innerJoin('categories as c', 'c.id', 'rr.category_id')
    .innerJoin('regions as r', 'r.id', 'rr.region_id')
    .leftJoin('units as u', 'u.id', 'rr.unit_id')
    .select(['rr.id', 'rr.level', 'rr.unit_id', 'c.code as category_code', 'r.code as region_code', 'r.path as region_path', 'u.name as unit_name'])
    .orderBy('c.code')
    .orderBy('r.path')
    .execute()
}

export async function upsertRoutingRule(db: Executor, row: { categoryId: number; regionId: number; level: string; unitId: string | null }) {
  return db
    .insertInto('routing_rules')
    .values({ category_id: row.categoryId, region_id: row.regionId, level: row.level as 'town', unit_id: row.unitId })
    .onConflict((oc) => oc.columns(['category_id', 'region_id']).doUpdateSet({ level: row.level as 'town', unit_id: row.unitId }))
    .returning('id')
    .executeTakeFirstOrThrow()
}

// ---- cases -------------------------------------------------------------------------
/**
 * Next human number of the day: MQ-YYYYMMDD-NNNN, from a sequence per day. A counter row would be one hot row
 * every intake locks and fsyncs in turn (≈ 150 cases/s on these machines); a sequence takes no row lock.
 * More than 9,999 a day widens the counter; a failed intake leaves a gap, as sequences do.
 */
export async function nextCaseNumber(db: Executor, day: string) {
  if (!/^[0-9]{8}$/.test(day)) throw new Error(`bad day ${day}`)
  const seq = sql.raw(`case_no_${day}`)
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await sql<{ n: string }>`select nextval('${seq}')::text as n`.execute(db)
      return `MQ-${day}-${r.rows[0].n.padStart(4, '0')}`
    } catch (err) {
      const code = (err as { code?: string }).code
      // 42P01: the day's sequence does not exist yet. Two intakes may race to create it; both then go on.
      if (code !== '42P01' || attempt > 2) throw err
      try {
        await sql`create sequence if not exists ${seq}`.execute(db)
      } catch (e) {
        if (!['42P07', '23505'].includes((e as { code?: string }).code ?? '')) throw e
      }
    }
  }
}

/** The case region and its ancestors from the county down, as [{ code, name }] (index lookups by code, no join). */
const regionTrail = (pathColumn: string) =>
  sql<{ code: string; name: string }[]>`(select coalesce(json_agg(json_build_object('code', a.code, 'name', a.name) order by a.depth), '[]'::json)
    from regions a where a.code = any(string_to_array(trim(both '/' from ${sql.ref(pathColumn)}), '/')) and a.level <> 'city')`

// Names of the unit, handler, suggested unit and claimant come as scalar subqueries, not joins: the planner
// takes ~0.4 ms over this instead of ~1.4 ms for a seven-way join, and every case action reads the case twice.
const caseBase = (db: Executor) =>
  db
    .selectFrom('cases as c')
    .innerJoin('regions as r', 'r.id', 'c.region_id')
    .leftJoin('categories as cat', 'cat.id', 'c.category_id')
    .selectAll('c')
    .select((eb) => [
      'r.code as region_code',
      'r.name as region_name',
      'r.path as region_path',
      regionTrail('r.path').as('region_trail'),
      'cat.code as category_code',
      'cat.name as category_name',
      eb.selectFrom('units as un').select('un.name').whereRef('un.id', '=', 'c.unit_id').as('unit_name'),
      eb.selectFrom('users as h').select('h.name').whereRef('h.id', '=', 'c.handler_id').as('handler_name'),
      eb.selectFrom('units as su').select('su.name').whereRef('su.id', '=', 'c.suggested_unit_id').as('suggested_unit_name'),
      eb.selectFrom('users as cl').select('cl.name').whereRef('cl.id', '=', 'c.claimed_by').as('claimed_by_name'),
    ])

export type CaseRow = NonNullable<Awaited<ReturnType<typeof findCase>>>

export async function findCase(db: Executor, id: string) {
  return caseBase(db).where('c.id', '=', id).executeTakeFirst()
}

/** Lock the case row for the rest of the transaction (two handlers accepting at once: one waits, then sees the new state). */
/** The case another platform knows as (source, externalId), read as findCase reads it. */
export async function findCaseByExternal(db: Executor, source: string, externalId: string) {
  return caseBase(db).where('c.source', '=', source).where('c.external_id', '=', externalId).executeTakeFirst()
}

export async function lockCase(db: Transaction<DB>, id: string) {
  await sql`select 1 from cases where id = ${id} for update`.execute(db)
}

export async function findCaseByClientId(db: Executor, userId: string, clientId: string) {
  return db.selectFrom('cases').select('id').where('created_by', '=', userId).where('client_id', '=', clientId).executeTakeFirst()
}

export interface CaseFilter {
  regionPath?: string
  state?: string
  states?: string[]
  categoryIds?: number[]
  overdue?: boolean
  q?: string
  unitOrHandler?: { unitId: string | null; userId: string }
  warnedNotOverdue?: boolean
  supervisedBy?: string
  reporterUserId?: string
  /** Only cases at these levels (a dispatcher's to-dispatch queue: levels at or below their own). */
  levels?: string[]
  ratingMissing?: boolean
  /** Not the caller's own work: neither their unit's, nor handled or claimed by them (待审批: no approving one's own request). */
  notOwnWork?: { unitId: string | null; userId: string }
  /** 回访 (the callback queue): reporters with a phone, hotline and walk-in or sampled, not handled by this user. */
  callbackDue?: { threshold: string; userId: string; unitId: string | null }
  /** Newest first (我反映的: one's latest report on top), instead of the work queues' nearest due date first. */
  newestFirst?: boolean
  limit: number
  offset: number
}

export async function listCases(db: Executor, scope: Scope & { userId: string }, f: CaseFilter) {
  // A queue of one's own work (unit or handler) needs no area filter: what is dispatched to you is yours to
  // see. Everything else is the area rule, with region ids resolved first so the cases indexes serve it.
  let q = f.unitOrHandler
    ? caseBase(db)
    : caseBase(db).where((eb) =>
        eb.or([
          regionIdUnder('c.region_id', scope.regionPath),
          ...(scope.unitId ? [eb('c.unit_id', '=', scope.unitId)] : []),
          eb('c.handler_id', '=', scope.userId),
          eb('c.claimed_by', '=', scope.userId),
        ]),
      )
  if (f.regionPath) q = q.where(regionIdUnder('c.region_id', f.regionPath))
  if (f.state) q = q.where('c.state', '=', f.state)
  if (f.states) q = q.where('c.state', 'in', f.states)
  if (f.categoryIds) q = q.where('c.category_id', 'in', f.categoryIds)
  if (f.overdue !== undefined) q = q.where('c.overdue_at', f.overdue ? 'is not' : 'is', null)
  if (f.warnedNotOverdue) q = q.where('c.warned_at', 'is not', null).where('c.overdue_at', 'is', null)
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`
    q = q.where((eb) => eb.or([eb('c.title', 'like', like), eb('c.number', 'like', like)]))
  }
  if (f.unitOrHandler) {
    const { unitId, userId } = f.unitOrHandler
    q = q.where((eb) => eb.or([eb('c.handler_id', '=', userId), eb('c.claimed_by', '=', userId), ...(unitId ? [eb('c.unit_id', '=', unitId)] : [])]))
  }
  if (f.supervisedBy) q = q.where(sql<SqlBool>`exists (select 1 from case_events e where e.case_id = c.id and e.action = 'supervise' and e.actor_id = ${f.supervisedBy})`)
  if (f.reporterUserId) q = q.where('c.reporter_user_id', '=', f.reporterUserId)
  if (f.ratingMissing) q = q.where('c.rating', 'is', null)
  if (f.notOwnWork) {
    const own = f.notOwnWork
    q = q.where(sql<SqlBool>`c.handler_id is distinct from ${own.userId} and c.claimed_by is distinct from ${own.userId} and c.unit_id is distinct from ${own.unitId}`)
  }
  if (f.callbackDue) {
    // The same rule as callbacks.repository's queue (a test holds them together); the sample is md5(id) against the rate.
    const cb = f.callbackDue
    q = q
      .where('c.reporter_kind', 'in', ['named', 'person'])
      .where(sql<SqlBool>`(c.reporter_phone_enc is not null or exists (select 1 from persons p where p.id = c.reporter_person_id and p.phone_enc is not null))`)
      .where(sql<SqlBool>`(c.channel in ('hotline', 'walk_in') or substr(md5(c.id::text), 1, 8) collate "C" < ${cb.threshold})`)
      .where(sql<SqlBool>`c.handler_id is distinct from ${cb.userId} and c.claimed_by is distinct from ${cb.userId} and c.unit_id is distinct from ${cb.unitId}`)
      .where(sql<SqlBool>`not exists (select 1 from case_events h where h.case_id = c.id and h.actor_id = ${cb.userId} and h.action in ('accept', 'reply', 'resolve_on_spot', 'claim'))`)
  }
  if (f.levels) q = q.where('c.level', 'in', f.levels.length ? (f.levels as CasesTable['level'][]) : ['none' as CasesTable['level']])
  const [items, total] = await Promise.all([
    (f.newestFirst ? q.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc') : q.orderBy('c.due_at', (ob) => ob.asc().nullsLast()).orderBy('c.created_at', 'desc'))
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    cappedCount(db, q, f),
  ])
  return { items, total }
}

export async function insertCase(db: Executor, row: Insertable<CasesTable>) {
  return db.insertInto('cases').values(row).returning('id').executeTakeFirstOrThrow()
}

export async function updateCase(db: Executor, id: string, patch: Updateable<CasesTable>) {
  await db
    .updateTable('cases')
    .set({ ...patch, updated_at: sql`now()` as any, version: sql`version + 1` as any })
    .where('id', '=', id)
    .execute()
}

export async function insertEvent(
  db: Executor,
  row: { caseId: string; action: string; actorId: string | null; from: string | null; to: string | null; note?: string | null; data?: Record<string, unknown>; at?: Date },
) {
  return db
    .insertInto('case_events')
    .values({
      case_id: row.caseId,
      action: row.action,
      actor_id: row.actorId,
      from_state: row.from,
      to_state: row.to,
      note: row.note ?? null,
      data: JSON.stringify(row.data ?? {}),
      ...(row.at ? { at: row.at } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
}

export async function eventsOf(db: Executor, caseId: string) {
  return db
    .selectFrom('case_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .select(['e.id', 'e.action', 'e.actor_id', 'u.name as actor_name', 'e.at', 'e.from_state', 'e.to_state', 'e.note', 'e.data'])
    .where('e.case_id', '=', caseId)
    .orderBy('e.id')
    .execute()
}

export async function lastEvent(db: Executor, caseId: string, actions: string[]) {
  return db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).where('action', 'in', actions).orderBy('id', 'desc').limit(1).executeTakeFirst()
}

/** Who did any of these actions on a case (e.g. who handled it: accept, reply, resolve_on_spot). */
export async function actorsOf(db: Executor, caseId: string, actions: readonly string[]) {
  const rows = await db
    .selectFrom('case_events')
    .select('actor_id')
    .distinct()
    .where('case_id', '=', caseId)
    .where('action', 'in', [...actions])
    .where('actor_id', 'is not', null)
    .execute()
  return new Set(rows.map((r) => r.actor_id!))
}

export async function casesMergedInto(db: Executor, id: string) {
  return db.selectFrom('cases').select(['id', 'reporter_user_id', 'state']).where('merged_into', '=', id).execute()
}

export async function unitMembers(db: Executor, unitId: string) {
  return (await db.selectFrom('users').select('id').where('unit_id', '=', unitId).where('active', '=', true).execute()).map((u) => u.id)
}

/**
 * Who dispatches a case at a level region: users with a dispatching role sitting on that region or, when nobody
 * does (a grid has no dispatcher of its own), on the nearest ancestor that has some.
 */
/** Roles that dispatch cases (the permission table's cases.dispatch, as SQL). */
const DISPATCHING_ROLES = sql`array['admin', 'leader', 'town_handler', 'village_cadre']::text[]`

/** Active dispatchers at the deepest region on `regionPath`'s way up that has any: whom a new case concerns. */
export async function dispatchersAt(db: Executor, regionPath: string) {
  const codes = regionPath.split('/').filter(Boolean)
  const paths = codes.map((_, i) => '/' + codes.slice(0, i + 1).join('/') + '/')
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('regions as r', 'r.id', 'u.region_id')
    .select(['u.id', 'r.depth'])
    .where('r.path', 'in', paths)
    .where('u.active', '=', true)
    .where(sql<SqlBool>`u.roles && ${DISPATCHING_ROLES}`)
    .execute()
  const deepest = Math.max(-1, ...rows.map((r) => r.depth))
  return rows.filter((r) => r.depth === deepest).map((r) => r.id)
}

export async function findUserLite(db: Executor, id: string) {
  return db.selectFrom('users as u').innerJoin('regions as r', 'r.id', 'u.region_id').select(['u.id', 'u.name', 'u.unit_id', 'u.active', 'r.path']).where('u.id', '=', id).executeTakeFirst()
}

export async function findUnitLite(db: Executor, id: string) {
  return db.selectFrom('units as n').innerJoin('regions as r', 'r.id', 'n.region_id').select(['n.id', 'n.name', 'r.path']).where('n.id', '=', id).executeTakeFirst()
}

/** Open cases whose warning or deadline has passed at `now` (paused clocks excluded). */
export async function casesPastTimes(db: Executor, now: Date) {
  return db
    .selectFrom('cases')
    .select(['id', 'state', 'due_at', 'warn_at', 'warned_at', 'overdue_at', 'accept_due_at', 'handler_id', 'unit_id', 'level', 'region_id', 'number', 'title'])
    .where('state', 'in', [...CLOCK_RUNNING_STATES])
    .where('paused_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('warn_at', '<=', now), eb('warned_at', 'is', null)]),
        eb.and([eb('due_at', '<=', now), eb('overdue_at', 'is', null)]),
        eb.and([eb('state', '=', 'dispatched'), eb('accept_due_at', '<=', now)]), // SYSTEM_ACTION_TABLE.accept_overdue.from
      ]),
    )
    .execute()
}

export async function unratedReplied(db: Executor, before: Date) {
  return db.selectFrom('cases').select(['id', 'state']).where('state', '=', 'replied').where('rating', 'is', null).where('replied_at', '<=', before).execute()
}

export async function acceptWarningSent(db: Executor, caseId: string, since: Date) {
  return !!(await db.selectFrom('case_events').select('id').where('case_id', '=', caseId).where('action', '=', 'accept_overdue').where('at', '>=', since).executeTakeFirst())
}

// ---- intake from outside doors ----------------------------------------------------------
export async function findCaseIdByTracking(db: Executor, trackingCode: string) {
  return db.selectFrom('cases').select('id').where('tracking_code', '=', trackingCode).executeTakeFirst()
}

// ---- case files (photos) -----------------------------------------------------------------
export async function insertCaseFile(db: Executor, row: { caseId: string; fileId: string; eventId: string | null }) {
  return db.insertInto('case_files').values({ case_id: row.caseId, file_id: row.fileId, event_id: row.eventId }).returning('id').executeTakeFirstOrThrow()
}

export async function caseFiles(db: Executor, caseId: string) {
  return db
    .selectFrom('case_files as cf')
    .innerJoin('files as f', 'f.id', 'cf.file_id')
    .select(['cf.id', 'cf.event_id', 'f.filename', 'f.content_type', 'f.size', 'f.storage_key', 'cf.created_at'])
    .where('cf.case_id', '=', caseId)
    .orderBy('cf.created_at')
    .orderBy('cf.id')
    .execute()
}

export async function countCaseFiles(db: Executor, caseId: string) {
  const r = await db
    .selectFrom('case_files')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('case_id', '=', caseId)
    .executeTakeFirstOrThrow()
  return r.n
}

// ---- intake in few round trips ------------------------------------------------------------------
/** What an intake needs to know about where a case lands (see `lookupColumns`). */
export interface IntakeLookupRow {
  region_id: number | null
  region_code: string
  region_name: string
  region_level: string
  region_path: string
  category_id: number | null
  /** The routing suggestion: the most specific rule's unit and level, else the category's default unit. */
  suggested_unit_id: string | null
  suggested_level: string | null
  dispatcher_ids: string[] | null
}

/**
 * Everything an intake needs to know, as one SELECT per intake row `src` (with columns region_id, region_code
 * and category_code): the region (by id, else by code), the category (by code), the most specific routing rule
 * for them (the category's own before its parent's, the deepest region first) and the dispatchers a new case
 * there concerns (as dispatchersAt finds them). Run alone, or as the first step of `insertNewCases`.
 */
const lookupColumns = (src: string) => sql`
    r.id as region_id, r.code as region_code, r.name as region_name, r.level as region_level, r.path as region_path,
    cat.id as category_id,
    case when rule.level is not null then rule.unit_id else cat.default_unit_id end as suggested_unit_id,
    rule.level as suggested_level,
    -- whom a new case here concerns: dispatchersAt(region path), in the same round trip
    (select array_agg(d.id::text) from (
       select u.id, rg.depth, max(rg.depth) over () as deepest
       from users u join regions rg on rg.id = u.region_id
       where rg.code = any(string_to_array(trim(both '/' from r.path), '/')) and u.active and u.roles && ${DISPATCHING_ROLES}
     ) d where d.depth = d.deepest) as dispatcher_ids
  from ${sql.raw(src)}
  left join regions r on r.id = coalesce(${sql.raw(src)}.region_id, (select id from regions where code = ${sql.raw(src)}.region_code))
  left join categories cat on cat.code = ${sql.raw(src)}.category_code
  left join lateral (
    select rr.level, rr.unit_id
    from routing_rules rr join regions rg on rg.id = rr.region_id
    where rr.category_id in (cat.id, cat.parent_id) and r.path like rg.path || '%'
    order by rg.depth desc, (rr.category_id = cat.id) desc
    limit 1
  ) rule on true`

export async function intakeLookup(db: Executor, region: { code: string } | { id: number }, categoryCode: string | null) {
  const q = sql<IntakeLookupRow>`
    with ask as (select ${'id' in region ? region.id : null}::int as region_id, ${'code' in region ? region.code : null}::text as region_code,
                        ${categoryCode}::text as category_code)
    select ${lookupColumns('ask')}`
  // Every intake from outside runs it: a prepared statement (db/prepared.ts).
  return (await executePrepared(db, q.compile(db))).rows[0]
}

const knownNumberDays = new Set<string>()

/** The day's case-number sequence exists (created on first use; remembered per process). */
async function ensureNumberSequence(db: Executor, day: string) {
  if (knownNumberDays.has(day)) return
  if (!/^[0-9]{8}$/.test(day)) throw new Error(`bad day ${day}`)
  try {
    await sql`create sequence if not exists ${sql.raw(`case_no_${day}`)}`.execute(db)
  } catch (e) {
    // Two intakes racing to create it: the loser goes on with the winner's.
    if (!['42P07', '23505'].includes((e as { code?: string }).code ?? '')) throw e
  }
  knownNumberDays.add(day)
}

/** The columns a new case takes from where it lands (the lookup), not from the caller's row. */
type PlaceColumns = 'number' | 'region_id' | 'level' | 'category_id' | 'suggested_unit_id'

export interface NewCase {
  /** Where the case lands: the region by code or id, the category by code. */
  place: { region: { code: string } | { id: number }; categoryCode: string | null }
  /**
   * Only a region under this path takes the case (the actor's writable area); null: no limit. A region that is
   * unknown, outside this path or of a level not in `levels`, or an unknown category, inserts nothing.
   */
  scopePath: string | null
  /** Every other column; `tracking_code` is required (it tells the statement's rows apart). */
  row: Omit<Insertable<CasesTable>, PlaceColumns> & { tracking_code: string }
  /** `data` gains suggestedUnitId and suggestedLevel from the place. */
  event: { action: string; actorId: string | null; data: Record<string, unknown>; at: Date }
  /** Tells the place's dispatchers, except `exceptUserId` (the one raising the case). */
  notify: { kind: string; title: string; exceptUserId: string | null } | null
  concernId?: string | null
}

export type NewCaseResult = Awaited<ReturnType<typeof insertNewCases>>[number]

/** The columns a new case's row sets, sorted: cases of one statement must set the same ones. */
export const columnsOf = (c: NewCase) =>
  Object.keys(c.row)
    .filter((k) => (c.row as Record<string, unknown>)[k] !== undefined)
    .sort()

/**
 * New cases, each with its `create` event, the notices about it and (from a diary) the concern it answers, in
 * ONE statement: atomic without a transaction, one round trip for any number of cases. Each row is looked up
 * (region, category, routing suggestion, dispatchers) and checked by the same statement: one that fails the
 * check (see `NewCase.scopePath`) inserts nothing and comes back with `made: null` and its `lookup`, which
 * tells the caller which error to give. The human number comes from the day's sequence (MQ-YYYYMMDD-NNNN; more
 * than 9,999 a day widens the counter). Results come back in the order of `cases`.
 *
 * All rows must set the same columns. A failing row (a unique key taken) fails the statement, and with it all
 * the others: the caller retries those one by one (see IntakeBatcher).
 */
export async function insertNewCases(db: Executor, day: string, levels: readonly string[], cases: NewCase[]) {
  if (!cases.length) return []
  await ensureNumberSequence(db, day)
  const seq = `case_no_${day}`
  const keys = columnsOf(cases[0])
  const shape = keys.join(',')
  if (cases.some((c) => columnsOf(c).join(',') !== shape)) throw new Error('insertNewCases: every case must set the same columns')
  const input = cases.map((c, i) => ({
    i,
    region_id: 'id' in c.place.region ? c.place.region.id : null,
    region_code: 'code' in c.place.region ? c.place.region.code : null,
    category_code: c.place.categoryCode,
    scope_path: c.scopePath,
    row: c.row,
    event_action: c.event.action,
    event_actor: c.event.actorId,
    event_data: c.event.data,
    event_at: c.event.at,
    notify: c.notify !== null,
    notify_kind: c.notify?.kind ?? '',
    notify_title: c.notify?.title ?? '',
    except_user: c.notify?.exceptUserId ?? null,
    concern_id: c.concernId ?? null,
  }))
  // Per inserted row (a subquery would run once for all): at least 4 digits, more past 9,999.
  const number = sql`'MQ-' || ${day} || '-' || regexp_replace(lpad(nextval(${seq}::regclass)::text, 12, '0'), '^0{1,8}', '')`
  const placed = ['number', 'region_id', 'level', 'category_id', 'suggested_unit_id'] as const
  const cols = sql.join([...placed.map((c) => sql.ref(c)), ...keys.map((k) => sql.ref(k))])
  const vals = sql.join([number, sql`l.region_id`, sql`l.region_level`, sql`l.category_id`, sql`l.suggested_unit_id`, ...keys.map((k) => sql`rec.${sql.ref(k)}`)])
  type Notice = { id: string; user_id: string; kind: string; title: string; body: string | null; case_id: string; created_at: string }
  const statement = sql<CaseRow & { i: number; lookup: IntakeLookupRow; event_id: string | null; event_data: Record<string, unknown> | null; notices: Notice[] | null }>`
      with input as (
        select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as x(
          i int, region_id int, region_code text, category_code text, scope_path text, row jsonb, event_action text, event_actor uuid,
          event_data jsonb, event_at timestamptz, notify boolean, notify_kind text, notify_title text, except_user text, concern_id uuid)
      ), places as (
        select distinct region_id, region_code, category_code from input
      ), lp as materialized (
        -- looked up once per place (a crowd of reports often shares one)
        select places.region_id as p_region_id, places.region_code as p_region_code, places.category_code as p_category_code, ${lookupColumns('places')}
      ), l as (
        select input.i, lp.* from input join lp
          on input.region_id is not distinct from lp.p_region_id and input.region_code is not distinct from lp.p_region_code
         and input.category_code is not distinct from lp.p_category_code
      ), c as (
        insert into cases (${cols})
        select ${vals}
        from input join l using (i) cross join lateral jsonb_populate_record(null::cases, input.row) rec -- once per row, in FROM
        where l.region_id is not null and l.region_level = any(${levels}::text[]) and (input.category_code is null or l.category_id is not null)
          and (input.scope_path is null or starts_with(l.region_path, input.scope_path))
        order by input.i
        returning *
      ), ci as (
        select c.id, c.title, input.* from c join input on input.row->>'tracking_code' = c.tracking_code
      ), e as (
        insert into case_events (case_id, action, actor_id, from_state, to_state, data, at)
        select ci.id, ci.event_action, ci.event_actor, null, 'new',
               ci.event_data || jsonb_build_object('suggestedUnitId', l.suggested_unit_id, 'suggestedLevel', l.suggested_level), ci.event_at
        from ci join l using (i)
        returning id, case_id, data
      ), n as (
        insert into notifications (user_id, kind, title, body, case_id)
        select u::uuid, ci.notify_kind, ci.notify_title, ci.title, ci.id
        from ci join l using (i), unnest(case when ci.notify then l.dispatcher_ids else '{}' end) u
        where u is distinct from ci.except_user
        returning id, user_id, kind, title, body, case_id, created_at
      ), dc as (
        update diary_concerns d set case_id = ci.id from ci where d.id = ci.concern_id returning d.id
      )
      select input.i, c.*, r.code as region_code, r.name as region_name, r.path as region_path, ${regionTrail('r.path')} as region_trail,
             cat.code as category_code, cat.name as category_name,
             null::text as unit_name, null::text as handler_name, null::text as claimed_by_name,
             (select name from units where id = c.suggested_unit_id) as suggested_unit_name,
             (select to_jsonb(l) - array['i', 'p_region_id', 'p_region_code', 'p_category_code'] from l where l.i = input.i) as lookup,
             (select id::text from e where e.case_id = c.id) as event_id, (select data from e where e.case_id = c.id) as event_data,
             (select json_agg(n) from n where n.case_id = c.id) as notices,
             (select count(*) from dc) as concerns
      from input
      left join c on c.tracking_code = input.row->>'tracking_code'
      left join regions r on r.id = c.region_id left join categories cat on cat.id = c.category_id
      order by input.i`.compile(db)
  // Every intake runs it: a prepared statement (db/prepared.ts); its text varies only with the columns set.
  const run = () => executePrepared(db, statement)
  let res
  try {
    res = await run()
  } catch (err) {
    // The day's sequence vanished under us (a restored database): make it again, once.
    if ((err as { code?: string }).code !== '42P01') throw err
    knownNumberDays.delete(day)
    await ensureNumberSequence(db, day)
    res = await run()
  }
  return res.rows.map(({ i: _i, lookup, event_id, event_data, notices, ...row }) => {
    delete (row as { concerns?: unknown }).concerns
    if (!row.id) return { lookup, made: null }
    return {
      lookup,
      made: {
        id: row.id,
        number: row.number,
        /** The case as findCase would read it, straight from the insert. */
        row: row as CaseRow,
        eventId: event_id!,
        eventData: event_data!,
        notices: (notices ?? []).map((x) => ({ ...x, read_at: null, created_at: new Date(x.created_at) })),
      },
    }
  })
}
