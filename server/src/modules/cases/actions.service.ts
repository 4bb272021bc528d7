import {
  ACCEPT_WITHIN_DAYS,
  type ActionBody,
  CASE_ACTION_TABLE,
  CASE_ACTIONS,
  CASE_ROLE_WORDS,
  CASE_STATE_TABLE,
  type CaseAction,
  type CaseLevel,
  type CaseRole,
  type CaseState,
  ESCALATE_AFTER_UNSATISFIED,
  isOpenState,
  SYSTEM_ACTION_TABLE,
  type SystemAction,
  targetsOf,
} from '@minqing/common'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts'
import type { EventBus } from '../../platform/events.ts'
import { type Actor, pathInScope, scopeOf, SYSTEM_ACTOR_ID } from '../../platform/policy.ts'
import { addWorkingDays, workingDaysBetween } from '../../platform/workdays.ts'
import type { Notifier, OutgoingNotification } from '../notifications/notifier.ts'
import { type CaseFacts, HANDLING_ACTIONS, holdsRole, isHandler, isSystem, isVisible, LEVEL_DEPTH, levelIndex, levelRegionPath, nextLevel, systemActor, villagePath } from './access.ts'
import type { CaseClock } from './clock.service.ts'
import * as repo from './cases.repository.ts'
import { linkResultPhotos } from '../result-photos/result-photos.ts'

type Trx = Transaction<DB>
type Executor = Kysely<DB> | Trx
type Row = repo.CaseRow
export type Patch = Parameters<typeof repo.updateCase>[2]
type Recipient = 'handler' | 'former_handler' | 'dispatchers' | 'reporter' | 'unit'

/** What a handler decides: the new state (checked against the table), the row's other changes, the timeline row's note and data, whom to tell. */
interface Outcome {
  to: CaseState
  patch?: Patch
  note?: string | null
  data?: Record<string, unknown>
  notify?: { who: Recipient[]; title: string; kind?: string; body?: string | null }
  /** More writes in the same transaction (another case's timeline, the answer's photos); returns more notices. */
  after?: (trx: Executor, eventId: string) => Promise<OutgoingNotification[]>
}

interface Step {
  db: Executor
  actor: Actor
  c: Row
  now: Date
  title(what: string): string
}

/** What each system action takes. */
export interface SystemInputs {
  warn: Record<string, never>
  overdue: Record<string, never>
  accept_overdue: Record<string, never>
  auto_close: { afterDays: number }
  /** Another platform's re-delivery: the changed fields, and the state it finished in there (if the case is still open here). */
  external_update: { patch: Patch; finish: 'closed' | 'replied' | 'rejected' | null; data: Record<string, unknown> }
  merged_from: { caseId: string; number: string }
  answered_via_merge: { caseId: string; number: string; result: string }
  comment: { note: string; data: Record<string, unknown> }
  media_link: { note: string; data: Record<string, unknown> }
  attach: { filename: string }
  callback: { note: string | null; data: Record<string, unknown> }
  /** 民情大脑 at intake (issue 14): the category applied (or only suggested) and the urgency raised. */
  triage: { categoryId: number | null; urgency: 'emergency' | null; note: string; data: Record<string, unknown> }
  /** 一键推送 / an emergency's push: the users told (town leaders, duty officers), with the reason. */
  push: { userIds: string[]; note: string | null; data: Record<string, unknown> }
}
export type SystemStep = { [S in SystemAction]: { action: S; input: SystemInputs[S]; actorId?: string | null } }[SystemAction]

type UserHandlers = { [A in CaseAction]: (x: Step, body: ActionBody<A>) => Promise<Outcome> }
/** A system handler answers null when there is nothing to do (a mark already made): no change, no timeline row. */
type SystemHandlers = { [S in SystemAction]: (x: Step, input: SystemInputs[S]) => Promise<Outcome | null> }

