import type { ClassifyResult, ClassifySuggestion } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { forbidden } from '../../platform/errors.ts'
import type { EventBus } from '../../platform/events.ts'
import { type Actor, hasPermission } from '../../platform/policy.ts'
import { type RateLimiter, type RateRule, tooManyRequests } from '../../platform/ratelimit.ts'
import { byTopLevel, featuresOf, loadCorpus, NaiveBayes, type Scored } from './classifier.ts'
import * as repo from './classify.repository.ts'
import { tokenize } from './text.ts'
import { emergencySignals } from './triage.ts'

/**
 * A dispatcher's decision counts as this many corpus lines: one correction must move the next suggestion for the
 * same words, against the tens of corpus lines behind the old answer.
 */
export const LABEL_WEIGHT = 8
/** How stale this process's model may be before a read catches up with labels other processes wrote (watermark). */
const SYNC_EVERY_MS = 5_000
const NAMES_EVERY_MS = 60_000

/**
 * 民情大脑's classification (issue 14): Naive Bayes trained on the repo's corpus plus every category a dispatcher
 * confirms or corrects (brain_labels). A label counts at once in the process that writes it; other processes hear
 * `brain.label` on the bus, and any read more than 5 s after the last catch-up reads the labels past its watermark.
 */
export class BrainClassifier {
  private model: NaiveBayes | null = null
  private building: Promise<NaiveBayes> | null = null
  private watermark = '0'
  private syncedAt = 0
  private syncing: Promise<void> | null = null
  private names = new Map<string, { id: number; name: string }>()
  private namesAt = 0
  private off: (() => void) | null = null

  constructor(
    private db: Kysely<DB>,
    private bus: EventBus,
  ) {}

  /** Hear labels written by other processes. */
  listen() {
    this.off ??= this.bus.subscribe('brain.label', () => void this.sync().catch(() => {}))
  }
  close() {
    this.off?.()
    this.off = null
  }

  private async ready(): Promise<NaiveBayes> {
    if (this.model) return this.model
    this.building ??= (async () => {
      const m = new NaiveBayes()
      for (const e of loadCorpus()) m.add(e.code, featuresOf(tokenize(e.text)))
      this.model = m
      await this.sync()
      return m
    })()
    return this.building
  }

  /** Count the labels past the watermark (one catch-up at a time). */
  async sync(): Promise<void> {
    if (!this.model) return
    this.syncing ??= (async () => {
      try {
        for (;;) {
          const rows = await repo.labelsAfter(this.db, this.watermark)
          for (const r of rows) this.model!.add(r.category_code, featuresOf(r.tokens), LABEL_WEIGHT)
          if (rows.length) this.watermark = String(rows[rows.length - 1].id)
          if (rows.length < 10_000) break
        }
        this.syncedAt = Date.now()
      } finally {
        this.syncing = null
      }
    })()
    return this.syncing
  }

  private async categoryNames() {
    if (Date.now() - this.namesAt > NAMES_EVERY_MS || !this.names.size) {
      this.names = new Map((await repo.activeCategories(this.db)).map((c) => [c.code, { id: c.id, name: c.name }]))
      this.namesAt = Date.now()
    }
    return this.names
  }

  /** Category id of an active code (for applying a suggestion). */
  async categoryId(code: string) {
    return (await this.categoryNames()).get(code)?.id ?? null
  }

  /** Top-k suggestions for any text, over the active categories: sub-categories, or top-level ones with their subs' scores summed. */
  async suggest(text: string, opts: { level?: 'sub' | 'top'; k?: number } = {}): Promise<ClassifySuggestion[]> {
    const model = await this.ready()
    if (Date.now() - this.syncedAt > SYNC_EVERY_MS) await this.sync()
    const names = await this.categoryNames()
    let scored: Scored[] = model.posterior(featuresOf(tokenize(text)), (code) => names.has(code))
    if (opts.level === 'top') scored = byTopLevel(scored).filter((s) => names.has(s.code))
    return scored.slice(0, opts.k ?? 3).map((s) => ({ categoryCode: s.code, name: names.get(s.code)?.name ?? s.code, score: Math.round(s.score * 1000) / 1000 }))
  }

  /** Model size (the benchmark prints it). */
  async size() {
    return (await this.ready()).size
  }

  /** Staff who take cases in (raise, report, dispatch) ask for suggestions while typing. */
  async classify(actor: Actor, text: string, level?: 'sub' | 'top'): Promise<ClassifyResult> {
    if (!(['cases.raise', 'cases.report', 'cases.dispatch'] as const).some((p) => hasPermission(actor, p))) throw forbidden('没有权限使用分类建议', { requiredPermission: 'cases.raise' })
    return { suggestions: await this.suggest(text, { level }), emergencySignals: emergencySignals(text) }
  }

  /** The 民情码 page's suggestions: no account, so counted per address. */
  async classifyPublic(limiter: RateLimiter, rule: RateRule, ip: string, text: string): Promise<ClassifyResult> {
    const d = await limiter.hit(`classify:ip:${ip}`, rule)
    if (!d.allowed) throw tooManyRequests(d)
    return { suggestions: await this.suggest(text), emergencySignals: emergencySignals(text) }
  }

  /**
   * Learn a case's category as a dispatcher set it (confirmed or corrected at dispatch): one labelled example with
   * the case's tokens, counted here at once and announced to other processes. A case already labelled with the same
   * category (a re-dispatch) is not learned twice.
   */
  async learnFromCase(caseId: string, actorId: string | null): Promise<boolean> {
    const c = await repo.caseForBrain(this.db, caseId)
    if (!c?.category_code) return false
    const last = await repo.lastLabelOf(this.db, caseId)
    if (last?.category_code === c.category_code) return false
    const tokens = tokenize(`${c.title} ${c.description ?? ''}`)
    if (!tokens.length) return false
    await repo.insertLabel(this.db, { caseId, code: c.category_code, tokens, by: actorId })
    await this.ready()
    await this.sync()
    await this.bus.publish('brain.label', { caseId })
    return true
  }
}
