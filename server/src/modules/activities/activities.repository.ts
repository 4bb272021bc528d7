import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

// 民情日/民情角 activities, sessions and their 服务台账: the only SQL of the activities module (migration 20261207081000).

export interface ActivityRow {
  id: string
  title: string
  kind: string
  place: string
  region_id: number
  region_code: string
  region_name: string
  region_path: string
  description: string
  recurrence: string
  first_date: string
  until_date: string | null
  weekdays: number[]
  month_day: number | null
  start_time: string
  end_time: string
  team_id: string | null
  team_name: string | null
  audience: string
  state: string
  published_at: Date | null
  session_count: number
}

export interface LedgerRow {
  id: string
  session_id: string
  content: string
  raised_by: string | null
  outcome: string
  answer: string | null
  case_id: string | null
  case_number: string | null
  case_state: string | null
  task_id: string | null
  task_title: string | null
  created_at: Date
}

export async function regionByCode(db: Executor, code: string) {
  return (await sql<{ id: number; path: string; name: string; code: string }>`select id, path, name, code from regions where code = ${code}`.execute(db)).rows[0]
}

const COLUMNS = sql`a.id, a.title, a.kind, a.place, a.region_id, r.code as region_code, r.name as region_name, r.path as region_path, a.description, a.recurrence,
  to_char(a.first_date, 'YYYY-MM-DD') as first_date, to_char(a.until_date, 'YYYY-MM-DD') as until_date, a.weekdays::int[] as weekdays, a.month_day::int as month_day,
  a.start_time, a.end_time, a.team_id, tm.name as team_name, a.audience, a.state, a.published_at,
  (select count(*)::int from activity_sessions s where s.activity_id = a.id) as session_count`
const FROM = sql`activities a join regions r on r.id = a.region_id left join volunteer_teams tm on tm.id = a.team_id`

export async function findActivity(db: Executor, id: string) {
  return (await sql<ActivityRow>`select ${COLUMNS} from ${FROM} where a.id = ${id}`.execute(db)).rows[0]
}

/**
 * Activities in sight: staff those under their path (`underPath`); a volunteer (`volunteerId` + `homePath`) the
 * published ones whose region holds their home, of audience volunteers/residents or of a team they belong to.
 */
export async function listActivities(db: Executor, q: { underPath?: string; regionPath?: string; volunteerId?: string; homePath?: string; state?: string; fromDate?: string }) {
  const where = [sql`true`]
  if (q.underPath) where.push(sql`r.path like ${q.underPath + '%'}`)
  if (q.regionPath) where.push(sql`r.path like ${q.regionPath + '%'}`)
  if (q.volunteerId)
    where.push(sql`a.state = 'published' and (
      (a.audience <> 'team' and ${q.homePath ?? ''} like r.path || '%')
      or exists (select 1 from team_members m where m.team_id = a.team_id and m.user_id = ${q.volunteerId}))`)
  if (q.state) where.push(sql`a.state = ${q.state}`)
  if (q.fromDate) where.push(sql`(coalesce(a.until_date, case when a.recurrence = 'once' then a.first_date else ${q.fromDate}::date end) >= ${q.fromDate}::date)`)
  return (await sql<ActivityRow>`select ${COLUMNS} from ${FROM} where ${sql.join(where, sql` and `)} order by a.first_date desc, a.title limit 500`.execute(db)).rows
}

export async function insertActivity(
  db: Executor,
  a: {
    title: string
    kind: string
    place: string
    regionId: number
    description: string
    recurrence: string
    firstDate: string
    untilDate: string | null
    weekdays: number[]
    monthDay: number | null
    start: string
    end: string
    teamId: string | null
    audience: string
    createdBy: string
  },
) {
  const r = await sql<{
    id: string
  }>`insert into activities (title, kind, place, region_id, description, recurrence, first_date, until_date, weekdays, month_day, start_time, end_time, team_id, audience, created_by)
    values (${a.title}, ${a.kind}, ${a.place}, ${a.regionId}, ${a.description}, ${a.recurrence}, ${a.firstDate}::date, ${a.untilDate}::date, ${a.weekdays}::smallint[], ${a.monthDay},
      ${a.start}, ${a.end}, ${a.teamId}, ${a.audience}, ${a.createdBy}) returning id`.execute(db)
  return r.rows[0]!.id
}

/** draft → published, once: the row answers only to the first publisher (a second publish notifies nobody again). */
export async function markPublished(db: Executor, id: string) {
  return (await sql<{ id: string }>`update activities set state = 'published', published_at = now() where id = ${id} and state = 'draft' returning id`.execute(db)).rows.length > 0
}

/** One notice per user of the audience, in ONE insert … select (like task notices). */
export async function notifyAudience(db: Executor, a: { regionPath: string; audience: string; teamId: string | null; title: string; body: string }) {
  const who =
    a.audience === 'team'
      ? sql`exists (select 1 from team_members m where m.team_id = ${a.teamId} and m.user_id = u.id)`
      : a.audience === 'volunteers'
        ? sql`'volunteer' = any(u.roles) and coalesce(rr.path, ar.path) like ${a.regionPath + '%'}`
        : sql`(ar.path like ${a.regionPath + '%'} or rr.path like ${a.regionPath + '%'})`
  const r = await sql<{ id: string; user_id: string; kind: string; title: string; body: string | null; case_id: string | null; read_at: Date | null; created_at: Date }>`
    insert into notifications (user_id, kind, title, body)
    select u.id, 'activity.published', ${a.title}, ${a.body}
    from users u join regions ar on ar.id = u.region_id left join regions rr on rr.id = u.residence_region_id
    where u.active and ${who}
    returning id, user_id, kind, title, body, case_id, read_at, created_at`.execute(db)
  return r.rows
}

