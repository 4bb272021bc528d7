import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'
import { withAfterCommit } from '../../platform/after-commit.ts'
import type { EventBus } from '../../platform/events.ts'
import * as repo from './docs.repository.ts'
import type { BrainDoc } from './docs.repository.ts'
import { tokenize } from './text.ts'

export type { BrainDoc } from './docs.repository.ts'

/** A text the indexer (re)read: what the brain knew of it before (null the first time) and now. */
export interface DocChange {
  old: BrainDoc | null
  doc: BrainDoc
}

/**
 * A feature built on words (hot-word rollups, clusters, the classifier's examples). Called inside the indexer's
 * transaction with every change of a batch, so what it writes commits with the docs and the watermark — or not
 * at all: a fold is never half-counted. Work that must wait for the commit (a notice's live push) is queued with
 * `afterCommit()` (platform/after-commit.ts): each batch runs in such a scope. It must be idempotent over (old, doc): a change whose words did not move
 * may come again after a crash and must not count twice.
 */
export type DocConsumer = (trx: Transaction<DB>, changes: DocChange[]) => Promise<void>

export interface IndexResult {
  /** Texts (re)indexed. */
  docs: number
  /** Case events and diary entries read past the watermarks. */
  read: number
}

export interface IndexerOptions {
  /** Diary entries per transaction. */
  batch?: number
  /** Case events per transaction (default five diary batches). */
  eventBatch?: number
  /** Ids before a watermark read again (a transaction that commits late is not passed over). */
  overlap?: number
  debounceMs?: number
}

/** The text of a case as the brain reads it. */
export const caseText = (c: { title: string; description: string }) => `${c.title}\n${c.description}`
/** The text of a diary entry: what was written and the concerns raised in it. */
const diaryText = (e: { text: string; concerns: string[] | null }) => [e.text, ...(e.concerns ?? [])].join('\n')
/**
 * Whether a diary entry reports a problem (and so may form 一类事): its author recorded a concern (the form's
 * 反映问题 list, which is also what becomes a case) or marked it more than normally urgent. The free text alone
 * is not judged: routine visit notes (走访…了解…提醒按时缴费) are written alike in every village and would
 * otherwise gather into "common problems" seen everywhere.
 */
const diaryReportsProblem = (e: { concerns: string[] | null; escalated: number; urgency: string }) => {
  // A concern made a case is counted through the case: counting the entry as well would make one matter two
  // members of its 一类事. The entry stays a problem text while it holds a concern no case carries.
  const open = (e.concerns?.length ?? 0) - e.escalated
  return open > 0 || (e.escalated === 0 && e.urgency !== 'normal')
}

/** A diary entry as the brain's document. */
const diaryDoc = (e: Awaited<ReturnType<typeof repo.diaryToIndex>>[number]): BrainDoc => ({
  kind: 'diary',
  refId: e.id,
  refVersion: e.seq,
  regionId: e.region_id,
  regionPath: e.region_path,
  source: 'diary',
  categoryId: null,
  at: new Date(e.occurred_at),
  tokens: tokenize(diaryText(e)),
  problem: diaryReportsProblem(e),
})

/**
 * The brain's indexer: follows case_events and diary entries past its watermarks, segments each new or changed
 * text once (jieba, text.ts) into brain_docs, and hands the changes to the consumers in the same transaction.
 * Like the statistics folder it runs after every burst of events (bus, debounced) and as a job, holds the
 * watermark row FOR UPDATE so processes take turns, and on a fresh or upgraded database catches up from 0.
 */
export class BrainIndexer {
  private consumers: { name: string; fn: DocConsumer }[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private running: Promise<IndexResult> | undefined
  private again = false
  private closed = false
  private offs: (() => void)[] = []
  private readonly batch: number
  private readonly eventBatch: number
  private readonly overlap: number
  private readonly debounceMs: number

  constructor(
    private db: Kysely<DB>,
    private bus: EventBus | null,
    private onError: (err: unknown) => void = () => {},
    opts: IndexerOptions = {},
  ) {
    // Small batches: on PGlite's one connection every request waits for the batch in flight, so a first start's
    // backfill (the demo's ~10,000 texts) must leave gaps for them rather than hold the connection for a minute.
    this.batch = opts.batch ?? 200
    // A case has about six events (intake, dispatch, accept, reply, rating…): a batch of case events the size of a
    // diary batch would index a sixth as many texts for the same fixed cost of a transaction.
    this.eventBatch = opts.eventBatch ?? this.batch * 5
    this.overlap = opts.overlap ?? 1000
    this.debounceMs = opts.debounceMs ?? 300
  }

  /** Adds a consumer (by name: adding one twice replaces it). */
  use(name: string, fn: DocConsumer) {
    this.consumers = this.consumers.filter((c) => c.name !== name).concat({ name, fn })
  }

  listen() {
    if (!this.bus || this.offs.length) return
    this.offs.push(this.bus.subscribe('case.*', () => this.soon()))
    this.offs.push(this.bus.subscribe('diary.created', () => this.soon()))
  }

  soon() {
    if (this.closed || this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.fold().catch((err) => this.onError(err))
    }, this.debounceMs)
  }

