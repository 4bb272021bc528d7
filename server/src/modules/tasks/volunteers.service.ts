import { LEADERBOARD_SIZE, type Leaderboard, maskName, stageOf, type CaseState, type TaskCaseSummary } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { notFound } from '../../platform/errors.ts'
import { type Actor, hasPermission, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import { cnDate } from '../../platform/workdays.ts'
import * as repo from './volunteers.repository.ts'

/** Asia/Shanghai is UTC+8 all year: a calendar month there starts at 16:00 UTC of the day before. */
const CN_OFFSET_MS = 8 * 3600_000

/** [from, to) of a `YYYY-MM` month in Asia/Shanghai. */
export function monthRange(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return { from: new Date(Date.UTC(y, m - 1, 1) - CN_OFFSET_MS), to: new Date(Date.UTC(y, m, 1) - CN_OFFSET_MS) }
}

const round2 = (v: string | number) => Math.round(Number(v) * 100) / 100

/** What the volunteer side needs of the case engine: whether staff may see a case (404 otherwise). */
export interface CaseSight {
  get(actor: Actor, id: string): Promise<unknown>
}

/**
 * The volunteer's side of 先锋任务 (issue 15) beyond the tasks: the monthly leaderboard of an area, and the case a
 * claimed task was made from. Who reads what:
 * - the board: a volunteer that of the area they reside in (residence, else account region) — other volunteers'
 *   names masked (金*婷), no ids; staff (tasks.publish / tasks.confirm) any region of their own area, names in full.
 *   Any other region answers 404, as if it did not exist.
 * - a task's case: a volunteer holding a live claim on the task reads a summary (what, where, its progress — no
 *   reporter, no handler, no timeline; the full case stays with staff); staff who may see the case read the same.
 */
export class VolunteersService {
  constructor(
    private db: Kysely<DB>,
    private cases: CaseSight,
  ) {}

  private isStaff(actor: Actor) {
    return hasPermission(actor, 'tasks.publish') || hasPermission(actor, 'tasks.confirm')
  }

  async leaderboard(actor: Actor, q: { regionCode?: string; month?: string }, now = new Date()): Promise<Leaderboard> {
    requirePermission(actor, 'tasks.read')
    const staff = this.isStaff(actor)
    const home = hasPermission(actor, 'tasks.claim') ? await repo.homeOf(this.db, actor.userId) : undefined
    let region: { code: string; name: string; path: string } | undefined
    if (staff) {
      region = await repo.regionByCode(this.db, q.regionCode ?? actor.regionCode)
      if (!region || !pathInScope(scopeOf(actor), region.path)) throw notFound('区域')
    } else {
      // A volunteer's board is the one of the area they reside in; naming another region is reading out of sight.
      if (!home || (q.regionCode && q.regionCode !== home.code)) throw notFound('区域')
      region = home
    }
    const month = q.month ?? cnDate(now).slice(0, 7)
    const { from, to } = monthRange(month)
    const rows = await repo.leaderboard(this.db, { path: region.path, from, to, limit: LEADERBOARD_SIZE, userId: actor.userId })
    const items = rows.map((r) => {
      const me = r.user_id === actor.userId
      const open = staff || me
      return { rank: r.rank, userId: open ? r.user_id : null, name: open ? r.name : maskName(r.name), regionName: r.region_name, me, hours: round2(r.hours), points: r.points, tasks: r.tasks }
    })
    // The caller's line rides along even beyond the first LEADERBOARD_SIZE; the list shows only those.
    const own = items.find((i) => i.me)
    const top = items.slice(0, LEADERBOARD_SIZE)
    let mine: Leaderboard['mine'] = null
    if (home && home.path.startsWith(region.path)) {
      if (own) mine = { rank: own.rank, hours: own.hours, points: own.points, tasks: own.tasks }
      else {
        const f = await repo.figuresOf(this.db, actor.userId, from, to)
        mine = { rank: null, hours: round2(f.hours), points: f.points, tasks: f.tasks }
      }
    }
    return { region: { code: region.code, name: region.name }, month, items: top, total: rows[0]?.total ?? 0, mine }
  }

  async taskCase(actor: Actor, taskId: string): Promise<TaskCaseSummary> {
    requirePermission(actor, 'tasks.read')
    const t = await repo.taskWithClaim(this.db, taskId, actor.userId)
    if (!t) throw notFound('任务')
    const staffSees = this.isStaff(actor) && pathInScope(scopeOf(actor), t.region_path)
    if (!staffSees) {
      const home = hasPermission(actor, 'tasks.claim') ? await repo.homeOf(this.db, actor.userId) : undefined
      if (!home || !home.path.startsWith(t.region_path)) throw notFound('任务')
      // In the hall, but the case is only for those who took the task on.
      if (!t.my_claim || t.my_claim === 'withdrawn') throw notFound('事项')
    }
    if (!t.case_id) throw notFound('事项')
    if (staffSees) await this.cases.get(actor, t.case_id)
    const c = await repo.caseSummary(this.db, t.case_id)
    if (!c) throw notFound('事项')
    return {
      id: c.id,
      number: c.number,
      title: c.title,
      description: c.description,
      regionName: c.region_name,
      category: c.category,
      state: c.state as CaseState,
      stage: stageOf(c.state as CaseState),
      createdAt: c.created_at.toISOString(),
    }
  }
}
