import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

// The volunteer's side of 先锋任务 beyond the tasks: the monthly leaderboard and a claimed task's case. Raw SQL on
// the tasks migration's tables (20261207070000_tasks), like tasks.repository.

export async function regionByCode(db: Executor, code: string) {
  return (await sql<{ id: number; code: string; name: string; path: string }>`select id, code, name, path from regions where code = ${code}`.execute(db)).rows[0]
}

/** A user's home: the residence region, else the account region (the tasks' eligibility rule). */
export async function homeOf(db: Executor, userId: string) {
  const r = await sql<{ code: string; name: string; path: string }>`
    select coalesce(rr.code, ar.code) as code, coalesce(rr.name, ar.name) as name, coalesce(rr.path, ar.path) as path
    from users u join regions ar on ar.id = u.region_id left join regions rr on rr.id = u.residence_region_id
    where u.id = ${userId}`.execute(db)
  return r.rows[0]
}

export interface BoardRow {
  user_id: string
  name: string
  region_name: string
  hours: string | number
  points: number
  tasks: number
  rank: number
  total: number
}

/**
 * Volunteers residing (else registered) under `path`, ranked by the hours, then points, confirmed in [from, to):
 * standard competition ranking, ties by name for a stable order. Only volunteers with something confirmed are
 * ranked. The first `limit` lines plus the line of `userId` (wherever it ranks), each with the ranked total.
 */
export async function leaderboard(db: Executor, q: { path: string; from: Date; to: Date; limit: number; userId: string }) {
  const r = await sql<BoardRow>`
    with sums as (
      select c.user_id, sum(c.hours) as hours, sum(c.points)::int as points, count(*)::int as tasks
      from task_claims c
      where c.state = 'confirmed' and c.confirmed_at >= ${q.from} and c.confirmed_at < ${q.to}
      group by c.user_id
    ), ranked as (
      select s.user_id, u.name, coalesce(rr.name, ar.name) as region_name, s.hours, s.points, s.tasks,
        rank() over (order by s.hours desc, s.points desc)::int as rank,
        row_number() over (order by s.hours desc, s.points desc, u.name, u.id) as pos,
        count(*) over ()::int as total
      from sums s
      join users u on u.id = s.user_id
      join regions ar on ar.id = u.region_id
      left join regions rr on rr.id = u.residence_region_id
      where 'volunteer' = any(u.roles) and coalesce(rr.path, ar.path) like ${q.path + '%'} and (s.hours > 0 or s.points > 0)
    )
    select user_id, name, region_name, hours, points, tasks, rank, total from ranked
    where pos <= ${q.limit} or user_id = ${q.userId}
    order by pos`.execute(db)
  return r.rows
}

/** A user's confirmed figures in [from, to) (their own line when they rank nowhere). */
export async function figuresOf(db: Executor, userId: string, from: Date, to: Date) {
  const r = await sql<{ hours: string | number; points: number; tasks: number }>`
    select coalesce(sum(hours), 0) as hours, coalesce(sum(points), 0)::int as points, count(*)::int as tasks
    from task_claims where user_id = ${userId} and state = 'confirmed' and confirmed_at >= ${from} and confirmed_at < ${to}`.execute(db)
  return r.rows[0]!
}

/** A task with its region path and case, and the caller's claim on it. */
export async function taskWithClaim(db: Executor, taskId: string, userId: string) {
  const r = await sql<{ id: string; case_id: string | null; region_path: string; my_claim: string | null }>`
    select t.id, t.case_id, r.path as region_path, c.state as my_claim
    from tasks t join regions r on r.id = t.region_id left join task_claims c on c.task_id = t.id and c.user_id = ${userId}
    where t.id = ${taskId}`.execute(db)
  return r.rows[0]
}

/** What a claimant reads of a task's case: no reporter, no handler, no timeline. */
export async function caseSummary(db: Executor, caseId: string) {
  const r = await sql<{ id: string; number: string; title: string; description: string; region_name: string; category: string | null; state: string; created_at: Date }>`
    select c.id, c.number, c.title, c.description, r.name as region_name, cat.name as category, c.state, c.created_at
    from cases c join regions r on r.id = c.region_id left join categories cat on cat.id = c.category_id
    where c.id = ${caseId}`.execute(db)
  return r.rows[0]
}