export async function findSession(db: Executor, activityId: string, date: string) {
  return (
    await sql<{ id: string; date: string; residents_count: number; notes: string }>`select id, to_char(date, 'YYYY-MM-DD') as date, residents_count, notes from activity_sessions
      where activity_id = ${activityId} and date = ${date}::date`.execute(db)
  ).rows[0]
}

export async function upsertSession(db: Executor, s: { activityId: string; date: string; residentsCount?: number; notes?: string; recordedBy: string }) {
  const r = await sql<{ id: string }>`insert into activity_sessions (activity_id, date, residents_count, notes, recorded_by)
    values (${s.activityId}, ${s.date}::date, ${s.residentsCount ?? 0}, ${s.notes ?? ''}, ${s.recordedBy})
    on conflict (activity_id, date) do update set
      residents_count = coalesce(${s.residentsCount ?? null}::int, activity_sessions.residents_count),
      notes = coalesce(${s.notes ?? null}::text, activity_sessions.notes), recorded_by = excluded.recorded_by, updated_at = now()
    returning id`.execute(db)
  return r.rows[0]!.id
}

export async function setAttendees(db: Executor, sessionId: string, userIds: string[]) {
  await sql`delete from session_attendees where session_id = ${sessionId}`.execute(db)
  if (userIds.length) await sql`insert into session_attendees (session_id, user_id) select ${sessionId}, x from unnest(${userIds}::uuid[]) x`.execute(db)
}

/** Of the given users: active ones registered or residing in the subtree of `path`, or registered above `regionPath` (staff of a higher level who came). */
export async function knownAttendees(db: Executor, userIds: string[], scopePath: string, regionPath: string) {
  if (userIds.length === 0) return []
  const r = await sql<{ id: string }>`select u.id from users u join regions ar on ar.id = u.region_id left join regions rr on rr.id = u.residence_region_id
    where u.id = any(${userIds}::uuid[]) and u.active and (ar.path like ${scopePath + '%'} or rr.path like ${scopePath + '%'} or ${regionPath} like ar.path || '%')`.execute(db)
  return r.rows.map((x) => x.id)
}

export async function attendeesOf(db: Executor, sessionId: string) {
  return (
    await sql<{ user_id: string; name: string; roles: string[] }>`select u.id as user_id, u.name, u.roles from session_attendees a join users u on u.id = a.user_id
      where a.session_id = ${sessionId} order by u.name`.execute(db)
  ).rows
}

const LEDGER_COLUMNS = sql`i.id, i.session_id, i.content, i.raised_by, i.outcome, i.answer, i.case_id, c.number as case_number, c.state as case_state, i.task_id, t.title as task_title, i.created_at`

export async function itemsOf(db: Executor, sessionId: string) {
  return (
    await sql<LedgerRow>`select ${LEDGER_COLUMNS} from ledger_items i left join cases c on c.id = i.case_id left join tasks t on t.id = i.task_id
      where i.session_id = ${sessionId} order by i.created_at, i.id`.execute(db)
  ).rows
}

export async function insertItem(
  db: Executor,
  i: { id: string; sessionId: string; content: string; raisedBy: string | null; outcome: string; answer: string | null; caseId: string | null; taskId: string | null; createdBy: string },
) {
  await sql`insert into ledger_items (id, session_id, content, raised_by, outcome, answer, case_id, task_id, created_by)
    values (${i.id}, ${i.sessionId}, ${i.content}, ${i.raisedBy}, ${i.outcome}, ${i.answer}, ${i.caseId}, ${i.taskId}, ${i.createdBy})`.execute(db)
}

export async function sessionsOf(db: Executor, activityId: string) {
  return (
    await sql<{ id: string; date: string; residents_count: number; attendees: number; items: number; cases: number; tasks: number; answered: number }>`
    select s.id, to_char(s.date, 'YYYY-MM-DD') as date, s.residents_count,
      (select count(*)::int from session_attendees a where a.session_id = s.id) as attendees,
      (select count(*)::int from ledger_items i where i.session_id = s.id) as items,
      (select count(*)::int from ledger_items i where i.session_id = s.id and i.case_id is not null) as cases,
      (select count(*)::int from ledger_items i where i.session_id = s.id and i.task_id is not null) as tasks,
      (select count(*)::int from ledger_items i where i.session_id = s.id and i.outcome = 'answered') as answered
    from activity_sessions s where s.activity_id = ${activityId} order by s.date desc`.execute(db)
  ).rows
}

/** Every session under a path from–to, with its attendees' names and its items (the XLSX ledger). */
export async function ledgerRows(db: Executor, q: { underPath: string; from: string; to: string }) {
  return (
    await sql<{
      date: string
      activity_title: string
      region_name: string
      place: string
      residents_count: number
      notes: string
      attendees: string | null
      content: string | null
      raised_by: string | null
      outcome: string | null
      answer: string | null
      case_number: string | null
      task_title: string | null
    }>`
    select to_char(s.date, 'YYYY-MM-DD') as date, a.title as activity_title, r.name as region_name, a.place, s.residents_count, s.notes,
      (select string_agg(u.name, '、' order by u.name) from session_attendees sa join users u on u.id = sa.user_id where sa.session_id = s.id) as attendees,
      i.content, i.raised_by, i.outcome, i.answer, c.number as case_number, t.title as task_title
    from activity_sessions s join activities a on a.id = s.activity_id join regions r on r.id = a.region_id
      left join ledger_items i on i.session_id = s.id left join cases c on c.id = i.case_id left join tasks t on t.id = i.task_id
    where r.path like ${q.underPath + '%'} and s.date between ${q.from}::date and ${q.to}::date
    order by s.date, a.title, i.created_at limit 20000`.execute(db)
  ).rows
}
