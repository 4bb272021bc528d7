import type { Claim, CreateTask, Task, VolunteerRecord } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts'
import { type Actor, hasPermission, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import type { Notifier } from '../notifications/notifier.ts'
import * as repo from './tasks.repository.ts'

/** What tasks need of the case engine: its read (visibility) and its actions (the reply a finished task gives). */
export interface TaskCaseEngine {
  get(actor: Actor, id: string): Promise<{ id: string; state: string }>
  act(actor: Actor, id: string, action: string, body: unknown, now?: Date): Promise<unknown>
}

const num = (v: string | number) => Number(v)
const iso = (d: Date | null) => (d ? d.toISOString() : null)

function mapTask(r: repo.TaskRow): Task {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    regionCode: r.region_code,
    regionName: r.region_name,
    place: r.place,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    slots: r.slots,
    claimed: r.claimed,
    remaining: r.slots - r.claimed,
    audience: r.audience as Task['audience'],
    skills: r.skills,
    points: r.points,
    hours: num(r.hours),
    caseId: r.case_id,
    state: r.state as Task['state'],
    publishedBy: r.published_by,
    createdAt: r.created_at.toISOString(),
    myClaim: (r.my_claim as Task['myClaim']) ?? null,
  }
}

function mapClaim(c: repo.ClaimRow, remaining: number): Claim {
  return {
    taskId: c.task_id,
    userId: c.user_id,
    state: c.state as Claim['state'],
    claimedAt: c.claimed_at.toISOString(),
    checkinAt: iso(c.checkin_at),
    checkoutAt: iso(c.checkout_at),
    finishedAt: iso(c.finished_at),
    report: c.report,
    hours: num(c.hours),
    points: c.points,
    remaining,
  }
}

/** Postgres unique violation: a second claim racing the first of the same person. */
const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === '23505'

/**
 * 先锋任务 (issue 15): staff publish a task for an area (with `tasks.publish`), every eligible volunteer residing
 * there gets a notice; volunteers claim first come, first served — never more claims than slots, enforced by the
 * database (one conditional UPDATE, a unique claim per person) —, check in and out, finish with a report; the
 * publisher's side confirms, which credits hours and points and, for a task made from a case, replies the case
 * through the case engine. Reads: staff see tasks in their subtree; a volunteer the tasks whose area holds their
 * residence; anything else is 404.
 */
export class TasksService {
  constructor(
    private db: Kysely<DB>,
    private notifier: Notifier,
    private cases: TaskCaseEngine,
  ) {}

  private isStaff(actor: Actor) {
    return hasPermission(actor, 'tasks.publish') || hasPermission(actor, 'tasks.confirm')
  }

  /** The task if the actor may see it, else 404. */
  private async visible(actor: Actor, id: string, db: Kysely<DB> = this.db) {
    requirePermission(actor, 'tasks.read')
    const t = await repo.findTask(db, id, actor.userId)
    if (!t) throw notFound('任务')
    if (pathInScope(scopeOf(actor), t.region_path)) return t
    if (hasPermission(actor, 'tasks.claim')) {
      const v = await repo.volunteerOf(db, actor.userId)
      if (v && v.home_path.startsWith(t.region_path)) return t
    }
    throw notFound('任务')
  }