/** Server-side checks beyond the table's states and roles (the table states them in words). */
const RULES: { [A in CaseAction]?: { applies?: (c: Row) => boolean; roleGuard?: Partial<Record<CaseRole, (c: Row, actor: Actor) => boolean>> } } = {
  escalate: { applies: (c) => c.level !== 'county', roleGuard: { raiser: (c) => c.state === 'new' } },
  // A town handler dispatches too: the one who asked for more time (their unit) never approves it.
  approve_extension: { roleGuard: { dispatcher: (c, actor) => !isHandler(actor, c) } },
  resolve_on_spot: { roleGuard: { raiser: (c) => c.level === 'grid' || c.level === 'village' } },
  rate: { applies: (c) => !c.rating },
  reopen: { applies: (c) => !c.rating },
}

const NO_FACTS: CaseFacts = { handledBy: new Set() }
const isUserAction = (a: string): a is CaseAction => (CASE_ACTIONS as readonly string[]).includes(a)

/**
 * The lifecycle engine: ONE `step()` that applies the table of common/case-lifecycle.ts to every change of a
 * case — users' actions (`transition`) and the system's (`system`, `systemIn`: deadline marks, auto-close,
 * other platforms' updates, another case's merge or answer, remarks and photos). Each step checks the state
 * (409 invalid_transition) and the role (403), runs the action's handler with its typed body, checks the new
 * state against the table, writes the row and its case_events row, and records the notices, all in the
 * caller's transaction with the case row locked.
 */
export class CaseActions {
  constructor(
    private db: Kysely<DB>,
    private clock: CaseClock,
    private notifier: Notifier,
    private bus: EventBus,
  ) {}

  // ---- who may --------------------------------------------------------------------------------------
  mayAct(actor: Actor, c: Row, action: CaseAction, facts: CaseFacts) {
    const guard = RULES[action]?.roleGuard
    return CASE_ACTION_TABLE[action].who.some((role) => holdsRole(role, actor, c, facts) && (guard?.[role]?.(c, actor) ?? true))
  }

  /** The actions this actor may take on the case now (the detail's allowedActions). */
  allowedActions(actor: Actor, c: Row, facts: CaseFacts): CaseAction[] {
    return CASE_ACTIONS.filter((a) => CASE_ACTION_TABLE[a].from.includes(c.state as CaseState) && (RULES[a]?.applies?.(c) ?? true) && this.mayAct(actor, c, a, facts))
  }

  /** Who handled the case, from its timeline (only the reporter role needs it). */
  async factsOf(db: Executor, caseId: string): Promise<CaseFacts> {
    return { handledBy: await repo.actorsOf(db, caseId, HANDLING_ACTIONS) }
  }

  /** The case, if the actor may see it; 404 otherwise (also before any body is looked at). */
  async visibleCase(actor: Actor, id: string) {
    const c = await repo.findCase(this.db, id)
    if (!isVisible(actor, c)) throw notFound('事项')
    return c
  }

  // ---- doors -----------------------------------------------------------------------------------------
  /**
   * A user's action on one case, in one transaction with the case row locked. The caller has checked the body
   * (the action's route schema) and that the case is in the actor's sight.
   */
  async transition<A extends CaseAction>(actor: Actor, id: string, action: A, body: ActionBody<A>, now = new Date(), opts: { viaCall?: boolean } = {}) {
    const rows = await this.db.transaction().execute(async (trx) => {
      await repo.lockCase(trx, id)
      const c = await repo.findCase(trx, id)
      if (!c) throw notFound('事项')
      const done = await this.step(trx, actor, c, action, body, now, { viaCall: opts.viaCall })
      return this.notifier.record(trx, done.applied ? done.notices : [])
    })
    await this.notifier.deliver(rows)
    await this.bus.publish(`case.${action}`, { id, actorId: actor.userId })
  }

