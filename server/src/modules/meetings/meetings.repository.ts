import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

// 民情分析会 / 月商会 / 议事会 meetings, attendees and decisions: the only SQL of the meetings module (migration 20261207091000).

export interface MeetingRow {
  id: string
  kind: string
  region_id: number
  region_code: string
  region_name: string
  region_path: string
  held_on: string
  title: string
  place: string
  report_region_code: string | null
  report_week: string | null
  minutes: string
  guests: string[]
  created_at: Date
}

export interface DecisionRow {
  id: string
  meeting_id: string
  seq: number
  content: string
  owner_unit_id: string | null
  owner_unit_name: string | null
  owner_name: string
  due_date: string
  case_id: string | null
  case_number: string | null
  case_state: string | null
  case_due_at: Date | null
  task_id: string | null
  task_title: string | null
  task_state: string | null
}

export async function regionByCode(db: Executor, code: string) {
  return (await sql<{ id: number; path: string; name: string; code: string; level: string }>`select id, path, name, code, level from regions where code = ${code}`.execute(db)).rows[0]
}

export async function unitById(db: Executor, id: string) {
  return (
    await sql<{ id: string; name: string; kind: string; region_path: string }>`
    select u.id, u.name, u.kind, r.path as region_path from units u join regions r on r.id = u.region_id where u.id = ${id}`.execute(db)
  ).rows[0]
}

const COLUMNS = sql`m.id, m.kind, m.region_id, r.code as region_code, r.name as region_name, r.path as region_path, to_char(m.held_on, 'YYYY-MM-DD') as held_on,
  m.title, m.place, m.report_region_code, m.report_week, m.minutes, m.guests, m.created_at`
const FROM = sql`meetings m join regions r on r.id = m.region_id`

export async function findMeeting(db: Executor, id: string) {
  return (await sql<MeetingRow>`select ${COLUMNS} from ${FROM} where m.id = ${id}`.execute(db)).rows[0]
}

/** Meetings under a path (the caller's area, or one region of it), newest first, with their decision counts. */
export async function listMeetings(db: Executor, q: { underPath: string; regionPath?: string; kind?: string }) {
  const where = [sql`r.path like ${q.underPath + '%'}`]
  if (q.regionPath) where.push(sql`r.path like ${q.regionPath + '%'}`)
  if (q.kind) where.push(sql`m.kind = ${q.kind}`)
  return (
    await sql<MeetingRow & { decisions: number; open_decisions: number }>`
      select ${COLUMNS},
        (select count(*)::int from meeting_decisions d where d.meeting_id = m.id) as decisions,
        (select count(*)::int from meeting_decisions d left join cases c on c.id = d.case_id left join tasks t on t.id = d.task_id
          where d.meeting_id = m.id and ${OPEN_DECISION}) as open_decisions
      from ${FROM} where ${sql.join(where, sql` and `)} order by m.held_on desc, m.created_at desc limit 500`.execute(db)
  ).rows
}

/** A decision is open while it is not turned into work, or its case still waits for someone to act, or its task is not done. */
const OPEN_DECISION = sql`(d.case_id is null and d.task_id is null
  or c.state is not null and c.state not in ('replied', 'closed', 'rejected', 'merged')
  or t.state is not null and t.state not in ('done', 'cancelled'))`

/** The meeting of the same kind and region held last before this one (same date: created earlier). */
export async function previousMeeting(db: Executor, m: { id: string; kind: string; region_id: number; held_on: string; created_at: Date }) {
  return (
    await sql<MeetingRow>`select ${COLUMNS} from ${FROM}
      where m.kind = ${m.kind} and m.region_id = ${m.region_id} and m.id <> ${m.id}
        and (m.held_on < ${m.held_on}::date or m.held_on = ${m.held_on}::date and m.created_at < ${m.created_at})
      order by m.held_on desc, m.created_at desc limit 1`.execute(db)
  ).rows[0]
}

export async function insertMeeting(
  db: Executor,
  m: { kind: string; regionId: number; heldOn: string; title: string; place: string; reportRegionCode: string | null; reportWeek: string | null; minutes: string; guests: string[]; createdBy: string },
) {
  return (
    await sql<{ id: string }>`insert into meetings (kind, region_id, held_on, title, place, report_region_code, report_week, minutes, guests, created_by)
      values (${m.kind}, ${m.regionId}, ${m.heldOn}, ${m.title}, ${m.place}, ${m.reportRegionCode}, ${m.reportWeek}, ${m.minutes}, ${m.guests}, ${m.createdBy}) returning id`.execute(db)
  ).rows[0]!.id
}

export async function updateMeeting(
  db: Executor,
  id: string,
  p: { heldOn?: string; title?: string; place?: string; reportRegionCode?: string | null; reportWeek?: string | null; minutes?: string; guests?: string[] },
) {
  const sets = [sql`updated_at = now()`]
  if (p.heldOn !== undefined) sets.push(sql`held_on = ${p.heldOn}`)
  if (p.title !== undefined) sets.push(sql`title = ${p.title}`)
  if (p.place !== undefined) sets.push(sql`place = ${p.place}`)
  if (p.reportRegionCode !== undefined) sets.push(sql`report_region_code = ${p.reportRegionCode}`)
  if (p.reportWeek !== undefined) sets.push(sql`report_week = ${p.reportWeek}`)
  if (p.minutes !== undefined) sets.push(sql`minutes = ${p.minutes}`)
  if (p.guests !== undefined) sets.push(sql`guests = ${p.guests}`)
  await sql`update meetings set ${sql.join(sets)} where id = ${id}`.execute(db)
}

