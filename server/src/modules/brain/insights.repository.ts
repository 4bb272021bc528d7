import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

// SQL of hot words (brain_hotwords by day, brain_hotwords_weekly by week), alerts (alerts, alert_links) and the early warning's reads of the statistics
// rollups (stats_daily: the one count of cases per day × region × top-level category).

export interface HotwordDelta {
  /** The day, or for the weekly rollup the Monday of the week (Asia/Shanghai dates). */
  day: string
  regionId: number
  source: string
  word: string
  n: number
}

/** Region ids and levels by code (the ancestors named in the texts' paths). */
export async function regionIdsByCode(db: Executor, codes: string[]): Promise<Map<string, { id: number; level: string }>> {
  if (codes.length === 0) return new Map()
  const r = await sql<{ id: number; code: string; level: string }>`select id, code, level from regions where code = any(${codes}::text[])`.execute(db)
  return new Map(r.rows.map((x) => [x.code, { id: x.id, level: x.level }]))
}

/** The two grains of the rollup: brain_hotwords by day, brain_hotwords_weekly by ISO week (Monday; towns and up). */
const GRAIN = {
  day: { table: sql.table('brain_hotwords'), col: sql.ref('day') },
  week: { table: sql.table('brain_hotwords_weekly'), col: sql.ref('week') },
}

/** Adds the deltas to one grain of the rollup (one statement) and drops the rows they bring to zero. */
export async function addHotwords(db: Executor, grain: 'day' | 'week', deltas: HotwordDelta[]) {
  if (deltas.length === 0) return
  const { table, col } = GRAIN[grain]
  const rows = JSON.stringify(deltas.map((d) => ({ day: d.day, region_id: d.regionId, source: d.source, word: d.word, n: d.n })))
  await sql`
    insert into ${table} as h (${col}, region_id, source, word, n)
    select x.day, x.region_id, x.source, x.word, x.n
    from jsonb_to_recordset(${rows}::jsonb) as x(day date, region_id int, source text, word text, n int)
    on conflict (region_id, source, ${col}, word) do update set n = h.n + excluded.n`.execute(db)
  if (deltas.some((d) => d.n < 0))
    await sql`
      delete from ${table} h
      using jsonb_to_recordset(${rows}::jsonb) as x(day date, region_id int, source text, word text, n int)
      where x.n < 0 and h.region_id = x.region_id and h.source = x.source and h.${col} = x.day and h.word = x.word and h.n <= 0`.execute(db)
}

/** A window of days as the rollup reads it: whole ISO weeks from the weekly grain, the days around them by day. */
export interface WindowParts {
  days: [string, string][]
  weeks: [string, string] | null
}

/**
 * Runs a window's read without parallel workers (SET LOCAL, in a transaction): the planner cannot estimate how many
 * words a union of day and week rows has (it assumes 200) and picks a parallel sort-and-merge aggregate, which on a
 * busy server waits for its workers — 165–265 ms against 90–106 ms serially for a county's month at a million texts
 * on the shared bench machine.
 */
async function serially<T>(db: Executor, run: (db: Executor) => Promise<T>): Promise<T> {
  const go = async (trx: Executor) => {
    await sql`set local max_parallel_workers_per_gather = 0`.execute(trx)
    return run(trx)
  }
  return db.isTransaction ? go(db) : db.transaction().execute(go)
}

/** The (word, n) rows of a window of a region and source, each tagged with `tag` (see WindowParts). */
function windowRows(regionId: number, source: string, w: WindowParts, tag: boolean) {
  const parts = [
    ...w.days.map(([a, b]) => sql`select word, n, ${sql.lit(tag)} as cur from brain_hotwords where region_id = ${regionId} and source = ${source} and day between ${a}::date and ${b}::date`),
    ...(w.weeks
      ? [sql`select word, n, ${sql.lit(tag)} as cur from brain_hotwords_weekly where region_id = ${regionId} and source = ${source} and week between ${w.weeks[0]}::date and ${w.weeks[1]}::date`]
      : []),
  ]
  return parts.length ? sql.join(parts, sql` union all `) : sql`select ''::text as word, 0 as n, ${sql.lit(tag)} as cur where false`
}

/**
 * The top words of a region and source over a window with their counts over the previous one and both windows'
 * numbers of texts (the row ''): one statement. The window is summed from the primary keys alone (they carry n),
 * whole weeks from the weekly grain (half the rows of a county's month); the previous counts of the few top words
 * are read by exact key (day × word), not by a second scan.
 */
