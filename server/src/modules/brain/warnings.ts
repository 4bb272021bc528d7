import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import type { EventBus } from '../../platform/events.ts'
import { cnDate } from '../../platform/workdays.ts'
import type { AlertsService } from './alerts.service.ts'
import { addDays } from './hotwords.ts'
import * as repo from './insights.repository.ts'

/**
 * The rule of 苗头隐患 (early warning), per top-level category × region (towns and villages), on the statistics
 * module's daily rollup (stats_daily.received: cases received that day — the same count the dashboards show):
 *   baseline = the BASELINE_DAYS days before today (days without cases count 0): mean μ and standard deviation σ;
 *   today's count n is a spike when n ≥ MIN_COUNT and n > μ + K·σ.
 * MIN_COUNT keeps a quiet village's first two cases of a kind from alarming anyone; K = 3 lets a category that is
 * busy every day vary by its usual amount. A spike raises (or, later the same day, updates) one `spike` alert keyed
 * category + region + day, with that day's cases of the category in the region linked.
 */
const SPIKE_RULE = { BASELINE_DAYS: 28, K: 3, MIN_COUNT: 3 } as const

export interface Spike {
  regionId: number
  regionName: string
  categoryId: number
  categoryName: string
  count: number
  mean: number
  sd: number
}

export class EarlyWarning {
  private off: (() => void) | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private running: Promise<Spike[]> | undefined
  private closed = false

  constructor(
    private db: Kysely<DB>,
    private alerts: AlertsService,
    private bus: EventBus | null,
    private onError: (err: unknown) => void = () => {},
    private debounceMs = 1000,
  ) {}

  /** Checks after the statistics folder caught up (`stats.folded`), once per burst. */
  listen() {
    if (!this.bus || this.off) return
    this.off = this.bus.subscribe('stats.folded', () => {
      if (this.closed || this.timer) return
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.check().catch((err) => this.onError(err))
      }, this.debounceMs)
    })
  }

  async close() {
    this.closed = true
    this.off?.()
    clearTimeout(this.timer)
    await this.running?.catch(() => undefined)
  }

  /** Today's (Asia/Shanghai) spikes; each raises its alert. Calls while one runs share it. */
  async check(now = new Date()): Promise<Spike[]> {
    if (this.running) return this.running
    this.running = this.run(now)
    try {
      return await this.running
    } finally {
      this.running = undefined
    }
  }

  private async run(now: Date): Promise<Spike[]> {
    const { BASELINE_DAYS, K, MIN_COUNT } = SPIKE_RULE
    const today = cnDate(now)
    const candidates = await repo.spikeCandidates(this.db, today, MIN_COUNT)
    if (candidates.length === 0) return []
    const from = addDays(today, -BASELINE_DAYS)
    const history = await repo.dailyReceived(
      this.db,
      candidates.map((c) => ({ regionId: c.region_id, categoryId: c.category_id })),
      from,
      addDays(today, -1),
    )
    const sums = new Map<string, number[]>()
    for (const h of history) {
      const k = `${h.region_id}:${h.category_id}`
      const v = sums.get(k) ?? []
      v.push(Number(h.received))
      sums.set(k, v)
    }
    const spikes: Spike[] = []
    const dayStart = new Date(`${today}T00:00:00+08:00`)
    const dayEnd = new Date(`${addDays(today, 1)}T00:00:00+08:00`)
    for (const c of candidates) {
      const seen = sums.get(`${c.region_id}:${c.category_id}`) ?? []
      const values = [...seen, ...Array(Math.max(0, BASELINE_DAYS - seen.length)).fill(0)]
      const mean = values.reduce((s, x) => s + x, 0) / BASELINE_DAYS
      const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / BASELINE_DAYS)
      const count = Number(c.received)
      if (count < MIN_COUNT || count <= mean + K * sd) continue
      const spike = { regionId: c.region_id, regionName: c.name, categoryId: c.category_id, categoryName: c.category_name, count, mean: Math.round(mean * 100) / 100, sd: Math.round(sd * 100) / 100 }
      spikes.push(spike)
      const caseIds = await repo.casesOfDay(this.db, c.path, c.category_id, dayStart, dayEnd, 200)
      await this.alerts.raise(this.db, {
        kind: 'spike',
        key: `spike:${c.category_id}:${c.region_id}:${today}`,
        title: `${c.name}「${c.category_name}」今日 ${count} 件,近${BASELINE_DAYS}天日均 ${spike.mean}`,
        regionId: c.region_id,
        caseIds,
        details: { day: today, categoryId: c.category_id, categoryName: c.category_name, count, mean: spike.mean, sd: spike.sd, rule: `n ≥ ${MIN_COUNT} 且 n > μ + ${K}σ(近${BASELINE_DAYS}天)` },
      })
    }
    return spikes
  }
}