  /**
   * System steps on one case, in one transaction with the row locked; each re-reads the case and is skipped
   * (false) when the state does not allow it or there is nothing to do.
   */
  async system(id: string, now: Date, steps: SystemStep[]): Promise<boolean[]> {
    const { applied, rows } = await this.db.transaction().execute(async (trx) => {
      await repo.lockCase(trx, id)
      const applied: boolean[] = []
      const notices: OutgoingNotification[] = []
      for (const s of steps) {
        const c = await repo.findCase(trx, id)
        if (!c) return { applied: steps.map(() => false), rows: [] }
        const done = await this.step(trx, systemActor(), c, s.action, s.input, now, { eventActorId: s.actorId ?? null, lenient: true })
        applied.push(done.applied)
        if (done.applied) notices.push(...done.notices)
      }
      return { applied, rows: await this.notifier.record(trx, notices) }
    })
    await this.notifier.deliver(rows)
    // After commit, like a user's action (the reporter's texts hear of an auto-close this way).
    for (const [i, s] of steps.entries()) if (applied[i]) await this.bus.publish(`case.${s.action}`, { id, actorId: s.actorId ?? null })
    return applied
  }

  /**
   * A system step inside the caller's transaction (lock the case first when ordering matters). Returns the
   * timeline row's id and the notices recorded; call `deliver` after commit.
   */
  async systemIn(db: Executor, c: Row, s: SystemStep, now: Date) {
    const done = await this.step(db, systemActor(), c, s.action, s.input, now, { eventActorId: s.actorId ?? null })
    if (!done.applied) return { eventId: null, to: c.state as CaseState, deliver: async () => {} }
    const rows = await this.notifier.record(db, done.notices)
    return { eventId: done.eventId, to: done.to, deliver: () => this.notifier.deliver(rows) }
  }

  /**
   * A connected system's comment on a case, or the link to its own media of a report: a timeline row beside the
   * case's events (the state stays), and for a comment a notice to whoever handles the case.
   */
  async remark(db: Executor, caseId: string, r: { action: 'comment' | 'media_link'; note: string; at: Date; data: Record<string, unknown> }) {
    const done = await this.mark(db, caseId, { action: r.action, input: { note: r.note, data: r.data } }, r.at)
    return { eventId: done.eventId!, deliver: done.deliver }
  }

  /** A system step on a case by id, inside the caller's transaction (see systemIn); 404 when there is no such case. */
  async mark(db: Executor, caseId: string, s: SystemStep, now: Date) {
    const c = await repo.findCase(db, caseId)
    if (!c) throw notFound('事项')
    return this.systemIn(db, c, s, now)
  }

  // ---- the one step --------------------------------------------------------------------------------------
  private async step(
    db: Executor,
    actor: Actor,
    c: Row,
    name: CaseAction | SystemAction,
    input: unknown,
    now: Date,
    opts: { eventActorId?: string | null; lenient?: boolean; viaCall?: boolean } = {},
  ): Promise<{ applied: false } | { applied: true; eventId: string; to: CaseState; notices: OutgoingNotification[] }> {
    const user = isUserAction(name)
    const spec = user ? CASE_ACTION_TABLE[name] : SYSTEM_ACTION_TABLE[name]
    const from = c.state as CaseState
    if (!spec.from.includes(from)) {
      if (opts.lenient) return { applied: false }
      throw new AppError(409, 'INVALID_TRANSITION', `事项当前状态 ${c.state} 不能执行 ${name}`, { state: c.state, action: name, allowedFrom: spec.from })
    }
    if (user) {
      const who = CASE_ACTION_TABLE[name].who
      const facts = who.includes('reporter') || who.includes('caller') ? { ...(await this.factsOf(db, c.id)), viaCall: opts.viaCall } : NO_FACTS
      if (!this.mayAct(actor, c, name, facts)) throw forbidden(`只有${who.map((r) => CASE_ROLE_WORDS[r]).join('或')}可以执行此操作`, { action: name })
    } else if (!isSystem(actor)) throw new Error(`system action ${name} by a user`)

    const x: Step = { db, actor, c, now, title: (what) => `${what}: ${c.number} ${c.title}` }
    const outcome = user
      ? await (this.handlers[name] as (x: Step, b: unknown) => Promise<Outcome>)(x, input)
      : await (this.systemHandlers[name] as (x: Step, b: unknown) => Promise<Outcome | null>)(x, input)
    if (!outcome) return { applied: false }
    if (!targetsOf(spec.to, from).includes(outcome.to)) throw new Error(`lifecycle: ${name} may not lead from ${from} to ${outcome.to}`)

    if (outcome.patch || outcome.to !== from) await repo.updateCase(db, c.id, { ...(outcome.patch ?? {}), ...(outcome.to !== from ? { state: outcome.to } : {}) })
    const event = await repo.insertEvent(db, {
      caseId: c.id,
      action: name,
      actorId: opts.eventActorId !== undefined ? opts.eventActorId : actor.userId === SYSTEM_ACTOR_ID ? null : actor.userId,
      from,
      to: outcome.to,
      note: outcome.note ?? null,
      data: actor.reporterOf ? { ...outcome.data, via: actor.name } : opts.viaCall ? { ...outcome.data, via: 'callback' } : outcome.data,
      at: now,
    })
    let notices: OutgoingNotification[] = []
    if (outcome.notify) {
      const updated = (await repo.findCase(db, c.id))!
      const n = outcome.notify
      notices = await this.recipients(db, updated, n.who, actor, { kind: n.kind ?? `case.${name}`, title: n.title, body: n.body }, c)
    }
    if (outcome.after) notices.push(...(await outcome.after(db, String(event.id))))
    return { applied: true, eventId: String(event.id), to: outcome.to, notices }
  }

