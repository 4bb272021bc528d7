import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

// 先锋任务: the only SQL of the tasks module. Raw SQL on tables of the tasks migration (20261207070000_tasks).

export interface TaskRow {
  id: string
  title: string
  description: string
  region_id: number
  region_code: string
  region_name: string
  region_path: string
  place: string | null
  starts_at: Date
  ends_at: Date
  slots: number
  claimed: number
  audience: string
  skills: string[]
  points: number
  hours: string | number
  case_id: string | null
  state: string
  published_by: string
  created_at: Date
  my_claim: string | null
}

export interface ClaimRow {
  task_id: string
  user_id: string
  state: string
  claimed_at: Date
  checkin_at: Date | null
  checkout_at: Date | null
  finished_at: Date | null
  report: string | null
  hours: string | number
  points: number
}

export interface Volunteer {
  id: string
  name: string
  roles: string[]
  is_party_member: boolean
  is_youth_league: boolean
  /** Residence region's path, else the account region's. */
  home_path: string
}

export async function regionByCode(db: Executor, code: string) {
  return (await sql<{ id: number; path: string; name: string }>`select id, path, name from regions where code = ${code}`.execute(db)).rows[0]
}

export async function volunteerOf(db: Executor, userId: string) {
  const r = await sql<Volunteer>`
    select u.id, u.name, u.roles, u.is_party_member, u.is_youth_league, coalesce(rr.path, ar.path) as home_path
    from users u join regions ar on ar.id = u.region_id left join regions rr on rr.id = u.residence_region_id
    where u.id = ${userId}`.execute(db)
  return r.rows[0]
}

export async function insertTask(
  db: Executor,
  t: {
    title: string
    description: string
    regionId: number
    place: string | null
    startsAt: Date
    endsAt: Date
    slots: number
    audience: string
    skills: string[]
    points: number
    hours: number
    caseId: string | null
    publishedBy: string
  },
) {
  const r = await sql<{ id: string }>`
    insert into tasks (title, description, region_id, place, starts_at, ends_at, slots, audience, skills, points, hours, case_id, published_by)
    values (${t.title}, ${t.description}, ${t.regionId}, ${t.place}, ${t.startsAt}, ${t.endsAt}, ${t.slots}, ${t.audience}, ${sql`${t.skills}::text[]`}, ${t.points}, ${t.hours}, ${t.caseId}, ${t.publishedBy})
    returning id`.execute(db)
  return r.rows[0]!.id
}

export async function insertEvent(db: Executor, e: { taskId: string; action: string; actorId: string | null; userId?: string | null; data?: Record<string, unknown> }) {
  await sql`insert into task_events (task_id, user_id, action, actor_id, data) values (${e.taskId}, ${e.userId ?? null}, ${e.action}, ${e.actorId}, ${JSON.stringify(e.data ?? {})}::jsonb)`.execute(db)
}

/** The audience rule in SQL, on users `u`. */
const audienceSql = (audience: string) => (audience === 'party' ? sql`and u.is_party_member` : audience === 'youth' ? sql`and u.is_youth_league` : sql``)

/**
 * One notice per eligible volunteer (active, `volunteer` role, residence — else account — region in the task's
 * subtree, of the audience), written by ONE insert … select: 10,000 volunteers are one statement.
 */
export async function notifyEligible(db: Executor, t: { regionPath: string; audience: string; title: string; body: string }) {
  const r = await sql<{ id: string; user_id: string; kind: string; title: string; body: string | null; case_id: string | null; read_at: Date | null; created_at: Date }>`
    insert into notifications (user_id, kind, title, body)
    select u.id, 'task.published', ${t.title}, ${t.body}
    from users u join regions ar on ar.id = u.region_id left join regions rr on rr.id = u.residence_region_id
    where u.active and 'volunteer' = any(u.roles) and coalesce(rr.path, ar.path) like ${t.regionPath + '%'} ${audienceSql(t.audience)}
    returning id, user_id, kind, title, body, case_id, read_at, created_at`.execute(db)
  return r.rows
}

const TASK_COLUMNS = sql`t.id, t.title, t.description, t.region_id, r.code as region_code, r.name as region_name, r.path as region_path, t.place, t.starts_at, t.ends_at,
  t.slots, t.claimed, t.audience, t.skills, t.points, t.hours, t.case_id, t.state, t.published_by, t.created_at`

export async function findTask(db: Executor, id: string, userId: string) {
  const r = await sql<TaskRow>`
    select ${TASK_COLUMNS}, c.state as my_claim
    from tasks t join regions r on r.id = t.region_id left join task_claims c on c.task_id = t.id and c.user_id = ${userId}
    where t.id = ${id}`.execute(db)
  return r.rows[0]
}

/**
 * Tasks in sight: staff see those in their subtree (`underPath`); a volunteer those whose region holds their home
 * (`abovePath`: the task's path is a prefix of it). Newest start first.
 */
export async function listTasks(db: Executor, q: { userId: string; underPath?: string; abovePath?: string; regionPath?: string; state?: string; limit: number; offset: number }) {
  const where = [sql`true`]
  if (q.underPath) where.push(sql`r.path like ${q.underPath + '%'}`)
  if (q.abovePath) where.push(sql`${q.abovePath} like r.path || '%'`)
  if (q.regionPath) where.push(sql`r.path like ${q.regionPath + '%'}`)
  if (q.state) where.push(sql`t.state = ${q.state}`)
  const cond = sql.join(where, sql` and `)
  const items = await sql<TaskRow>`
    select ${TASK_COLUMNS}, c.state as my_claim
    from tasks t join regions r on r.id = t.region_id left join task_claims c on c.task_id = t.id and c.user_id = ${q.userId}
    where ${cond} order by t.starts_at desc, t.id limit ${q.limit} offset ${q.offset}`.execute(db)
  const total = await sql<{ n: number }>`select count(*)::int as n from tasks t join regions r on r.id = t.region_id where ${cond}`.execute(db)
  return { items: items.rows, total: total.rows[0]!.n }
}

