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
    select id, state, level, region_id, category_id, unit_id, warned_at, overdue_at, closed_at, created_at
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

const CHUNK = 400

export async function upsertFacts(db: Executor, rows: FactRow[]) {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK)
    await sql`
      insert into stats_case_facts (case_id, period, region_id, category_id, unit_id, raised_level, counters, last_event_id)
      values ${sql.join(part.map((f) => sql`(${f.case_id}::uuid, ${f.period}::date, ${f.region_id}, ${f.category_id}, ${f.unit_id}::uuid, ${f.raised_level}, ${sql.val(f.counters)}::int[], ${f.last_event_id})`))}
      on conflict (case_id) do update set period = excluded.period, region_id = excluded.region_id, category_id = excluded.category_id,
        unit_id = excluded.unit_id, raised_level = excluded.raised_level, counters = excluded.counters, last_event_id = excluded.last_event_id`.execute(db)
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

/** Adds the deltas to a rollup (rows are created on first use; counts never go below what the facts hold). */
export async function addToRollup(db: Executor, table: Rollup, deltas: RollupDelta[]) {
  for (let i = 0; i < deltas.length; i += CHUNK) {
    const part = deltas.slice(i, i + CHUNK)
    await sql`
      insert into ${sql.table(table)} as t (period, region_id, category_id, unit_id, raised_level, ${COLS})
      values ${sql.join(part.map((d) => sql`(${d.period}::date, ${d.regionId}, ${d.categoryId}, ${d.unitId}::uuid, ${d.raisedLevel}, ${sql.join(d.counters.map((n) => sql`${n}::int`))})`))}
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
  children: boolean
  from: string
  to: string
  /** Category ids to keep (null: all). */
  categoryIds: number[] | null
  unitId: string | null
  /** The grouping key as SQL over the rollup `t` and the joined region `r` (null: one total row). */
  key: RawBuilder<unknown> | null
}

const SUMS = sql.raw(COUNTERS.map((c) => `sum(t.${c})::float8 as ${c}`).join(', '))

export async function sumRollup(db: Kysely<DB> | Executor, q: RollupQuery): Promise<(Counters & { key: string })[]> {
  const key = q.key ?? sql`''`
  const r = await sql<Counters & { key: string }>`
    select ${key} as key, ${SUMS}
    from ${sql.table(q.table)} t
    ${q.children ? sql`join regions r on r.id = t.region_id and r.parent_id = ${q.regionId}` : sql``}
    where ${q.children ? sql`true` : sql`t.region_id = ${q.regionId}`}
      and t.period between ${q.from}::date and ${q.to}::date
      ${q.categoryIds ? sql`and t.category_id = any(${sql.val(q.categoryIds)}::int[])` : sql``}
      ${q.unitId ? sql`and t.unit_id = ${q.unitId}::uuid` : sql``}
    group by 1`.execute(db)
  return r.rows
}

// ---- cockpit: live cases --------------------------------------------------------------------------------
// The lifecycle's own queues say what "due soon" and "overdue" are (its marks: warned_at, overdue_at).
const RUNNING = sql.raw(CASE_QUEUE_TABLE.due_soon.states.map((s) => `'${s}'`).join(', '))
const OVERDUE_STATES = sql.raw(CASE_QUEUE_TABLE.overdue.states.map((s) => `'${s}'`).join(', '))
const FINISHED = sql.raw(TERMINAL_STATES.map((s) => `'${s}'`).join(', '))

/** Unfinished cases of a subtree now: in progress, due soon (the 即将超期 queue), overdue (the 已超期 queue). */
export async function liveCounts(db: Executor, path: string) {
  const r = await sql<{ in_progress: number; due_soon: number; overdue: number }>`
    select count(*)::int as in_progress,
      count(*) filter (where c.state in (${RUNNING}) and c.warned_at is not null and c.overdue_at is null)::int as due_soon,
      count(*) filter (where c.state in (${OVERDUE_STATES}) and c.overdue_at is not null)::int as overdue
    from cases c
    where c.state not in (${FINISHED})
      and c.region_id in (select id from regions where path like ${path + '%'})`.execute(db)
  return r.rows[0]
}

/** Overdue now per child region of `parentId`. */
export async function liveOverdueByChild(db: Executor, parentId: number) {
  const r = await sql<{ code: string; n: number }>`
    select ch.code, count(c.id)::int as n
    from regions ch
    join regions leaf on leaf.path like ch.path || '%'
    join cases c on c.region_id = leaf.id and c.state in (${OVERDUE_STATES}) and c.overdue_at is not null
    where ch.parent_id = ${parentId}
    group by ch.code`.execute(db)
  return new Map(r.rows.map((x) => [x.code, x.n]))
}

export async function feed(db: Executor, path: string, limit: number) {
  const r = await sql<{ kind: 'new' | 'warned' | 'overdue'; id: string; number: string; title: string; state: string; region_path: string; at: Date }>`
    select * from (
      (select 'new' as kind, c.id, c.number, c.title, c.state, r.path as region_path, c.created_at as at
        from cases c join regions r on r.id = c.region_id where r.path like ${path + '%'} order by c.created_at desc limit ${limit})
      union all
      (select 'warned', c.id, c.number, c.title, c.state, r.path, c.warned_at
        from cases c join regions r on r.id = c.region_id where r.path like ${path + '%'} and c.warned_at is not null and c.overdue_at is null
          and c.state not in (${FINISHED}) order by c.warned_at desc limit ${limit})
      union all
      (select 'overdue', c.id, c.number, c.title, c.state, r.path, c.overdue_at
        from cases c join regions r on r.id = c.region_id where r.path like ${path + '%'} and c.overdue_at is not null
          and c.state not in (${FINISHED}) order by c.overdue_at desc limit ${limit})
    ) x order by at desc limit ${limit}`.execute(db)
  return r.rows
}

export async function points(db: Executor, path: string, limit: number) {
  const r = await sql<{ id: string; lat: number; lng: number; state: string; category_code: string | null; overdue: boolean }>`
    select c.id, c.lat, c.lng, c.state, cat.code as category_code,
      (c.state in (${OVERDUE_STATES}) and c.overdue_at is not null) as overdue
    from cases c join regions r on r.id = c.region_id left join categories cat on cat.id = c.category_id
    where r.path like ${path + '%'} and c.lat is not null and c.lng is not null
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