export async function topWords(db: Executor, regionId: number, source: string, cur: WindowParts, prevDays: string[], limit: number) {
  const r = await serially(db, (db) =>
    sql<{ word: string; count: string; previous: string; texts: string; previous_texts: string }>`
    with cur as (
      select word, sum(n) as c from (${windowRows(regionId, source, cur, true)}) r group by word
    ), top as (
      select word, c from cur where word <> '' and c > 0 order by c desc, word limit ${limit}
    ), prev as (
      select k.word, (select sum(h.n) from brain_hotwords h
                      where h.region_id = ${regionId} and h.source = ${source} and h.day = any(${prevDays}::date[]) and h.word = k.word) as p
      from (select word from top union all select '') k
    )
    select t.word, t.c as count, coalesce(p.p, 0) as previous,
           coalesce((select c from cur where word = ''), 0) as texts, coalesce((select p from prev where word = ''), 0) as previous_texts
    from top t left join prev p on p.word = t.word
    order by t.c desc, t.word`.execute(db),
  )
  return r.rows.map((x) => ({ word: x.word, count: Number(x.count), previous: Number(x.previous), texts: Number(x.texts), previousTexts: Number(x.previous_texts) }))
}

/**
 * The words of a window that rose most against the previous one: counts of both windows in one read, the
 * previous count scaled by the windows' volumes (the texts' row '': twice the texts, twice the words expected), and
 * ranked by trend = (count − expected) / √(count + expected + 1) — a rise measured in its own noise, so 0 → 15 ranks
 * above 500 → 520 and 2 → 3 below both.
 */
export async function risingWords(db: Executor, regionId: number, source: string, cur: WindowParts, prev: WindowParts, limit: number) {
  const r = await serially(db, (db) =>
    sql<{ word: string; count: string; previous: string; trend: number }>`
    with w as (
      select word, coalesce(sum(n) filter (where cur), 0) as c, coalesce(sum(n) filter (where not cur), 0) as p
      from (${windowRows(regionId, source, cur, true)} union all ${windowRows(regionId, source, prev, false)}) r
      group by word
    ), v as (select coalesce(max(c) filter (where word = ''), 0) as nc, coalesce(max(p) filter (where word = ''), 0) as np from w)
    select word, c as count, p as previous, trend from (
      select w.word, w.c, w.p, (w.c - e) / sqrt(w.c + e + 1) as trend
      from w, v, lateral (select case when v.np > 0 then w.p * v.nc::float8 / v.np else 0 end as e) x
      where w.word <> '' and w.c > 0
    ) t
    where trend > 0
    order by trend desc, c desc, word limit ${limit}`.execute(db),
  )
  return r.rows.map((x) => ({ word: x.word, count: Number(x.count), previous: Number(x.previous), trend: Number(x.trend) }))
}

// ---- the hot-word filter's state and the rollup's rebuild ----

/**
 * The fingerprint the rollup was folded with, its row locked for this transaction (hot-word folds take turns, and
 * a rebuild runs once), and a digest of the regions' names (whose words the filter leaves out).
 */
export async function lockHotwordFilter(db: Executor): Promise<{ fingerprint: string; regions: string }> {
  const r = await sql<{ fingerprint: string; regions: string }>`
    select f.fingerprint, (select md5(coalesce(string_agg(name, '|' order by name), '')) from regions) as regions
    from brain_hotword_filter f where f.id = 1 for update`.execute(db)
  return r.rows[0] ?? { fingerprint: '', regions: '' }
}

export async function regionNames(db: Executor): Promise<string[]> {
  const r = await sql<{ name: string }>`select distinct name from regions`.execute(db)
  return r.rows.map((x) => x.name)
}

/** Empties the rollup, both grains (a delete, not a truncate: readers keep the old counts until the rebuild commits). */
export async function clearHotwords(db: Executor) {
  await sql`delete from brain_hotwords`.execute(db)
  await sql`delete from brain_hotwords_weekly`.execute(db)
}

export async function saveHotwordFilter(db: Executor, fingerprint: string) {
  await sql`update brain_hotword_filter set fingerprint = ${fingerprint}, rebuilt_at = now() where id = 1`.execute(db)
}

/** brain_docs after an id, in id order: what a rebuild of the rollup reads. */
export async function docsAfter(db: Executor, afterId: number, limit: number) {
  const r = await sql<{ id: string; at: Date; region_path: string; source: string; tokens: string[] }>`
    select id, at, region_path, source, tokens from brain_docs where id > ${afterId} order by id limit ${limit}`.execute(db)
  return r.rows.map((x) => ({ id: Number(x.id), at: new Date(x.at), regionPath: x.region_path, source: x.source, tokens: x.tokens }))
}

