import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import type { EventBus } from '../../platform/events.ts'
import { COUNTERS, factOf, NIL_UUID } from './facts.ts'
import * as repo from './stats.repository.ts'

export interface FoldResult {
  /** Events read past the watermark. */
  events: number
  /** Cases whose fact was recomputed. */
  cases: number
  /** Rollup rows that changed. */
  changed: number
}

export interface FolderOptions {
  /** Events per transaction. */
  batch?: number
  /**
   * Event ids before the watermark read again on each fold: a transaction that took its ids before another's and
   * committed after it would otherwise be passed over. Cases whose fact is newer than those events are skipped.
   */
  overlap?: number
  /** A burst of case events is folded once, this long after its first. */
  debounceMs?: number
}

const WATERMARK = 'cases'

/**
 * The statistics folder: reads case_events past its watermark, recomputes the fact of every case they touch (from
 * the case row and its whole timeline) and adds the difference between the new and the stored fact to the
 * rollups, for the case's region and each of its ancestors. One transaction per batch, holding the watermark row
 * FOR UPDATE, so several server processes fold one after another and never count an event twice; a fold is
 * idempotent (a case's fact is recomputed, never incremented), so reading an event again changes nothing.
 * Triggered by the bus (`case.*`, debounced) and by a timer job; on a fresh database it catches up from 0.
 */
export class StatsFolder {
  private regions = new Map<number, { path: string; parentId: number | null }>()
  private regionIdByCode = new Map<string, number>()
  private topCategory = new Map<number, number>()
  private timer: ReturnType<typeof setTimeout> | undefined
  private running: Promise<FoldResult> | undefined
  private again = false
  private closed = false
  private off: (() => void) | undefined
  private readonly batch: number
  private readonly overlap: number
  private readonly debounceMs: number

  constructor(
    private db: Kysely<DB>,
    private bus: EventBus | null,
    private onError: (err: unknown) => void = () => {},
    opts: FolderOptions = {},
  ) {
    this.batch = opts.batch ?? 2000
    this.overlap = opts.overlap ?? 2000
    this.debounceMs = opts.debounceMs ?? 400
  }

  /** Folds after every burst of case events (this process's, and with Redis the others'). */
  listen() {
    if (!this.bus || this.off) return
    this.off = this.bus.subscribe('case.*', () => this.soon())
  }