  /** Who a notice concerns; never the actor themself. `former_handler`: who handled it before this change. */
  async recipients(db: Executor, c: Row, who: Recipient[], actor: Actor | null, n: { kind: string; title: string; body?: string | null }, before?: Row): Promise<OutgoingNotification[]> {
    const ids = new Set<string>()
    for (const w of who) {
      if (w === 'handler') for (const id of [c.handler_id, c.claimed_by]) if (id) ids.add(id)
      if (w === 'former_handler') for (const id of [before?.handler_id, before?.claimed_by]) if (id) ids.add(id)
      if (w === 'unit' && c.unit_id) for (const id of await repo.unitMembers(db, c.unit_id)) ids.add(id)
      if (w === 'reporter' && c.reporter_user_id) ids.add(c.reporter_user_id)
      if (w === 'dispatchers') {
        for (const id of await repo.dispatchersAt(db, levelRegionPath(c.region_path, c.level))) ids.add(id)
        // …and whoever dispatched it last, wherever they sit (a town handler dispatching a grid's case).
        const last = await repo.lastEvent(db, c.id, ['dispatch', 'transfer'])
        if (last?.actor_id) ids.add(last.actor_id)
      }
    }
    if (actor) ids.delete(actor.userId)
    ids.delete(SYSTEM_ACTOR_ID)
    return [...ids].map((userId) => ({ userId, kind: n.kind, title: n.title, body: n.body === undefined ? c.title : n.body, caseId: c.id }))
  }

  private async checkUnit(db: Executor, actor: Actor, unitId: string) {
    const unit = await repo.findUnitLite(db, unitId)
    if (!unit || !(pathInScope(scopeOf(actor), unit.path) || unit.id === actor.unitId)) throw badRequest('UNKNOWN_UNIT', '承办单位不存在或不在本人辖区', { unitId })
    return unit
  }

  /** A reopened case goes back to its level's dispatchers (待交办) with no unit, handler or clock. */
  private reopenPatch(c: Row, level: CaseLevel): Patch {
    return {
      level,
      reopen_count: c.reopen_count + 1,
      unit_id: null,
      handler_id: null,
      due_at: null,
      warn_at: null,
      warned_at: null,
      overdue_at: null,
      accept_due_at: null,
      replied_at: null,
      paused_at: null,
    }
  }