/**
 * The texts of a region's subtree since `since` that contain the word — or all of `parts` (a problem phrase such as
 * 路灯不亮 is two tokens, 路灯 and 不亮) — newest first, with what a link needs.
 */
export async function docsWithWord(db: Executor, path: string, since: Date, word: string, limit: number, parts: string[] = [word]) {
  const r = await sql<{ kind: 'case' | 'diary'; ref_id: string; at: Date; number: string | null; title: string | null; text: string | null; region_name: string }>`
    select d.kind, d.ref_id, d.at, c.number, c.title, e.text, r.name as region_name
    from brain_docs d
    join regions r on r.id = d.region_id
    left join cases c on d.kind = 'case' and c.id = d.ref_id
    left join diary_entries e on d.kind = 'diary' and e.id = d.ref_id
    where d.region_path like ${path + '%'} and d.at >= ${since} and (d.tokens @> array[${word}]::text[] or d.tokens @> ${parts}::text[])
    order by d.at desc limit ${limit}`.execute(db)
  return r.rows
}

// ---- alerts ----

export interface AlertRow {
  id: string
  kind: 'common_issue' | 'spike'
  key: string
  title: string
  region_id: number
  region_code: string
  region_name: string
  region_path: string
  state: 'new' | 'acknowledged' | 'handled'
  owner_id: string | null
  owner_name: string | null
  details: Record<string, unknown>
  first_seen: Date
  last_seen: Date
  acknowledged_by: string | null
  acknowledged_name: string | null
  acknowledged_at: Date | null
  handled_by: string | null
  handled_name: string | null
  handled_at: Date | null
  handled_note: string | null
  link_count: string
}

const alertSelect = sql`
  select a.id, a.kind, a.key, a.title, a.region_id, r.code as region_code, r.name as region_name, r.path as region_path, a.state,
         a.owner_id, ou.name as owner_name, a.details, a.first_seen, a.last_seen,
         a.acknowledged_by, au.name as acknowledged_name, a.acknowledged_at, a.handled_by, hu.name as handled_name, a.handled_at, a.handled_note,
         (select count(*) from alert_links l where l.alert_id = a.id) as link_count
  from alerts a
  join regions r on r.id = a.region_id
  left join users ou on ou.id = a.owner_id
  left join users au on au.id = a.acknowledged_by
  left join users hu on hu.id = a.handled_by`

/** Inserts the alert or, while one of that kind and key is not handled, touches it. `created` when inserted. */
export async function upsertAlert(
  db: Executor,
  a: { kind: string; key: string; title: string; regionId: number; ownerId: string | null; details: Record<string, unknown> },
): Promise<{ id: string; created: boolean }> {
  const r = await sql<{ id: string; created: boolean }>`
    insert into alerts (kind, key, title, region_id, owner_id, details)
    values (${a.kind}, ${a.key}, ${a.title}, ${a.regionId}, ${a.ownerId}, ${JSON.stringify(a.details)}::jsonb)
    on conflict (kind, key) where state <> 'handled'
    do update set last_seen = now(), title = excluded.title, details = alerts.details || excluded.details
    returning id, (xmax = 0) as created`.execute(db)
  return r.rows[0]
}

export async function addLinks(db: Executor, alertId: string, kind: 'case' | 'diary', ids: string[]) {
  if (ids.length === 0) return
  await sql`
    insert into alert_links (alert_id, kind, ref_id)
    select ${alertId}::uuid, ${kind}, x from unnest(${ids}::uuid[]) as x
    on conflict do nothing`.execute(db)
}

export async function alertById(db: Executor, id: string, lock = false): Promise<AlertRow | undefined> {
  const r = await sql<AlertRow>`${alertSelect} where a.id = ${id}${lock ? sql` for update of a` : sql``}`.execute(db)
  return r.rows[0]
}

export async function listAlerts(db: Executor, path: string, q: { state?: string; kind?: string; limit: number }): Promise<AlertRow[]> {
  const r = await sql<AlertRow>`${alertSelect}
    where r.path like ${path + '%'}
      ${q.state ? sql`and a.state = ${q.state}` : sql``}
      ${q.kind ? sql`and a.kind = ${q.kind}` : sql``}
    order by (a.state = 'new') desc, a.last_seen desc limit ${q.limit}`.execute(db)
  return r.rows
}

