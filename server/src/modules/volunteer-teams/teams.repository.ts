import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

// 志愿队伍 and rotas: the only SQL of the volunteer-teams module (tables of migration 20261207081000_teams_activities).

export interface TeamRow {
  id: string
  name: string
  kind: string
  region_id: number
  region_code: string
  region_name: string
  region_path: string
  description: string
  leader_id: string | null
  leader_name: string | null
  created_at: Date
}
export interface MemberRow {
  team_id: string
  user_id: string
  name: string
  is_party_member: boolean
  is_youth_league: boolean
}
export interface SlotRow {
  id: string
  team_id: string
  weekday: number
  start_time: string
  end_time: string
  place: string
  user_id: string | null
  user_name: string | null
  note: string
}
export interface ExceptionRow {
  id: string
  team_id: string
  date: string
  slot_id: string | null
  cancelled: boolean
  start_time: string | null
  end_time: string | null
  place: string | null
  user_id: string | null
  user_name: string | null
  note: string
}

export async function regionByCode(db: Executor, code: string) {
  return (await sql<{ id: number; path: string; name: string; code: string }>`select id, path, name, code from regions where code = ${code}`.execute(db)).rows[0]
}

const TEAM_COLUMNS = sql`t.id, t.name, t.kind, t.region_id, r.code as region_code, r.name as region_name, r.path as region_path, t.description, t.leader_id, l.name as leader_name, t.created_at`

export async function findTeam(db: Executor, id: string) {
  return (
    await sql<TeamRow>`select ${TEAM_COLUMNS} from volunteer_teams t join regions r on r.id = t.region_id left join users l on l.id = t.leader_id
      where t.id = ${id} and t.active`.execute(db)
  ).rows[0]
}

/** Teams under a path (staff) and/or with a member (a volunteer's own), by region then name. */
export async function listTeams(db: Executor, q: { underPath?: string; memberId?: string }) {
  const where = [sql`t.active`]
  if (q.underPath) where.push(sql`r.path like ${q.underPath + '%'}`)
  if (q.memberId) where.push(sql`exists (select 1 from team_members m where m.team_id = t.id and m.user_id = ${q.memberId})`)
  return (
    await sql<TeamRow>`select ${TEAM_COLUMNS} from volunteer_teams t join regions r on r.id = t.region_id left join users l on l.id = t.leader_id
      where ${sql.join(where, sql` and `)} order by r.path, t.name limit 500`.execute(db)
  ).rows
}

export async function membersOf(db: Executor, teamIds: string[]) {
  if (teamIds.length === 0) return []
  return (
    await sql<MemberRow>`select m.team_id, u.id as user_id, u.name, u.is_party_member, u.is_youth_league from team_members m join users u on u.id = m.user_id
      where m.team_id = any(${teamIds}::uuid[]) order by m.joined_at, u.name`.execute(db)
  ).rows
}

/** Of the given users, those who are active volunteers residing (else registered) in the subtree of `path`. */
export async function eligibleVolunteers(db: Executor, userIds: string[], path: string) {
  if (userIds.length === 0) return []
  const r = await sql<{ id: string }>`
    select u.id from users u join regions ar on ar.id = u.region_id left join regions rr on rr.id = u.residence_region_id
    where u.id = any(${userIds}::uuid[]) and u.active and 'volunteer' = any(u.roles) and coalesce(rr.path, ar.path) like ${path + '%'}`.execute(db)
  return r.rows.map((x) => x.id)
}

export async function candidates(db: Executor, path: string, q?: string) {
  const like = q ? sql`and u.name like ${'%' + q.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}` : sql``
  return (
    await sql<{ user_id: string; name: string; is_party_member: boolean; is_youth_league: boolean }>`
    select u.id as user_id, u.name, u.is_party_member, u.is_youth_league
    from users u join regions ar on ar.id = u.region_id left join regions rr on rr.id = u.residence_region_id
    where u.active and 'volunteer' = any(u.roles) and coalesce(rr.path, ar.path) like ${path + '%'} ${like}
    order by u.name limit 200`.execute(db)
  ).rows
}

export async function insertTeam(db: Executor, t: { name: string; kind: string; regionId: number; description: string; leaderId: string | null; createdBy: string }) {
  const r = await sql<{ id: string }>`insert into volunteer_teams (name, kind, region_id, description, leader_id, created_by)
    values (${t.name}, ${t.kind}, ${t.regionId}, ${t.description}, ${t.leaderId}, ${t.createdBy}) returning id`.execute(db)
  return r.rows[0]!.id
}