  async publish(actor: Actor, body: CreateTask): Promise<Task> {
    requirePermission(actor, 'tasks.publish')
    if (body.audience === 'team') throw badRequest('AUDIENCE_RESERVED', '按队伍发布尚未开放,请选择 any / party / youth', [{ path: 'audience', message: 'team is reserved' }])
    const startsAt = new Date(body.startsAt)
    const endsAt = new Date(body.endsAt)
    if (!(endsAt > startsAt)) throw badRequest('VALIDATION_FAILED', '结束时间须晚于开始时间', [{ path: 'endsAt', message: 'must be after startsAt' }])
    const region = await repo.regionByCode(this.db, body.regionCode)
    if (!region) throw badRequest('UNKNOWN_REGION', `没有这个行政区划: ${body.regionCode}`)
    if (!pathInScope(scopeOf(actor), region.path)) throw forbidden('只能在本人辖区内发布任务')
    // A case becomes a task only if the publisher can see it (404 as the case engine answers otherwise).
    if (body.caseId) await this.cases.get(actor, body.caseId)
    const title = body.title.trim()
    const { id, rows } = await this.db.transaction().execute(async (trx) => {
      const id = await repo.insertTask(trx, {
        title,
        description: body.description?.trim() ?? '',
        regionId: region.id,
        place: body.place?.trim() || null,
        startsAt,
        endsAt,
        slots: body.slots,
        audience: body.audience,
        skills: [...new Set((body.skills ?? []).map((s) => s.trim()).filter(Boolean))],
        points: body.points ?? 0,
        hours: body.hours ?? 0,
        caseId: body.caseId ?? null,
        publishedBy: actor.userId,
      })
      await repo.insertEvent(trx, { taskId: id, action: 'publish', actorId: actor.userId, data: { slots: body.slots, audience: body.audience, caseId: body.caseId ?? null } })
      const rows = await repo.notifyEligible(trx, {
        regionPath: region.path,
        audience: body.audience,
        title: `您收到一条${region.name}先锋任务认领邀请`,
        body: `您收到一条先锋任务「${title}」的认领任务,共 ${body.slots} 个名额,先到先得。`,
      })
      return { id, rows }
    })
    await this.notifier.deliver(rows)
    return this.get(actor, id)
  }

  async get(actor: Actor, id: string): Promise<Task> {
    return mapTask(await this.visible(actor, id))
  }

  async list(actor: Actor, q: { regionCode?: string; state?: string; limit?: number; offset?: number }) {
    requirePermission(actor, 'tasks.read')
    const page = { limit: q.limit ?? 50, offset: q.offset ?? 0 }
    let regionPath: string | undefined
    if (q.regionCode) {
      const r = await repo.regionByCode(this.db, q.regionCode)
      if (!r) return { items: [], total: 0 }
      regionPath = r.path
    }
    let where: { underPath?: string; abovePath?: string }
    if (this.isStaff(actor)) where = { underPath: actor.regionPath }
    else {
      const v = await repo.volunteerOf(this.db, actor.userId)
      where = { abovePath: v!.home_path }
    }
    const { items, total } = await repo.listTasks(this.db, { userId: actor.userId, ...where, regionPath, state: q.state, ...page })
    return { items: items.map(mapTask), total }
  }

  /**
   * 抢单. Checks in order: 404 out of sight, 403 not of the audience, 409 already_claimed, 409 task_full (read
   * without a lock first, so a full task answers at once); then ONE transaction: the conditional UPDATE takes a
   * slot or answers task_full, and the claim row (unique per person) is written with its event.
   */
  async claim(actor: Actor, id: string, now = new Date()): Promise<Claim> {
    requirePermission(actor, 'tasks.claim')
    const t = await this.visible(actor, id)
    const v = (await repo.volunteerOf(this.db, actor.userId))!
    if (!v.home_path.startsWith(t.region_path)) throw forbidden('只有居住在任务区域内的志愿者可以认领', { reason: 'area' })
    if ((t.audience === 'party' && !v.is_party_member) || (t.audience === 'youth' && !v.is_youth_league) || t.audience === 'team')
      throw forbidden(t.audience === 'party' ? '此任务仅限居住地党员认领' : t.audience === 'youth' ? '此任务仅限团员青年认领' : '此任务仅限指定队伍认领', { reason: 'audience', audience: t.audience })
    if (t.my_claim && t.my_claim !== 'withdrawn') throw conflict('ALREADY_CLAIMED', '您已认领过此任务')
    if (t.state !== 'open' && t.state !== 'full') throw conflict('INVALID_TRANSITION', '任务已开始或已结束,不能再认领', { state: t.state })
    if (t.starts_at <= now) throw conflict('TASK_STARTED', '任务已开始,不能再认领')
    const quick = await repo.slotsLeft(this.db, id)
    if (!quick || quick.left <= 0) throw conflict('TASK_FULL', '名额已满', { slots: t.slots })
    try {
      return await this.db.transaction().execute(async (trx) => {
        const slot = await repo.takeSlot(trx, id)
        if (!slot) throw conflict('TASK_FULL', '名额已满', { slots: t.slots })
        const c = await repo.insertClaim(trx, id, actor.userId, now)
        if (!c) throw conflict('ALREADY_CLAIMED', '您已认领过此任务')
        await repo.insertEvent(trx, { taskId: id, action: 'claim', actorId: actor.userId, userId: actor.userId, data: { claimed: slot.claimed, slots: slot.slots } })
        return mapClaim(c, slot.slots - slot.claimed)
      })
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('ALREADY_CLAIMED', '您已认领过此任务')
      throw e
    }
  }