  async close() {
    this.closed = true
    for (const off of this.offs) off()
    this.offs = []
    clearTimeout(this.timer)
    this.timer = undefined
    await this.running?.catch(() => undefined)
  }

  /** Indexes until both watermarks reach the end. Calls while one runs share it (and it runs once more after). */
  async fold(): Promise<IndexResult> {
    if (this.running) {
      this.again = true
      return this.running
    }
    const run = (async () => {
      const total: IndexResult = { docs: 0, read: 0 }
      const refs: { kind: string; id: string }[] = []
      this.again = false
      // One batch of each in turn while both have work: a case written during the diary's backfill (thousands of
      // entries on a first start) is indexed within a batch, not after the whole backfill. A step whose last batch
      // came up short is drained and left alone until a call during the run (a new event: `again`) wakes both.
      const steps = [
        { run: () => this.caseBatch(refs), size: this.eventBatch, drained: false },
        { run: () => this.diaryBatch(refs), size: this.batch, drained: false },
      ]
      while (!this.closed && steps.some((s) => !s.drained)) {
        for (const step of steps) {
          if (step.drained || this.closed) continue
          const r = await step.run()
          total.docs += r.docs
          total.read += r.read
          step.drained = r.read < step.size
        }
        if (this.again) {
          this.again = false
          for (const step of steps) step.drained = false
        }
        if (steps.some((s) => !s.drained)) await new Promise((res) => setTimeout(res, 5)) // let waiting requests take the connection
      }
      if (total.docs > 0 && this.bus && !this.closed) await this.bus.publish('brain.indexed', { docs: total.docs, refs: refs.length > 200 ? [] : refs })
      return total
    })()
    this.running = run
    try {
      return await run
    } finally {
      this.running = undefined
    }
  }

  private async apply(trx: Transaction<DB>, kind: 'case' | 'diary', docs: BrainDoc[], refs: { kind: string; id: string }[]) {
    if (docs.length === 0) return
    const old = new Map(
      (
        await repo.docsOf(
          trx,
          kind,
          docs.map((d) => d.refId),
        )
      ).map((d) => [d.refId, d]),
    )
    await repo.upsertDocs(trx, docs)
    const changes = docs.map((doc) => ({ old: old.get(doc.refId) ?? null, doc }))
    for (const c of this.consumers) await c.fn(trx, changes)
    for (const d of docs) if (refs.length <= 200) refs.push({ kind, id: d.refId })
  }

  private caseBatch(refs: { kind: string; id: string }[]): Promise<IndexResult> {
    return withAfterCommit(
      () =>
        this.db.transaction().execute(async (trx) => {
          const wm = await repo.lockWatermark(trx, 'cases')
          const end = await repo.caseEventsEnd(trx, wm, this.eventBatch)
          if (end === null) return { docs: 0, read: 0 }
          const rows = await repo.casesToIndex(trx, Math.max(0, wm - this.overlap), end)
          const docs: BrainDoc[] = rows.map((c) => ({
            kind: 'case',
            refId: c.id,
            refVersion: Number(c.version),
            regionId: c.region_id,
            regionPath: c.region_path,
            source: c.channel,
            categoryId: c.category_id,
            at: new Date(c.created_at),
            tokens: tokenize(caseText(c)),
            problem: true,
          }))
          await this.apply(trx, 'case', docs, refs)
          // Entries whose concerns just became cases: no longer problem texts of their own (diaryReportsProblem).
          const fromDiary = [...new Set(rows.flatMap((c) => (c.diary_entry_id ? [c.diary_entry_id] : [])))]
          const entries = (await repo.diaryByIds(trx, fromDiary)).map(diaryDoc)
          const known = new Map((await repo.docsOf(trx, 'diary', fromDiary)).map((d) => [d.refId, d.problem]))
          await this.apply(
            trx,
            'diary',
            entries.filter((d) => known.get(d.refId) !== d.problem),
            refs,
          )
          await repo.saveWatermark(trx, 'cases', end)
          return { docs: docs.length, read: end - wm }
        }),
      this.onError,
    )
  }

  private diaryBatch(refs: { kind: string; id: string }[]): Promise<IndexResult> {
    return withAfterCommit(
      () =>
        this.db.transaction().execute(async (trx) => {
          const wm = await repo.lockWatermark(trx, 'diary')
          // The overlap re-read (late commits) plus at most one batch of new entries.
          const rows = await repo.diaryToIndex(trx, Math.max(0, wm - this.overlap), Math.min(wm, this.overlap) + this.batch)
          const fresh = rows.filter((r) => r.seq > wm)
          if (fresh.length === 0 && rows.every((r) => r.indexed)) return { docs: 0, read: 0 }
          const docs: BrainDoc[] = rows.filter((r) => !r.indexed).map(diaryDoc)
          await this.apply(trx, 'diary', docs, refs)
          if (fresh.length) await repo.saveWatermark(trx, 'diary', fresh[fresh.length - 1].seq)
          return { docs: docs.length, read: fresh.length }
        }),
      this.onError,
    )
  }
}
