import { CASE_QUEUE_TABLE, TERMINAL_STATES } from '@minqing/common'
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { DB, Executor } from '../../db/types.ts'
import { COUNTERS, type Counters, type FactCase, type FactEvent } from './facts.ts'

// The statistics module's SQL: the folder's reads and upserts, and the rollup queries. Its tables (stats_*) are
// outside the Kysely DB type on purpose: nothing but this file reads them.

export const ROLLUPS = ['stats_fine', 'stats_daily', 'stats_monthly'] as const
export type Rollup = (typeof ROLLUPS)[number]

// ---- the folder ---------------------------------------------------------------------------------------------
/** Locks the watermark row for this transaction (one folder at a time across processes) and reads it. */
export async function lockWatermark(db: Executor, name: string): Promise<number> {
  const r = await sql<{ last_event_id: string }>`select last_event_id from stats_watermarks where name = ${name} for update`.execute(db)
  return Number(r.rows[0]?.last_event_id ?? 0)
}

export async function saveWatermark(db: Executor, name: string, lastEventId: number) {
  await sql`update stats_watermarks set last_event_id = ${lastEventId}, folded_at = now() where name = ${name}`.execute(db)
}

export async function watermark(db: Executor, name: string) {
  const r = await sql<{ last_event_id: string; folded_at: Date | null }>`select last_event_id, folded_at from stats_watermarks where name = ${name}`.execute(db)
  return { lastEventId: Number(r.rows[0]?.last_event_id ?? 0), foldedAt: r.rows[0]?.folded_at ?? null }
}

/** The id of the last event of the next batch (at most `batch` events past the watermark), or null when none. */
export async function batchEnd(db: Executor, after: number, batch: number): Promise<number | null> {
  const r = await sql<{ id: string | null }>`select max(id) as id from (select id from case_events where id > ${after} order by id limit ${batch}) x`.execute(db)
  return r.rows[0]?.id == null ? null : Number(r.rows[0].id)
}

/**
 * The cases with events in (from, to] whose fact is older than their latest event there: the batch's cases, and
 * those of the overlap before the watermark whose late-committed events a previous fold could not see.
 */
export async function casesToFold(db: Executor, from: number, to: number): Promise<string[]> {
  const r = await sql<{ case_id: string }>`
    select t.case_id from (select case_id, max(id) as last from case_events where id > ${from} and id <= ${to} group by case_id) t
    left join stats_case_facts f on f.case_id = t.case_id
    where f.case_id is null or f.last_event_id < t.last`.execute(db)
  return r.rows.map((x) => x.case_id)
}

export async function caseRows(db: Executor, ids: string[]): Promise<FactCase[]> {
  if (ids.length === 0) return []
  const r = await sql<FactCase>`
    select id, state, level, region_id, category_id, unit_id, handler_id, claimed_by, warned_at, overdue_at, closed_at, created_at
    from cases where id = any(${sql.val(ids)}::uuid[])`.execute(db)
  return r.rows
}

export async function eventRows(db: Executor, ids: string[]): Promise<(FactEvent & { case_id: string; id: string })[]> {
  if (ids.length === 0) return []
  const r = await sql<FactEvent & { case_id: string; id: string }>`
    select id, case_id, action, to_state, data from case_events where case_id = any(${sql.val(ids)}::uuid[]) order by case_id, id`.execute(db)
  return r.rows
}

export interface FactRow {
  case_id: string
  period: string
  region_id: number
  category_id: number
  unit_id: string
  /** Not read back by the folder (no rollup by handler): the handler's figures are summed from the facts. */
  handler_id?: string | null
  raised_level: string
  counters: number[]
  last_event_id: number
}

export async function factRows(db: Executor, ids: string[]): Promise<FactRow[]> {
  if (ids.length === 0) return []
  const r = await sql<FactRow>`
    select case_id, to_char(period, 'YYYY-MM-DD') as period, region_id, category_id, unit_id, raised_level, counters, last_event_id::float8 as last_event_id
    from stats_case_facts where case_id = any(${sql.val(ids)}::uuid[])`.execute(db)
  return r.rows
}

// Upserts send one array per column (unnest): one statement of a few parameters for thousands of rows.
const CHUNK = 5000
const col = <T>(rows: T[], f: (r: T) => unknown) => sql.val(rows.map(f))