  // ---- users' actions, one handler each, with its typed body ---------------------------------------------
  private handlers: UserHandlers = {
    dispatch: async ({ db, actor, c, now, title }, body) => {
      const unit = await this.checkUnit(db, actor, body.unitId)
      if (body.handlerId) {
        const h = await repo.findUserLite(db, body.handlerId)
        if (!h || !h.active || h.unit_id !== unit.id) throw badRequest('UNKNOWN_USER', '承办人须是承办单位的在岗人员', { handlerId: body.handlerId })
      }
      // The dispatcher confirms or corrects the category (issue 14): set here, learned by the brain after commit.
      const category = body.categoryCode ? await repo.findCategoryByCode(db, body.categoryCode) : undefined
      if (body.categoryCode && (!category || !category.active)) throw badRequest('UNKNOWN_CATEGORY', `未知分类: ${body.categoryCode}`, { categoryCode: body.categoryCode })
      const level = body.level ?? c.level
      const regionLevelIdx = c.region_path.split('/').filter(Boolean).length - 2 // grid 4→… village 3, town 2
      if (levelIndex(level) > levelIndex(c.level) || LEVEL_DEPTH[level] > regionLevelIdx + 1) throw badRequest('VALIDATION_FAILED', '只能交办到本级或下级', { level, current: c.level })
      let due: Date
      let warn: Date | null
      if (c.state === 'returned' && c.due_at && c.paused_at) {
        // The clock paused while the case was back with the dispatcher: it resumes where it stopped.
        const shift = now.getTime() - c.paused_at.getTime()
        due = new Date(c.due_at.getTime() + shift)
        warn = c.warn_at ? new Date(c.warn_at.getTime() + shift) : null
      } else {
        ;({ due, warn } = await this.clock.clock(category ? { ...c, category_id: category.id } : c, now, db))
      }
      const override = !!c.suggested_unit_id && c.suggested_unit_id !== unit.id
      return {
        to: 'dispatched',
        patch: {
          unit_id: unit.id,
          handler_id: body.handlerId ?? null,
          level,
          dispatched_by_level: c.level,
          due_at: due,
          warn_at: warn,
          accept_due_at: addWorkingDays(now, ACCEPT_WITHIN_DAYS),
          paused_at: null,
          ...(c.state === 'returned' ? {} : { warned_at: null, overdue_at: null }),
          ...(category ? { category_id: category.id } : {}),
        },
        note: body.note ?? null,
        // fromLevel: the case's level before a dispatch down (statistics' raised level, 层级化解).
        data: {
          unitId: unit.id,
          unitName: unit.name,
          handlerId: body.handlerId ?? null,
          level,
          fromLevel: c.level,
          dueAt: due?.toISOString(),
          suggestedUnitId: c.suggested_unit_id,
          override,
          ...(category ? { categoryCode: category.code, fromCategoryCode: c.category_code ?? null } : {}),
        },
        notify: { who: body.handlerId ? ['handler'] : ['unit'], title: title('新交办事项') },
      }
    },
    accept: async ({ actor, c, title }, body) => ({
      to: 'accepted',
      patch: { handler_id: c.handler_id ?? actor.userId },
      note: body.note ?? null,
      notify: { who: ['reporter'], title: title('事项已签收') },
    }),
    return: async ({ db, c, now, title }, body) => {
      const last = await repo.lastEvent(db, c.id, ['dispatch', 'transfer'])
      const window = this.clock.timing.returnWindowDays
      if (last && workingDaysBetween(last.at, now) > window) throw conflict('RETURN_WINDOW_CLOSED', `收到事项 ${window} 个工作日后不能退回`, { dispatchedAt: last.at.toISOString() })
      return {
        to: 'returned',
        patch: { paused_at: now, unit_id: null, handler_id: null },
        note: body.reason,
        data: { unitId: c.unit_id, unitName: c.unit_name },
        notify: { who: ['dispatchers'], title: title('事项被退回') },
      }
    },
    transfer: async ({ db, actor, c, now, title }, body) => {
      const unit = await this.checkUnit(db, actor, body.unitId)
      if (unit.id === c.unit_id) throw badRequest('VALIDATION_FAILED', '不能转办给原承办单位')
      return {
        to: 'dispatched',
        patch: { unit_id: unit.id, handler_id: null, accept_due_at: addWorkingDays(now, ACCEPT_WITHIN_DAYS) },
        note: body.reason,
        data: { fromUnitId: c.unit_id, fromUnitName: c.unit_name, unitId: unit.id, unitName: unit.name },
        notify: { who: ['unit'], title: title('转办事项') },
      }
    },
    extend: async ({ c, now, title }, body) => {
      const max = this.clock.timing.maxExtensionDays
      if (c.extension_days + body.days > max) throw badRequest('EXTENSION_LIMIT', `延期合计不能超过 ${max} 个工作日`, { used: c.extension_days, requested: body.days })
      return {
        to: 'extension_requested',
        patch: { pending_extension_days: body.days, paused_at: now },
        note: body.reason,
        data: { days: body.days },
        notify: { who: ['dispatchers'], title: title('延期申请待审批') },
      }
    },
    approve_extension: async ({ c, now, title }, body) => {
      const shift = c.paused_at ? now.getTime() - c.paused_at.getTime() : 0
      let due = c.due_at ? new Date(c.due_at.getTime() + shift) : null
      let warn = c.warn_at ? new Date(c.warn_at.getTime() + shift) : null
      const days = c.pending_extension_days ?? 0
      if (body.approved && due) {
        due = addWorkingDays(due, days)
        warn = this.clock.warnAt(now, due)
      }
      return {
        to: 'accepted',
        patch: {
          due_at: due,
          warn_at: warn,
          paused_at: null,
          pending_extension_days: null,
          extension_days: body.approved ? c.extension_days + days : c.extension_days,
          ...(body.approved ? { warned_at: null, overdue_at: null } : {}),
        },
        note: body.note ?? null,
        data: { approved: body.approved, days, dueAt: due?.toISOString() },
        notify: { who: ['handler'], title: title(body.approved ? '延期已批准' : '延期未获批准') },
      }
    },
    escalate: async ({ c, title }, body) => {
      const up = nextLevel(c.level)
      if (!up) throw conflict('TOP_LEVEL', '已在县(市)级,不能再上报')
      return {
        to: 'escalated',
        patch: { level: up, unit_id: null, handler_id: null, due_at: null, warn_at: null, warned_at: null, overdue_at: null, accept_due_at: null, paused_at: null },
        note: body.reason,
        data: { fromLevel: c.level, toLevel: up },
        notify: { who: ['dispatchers'], title: title('下级上报事项') },
      }
    },
    claim: async ({ db, actor, c, now, title }, body) => {
      // A case with no clock (new, escalated, reopened) starts a fresh one; a running or paused one keeps it.
      const fresh = !c.due_at || CASE_STATE_TABLE[c.state as CaseState].clock === 'stopped'
      const { due, warn } = fresh ? await this.clock.clock(c, now, db) : { due: c.due_at, warn: c.warn_at }
      return {
        to: 'accepted',
        patch: { claimed_by: actor.userId, handler_id: actor.userId, unit_id: actor.unitId ?? c.unit_id, due_at: due, warn_at: warn, paused_at: null, pending_extension_days: null },
        note: body.note ?? null,
        data: { leader: actor.name },
        notify: { who: ['reporter', 'dispatchers'], title: title('领导认领事项') },
      }
    },
    urge: async ({ c, title }, body) => ({
      to: c.state as CaseState,
      note: body.note ?? null,
      notify: { who: c.unit_id || c.handler_id ? ['handler', 'unit'] : ['dispatchers'], title: title('催办') },
    }),
    supervise: async ({ c, title }, body) => ({
      to: c.state as CaseState,
      patch: { supervision: body.level },
      note: body.note ?? null,
      data: { level: body.level },
      notify: {
        who: c.unit_id || c.handler_id ? ['handler', 'unit', 'dispatchers'] : ['dispatchers'],
        title: title(body.level === 'red' ? '红牌督办' : body.level === 'yellow' ? '黄牌督办' : '督办'),
      },
    }),
    reply: async ({ actor, c, now, title }, body) => ({
      to: 'replied',
      patch: { replied_at: now, rating: null },
      note: body.result,
      notify: { who: ['reporter'], title: title('事项已答复,请评价') },
      after: async (db, eventId) => {
        // 处理后照片: the answer's photos move to its timeline row (a bad one refuses the whole answer).
        await linkResultPhotos(db, { caseId: c.id, eventId, userId: actor.userId, photoIds: body.photoIds })
        // 反映必反馈: the reporters of cases merged into this one are answered too.
        const out: OutgoingNotification[] = []
        for (const m of await repo.casesMergedInto(db, c.id)) {
          const row = (await repo.findCase(db, m.id))!
          const done = await this.step(db, systemActor(), row, 'answered_via_merge', { caseId: c.id, number: c.number, result: body.result }, now, { eventActorId: actor.userId, lenient: true })
          if (done.applied) out.push(...done.notices)
        }
        return out
      },
    }),
    rate: async ({ c, now, title }, body) => {
      if (c.rating) throw new AppError(409, 'INVALID_TRANSITION', '已评价', { rating: c.rating })
      const rated = { rating: body.rating, rating_comment: body.comment ?? null, rated_at: now }
      if (body.rating !== 'unsatisfied')
        return { to: 'closed', patch: { ...rated, closed_at: now }, note: body.comment ?? null, data: { rating: body.rating }, notify: { who: ['handler'], title: title('事项已办结') } }
      // 不满意: back to work. The case is reopened for its level's dispatchers (待交办); from the second
      // unsatisfied rating on it also goes one level up (难事领导认领), unless it is at the county already.
      // The case's rating is that of its current answer, and there is none now: the unsatisfied rating lives on
      // in this timeline row (data.rating, the comment as its note), where the history and the statistics read it.
      const times = c.reopen_count + 1
      const up = times >= ESCALATE_AFTER_UNSATISFIED ? nextLevel(c.level) : undefined
      const level = up ?? c.level
      return {
        to: 'reopened',
        patch: { rating: null, rating_comment: null, rated_at: null, ...this.reopenPatch(c, level) },
        note: body.comment ?? null,
        data: { rating: body.rating, reopenCount: times, level, escalated: !!up },
        notify: { who: ['dispatchers', 'former_handler'], title: title(up ? '反映人不满意,事项上报重办' : '反映人不满意,事项重办') },
      }
    },
    reopen: async ({ c, title }, body) => {
      if (c.rating) throw new AppError(409, 'INVALID_TRANSITION', '已评价的事项不能再由交办人重办', { rating: c.rating })
      const level = body.escalate ? nextLevel(c.level) : c.level
      if (!level) throw conflict('TOP_LEVEL', '已在县(市)级,不能再上报')
      return {
        to: 'reopened',
        patch: this.reopenPatch(c, level),
        note: body.reason,
        data: { level, escalated: !!body.escalate },
        notify: { who: ['dispatchers', 'former_handler'], title: title('事项重办') },
      }
    },
    merge: async ({ db, actor, c, now, title }, body) => {
      if (body.intoCaseId === c.id) throw badRequest('VALIDATION_FAILED', '不能并入自身')
      const target = await repo.findCase(db, body.intoCaseId)
      if (!isVisible(actor, target)) throw badRequest('VALIDATION_FAILED', '要并入的事项不存在', { intoCaseId: body.intoCaseId })
      if (!isOpenState(target.state) && target.state !== 'replied') throw conflict('INVALID_TRANSITION', '只能并入未办结的事项', { targetState: target.state })
      if (villagePath(target.region_path) !== villagePath(c.region_path)) throw badRequest('VALIDATION_FAILED', '只能并入同一村社的同类事项')
      return {
        to: 'merged',
        patch: { merged_into: target.id, closed_at: now },
        note: body.note ?? null,
        data: { intoCaseId: target.id, intoNumber: target.number },
        notify: { who: ['reporter'], title: title('事项已并案处理') },
        after: async (db2) => {
          const done = await this.step(db2, systemActor(), target, 'merged_from', { caseId: c.id, number: c.number }, now, { eventActorId: actor.userId })
          return done.applied ? done.notices : []
        },
      }
    },
    reject: async ({ now, title }, body) => ({ to: 'rejected', patch: { closed_at: now }, note: body.reason, data: { kind: body.kind }, notify: { who: ['reporter'], title: title('事项不予受理') } }),
    resolve_on_spot: async ({ actor, c, now, title }, body) => ({
      to: 'replied',
      patch: { handler_id: actor.userId, replied_at: now },
      note: body.result,
      data: { onSpot: true },
      notify: { who: ['reporter'], title: title('事项已当场解决,请评价') },
      after: async (db, eventId) => {
        await linkResultPhotos(db, { caseId: c.id, eventId, userId: actor.userId, photoIds: body.photoIds })
        return []
      },
    }),
  }