/** Slots left, read without a lock: a full task answers at once, before any transaction waits on the row. */
export async function slotsLeft(db: Executor, id: string) {
  const r = await sql<{ left: number; state: string }>`select slots - claimed as left, state from tasks where id = ${id}`.execute(db)
  return r.rows[0]
}

/**
 * Take a slot: THE exactness rule. One conditional UPDATE — it succeeds only while claimed < slots, and the row
 * lock it takes orders concurrent claimers across processes. The state follows in the same statement.
 */
export async function takeSlot(db: Executor, id: string) {
  const r = await sql<{ slots: number; claimed: number }>`
    update tasks set claimed = claimed + 1, state = case when claimed + 1 >= slots then 'full' else state end, updated_at = now()
    where id = ${id} and claimed < slots and state = 'open'
    returning slots, claimed`.execute(db)
  return r.rows[0]
}

export async function freeSlot(db: Executor, id: string) {
  const r = await sql<{ slots: number; claimed: number }>`
    update tasks set claimed = claimed - 1, state = case when state = 'full' then 'open' else state end, updated_at = now()
    where id = ${id} and claimed > 0
    returning slots, claimed`.execute(db)
  return r.rows[0]
}

/** The claim row: new, or a withdrawn one taken again. Undefined when the person already holds a live claim. */
export async function insertClaim(db: Executor, taskId: string, userId: string, at: Date) {
  const r = await sql<ClaimRow>`
    insert into task_claims (task_id, user_id, claimed_at) values (${taskId}, ${userId}, ${at})
    on conflict (task_id, user_id) do update set state = 'claimed', claimed_at = excluded.claimed_at, checkin_at = null, checkout_at = null, finished_at = null, report = null
      where task_claims.state = 'withdrawn'
    returning *`.execute(db)
  return r.rows[0]
}

export async function setClaim(
  db: Executor,
  taskId: string,
  userId: string,
  fromStates: string[],
  set: {
    state: string
    checkinAt?: Date
    checkinLat?: number | null
    checkinLng?: number | null
    checkoutAt?: Date
    checkoutLat?: number | null
    checkoutLng?: number | null
    finishedAt?: Date
    report?: string
  },
) {
  const parts = [sql`state = ${set.state}`]
  if (set.checkinAt) parts.push(sql`checkin_at = ${set.checkinAt}, checkin_lat = ${set.checkinLat ?? null}, checkin_lng = ${set.checkinLng ?? null}`)
  if (set.checkoutAt) parts.push(sql`checkout_at = ${set.checkoutAt}, checkout_lat = ${set.checkoutLat ?? null}, checkout_lng = ${set.checkoutLng ?? null}`)
  if (set.finishedAt) parts.push(sql`finished_at = ${set.finishedAt}, report = ${set.report ?? null}`)
  const r = await sql<ClaimRow>`
    update task_claims set ${sql.join(parts, sql`, `)}
    where task_id = ${taskId} and user_id = ${userId} and state in (${sql.join(fromStates)})
    returning *`.execute(db)
  return r.rows[0]
}

export async function setTaskState(db: Executor, id: string, from: string[], to: string) {
  const r = await sql<{ id: string }>`update tasks set state = ${to}, updated_at = now() where id = ${id} and state in (${sql.join(from)}) returning id`.execute(db)
  return r.rows.length > 0
}

/** Credit the finished claims (all, or the named people): hours and points as the task states them. */
export async function confirmClaims(db: Executor, taskId: string, by: string, at: Date, userIds?: string[]) {
  const only = userIds?.length ? sql`and c.user_id in (${sql.join(userIds)})` : sql``
  const r = await sql<{ user_id: string }>`
    update task_claims c set state = 'confirmed', confirmed_at = ${at}, confirmed_by = ${by}, hours = t.hours, points = t.points
    from tasks t where t.id = c.task_id and c.task_id = ${taskId} and c.state = 'finished' ${only}
    returning c.user_id`.execute(db)
  return r.rows.map((x) => x.user_id)
}

/** The finish reports waiting for confirmation (all, or the named people's), oldest first. */
export async function finishedReports(db: Executor, taskId: string, userIds?: string[]) {
  const only = userIds?.length ? sql`and c.user_id in (${sql.join(userIds)})` : sql``
  return (
    await sql<{
      report: string
      name: string
    }>`select c.report, u.name from task_claims c join users u on u.id = c.user_id where c.task_id = ${taskId} and c.state = 'finished' ${only} order by c.finished_at`.execute(db)
  ).rows
}

export async function recordOf(db: Executor, userId: string) {
  const r = await sql<{ task_id: string; title: string; state: string; hours: string | number; points: number; confirmed_at: Date | null }>`
    select c.task_id, t.title, c.state, c.hours, c.points, c.confirmed_at
    from task_claims c join tasks t on t.id = c.task_id
    where c.user_id = ${userId} and c.state <> 'withdrawn' order by c.claimed_at desc limit 500`.execute(db)
  return r.rows
}