export async function countNew(db: Executor, path: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from alerts a join regions r on r.id = a.region_id where r.path like ${path + '%'} and a.state = 'new'`.execute(db)
  return Number(r.rows[0].n)
}

/** Links of some alerts with their cases' and entries' titles, newest first, at most `per` each. */
export async function linksOf(db: Executor, alertIds: string[], per: number) {
  if (alertIds.length === 0) return []
  const r = await sql<{ alert_id: string; kind: 'case' | 'diary'; ref_id: string; number: string | null; title: string | null; text: string | null }>`
    select l.alert_id, l.kind, l.ref_id, c.number, c.title, e.text from (
      select l.*, row_number() over (partition by l.alert_id order by l.added_at desc, l.ref_id) as rn
      from alert_links l where l.alert_id = any(${alertIds}::uuid[])
    ) l
    left join cases c on l.kind = 'case' and c.id = l.ref_id
    left join diary_entries e on l.kind = 'diary' and e.id = l.ref_id
    where l.rn <= ${per}
    order by l.alert_id, l.rn`.execute(db)
  return r.rows
}

export async function setAlertState(db: Executor, id: string, state: 'acknowledged' | 'handled', userId: string, note?: string) {
  if (state === 'acknowledged') await sql`update alerts set state = 'acknowledged', acknowledged_by = ${userId}, acknowledged_at = now() where id = ${id}`.execute(db)
  else
    await sql`update alerts set state = 'handled', handled_by = ${userId}, handled_at = now(), handled_note = ${note ?? ''},
      acknowledged_by = coalesce(acknowledged_by, ${userId}), acknowledged_at = coalesce(acknowledged_at, now()) where id = ${id}`.execute(db)
}

export async function setOwner(db: Executor, id: string, userId: string) {
  await sql`update alerts set owner_id = ${userId} where id = ${id}`.execute(db)
}

/** An active user and their region's path (to check an assignee works inside the alert's county). */
export async function activeUser(db: Executor, id: string) {
  const r = await sql<{ id: string; name: string; region_path: string; roles: string[] }>`
    select u.id, u.name, r.path as region_path, u.roles from users u join regions r on r.id = u.region_id where u.id = ${id} and u.active`.execute(db)
  return r.rows[0]
}

/** The leaders of the nearest region on the path (the region itself first, then its ancestors) that has any. */
export async function nearestLeaders(db: Executor, regionPath: string): Promise<string[]> {
  const r = await sql<{ id: string; depth: number }>`
    select u.id, length(r.path) as depth from users u join regions r on r.id = u.region_id
    where u.active and 'leader' = any(u.roles) and ${regionPath} like r.path || '%'
    order by length(r.path) desc`.execute(db)
  if (r.rows.length === 0) return []
  const deepest = r.rows[0].depth
  return r.rows.filter((x) => x.depth === deepest).map((x) => x.id)
}

/** The current transaction's id (to learn later whether it committed). */
// ---- early warning (reads of the statistics rollups) ----

/** Town and village rows of stats_daily with at least `min` cases received on `day`. */
export async function spikeCandidates(db: Executor, day: string, min: number) {
  const r = await sql<{ region_id: number; category_id: number; received: number; path: string; name: string; level: string; category_name: string }>`
    select s.region_id, s.category_id, s.received, r.path, r.name, r.level, c.name as category_name
    from stats_daily s join regions r on r.id = s.region_id join categories c on c.id = s.category_id
    where s.period = ${day}::date and s.received >= ${min} and s.category_id <> 0 and r.level in ('town', 'village')`.execute(db)
  return r.rows
}

/** Daily received counts of (region, category) pairs over [from, to] (missing days are 0). */
export async function dailyReceived(db: Executor, pairs: { regionId: number; categoryId: number }[], from: string, to: string) {
  if (pairs.length === 0) return []
  const r = await sql<{ region_id: number; category_id: number; period: string; received: number }>`
    select s.region_id, s.category_id, to_char(s.period, 'YYYY-MM-DD') as period, s.received
    from stats_daily s
    join jsonb_to_recordset(${JSON.stringify(pairs.map((p) => ({ r: p.regionId, c: p.categoryId })))}::jsonb) as x(r int, c int)
      on s.region_id = x.r and s.category_id = x.c
    where s.period between ${from}::date and ${to}::date`.execute(db)
  return r.rows
}

/** Cases of a region's subtree under a top-level category created in [from, to). */
export async function casesOfDay(db: Executor, path: string, topCategoryId: number, from: Date, to: Date, limit: number): Promise<string[]> {
  const r = await sql<{ id: string }>`
    select c.id from cases c
    where c.region_id in (select id from regions where path like ${path + '%'})
      and c.created_at >= ${from} and c.created_at < ${to}
      and c.category_id in (select id from categories where id = ${topCategoryId} or parent_id = ${topCategoryId})
    order by c.created_at desc limit ${limit}`.execute(db)
  return r.rows.map((x) => x.id)
}
