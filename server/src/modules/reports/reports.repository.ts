import { CASE_QUEUE_TABLE, TERMINAL_STATES } from '@minqing/common'
import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

// The weekly report's SQL: the stored reports, the lists the meeting works through (the figures come from the
// stats service), the regions the Monday job covers and the leaders it notifies.

export interface ListedCase {
  id: string
  number: string
  title: string
  state: string
  level: string
  region_name: string
  category_name: string | null
  supervision: string | null
  at: Date
}

const inArea = (path: string) => sql`c.region_id = any(array(select id from regions where path like ${path + '%'}))`
const OVERDUE_STATES = sql.raw(CASE_QUEUE_TABLE.overdue.states.map((s) => `'${s}'`).join(', '))
const FINISHED = sql.raw(TERMINAL_STATES.map((s) => `'${s}'`).join(', '))
const CASE_COLS = sql`c.id, c.number, c.title, c.state, c.level, r.name as region_name, cat.name as category_name, c.supervision`

/** The lifecycle's 已超期 queue (the stats module's now_overdue): an overdue mark in a running or paused state, oldest first. */
export async function overdueCases(db: Executor, path: string, limit: number) {
  const [rows, count] = await Promise.all([
    sql<ListedCase>`
      select ${CASE_COLS}, c.overdue_at as at from cases c join regions r on r.id = c.region_id left join categories cat on cat.id = c.category_id
      where ${inArea(path)} and c.overdue_at is not null and c.state in (${OVERDUE_STATES})
      order by c.overdue_at, c.number limit ${limit}`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from cases c where ${inArea(path)} and c.overdue_at is not null and c.state in (${OVERDUE_STATES})`.execute(db),
  ])
  return { rows: rows.rows, total: count.rows[0]?.n ?? 0 }
}

/** Cases given a 督办 (yellow or red card) in [from, to): each once, with its latest card of the window. */
export async function supervisedCases(db: Executor, path: string, from: Date, to: Date, limit: number) {
  const base = sql`
    select distinct on (c.id) ${CASE_COLS}, e.data->>'level' as card, e.at
    from case_events e join cases c on c.id = e.case_id join regions r on r.id = c.region_id left join categories cat on cat.id = c.category_id
    where e.action = 'supervise' and e.at >= ${from} and e.at < ${to} and ${inArea(path)}
    order by c.id, e.at desc`
  const [rows, count] = await Promise.all([
    sql<ListedCase & { card: string | null }>`select * from (${base}) x order by x.at desc, x.number limit ${limit}`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from (${base}) x`.execute(db),
  ])
  return { rows: rows.rows, total: count.rows[0]?.n ?? 0 }
}

/** Unfinished cases whose reporters rated them unsatisfied at least twice. */
export async function unsatisfiedTwice(db: Executor, path: string, limit: number) {
  const r = await sql<ListedCase & { times: number }>`
    select ${CASE_COLS}, c.updated_at as at, u.times from cases c
    join (select case_id, count(*)::int as times from case_events where action = 'rate' and data->>'rating' = 'unsatisfied' group by case_id having count(*) >= 2) u on u.case_id = c.id
    join regions r on r.id = c.region_id left join categories cat on cat.id = c.category_id
    where ${inArea(path)} and c.state not in (${FINISHED})
    order by u.times desc, c.number limit ${limit}`.execute(db)
  return r.rows
}

/** 难事领导认领: unfinished cases a leader claimed, with the leader's name. */
export async function leaderClaimed(db: Executor, path: string, limit: number) {
  const r = await sql<ListedCase & { leader: string }>`
    select ${CASE_COLS}, c.updated_at as at, u.name as leader from cases c join users u on u.id = c.claimed_by
    join regions r on r.id = c.region_id left join categories cat on cat.id = c.category_id
    where ${inArea(path)} and c.claimed_by is not null and c.state not in (${FINISHED})
    order by c.created_at, c.number limit ${limit}`.execute(db)
  return r.rows
}

// ---- stored reports ---------------------------------------------------------------------------------------------
export async function storedReport(db: Executor, regionId: number, week: string) {
  return db.selectFrom('weekly_reports').select(['data', 'generated_at', 'notified_at']).where('region_id', '=', regionId).where('week', '=', week).executeTakeFirst()
}

/** Stores a finished week's report unless one is there already (the first one stays); returns the stored row's data. */
export async function storeReport(db: Executor, regionId: number, week: string, data: unknown, by: string | null) {
  await db
    .insertInto('weekly_reports')
    .values({ region_id: regionId, week, data: JSON.stringify(data), generated_by: by })
    .onConflict((oc) => oc.columns(['region_id', 'week']).doNothing())
    .execute()
  return (await storedReport(db, regionId, week))!
}

/** Marks the report's notice sent; true only for the caller that marked it (one notice per region and week). */
export async function markNotified(db: Executor, regionId: number, week: string) {
  const r = await db
    .updateTable('weekly_reports')
    .set({ notified_at: sql<Date>`now()` })
    .where('region_id', '=', regionId)
    .where('week', '=', week)
    .where('notified_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** The regions that get a weekly report: every town and county. */
export async function reportRegions(db: Executor) {
  return db.selectFrom('regions').select(['id', 'code', 'name', 'level']).where('level', 'in', ['county', 'town']).orderBy('path').execute()
}

/** The active leaders sitting at this region (a town's leaders, the county's). */
export async function leadersOf(db: Executor, regionId: number) {
  return db
    .selectFrom('users')
    .select(['id'])
    .where('region_id', '=', regionId)
    .where('active', '=', true)
    .where(sql<boolean>`'leader' = any(roles)`)
    .execute()
}
