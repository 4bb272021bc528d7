import type { CasePushResult } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { conflict } from '../../platform/errors.ts'
import type { BusEvent, EventBus } from '../../platform/events.ts'
import { type Actor, requirePermission } from '../../platform/policy.ts'
import type { CasesService } from '../cases/cases.service.ts'
import type { DutyService } from '../duty/duty.service.ts'
import type { BrainClassifier } from './classify.service.ts'
import * as repo from './classify.repository.ts'
import { emergencySignals } from './triage.ts'

export interface TriageConfig {
  autoCategoryScore: number
  pushCooldownMs: number
}

type Recipient = CasePushResult['pushedTo'][number]

/**
 * What the brain does with a case as it comes in and as it is dispatched (issue 14), through the case engine's one
 * step (system actions `triage` and `push`), so the timeline says it:
 * - intake (every channel publishes `case.created`): a case without a category gets the top suggestion when its
 *   score reaches the threshold (else the suggestions are noted and a dispatcher decides); emergency signals raise
 *   the urgency to 特急 and push the case at once to the town's leaders and the county duty officer;
 * - dispatch: the category the dispatcher confirmed or corrected becomes a labelled example (BrainClassifier);
 * - 一键推送: a leader, admin or town handler pushes a case they see to the same people.
 * Only the process that published an event acts on it (with Redis every process hears every event).
 */
export class BrainTriage {
  private offs: (() => void)[] = []
  private pending = new Set<Promise<unknown>>()

  constructor(
    private db: Kysely<DB>,
    private bus: EventBus,
    private classifier: BrainClassifier,
    private cases: CasesService,
    private duty: DutyService,
    private cfg: TriageConfig,
    private warn: (err: unknown) => void = () => {},
  ) {}

  listen() {
    if (this.offs.length) return
    const local = (fn: (id: string, actorId: string | null) => Promise<unknown>) => (e: BusEvent) => {
      if (e.origin !== this.bus.origin) return
      const p = e.payload as { id?: string; actorId?: string | null }
      if (!p?.id) return
      const run = fn(p.id, p.actorId ?? null).catch(this.warn)
      this.pending.add(run)
      void run.finally(() => this.pending.delete(run))
    }
    this.offs.push(
      this.bus.subscribe(
        'case.created',
        local((id) => this.atIntake(id)),
      ),
    )
    this.offs.push(
      this.bus.subscribe(
        'case.dispatch',
        local((id, actorId) => this.classifier.learnFromCase(id, actorId)),
      ),
    )
  }

  /** Wait for the work started by events so far (tests, shutdown). */
  async idle() {
    while (this.pending.size) await Promise.allSettled([...this.pending])
  }

  async close() {
    for (const off of this.offs) off()
    this.offs = []
    await this.idle()
  }

  /** The town's leaders and the county's duty officers of a case's place, each once, never the one pushing. */
  private async recipients(c: { region_id: number; region_path: string }, except: string | null): Promise<Recipient[]> {
    const leaders = await repo.townLeaders(this.db, c.region_path)
    const officers = await this.duty.officersFor(c.region_id)
    const names = new Map((await repo.userNames(this.db, officers)).map((u) => [u.id, u.name]))
    const out = new Map<string, Recipient>()
    for (const l of leaders) out.set(l.id, { userId: l.id, name: l.name, why: 'town_leader' })
    for (const id of officers) if (!out.has(id)) out.set(id, { userId: id, name: names.get(id) ?? '', why: 'duty_officer' })
    if (except) out.delete(except)
    return [...out.values()]
  }

  /** Intake: category suggestion (applied above the threshold) and emergency signals (特急 and a push), as timeline rows. */
  async atIntake(caseId: string, now = new Date()) {
    const c = await repo.caseForBrain(this.db, caseId)
    if (!c) return
    const text = `${c.title} ${c.description ?? ''}`
    const signals = emergencySignals(text, c.created_at)
    const needsCategory = c.category_id === null
    if (!needsCategory && !signals.length) return
    const notes: string[] = []
    const data: Record<string, unknown> = { by: 'brain' }
    let categoryId: number | null = null
    if (needsCategory) {
      const suggestions = await this.classifier.suggest(text)
      data.suggestions = suggestions
      const top = suggestions[0]
      if (top && top.score >= this.cfg.autoCategoryScore) {
        categoryId = await this.classifier.categoryId(top.categoryCode)
        data.appliedCategory = top.categoryCode
        notes.push(`智能分类: ${top.name} (置信度 ${Math.round(top.score * 100)}%)`)
      } else {
        data.appliedCategory = null
        notes.push(`分类建议: ${suggestions.map((s) => `${s.name} ${Math.round(s.score * 100)}%`).join('、') || '无'},待人工研判`)
      }
      data.threshold = this.cfg.autoCategoryScore
    }
    if (signals.length) {
      data.signals = signals
      data.urgencyBefore = c.urgency
      notes.push(c.urgency === 'emergency' ? `紧急信号: ${signals.join('、')}` : `紧急信号: ${signals.join('、')},紧急程度升为特急`)
    }
    const steps: Parameters<CasesService['actions']['system']>[2] = [{ action: 'triage', input: { categoryId, urgency: signals.length ? 'emergency' : null, note: notes.join(';'), data } }]
    if (signals.length) {
      const to = await this.recipients(c, null)
      steps.push({ action: 'push', input: { userIds: to.map((r) => r.userId), note: `紧急民情: ${signals.join('、')}`, data: { reason: 'emergency', signals, to } } })
    }
    await this.cases.actions.system(c.id, now, steps)
  }

  /** 一键推送: 403 without cases.push, 404 out of sight, 409 ALREADY_PUSHED within the cool-down, 409 on a finished case. */
  async push(actor: Actor, caseId: string, note: string | undefined, now = new Date()): Promise<CasePushResult> {
    requirePermission(actor, 'cases.push')
    await this.cases.actions.visibleCase(actor, caseId)
    const c = (await repo.caseForBrain(this.db, caseId))!
    const last = await repo.lastPushAt(this.db, caseId)
    if (last && now.getTime() - last.getTime() < this.cfg.pushCooldownMs) {
      const retry = Math.ceil((last.getTime() + this.cfg.pushCooldownMs - now.getTime()) / 1000)
      throw conflict('ALREADY_PUSHED', `该事项 ${Math.round(this.cfg.pushCooldownMs / 60_000)} 分钟内已推送过`, { pushedAt: last.toISOString(), retryAfterSeconds: retry })
    }
    const to = await this.recipients(c, actor.userId)
    const [applied] = await this.cases.actions.system(caseId, now, [
      { action: 'push', input: { userIds: to.map((r) => r.userId), note: note?.trim() || null, data: { reason: 'manual', to } }, actorId: actor.userId },
    ])
    if (!applied) throw conflict('INVALID_TRANSITION', `事项当前状态 ${c.state} 不能推送`, { state: c.state, action: 'push' })
    return { caseId, pushedTo: to, at: now.toISOString() }
  }
}