export async function setAttendees(db: Executor, meetingId: string, userIds: string[]) {
  await sql`delete from meeting_attendees where meeting_id = ${meetingId}`.execute(db)
  if (userIds.length) await sql`insert into meeting_attendees (meeting_id, user_id) select ${meetingId}, unnest(${userIds}::uuid[])`.execute(db)
}

export async function attendeesOf(db: Executor, meetingId: string) {
  return (
    await sql<{ user_id: string; name: string }>`select a.user_id, u.name from meeting_attendees a join users u on u.id = a.user_id where a.meeting_id = ${meetingId} order by u.name`.execute(db)
  ).rows
}

/** Of these users, those who are staff (not volunteers only) of the meeting's area or above it. */
export async function knownAttendees(db: Executor, userIds: string[], regionPath: string) {
  if (!userIds.length) return []
  return (
    await sql<{ id: string }>`select u.id from users u join regions r on r.id = u.region_id
      where u.id = any(${userIds}::uuid[]) and u.active and (r.path like ${regionPath + '%'} or ${regionPath} like r.path || '%')
        and exists (select 1 from unnest(u.roles) role where role <> 'volunteer')`.execute(db)
  ).rows.map((r) => r.id)
}

const DECISION_COLUMNS = sql`d.id, d.meeting_id, d.seq, d.content, d.owner_unit_id, ou.name as owner_unit_name, d.owner_name, to_char(d.due_date, 'YYYY-MM-DD') as due_date,
  d.case_id, c.number as case_number, c.state as case_state, c.due_at as case_due_at, d.task_id, t.title as task_title, t.state as task_state`
const DECISION_FROM = sql`meeting_decisions d left join units ou on ou.id = d.owner_unit_id left join cases c on c.id = d.case_id left join tasks t on t.id = d.task_id`

export async function decisionsOf(db: Executor, meetingId: string, onlyOpen = false) {
  return (await sql<DecisionRow>`select ${DECISION_COLUMNS} from ${DECISION_FROM} where d.meeting_id = ${meetingId} ${onlyOpen ? sql`and ${OPEN_DECISION}` : sql``} order by d.seq`.execute(db)).rows
}

export async function findDecision(db: Executor, meetingId: string, id: string) {
  return (await sql<DecisionRow>`select ${DECISION_COLUMNS} from ${DECISION_FROM} where d.meeting_id = ${meetingId} and d.id = ${id}`.execute(db)).rows[0]
}

export async function insertDecision(db: Executor, d: { meetingId: string; content: string; ownerUnitId: string | null; ownerName: string; dueDate: string; createdBy: string }) {
  // The meeting row is locked so two decisions added at once get distinct numbers.
  await sql`select id from meetings where id = ${d.meetingId} for update`.execute(db)
  return (
    await sql<{ id: string }>`insert into meeting_decisions (meeting_id, seq, content, owner_unit_id, owner_name, due_date, created_by)
      values (${d.meetingId}, (select coalesce(max(seq), 0) + 1 from meeting_decisions where meeting_id = ${d.meetingId}), ${d.content}, ${d.ownerUnitId}, ${d.ownerName}, ${d.dueDate}, ${d.createdBy})
      returning id`.execute(db)
  ).rows[0]!.id
}

/** Links the decision to its case or task once; false when it already has one (a concurrent conversion won). */
export async function linkDecision(db: Executor, id: string, link: { caseId?: string; taskId?: string }) {
  const r = await sql`update meeting_decisions set case_id = ${link.caseId ?? null}, task_id = ${link.taskId ?? null}
    where id = ${id} and case_id is null and task_id is null`.execute(db)
  return Number(r.numAffectedRows ?? 0) > 0
}

/** Staff (not volunteers only) of the region's subtree or above it: who may attend. */
export async function staffFor(db: Executor, regionPath: string) {
  return (
    await sql<{ id: string; name: string; region_name: string }>`select u.id, u.name, r.name as region_name from users u join regions r on r.id = u.region_id
      where u.active and (r.path like ${regionPath + '%'} or ${regionPath} like r.path || '%') and exists (select 1 from unnest(u.roles) role where role <> 'volunteer')
      order by length(r.path), r.code, u.name limit 300`.execute(db)
  ).rows
}

/** Units of the caller's area or above it: who may own a decision. */
export async function unitsFor(db: Executor, actorPath: string, kinds?: string[]) {
  return (
    await sql<{ id: string; name: string; kind: string; region_name: string }>`select u.id, u.name, u.kind, r.name as region_name from units u join regions r on r.id = u.region_id
      where (r.path like ${actorPath + '%'} or ${actorPath} like r.path || '%') ${kinds ? sql`and u.kind = any(${kinds}::text[])` : sql``}
      order by length(r.path), u.kind, u.name limit 500`.execute(db)
  ).rows
}