export async function upsertFacts(db: Executor, rows: FactRow[]) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK)
    await sql`
      insert into stats_case_facts (case_id, period, region_id, category_id, unit_id, handler_id, raised_level, counters, last_event_id)
      select f.case_id, f.period, f.region_id, f.category_id, f.unit_id, f.handler_id, f.raised_level, f.counters::int[], f.last_event_id
      from unnest(${col(part, (f) => f.case_id)}::uuid[], ${col(part, (f) => f.period)}::date[], ${col(part, (f) => f.region_id)}::int[],
        ${col(part, (f) => f.category_id)}::int[], ${col(part, (f) => f.unit_id)}::uuid[], ${col(part, (f) => f.handler_id ?? null)}::uuid[], ${col(part, (f) => f.raised_level)}::text[],
        ${col(part, (f) => `{${f.counters.join(',')}}`)}::text[], ${col(part, (f) => f.last_event_id)}::bigint[])
        as f(case_id, period, region_id, category_id, unit_id, handler_id, raised_level, counters, last_event_id)
      on conflict (case_id) do update set period = excluded.period, region_id = excluded.region_id, category_id = excluded.category_id,
        unit_id = excluded.unit_id, handler_id = excluded.handler_id, raised_level = excluded.raised_level, counters = excluded.counters, last_event_id = excluded.last_event_id`.execute(db)
  }
}

export interface RollupDelta {
  period: string
  regionId: number
  categoryId: number
  unitId: string
  raisedLevel: string
  counters: number[]
}

const COLS = sql.raw(COUNTERS.join(', '))
const ADD = sql.raw(COUNTERS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', '))

/** Adds the deltas to a rollup (rows are created on first use). Sorted by key, so concurrent folds lock in one order. */
export async function addToRollup(db: Executor, table: Rollup, deltas: RollupDelta[]) {
  for (let i = 0; i < deltas.length; i += CHUNK) {
    const part = deltas.slice(i, i + CHUNK)
    await sql`
      insert into ${sql.table(table)} as t (period, region_id, category_id, unit_id, raised_level, ${COLS})
      select * from unnest(${col(part, (d) => d.period)}::date[], ${col(part, (d) => d.regionId)}::int[], ${col(part, (d) => d.categoryId)}::int[],
        ${col(part, (d) => d.unitId)}::uuid[], ${col(part, (d) => d.raisedLevel)}::text[],
        ${sql.join(COUNTERS.map((_, k) => sql`${col(part, (d) => d.counters[k])}::int[]`))})
      on conflict (region_id, period, category_id, unit_id, raised_level) do update set ${ADD}`.execute(db)
  }
}

export async function regionTree(db: Executor) {
  return db.selectFrom('regions').select(['id', 'code', 'name', 'level', 'path', 'parent_id']).execute()
}

export async function categoryTree(db: Executor) {
  return db.selectFrom('categories').select(['id', 'code', 'name', 'parent_id', 'sort']).orderBy('sort').execute()
}

// ---- queries ----------------------------------------------------------------------------------------------
export interface RollupQuery {
  table: Rollup
  /** Rows of this region (its whole subtree), or — `children` — of each child region. */
  regionId: number
  /** Its stored path: stats_fine keeps leaf regions only and is read by path. */
  path: string
  children: boolean
  from: string
  to: string
  /** Category ids to keep (null: all). */
  categoryIds: number[] | null
  unitId: string | null
  /** The grouping key as SQL over the rollup `t` and the joined region `r` (null: one total row; children: the child's code). */
  key: RawBuilder<unknown> | null
}

const SUMS = sql.raw(COUNTERS.map((c) => `sum(t.${c})::float8 as ${c}`).join(', '))

export async function sumRollup(db: Kysely<DB> | Executor, q: RollupQuery): Promise<(Counters & { key: string })[]> {
  const leaf = q.table === 'stats_fine'
  // A leaf region's child of q's region is the path segment after q's own codes.
  const childCode = sql.raw(`split_part(r.path, '/', ${q.path.split('/').filter(Boolean).length + 2})`)
  const key = q.children ? (leaf ? childCode : sql.raw('r.code')) : (q.key ?? sql`''`)
  const r = await sql<Counters & { key: string }>`
    select ${key} as key, ${SUMS}
    from ${sql.table(q.table)} t
    ${
      leaf
        ? sql`join regions r on r.id = t.region_id ${q.children ? sql`and r.id <> ${q.regionId}` : sql``}`
        : q.children
          ? sql`join regions r on r.id = t.region_id and r.parent_id = ${q.regionId}`
          : sql``
    }
    where ${
      // The subtree's ids as an array: the primary key (region_id, period, …) is then probed once per region, where
      // a join on the path let the planner hash the whole table at a million cases.
      leaf ? sql`t.region_id = any(array(select id from regions where path like ${q.path + '%'}))` : q.children ? sql`true` : sql`t.region_id = ${q.regionId}`
    }
      and t.period between ${q.from}::date and ${q.to}::date
      ${q.categoryIds ? sql`and t.category_id = any(${sql.val(q.categoryIds)}::int[])` : sql``}
      ${q.unitId ? sql`and t.unit_id = ${q.unitId}::uuid` : sql``}
    group by 1`.execute(db)
  return r.rows
}