  // ---- the system's actions ------------------------------------------------------------------------
  private systemHandlers: SystemHandlers = {
    overdue: async ({ c, now }) => {
      if (c.paused_at || !c.due_at || c.due_at > now || c.overdue_at) return null
      return {
        to: c.state as CaseState,
        patch: { overdue_at: now, warned_at: c.warned_at ?? now },
        data: { dueAt: c.due_at.toISOString() },
        notify: { who: ['handler', 'unit', 'dispatchers'], kind: 'case.overdue', title: `事项已超时: ${c.number} ${c.title}` },
      }
    },
    warn: async ({ c, now }) => {
      if (c.paused_at || !c.warn_at || c.warn_at > now || c.warned_at) return null
      return {
        to: c.state as CaseState,
        patch: { warned_at: now },
        data: { dueAt: c.due_at?.toISOString() },
        notify: { who: ['handler', 'unit'], kind: 'case.due_soon', title: `事项即将超时: ${c.number} ${c.title}` },
      }
    },
    accept_overdue: async ({ db, c, now }) => {
      if (c.paused_at || !c.accept_due_at || c.accept_due_at > now || (await repo.acceptWarningSent(db, c.id, c.accept_due_at))) return null
      return {
        to: c.state as CaseState,
        data: { acceptDueAt: c.accept_due_at.toISOString() },
        notify: { who: ['unit', 'handler', 'dispatchers'], kind: 'case.accept_overdue', title: `事项超过${ACCEPT_WITHIN_DAYS}个工作日未签收: ${c.number}` },
      }
    },
    auto_close: async ({ c, now }, input) => (c.rating ? null : { to: 'closed', patch: { closed_at: now }, data: { afterDays: input.afterDays } }),
    external_update: async ({ c, now }, input) => {
      const finish = input.finish && isOpenState(c.state) ? input.finish : null
      return {
        to: finish ?? (c.state as CaseState),
        patch: { ...input.patch, ...(finish === 'replied' ? { replied_at: now } : finish ? { closed_at: now } : {}) },
        data: input.data,
      }
    },
    merged_from: async ({ c }, input) => ({ to: c.state as CaseState, data: input }),
    answered_via_merge: async ({ c }, input) => ({
      to: c.state as CaseState,
      note: input.result,
      data: { caseId: input.caseId, number: input.number },
      after: async () => (c.reporter_user_id ? [{ userId: c.reporter_user_id, kind: 'case.reply', title: `并案事项已答复: ${input.number}`, body: input.result, caseId: c.id }] : []),
    }),
    comment: async ({ c }, input) => ({
      to: c.state as CaseState,
      note: input.note,
      data: input.data,
      notify: { who: ['handler', 'unit'], kind: 'case.comment', title: `外部系统留言: ${c.number} ${c.title}` },
    }),
    media_link: async ({ c }, input) => ({ to: c.state as CaseState, note: input.note, data: input.data }),
    attach: async ({ c }, input) => ({ to: c.state as CaseState, data: { filename: input.filename } }),
    callback: async ({ c }, input) => ({ to: c.state as CaseState, note: input.note, data: input.data }),
    // Only raises: a category is set when the case has none, the urgency never goes down.
    triage: async ({ c }, input) => ({
      to: c.state as CaseState,
      patch: {
        ...(input.categoryId !== null && c.category_id === null ? { category_id: input.categoryId } : {}),
        ...(input.urgency === 'emergency' && c.urgency !== 'emergency' ? { urgency: 'emergency' as const } : {}),
      },
      note: input.note,
      data: input.data,
    }),
    push: async ({ c, title }, input) => ({
      to: c.state as CaseState,
      note: input.note,
      data: input.data,
      after: async () => input.userIds.map((userId) => ({ userId, kind: 'case.push', title: title('紧急民情推送'), body: input.note, caseId: c.id })),
    }),
  }
}