export async function updateTeam(db: Executor, id: string, t: { name?: string; kind?: string; description?: string; leaderId?: string | null }) {
  const sets = [sql`updated_at = now()`]
  if (t.name !== undefined) sets.push(sql`name = ${t.name}`)
  if (t.kind !== undefined) sets.push(sql`kind = ${t.kind}`)
  if (t.description !== undefined) sets.push(sql`description = ${t.description}`)
  if (t.leaderId !== undefined) sets.push(sql`leader_id = ${t.leaderId}`)
  await sql`update volunteer_teams set ${sql.join(sets, sql`, `)} where id = ${id}`.execute(db)
}

export async function archiveTeam(db: Executor, id: string) {
  await sql`update volunteer_teams set active = false, updated_at = now() where id = ${id}`.execute(db)
}

export async function setMembers(db: Executor, teamId: string, userIds: string[]) {
  await sql`delete from team_members where team_id = ${teamId} and not (user_id = any(${userIds}::uuid[]))`.execute(db)
  if (userIds.length) await sql`insert into team_members (team_id, user_id) select ${teamId}, x from unnest(${userIds}::uuid[]) x on conflict do nothing`.execute(db)
}

export async function isMember(db: Executor, teamId: string, userId: string) {
  return (await sql<{ n: number }>`select count(*)::int as n from team_members where team_id = ${teamId} and user_id = ${userId}`.execute(db)).rows[0]!.n > 0
}

export async function slotsOf(db: Executor, teamIds: string[]) {
  if (teamIds.length === 0) return []
  return (
    await sql<SlotRow>`select s.id, s.team_id, s.weekday, s.start_time, s.end_time, s.place, s.user_id, u.name as user_name, s.note
      from rota_slots s left join users u on u.id = s.user_id where s.team_id = any(${teamIds}::uuid[]) order by s.weekday, s.start_time`.execute(db)
  ).rows
}

export async function exceptionsOf(db: Executor, teamIds: string[], from: string, to: string) {
  if (teamIds.length === 0) return []
  return (
    await sql<ExceptionRow>`select e.id, e.team_id, to_char(e.date, 'YYYY-MM-DD') as date, e.slot_id, e.cancelled, e.start_time, e.end_time, e.place, e.user_id, u.name as user_name, e.note
      from rota_exceptions e left join users u on u.id = e.user_id
      where e.team_id = any(${teamIds}::uuid[]) and e.date between ${from}::date and ${to}::date order by e.date, e.start_time`.execute(db)
  ).rows
}

export async function replaceSlots(db: Executor, teamId: string, slots: { weekday: number; start: string; end: string; place: string; userId: string | null; note: string }[]) {
  await sql`delete from rota_slots where team_id = ${teamId}`.execute(db)
  for (const s of slots)
    await sql`insert into rota_slots (team_id, weekday, start_time, end_time, place, user_id, note) values (${teamId}, ${s.weekday}, ${s.start}, ${s.end}, ${s.place}, ${s.userId}, ${s.note})`.execute(
      db,
    )
}

export async function insertException(
  db: Executor,
  e: {
    teamId: string
    date: string
    slotId: string | null
    cancelled: boolean
    start: string | null
    end: string | null
    place: string | null
    userId: string | null
    note: string
    createdBy: string
  },
) {
  const r = await sql<{ id: string }>`insert into rota_exceptions (team_id, date, slot_id, cancelled, start_time, end_time, place, user_id, note, created_by)
    values (${e.teamId}, ${e.date}::date, ${e.slotId}, ${e.cancelled}, ${e.start}, ${e.end}, ${e.place}, ${e.userId}, ${e.note}, ${e.createdBy})
    on conflict (slot_id, date) where slot_id is not null do update set cancelled = excluded.cancelled, start_time = excluded.start_time, end_time = excluded.end_time,
      place = excluded.place, user_id = excluded.user_id, note = excluded.note
    returning id`.execute(db)
  return r.rows[0]!.id
}

export async function deleteException(db: Executor, teamId: string, id: string) {
  const r = await sql<{ id: string }>`delete from rota_exceptions where id = ${id} and team_id = ${teamId} returning id`.execute(db)
  return r.rows.length > 0
}