// ---- cockpit: live cases --------------------------------------------------------------------------------
// The lifecycle's own queues say what "overdue" is (its mark overdue_at in a running or paused state); the
// partial indexes of migration stats_now hold exactly the unfinished warned / overdue / located cases.
const OVERDUE_STATES = sql.raw(CASE_QUEUE_TABLE.overdue.states.map((s) => `'${s}'`).join(', '))
const FINISHED = sql.raw(TERMINAL_STATES.map((s) => `'${s}'`).join(', '))

export async function feed(db: Executor, path: string, limit: number) {
  const inArea = sql`c.region_id in (select id from regions where path like ${path + '%'})`
  const r = await sql<{ kind: 'new' | 'warned' | 'overdue'; id: string; number: string; title: string; state: string; region_path: string; at: Date }>`
    select x.*, r.path as region_path from (
      (select 'new' as kind, c.id, c.number, c.title, c.state, c.region_id, c.created_at as at
        from cases c where ${inArea} order by c.created_at desc limit ${limit})
      union all
      (select 'warned', c.id, c.number, c.title, c.state, c.region_id, c.warned_at
        from cases c where ${inArea} and c.warned_at is not null and c.overdue_at is null and c.state not in (${FINISHED}) order by c.warned_at desc limit ${limit})
      union all
      (select 'overdue', c.id, c.number, c.title, c.state, c.region_id, c.overdue_at
        from cases c where ${inArea} and c.overdue_at is not null and c.state not in (${FINISHED}) order by c.overdue_at desc limit ${limit})
    ) x join regions r on r.id = x.region_id order by x.at desc limit ${limit}`.execute(db)
  return r.rows
}

export async function points(db: Executor, path: string, limit: number) {
  const r = await sql<{ id: string; lat: number; lng: number; state: string; category_code: string | null; overdue: boolean }>`
    select c.id, c.lat, c.lng, c.state, cat.code as category_code,
      (c.state in (${OVERDUE_STATES}) and c.overdue_at is not null) as overdue
    from cases c left join categories cat on cat.id = c.category_id
    where c.region_id in (select id from regions where path like ${path + '%'}) and c.lat is not null and c.lng is not null
    order by c.created_at desc limit ${limit}`.execute(db)
  return r.rows
}

export async function residentsAndAccounts(db: Executor, path: string) {
  const r = await sql<{ residents: number; accounts: number }>`
    select (select count(*)::int from persons p join regions r on r.id = p.region_id where r.path like ${path + '%'}) as residents,
      (select count(*)::int from users u join regions r on r.id = u.region_id where r.path like ${path + '%'} and u.active) as accounts`.execute(db)
  return r.rows[0]
}

// ---- visits -----------------------------------------------------------------------------------------------
/** Diary figures per region of `paths` (each a subtree) for [from, to). */
export async function visitFigures(db: Executor, paths: string[], from: Date, to: Date) {
  if (paths.length === 0) return []
  const r = await sql<{ path: string; entries: number; visits: number; households: number; total_households: number }>`
    select v.path,
      (select count(*)::int from diary_entries e join regions er on er.id = e.region_id
         where er.path like v.path || '%' and e.occurred_at >= ${from} and e.occurred_at < ${to}) as entries,
      (select count(*)::int from diary_entries e join regions er on er.id = e.region_id
         where er.path like v.path || '%' and e.occurred_at >= ${from} and e.occurred_at < ${to} and (e.household_id is not null or e.enterprise_id is not null)) as visits,
      (select count(distinct e.household_id)::int from diary_entries e join households h on h.id = e.household_id join regions hr on hr.id = h.region_id
         where hr.path like v.path || '%' and e.occurred_at >= ${from} and e.occurred_at < ${to}) as households,
      (select count(*)::int from households h join regions hr on hr.id = h.region_id where hr.path like v.path || '%') as total_households
    from (select unnest(${sql.val(paths)}::text[]) as path) v`.execute(db)
  return r.rows
}

