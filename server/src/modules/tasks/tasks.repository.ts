import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'
import { executePrepared } from '../../db/prepared.ts'

export type Tx = Executor

// 先锋任务: the only SQL of the tasks module (tables of migrations 20261207070000_tasks and 20261207080000_task_core).
// Kysely where it reads plainly; raw SQL for the conditional slot UPDATE, the audience rule and the record.

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
  kind: string
  person_id: string | null
  cancel_reason: string | null
  /** A wish's person: full name (the service masks it) and tag names. */
  person_name: string | null
  person_tags: string[] | null
  my_claim: string | null
  /** The caller as a volunteer (same query): residence — else account — region path, party, league. */
  my_home_path: string | null
  my_party: boolean | null
  my_youth: boolean | null
  /** audience 'team': the team, and whether the caller is one of its members. */
  team_id: string | null
  my_team: boolean | null
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
  return db.selectFrom('regions').select(['id', 'path', 'name']).where('code', '=', code).executeTakeFirst()
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
    kind?: 'task' | 'wish'
    personId?: string | null
    teamId?: string | null
  },
) {
  const r = await db
    .insertInto('tasks')
    .values({
      title: t.title,
      description: t.description,
      region_id: t.regionId,
      place: t.place,
      starts_at: t.startsAt,
      ends_at: t.endsAt,
      slots: t.slots,
      audience: t.audience,
      skills: sql<string[]>`${t.skills}::text[]`,
      points: t.points,
      hours: t.hours,
      case_id: t.caseId,
      published_by: t.publishedBy,
      kind: t.kind ?? 'task',
      person_id: t.personId ?? null,
      team_id: t.teamId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return r.id
}

export async function insertEvent(db: Executor, e: { taskId: string; action: string; actorId: string | null; userId?: string | null; data?: Record<string, unknown> }) {
  await db
    .insertInto('task_events')
    .values({ task_id: e.taskId, user_id: e.userId ?? null, action: e.action, actor_id: e.actorId, data: JSON.stringify(e.data ?? {}) })
    .execute()
}

/** The audience rule in SQL, on users `u`. */
const audienceSql = (audience: string, teamId?: string | null) =>
  audience === 'party'
    ? sql`and u.is_party_member`
    : audience === 'youth'
      ? sql`and u.is_youth_league`
      : audience === 'team'
        ? sql`and exists (select 1 from team_members m where m.team_id = ${teamId ?? null}::uuid and m.user_id = u.id)`
        : sql``

/**
 * The eligible volunteers of a task (active, `volunteer` role, residence — else account — region in the task's
 * subtree, of the audience), as a query of user ids: the notifications module writes one notice for each in ONE
 * insert … select (10,000 volunteers are one statement).
 */
export function eligibleVolunteers(t: { regionPath: string; audience: string; teamId?: string | null }) {
  return sql<{ id: string }>`
    select u.id
    from users u join regions ar on ar.id = u.region_id left join regions rr on rr.id = u.residence_region_id
    where u.active and 'volunteer' = any(u.roles) and coalesce(rr.path, ar.path) like ${t.regionPath + '%'} ${audienceSql(t.audience, t.teamId)}`
}

/** The live claimers of a task (a cancel notifies them). */
export function liveClaimers(taskId: string) {
  return sql<{ id: string }>`select c.user_id as id from task_claims c where c.task_id = ${taskId} and c.state in ('claimed', 'checked_in', 'checked_out', 'finished')`
}

const TASK_COLUMNS = sql`t.id, t.title, t.description, t.region_id, r.code as region_code, r.name as region_name, r.path as region_path, t.place, t.starts_at, t.ends_at,
  t.slots, t.claimed, t.audience, t.skills, t.points, t.hours, t.case_id, t.state, t.published_by, t.created_at, t.kind, t.person_id, t.cancel_reason, t.team_id,
  p.name as person_name,
  (select coalesce(array_agg(tg.name order by tg.sort, tg.name), '{}') from person_tags pt join tags tg on tg.id = pt.tag_id where pt.person_id = t.person_id) as person_tags`

/**
 * A task with the caller's claim and the caller as a volunteer (home path, party, league), in one query: every
 * step of a claim (check-in, finish, withdraw) decides on it in one round trip. 抢单 itself reads findClaimCheck.
 */
export async function findTask(db: Executor, id: string, userId: string) {
  // Prepared, so PostgreSQL plans it once per connection (db/prepared.ts).
  const r = await executePrepared(
    db,
    sql<TaskRow>`
    select ${TASK_COLUMNS}, c.state as my_claim, me.home_path as my_home_path, me.is_party_member as my_party, me.is_youth_league as my_youth,
      exists (select 1 from team_members m where m.team_id = t.team_id and m.user_id = ${userId}) as my_team
    from tasks t join regions r on r.id = t.region_id left join persons p on p.id = t.person_id
    left join task_claims c on c.task_id = t.id and c.user_id = ${userId}
    left join lateral (
      select coalesce(rr.path, ar.path) as home_path, u.is_party_member, u.is_youth_league
      from users u join regions ar on ar.id = u.region_id left join regions rr on rr.id = u.residence_region_id where u.id = ${userId}
    ) me on true
    where t.id = ${id}`.compile(db),
  )
  return r.rows[0]
}

/** What a claim decides on: the task's place, audience, state, time and slots, and the caller's claim and standing. */
export type ClaimCheckRow = Pick<
  TaskRow,
  'id' | 'region_path' | 'audience' | 'state' | 'starts_at' | 'slots' | 'claimed' | 'cancel_reason' | 'my_claim' | 'my_home_path' | 'my_party' | 'my_youth' | 'my_team'
>

/**
 * findTask cut to what 抢单 decides on (a crowd's 1,995 409s answer after it alone): no person, tags or text. PGlite
 * plans every query (it cannot prepare), and planning the full read's joins and tag subquery cost more than running
 * it; on PostgreSQL it is prepared like findTask.
 */
export async function findClaimCheck(db: Executor, id: string, userId: string) {
  const r = await executePrepared(
    db,
    sql<ClaimCheckRow>`
    select t.id, r.path as region_path, t.audience, t.state, t.starts_at, t.slots, t.claimed, t.cancel_reason, c.state as my_claim,
      me.home_path as my_home_path, me.is_party_member as my_party, me.is_youth_league as my_youth,
      exists (select 1 from team_members m where m.team_id = t.team_id and m.user_id = ${userId}) as my_team
    from tasks t join regions r on r.id = t.region_id
    left join task_claims c on c.task_id = t.id and c.user_id = ${userId}
    left join lateral (
      select coalesce(rr.path, ar.path) as home_path, u.is_party_member, u.is_youth_league
      from users u join regions ar on ar.id = u.region_id left join regions rr on rr.id = u.residence_region_id where u.id = ${userId}
    ) me on true
    where t.id = ${id}`.compile(db),
  )
  return r.rows[0]
}

/**
 * Tasks in sight: staff see those in their subtree (`underPath`); a volunteer those whose region holds their home
 * (`abovePath`: the task's path is a prefix of it), a team's task only if they are of the team (or hold a claim on
 * it): nobody else was told of it or may claim it. Newest start first.
 */
export async function listTasks(db: Executor, q: { userId: string; underPath?: string; abovePath?: string; regionPath?: string; state?: string; kind?: string; limit: number; offset: number }) {
  const where = [sql`true`]
  if (q.underPath) where.push(sql`r.path like ${q.underPath + '%'}`)
  if (q.abovePath) {
    where.push(sql`${q.abovePath} like r.path || '%'`)
    where.push(sql`(t.team_id is null or exists (select 1 from team_members m where m.team_id = t.team_id and m.user_id = ${q.userId})
      or exists (select 1 from task_claims tc where tc.task_id = t.id and tc.user_id = ${q.userId}))`)
  }
  if (q.regionPath) where.push(sql`r.path like ${q.regionPath + '%'}`)
  if (q.state) where.push(sql`t.state = ${q.state}`)
  if (q.kind) where.push(sql`t.kind = ${q.kind}`)
  const cond = sql.join(where, sql` and `)
  const items = await sql<TaskRow>`
    select ${TASK_COLUMNS}, c.state as my_claim, null as my_home_path, null as my_party, null as my_youth, null as my_team
    from tasks t join regions r on r.id = t.region_id left join persons p on p.id = t.person_id
    left join task_claims c on c.task_id = t.id and c.user_id = ${q.userId}
    where ${cond} order by t.starts_at desc, t.id limit ${q.limit} offset ${q.offset}`.execute(db)
  const total = await sql<{ n: number }>`select count(*)::int as n from tasks t join regions r on r.id = t.region_id where ${cond}`.execute(db)
  return { items: items.rows, total: total.rows[0]!.n }
}

/**
 * Take a slot: THE exactness rule. One conditional UPDATE — it succeeds only while claimed < slots, and the row
 * lock it takes orders concurrent claimers across processes. The state follows in the same statement.
 */
export async function takeSlot(db: Executor, id: string) {
  const r = await executePrepared(
    db,
    sql<{ slots: number; claimed: number }>`
    update tasks set claimed = claimed + 1, state = case when claimed + 1 >= slots then 'full' else state end, updated_at = now()
    where id = ${id} and claimed < slots and state = 'open'
    returning slots, claimed`.compile(db),
  )
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

export async function setTaskState(db: Executor, id: string, from: string[], to: string, cancelReason?: string) {
  const r = await db
    .updateTable('tasks')
    .set({ state: to, updated_at: new Date(), ...(cancelReason !== undefined ? { cancel_reason: cancelReason } : {}) })
    .where('id', '=', id)
    .where('state', 'in', from)
    .returning('id')
    .execute()
  return r.length > 0
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
  let q = db.selectFrom('task_claims as c').innerJoin('users as u', 'u.id', 'c.user_id').select(['c.user_id', 'c.report', 'u.name']).where('c.task_id', '=', taskId).where('c.state', '=', 'finished')
  if (userIds?.length) q = q.where('c.user_id', 'in', userIds)
  return q.orderBy('c.finished_at').execute()
}

/** Every claim of a task but the withdrawn, with the claimer's name and encrypted phone; first claimed first. */
export async function claimsOf(db: Executor, taskId: string, onlyUserId?: string) {
  let q = db
    .selectFrom('task_claims as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select([
      'c.user_id',
      'u.name',
      'u.phone',
      'c.state',
      'c.claimed_at',
      'c.checkin_at',
      'c.checkin_lat',
      'c.checkin_lng',
      'c.checkout_at',
      'c.checkout_lat',
      'c.checkout_lng',
      'c.finished_at',
      'c.report',
      'c.confirmed_at',
      'c.hours',
      'c.points',
    ])
    .where('c.task_id', '=', taskId)
    .where('c.state', '<>', 'withdrawn')
  if (onlyUserId) q = q.where('c.user_id', '=', onlyUserId)
  return q.orderBy('c.claimed_at').orderBy('c.user_id').execute()
}

/** A photo uploaded for a task by a claimer (the blob is a `files` row, as every upload). */
export async function insertPhoto(db: Executor, p: { taskId: string; userId: string; fileId: string }) {
  return db.insertInto('task_photos').values({ task_id: p.taskId, user_id: p.userId, file_id: p.fileId }).returning('id').executeTakeFirstOrThrow()
}

export async function countPhotos(db: Executor, taskId: string, userId: string) {
  const r = await db
    .selectFrom('task_photos')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('task_id', '=', taskId)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Photos of a task by id, with who uploaded each (a finish report may name only the claimer's own). */
export async function photosByIds(db: Executor, taskId: string, ids: readonly string[]) {
  if (!ids.length) return []
  return db
    .selectFrom('task_photos')
    .select(['id', 'user_id', 'reported'])
    .where('task_id', '=', taskId)
    .where('id', 'in', [...ids])
    .execute()
}

/** The photos named in a finish report become the report's (a re-finish names a new set). */
export async function markReported(db: Executor, taskId: string, userId: string, ids: readonly string[]) {
  await db.updateTable('task_photos').set({ reported: false }).where('task_id', '=', taskId).where('user_id', '=', userId).execute()
  if (ids.length)
    await db
      .updateTable('task_photos')
      .set({ reported: true })
      .where('task_id', '=', taskId)
      .where('user_id', '=', userId)
      .where('id', 'in', [...ids])
      .execute()
}

/** The report photos of a task's claims (all, or the named people's), with their blobs. */
export async function reportedPhotos(db: Executor, taskId: string, userIds?: readonly string[]) {
  let q = db
    .selectFrom('task_photos as tp')
    .innerJoin('files as f', 'f.id', 'tp.file_id')
    .select(['tp.id', 'tp.user_id', 'f.storage_key', 'f.filename', 'f.content_type', 'f.size'])
    .where('tp.task_id', '=', taskId)
    .where('tp.reported', '=', true)
  if (userIds?.length) q = q.where('tp.user_id', 'in', [...userIds])
  return q.orderBy('tp.created_at').orderBy('tp.id').execute()
}

/** One photo of a task with its blob. */
export async function photoFile(db: Executor, taskId: string, photoId: string) {
  return db
    .selectFrom('task_photos as tp')
    .innerJoin('files as f', 'f.id', 'tp.file_id')
    .select(['tp.id', 'tp.user_id', 'f.storage_key', 'f.content_type', 'f.size'])
    .where('tp.task_id', '=', taskId)
    .where('tp.id', '=', photoId)
    .executeTakeFirst()
}

/** A person of the archive with their region's path (a wish is for a person of the cadre's area). */
export async function personForWish(db: Executor, personId: string) {
  return db
    .selectFrom('persons as p')
    .innerJoin('regions as r', 'r.id', 'p.region_id')
    .select(['p.id', 'p.name', 'p.region_id', 'r.path as region_path', 'r.level as region_level', 'r.parent_id'])
    .where('p.id', '=', personId)
    .executeTakeFirst()
}

export async function regionById(db: Executor, id: number) {
  return db.selectFrom('regions').select(['id', 'path', 'name']).where('id', '=', id).executeTakeFirst()
}

/** A cancelled task's live claims end: withdrawn, as if each holder had stepped back. */
export async function endClaims(db: Executor, taskId: string) {
  await db.updateTable('task_claims').set({ state: 'withdrawn' }).where('task_id', '=', taskId).where('state', 'in', ['claimed', 'checked_in', 'checked_out', 'finished']).execute()
}

export async function recordOf(db: Executor, userId: string) {
  const r = await sql<{ task_id: string; title: string; state: string; hours: string | number; points: number; confirmed_at: Date | null }>`
    select c.task_id, t.title, c.state, c.hours, c.points, c.confirmed_at
    from task_claims c join tasks t on t.id = c.task_id
    where c.user_id = ${userId} and c.state <> 'withdrawn' order by c.claimed_at desc limit 500`.execute(db)
  return r.rows
}

/** An active team's region path (a team task's audience must lie in the task's area). */
export async function teamArea(db: Executor, teamId: string) {
  return (await sql<{ path: string; name: string }>`select r.path, t.name from volunteer_teams t join regions r on r.id = t.region_id where t.id = ${teamId} and t.active`.execute(db)).rows[0]
}