  /** A fold within debounceMs (one per burst). */
  soon() {
    if (this.closed || this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.fold().catch((err) => this.onError(err))
    }, this.debounceMs)
  }

  async close() {
    this.closed = true
    this.off?.()
    clearTimeout(this.timer)
    this.timer = undefined
    await this.running?.catch(() => undefined)
  }

  /** Folds until the watermark reaches the last event. Calls while one runs share it (and run once more after). */
  async fold(): Promise<FoldResult> {
    if (this.running) {
      this.again = true
      return this.running
    }
    const run = (async () => {
      const total: FoldResult = { events: 0, cases: 0, changed: 0 }
      const paths = new Set<string>()
      do {
        this.again = false
        for (;;) {
          if (this.closed) break
          const r = await this.foldBatch(paths)
          total.events += r.events
          total.cases += r.cases
          total.changed += r.changed
          if (r.events < this.batch) break
        }
      } while (this.again && !this.closed)
      if (total.changed > 0 && this.bus && !this.closed) await this.bus.publish('stats.folded', { regionPaths: paths.size > 200 ? [] : [...paths] })
      return total
    })()
    this.running = run
    try {
      return await run
    } finally {
      this.running = undefined
    }
  }

  private async foldBatch(paths: Set<string>): Promise<FoldResult> {
    return this.db.transaction().execute(async (trx) => {
      const wm = await repo.lockWatermark(trx, WATERMARK)
      const end = await repo.batchEnd(trx, wm, this.batch)
      const to = end ?? wm
      const ids = await repo.casesToFold(trx, Math.max(0, wm - this.overlap), to)
      if (ids.length === 0) {
        if (end !== null) await repo.saveWatermark(trx, WATERMARK, to)
        return { events: end === null ? 0 : to - wm, cases: 0, changed: 0 }
      }
      const [cases, events, old] = await Promise.all([repo.caseRows(trx, ids), repo.eventRows(trx, ids), repo.factRows(trx, ids)])
      await this.ensureLookups(
        trx,
        cases.map((c) => c.region_id).concat(old.map((f) => f.region_id)),
        cases.map((c) => c.category_id ?? 0),
      )
      const byCase = new Map<string, typeof events>()
      for (const e of events) {
        const list = byCase.get(e.case_id)
        if (list) list.push(e)
        else byCase.set(e.case_id, [e])
      }
      const oldByCase = new Map(old.map((f) => [f.case_id, f]))
      const deltas = new Map<string, repo.RollupDelta & { table: repo.Rollup }>()
      const add = (f: { period: string; regionId: number; categoryId: number; unitId: string; raisedLevel: string; counters: number[] }, sign: 1 | -1) => {
        const top = this.topCategory.get(f.categoryId) ?? f.categoryId
        const month = `${f.period.slice(0, 7)}-01`
        // stats_fine by the leaf region only (read by path); the coarse ones for every ancestor too.
        const keys: [repo.Rollup, number, string, number, string, string][] = [['stats_fine', f.regionId, f.period, f.categoryId, f.unitId, f.raisedLevel]]
        for (const regionId of this.ancestorsOf(f.regionId)) keys.push(['stats_daily', regionId, f.period, top, NIL_UUID, '-'], ['stats_monthly', regionId, month, top, NIL_UUID, '-'])
        for (const [table, regionId, period, categoryId, unitId, raisedLevel] of keys) {
          const k = `${table}|${period}|${regionId}|${categoryId}|${unitId}|${raisedLevel}`
          let d = deltas.get(k)
          if (!d) deltas.set(k, (d = { table, period, regionId, categoryId, unitId, raisedLevel, counters: COUNTERS.map(() => 0) }))
          for (let i = 0; i < COUNTERS.length; i++) d.counters[i] += sign * (f.counters[i] ?? 0)
        }
      }
      const facts: repo.FactRow[] = []
      for (const c of cases) {
        const timeline = byCase.get(c.id) ?? []
        const fact = factOf(c, timeline)
        const last = timeline.length ? Number(timeline[timeline.length - 1].id) : 0
        const prev = oldByCase.get(c.id)
        if (prev) add({ period: prev.period, regionId: prev.region_id, categoryId: prev.category_id, unitId: prev.unit_id, raisedLevel: prev.raised_level, counters: prev.counters }, -1)
        add(fact, 1)
        facts.push({
          case_id: c.id,
          period: fact.period,
          region_id: fact.regionId,
          category_id: fact.categoryId,
          unit_id: fact.unitId,
          handler_id: fact.handlerId,
          raised_level: fact.raisedLevel,
          counters: fact.counters,
          last_event_id: last,
        })
      }
      const changed = [...deltas.values()].filter((d) => d.counters.some((n) => n !== 0)).sort((x, y) => x.regionId - y.regionId || (x.period < y.period ? -1 : x.period > y.period ? 1 : 0))
      for (const table of repo.ROLLUPS)
        await repo.addToRollup(
          trx,
          table,
          changed.filter((d) => d.table === table),
        )
      await repo.upsertFacts(trx, facts)
      for (const d of changed) if (d.table === 'stats_fine') paths.add(this.regions.get(d.regionId)?.path ?? '')
      await repo.saveWatermark(trx, WATERMARK, to)
      return { events: end === null ? 0 : to - wm, cases: facts.length, changed: changed.length }
    })
  }

  /** The region and its ancestors (ids), from the materialized path. */
  private ancestorsOf(regionId: number): number[] {
    const r = this.regions.get(regionId)
    if (!r) return [regionId]
    return r.path
      .split('/')
      .filter(Boolean)
      .map((code) => this.regionIdByCode.get(code))
      .filter((id): id is number => id !== undefined)
  }

  private async ensureLookups(db: Parameters<typeof repo.regionTree>[0], regionIds: number[], categoryIds: number[]) {
    if (regionIds.some((id) => !this.regions.has(id))) {
      for (const r of await repo.regionTree(db)) {
        this.regions.set(r.id, { path: r.path, parentId: r.parent_id })
        this.regionIdByCode.set(r.code, r.id)
      }
    }
    if (categoryIds.some((id) => id !== 0 && !this.topCategory.has(id))) {
      for (const c of await repo.categoryTree(db)) this.topCategory.set(c.id, c.parent_id ?? c.id)
    }
  }
}