export async function householdShareTarget(db: Executor): Promise<number> {
  const r = await sql<{ target: number }>`select target from visit_rules where measure = 'household_share' and active order by id limit 1`.execute(db)
  return r.rows[0]?.target ?? 8
}

// ---- by handler (cadre) and per case: summed from the per-case facts ----------------------------------------
const FACT_SUMS = sql.raw(COUNTERS.map((c, i) => `coalesce(sum(f.counters[${i + 1}]), 0)::float8 as ${c}`).join(', '))

export interface FactQuery {
  path: string
  from: string
  to: string
  categoryIds: number[] | null
  unitId: string | null
}

/** The counters of the cohort's cases by handler (key: user id, or `none` when nobody accepted the case). */
export async function sumFactsByHandler(db: Executor, q: FactQuery): Promise<(Counters & { key: string })[]> {
  const r = await sql<Counters & { key: string }>`
    select coalesce(f.handler_id::text, 'none') as key, ${FACT_SUMS}
    from stats_case_facts f
    where f.region_id = any(array(select id from regions where path like ${q.path + '%'}))
      and f.period between ${q.from}::date and ${q.to}::date
      ${q.categoryIds ? sql`and f.category_id = any(${sql.val(q.categoryIds)}::int[])` : sql``}
      ${q.unitId ? sql`and f.unit_id = ${q.unitId}::uuid` : sql``}
    group by 1`.execute(db)
  return r.rows
}

export interface CohortCaseRow {
  id: string
  number: string
  title: string
  state: string
  unit_id: string
  handler_id: string | null
  counters: number[]
  due_at: Date | null
  overdue_at: Date | null
  closed_at: Date | null
}

/** The cohort's cases of some units or handlers, with their facts' counters (the cases behind a row's figures). */
export async function cohortCases(db: Executor, q: { path: string; from: string; to: string; unitIds: string[]; handlerIds: string[] }): Promise<CohortCaseRow[]> {
  if (q.unitIds.length === 0 && q.handlerIds.length === 0) return []
  const r = await sql<CohortCaseRow>`
    select c.id, c.number, c.title, c.state, f.unit_id, f.handler_id, f.counters, c.due_at, c.overdue_at, c.closed_at
    from stats_case_facts f join cases c on c.id = f.case_id
    where f.region_id = any(array(select id from regions where path like ${q.path + '%'}))
      and f.period between ${q.from}::date and ${q.to}::date
      and (f.unit_id = any(${sql.val(q.unitIds)}::uuid[]) or f.handler_id = any(${sql.val(q.handlerIds)}::uuid[]))
    order by c.created_at, c.id`.execute(db)
  return r.rows
}

/**
 * Diary figures per cadre of the area for [from, to): every author of an entry in the period, and every stationed
 * cadre, grid worker or village cadre of a village or grid there (who owes visits even with none written).
 * total_households: the households of the cadre's own region (the quota's base); 0 above village level.
 */
export async function visitFiguresByCadre(db: Executor, path: string, from: Date, to: Date) {
  const r = await sql<{ user_id: string; name: string; entries: number; visits: number; households: number; total_households: number }>`
    with cadres as (
      select u.id, u.name, r.path, r.level from users u join regions r on r.id = u.region_id
      where r.path like ${path + '%'} and u.active and (
        exists (select 1 from diary_entries e where e.author_id = u.id and e.occurred_at >= ${from} and e.occurred_at < ${to})
        or (r.level in ('village', 'grid') and u.roles && array['stationed_cadre', 'grid_worker', 'village_cadre']::text[]))
    )
    select a.id as user_id, a.name,
      (select count(*)::int from diary_entries e where e.author_id = a.id and e.occurred_at >= ${from} and e.occurred_at < ${to}) as entries,
      (select count(*)::int from diary_entries e where e.author_id = a.id and e.occurred_at >= ${from} and e.occurred_at < ${to}
         and (e.household_id is not null or e.enterprise_id is not null)) as visits,
      (select count(distinct e.household_id)::int from diary_entries e where e.author_id = a.id and e.occurred_at >= ${from} and e.occurred_at < ${to}) as households,
      case when a.level in ('village', 'grid')
        then (select count(*)::int from households h join regions hr on hr.id = h.region_id where hr.path like a.path || '%') else 0 end as total_households
    from cadres a order by a.name, a.id`.execute(db)
  return r.rows
}