  /** Withdraw before the start: the slot is free again (a full task opens). After the start: 409 task_started. */
  async withdraw(actor: Actor, id: string, now = new Date()) {
    requirePermission(actor, 'tasks.claim')
    const t = await this.visible(actor, id)
    if (!t.my_claim || t.my_claim === 'withdrawn') throw notFound('认领')
    if (t.starts_at <= now || t.my_claim !== 'claimed') throw conflict('TASK_STARTED', '任务开始后不能退出认领', { startsAt: t.starts_at.toISOString() })
    return this.db.transaction().execute(async (trx) => {
      const c = await repo.setClaim(trx, id, actor.userId, ['claimed'], { state: 'withdrawn' })
      if (!c) throw notFound('认领')
      const slot = await repo.freeSlot(trx, id)
      await repo.insertEvent(trx, { taskId: id, action: 'withdraw', actorId: actor.userId, userId: actor.userId })
      return mapClaim(c, slot ? slot.slots - slot.claimed : 0)
    })
  }

  private async ownClaim(actor: Actor, id: string) {
    requirePermission(actor, 'tasks.claim')
    const t = await this.visible(actor, id)
    if (!t.my_claim || t.my_claim === 'withdrawn') throw notFound('认领')
    if (t.state === 'cancelled' || t.state === 'done') throw conflict('INVALID_TRANSITION', '任务已结束', { state: t.state })
    return t
  }

  private async step(actor: Actor, t: repo.TaskRow, from: string[], action: string, set: Parameters<typeof repo.setClaim>[4], data: Record<string, unknown>) {
    return this.db.transaction().execute(async (trx) => {
      const c = await repo.setClaim(trx, t.id, actor.userId, from, set)
      if (!c) throw conflict('INVALID_TRANSITION', '当前状态不能执行此操作', { claim: t.my_claim, action })
      if (action === 'checkin') await repo.setTaskState(trx, t.id, ['open', 'full'], 'in_progress')
      await repo.insertEvent(trx, { taskId: t.id, action, actorId: actor.userId, userId: actor.userId, data })
      return mapClaim(c, t.slots - t.claimed)
    })
  }

  async checkin(actor: Actor, id: string, body: { at?: string; lat?: number; lng?: number }, now = new Date()) {
    const t = await this.ownClaim(actor, id)
    const at = body.at ? new Date(body.at) : now
    return this.step(
      actor,
      t,
      ['claimed'],
      'checkin',
      { state: 'checked_in', checkinAt: at, checkinLat: body.lat ?? null, checkinLng: body.lng ?? null },
      { at: at.toISOString(), lat: body.lat ?? null, lng: body.lng ?? null },
    )
  }

  async checkout(actor: Actor, id: string, body: { at?: string; lat?: number; lng?: number }, now = new Date()) {
    const t = await this.ownClaim(actor, id)
    const at = body.at ? new Date(body.at) : now
    return this.step(
      actor,
      t,
      ['checked_in'],
      'checkout',
      { state: 'checked_out', checkoutAt: at, checkoutLat: body.lat ?? null, checkoutLng: body.lng ?? null },
      { at: at.toISOString(), lat: body.lat ?? null, lng: body.lng ?? null },
    )
  }

  async finish(actor: Actor, id: string, body: { report: string }, now = new Date()) {
    const t = await this.ownClaim(actor, id)
    const report = body.report.trim()
    if (!report) throw badRequest('VALIDATION_FAILED', '请填写完成情况', [{ path: 'report', message: 'must not be blank' }])
    return this.step(actor, t, ['checked_in', 'checked_out'], 'finish', { state: 'finished', finishedAt: now, report }, { length: report.length })
  }

  /**
   * The publisher's side confirms the finished claims (all, or the named ones): hours and points are credited and
   * the task is done. A task made from a case replies the case with the finish reports, through the case engine
   * (its own checks: the confirmer must be the one who may answer the case), before the task changes.
   */
  async confirm(actor: Actor, id: string, body: { userIds?: string[] }, now = new Date()) {
    requirePermission(actor, 'tasks.confirm')
    const t = await this.visible(actor, id)
    if (!pathInScope(scopeOf(actor), t.region_path)) throw forbidden('只能确认本人辖区内的任务')
    if (t.state === 'cancelled' || t.state === 'done') throw conflict('INVALID_TRANSITION', '任务已结束', { state: t.state })
    const reports = await repo.finishedReports(this.db, id, body.userIds)
    if (reports.length === 0) throw conflict('INVALID_TRANSITION', '没有待确认的完成报告')
    if (t.case_id) {
      // The case engine runs its own transaction (and its own checks: the confirmer must be the one who may answer
      // the case, 403/409 otherwise) — before the task changes, so a refused reply leaves the task as it was.
      const c = await this.cases.get(actor, t.case_id)
      if (c.state === 'accepted') {
        const result = `先锋任务「${t.title}」已完成。` + reports.map((r) => `${r.name}: ${r.report}`).join(';')
        await this.cases.act(actor, t.case_id, 'reply', { result: result.slice(0, 5000) }, now)
      }
    }
    const confirmed = await this.db.transaction().execute(async (trx) => {
      const users = await repo.confirmClaims(trx, id, actor.userId, now, body.userIds)
      if (users.length === 0) throw conflict('INVALID_TRANSITION', '没有待确认的完成报告')
      for (const u of users) await repo.insertEvent(trx, { taskId: id, action: 'confirm', actorId: actor.userId, userId: u, data: { hours: num(t.hours), points: t.points } })
      await repo.setTaskState(trx, id, ['open', 'full', 'in_progress'], 'done')
      await repo.insertEvent(trx, { taskId: id, action: 'done', actorId: actor.userId, data: { confirmed: users.length } })
      return users.length
    })
    return { confirmed, state: 'done' as const }
  }

  /** A volunteer's record: their own; staff see volunteers residing (or registered) in their area; others 404. */
  async record(actor: Actor, userId: string): Promise<VolunteerRecord> {
    const v = await repo.volunteerOf(this.db, userId)
    const own = actor.userId === userId
    if (!v || !(own || (this.isStaff(actor) && pathInScope(scopeOf(actor), v.home_path)))) throw notFound('志愿者')
    const rows = await repo.recordOf(this.db, userId)
    const confirmed = rows.filter((r) => r.state === 'confirmed')
    return {
      userId,
      name: v.name,
      hours: Math.round(confirmed.reduce((s, r) => s + num(r.hours), 0) * 100) / 100,
      points: confirmed.reduce((s, r) => s + r.points, 0),
      tasks: confirmed.length,
      items: rows.map((r) => ({
        taskId: r.task_id,
        title: r.title,
        state: r.state as VolunteerRecord['items'][number]['state'],
        hours: num(r.hours),
        points: r.points,
        confirmedAt: iso(r.confirmed_at),
      })),
    }
  }
}
