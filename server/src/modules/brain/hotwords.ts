import { createHash } from 'node:crypto'
import type { Hotword, HotwordDocList, HotwordsQueryT } from '@minqing/common'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'
import { notFound } from '../../platform/errors.ts'
import { type Actor, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import { cnDate } from '../../platform/workdays.ts'
import type { DocChange } from './indexer.ts'
import * as repo from './insights.repository.ts'
import type { HotwordDelta, WindowParts } from './insights.repository.ts'
import { hotwordFilterSignature, hotwordParts, hotwords, placeWordsOf } from './text.ts'

const DAY = 86_400_000
/** All sources together: the row the default query reads (no sum over sources). */
const ALL_SOURCES = '*'
/** The rollup's row of the texts themselves (each text once; never a word): a window's volume, for the rise. */
const TEXTS = ''
export const addDays = (ymd: string, n: number) => new Date(Date.parse(`${ymd}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10)
/** The Monday of a day's ISO week (dates as Asia/Shanghai days, 'YYYY-MM-DD'). */
const weekOf = (ymd: string) => addDays(ymd, -((new Date(`${ymd}T00:00:00Z`).getUTCDay() + 6) % 7))

/**
 * The levels the weekly grain is kept for. A village's or a grid's words rarely repeat within a week (their weekly
 * rows would be ~80 % as many as the daily ones and save nothing); a town's, a county's and a city's do (a county's
 * month at a million texts: ~74,000 rows instead of ~142,000).
 */
const WEEKLY_LEVELS = new Set(['city', 'county', 'town'])

/** [from, to] as the rollup reads it: its whole ISO weeks from the weekly grain, the days before and after by day. */
export function windowParts(from: string, to: string): WindowParts {
  const firstMonday = weekOf(from) === from ? from : addDays(weekOf(from), 7)
  const lastMonday = addDays(weekOf(to), to === addDays(weekOf(to), 6) ? 0 : -7)
  if (lastMonday < firstMonday) return { days: [[from, to]], weeks: null }
  const days: [string, string][] = []
  if (from < firstMonday) days.push([from, addDays(firstMonday, -1)])
  if (addDays(lastMonday, 6) < to) days.push([addDays(lastMonday, 7), to])
  return { days, weeks: [firstMonday, lastMonday] }
}

const daysOf = (from: string, to: string) => {
  const out: string[] = []
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d)
  return out
}

const codesOf = (path: string) => path.split('/').filter(Boolean)

/** The hot-word filter a fold uses: the regions' names' words, and the fingerprint of the whole filter. */
interface Filter {
  regions: string
  places: Set<string>
  fingerprint: string
}
let cached: Filter | undefined

/**
 * The filter for the regions' names as they are now (`regions`: their digest): built again only when they change.
 * Its fingerprint covers the rules' version, the word lists and the names, so any change of them rebuilds the rollup.
 */
async function filterFor(trx: Transaction<DB>, regions: string): Promise<Filter> {
  if (cached?.regions !== regions) {
    const places = new Set((await repo.regionNames(trx)).flatMap(placeWordsOf))
    const fingerprint = createHash('sha256').update(hotwordFilterSignature()).update('\u0000').update(regions).digest('hex').slice(0, 32)
    cached = { regions, places, fingerprint }
  }
  return cached
}

interface FoldDoc {
  at: Date
  regionPath: string
  source: string
  tokens: string[]
}

/** Deltas of the rollup being gathered: per day × region code × source × word. */
class Deltas {
  private acc = new Map<string, { day: string; code: string; source: string; word: string; n: number }>()
  constructor(private places: ReadonlySet<string>) {}

  get size() {
    return this.acc.size
  }

  /** A text's words (and the texts' row) for its day (Asia/Shanghai), its source and '*', its region and every ancestor. */
  add(d: FoldDoc, sign: 1 | -1) {
    const day = cnDate(d.at)
    for (const word of [TEXTS, ...hotwords(d.tokens, this.places)])
      for (const code of codesOf(d.regionPath))
        for (const source of [d.source, ALL_SOURCES]) {
          const k = `${day}\u0001${code}\u0001${source}\u0001${word}`
          const cur = this.acc.get(k)
          if (cur) cur.n += sign
          else this.acc.set(k, { day, code, source, word, n: sign })
        }
  }

  /**
   * Writes what did not net to zero by day and, for towns and up, by week (in slices: one statement's JSON stays a
   * few MB), and starts over.
   */
  async flush(trx: Transaction<DB>) {
    const live = [...this.acc.values()].filter((x) => x.n !== 0)
    this.acc.clear()
    if (live.length === 0) return
    const ids = await repo.regionIdsByCode(trx, [...new Set(live.map((x) => x.code))])
    const daily: HotwordDelta[] = []
    const weekly = new Map<string, HotwordDelta>()
    for (const x of live) {
      const region = ids.get(x.code)
      if (region === undefined) continue
      const regionId = region.id
      daily.push({ day: x.day, regionId, source: x.source, word: x.word, n: x.n })
      if (!WEEKLY_LEVELS.has(region.level)) continue
      const week = weekOf(x.day)
      const k = `${week}\u0001${regionId}\u0001${x.source}\u0001${x.word}`
      const cur = weekly.get(k)
      if (cur) cur.n += x.n
      else weekly.set(k, { day: week, regionId, source: x.source, word: x.word, n: x.n })
    }
    const byWeek = [...weekly.values()].filter((x) => x.n !== 0)
    for (let i = 0; i < daily.length; i += 20_000) await repo.addHotwords(trx, 'day', daily.slice(i, i + 20_000))
    for (let i = 0; i < byWeek.length; i += 20_000) await repo.addHotwords(trx, 'week', byWeek.slice(i, i + 20_000))
  }
}

/**
 * Rebuilds the rollup from brain_docs with the filter (in the indexer's transaction, whose batch is already in
 * brain_docs): on the first fold after an upgrade and after any change of the word lists or the regions' names.
 * Texts are read in id order, about the order they were written, so each flush adds to few rows already there.
 */
async function rebuild(trx: Transaction<DB>, filter: Filter) {
  await repo.clearHotwords(trx)
  const deltas = new Deltas(filter.places)
  for (let after = 0; ;) {
    const docs = await repo.docsAfter(trx, after, 2000)
    if (docs.length === 0) break
    for (const d of docs) deltas.add(d, 1)
    if (deltas.size > 100_000) await deltas.flush(trx)
    after = docs[docs.length - 1].id
  }
  await deltas.flush(trx)
  await repo.saveHotwordFilter(trx, filter.fingerprint)
}

/**
 * Rebuilds the rollup if the filter it was folded with is not this one (an upgrade, changed word lists, renamed or
 * new regions), holding the filter's row so hot-word folds take turns. True when it rebuilt.
 */
async function ensureFilter(trx: Transaction<DB>): Promise<{ filter: Filter; rebuilt: boolean }> {
  const state = await repo.lockHotwordFilter(trx)
  const filter = await filterFor(trx, state.regions)
  if (state.fingerprint === filter.fingerprint) return { filter, rebuilt: false }
  await rebuild(trx, filter)
  return { filter, rebuilt: true }
}

/**
 * The hot-word consumer of the brain's indexer: for each changed text it takes the old text's hot words away and
 * adds the new one's (text.ts, hotwords(): the hot words' own filter over the text's tokens), for its day
 * (Asia/Shanghai), its source and '*', and its region and every ancestor — one upsert per batch. A change that
 * moved nothing nets to zero, so a text read again never counts twice. The old words are taken away with the filter
 * they were added with: the rollup records its filter's fingerprint, and a fold whose filter differs rebuilds it
 * first (the rebuild already counts this batch, which is in brain_docs).
 */
export async function foldHotwords(trx: Transaction<DB>, changes: DocChange[]) {
  const { filter, rebuilt } = await ensureFilter(trx)
  if (rebuilt) return
  const deltas = new Deltas(filter.places)
  for (const c of changes) {
    if (c.old) deltas.add(c.old, -1)
    deltas.add(c.doc, 1)
  }
  await deltas.flush(trx)
}

/** The region a caller asks about (default their own) if it lies in their area: stats.read, else 403; outside, 404. */
export async function regionFor(db: Kysely<DB>, actor: Actor, code: string | undefined) {
  requirePermission(actor, 'stats.read')
  const r = await db
    .selectFrom('regions')
    .select(['id', 'code', 'name', 'path', 'level'])
    .where('code', '=', code ?? actor.regionCode)
    .executeTakeFirst()
  if (!r || !pathInScope(scopeOf(actor), r.path)) throw notFound('区域')
  return r
}

/** How far a count stands above what the previous window predicts, in its own noise (see repo.risingWords). */
function trendOf(count: number, previous: number, texts: number, previousTexts: number) {
  const expected = previousTexts > 0 ? (previous * texts) / previousTexts : 0
  return (count - expected) / Math.sqrt(count + expected + 1)
}

const round2 = (x: number) => Math.round(x * 100) / 100

/**
 * 热词: the words of the last `days` days (today included, Asia/Shanghai) in a region's subtree, by the number of
 * texts containing them, with the change against the `days` days before (rise = count − previous; isNew when the
 * previous window never had the word) and the trend (the rise against the previous window's count scaled to this
 * window's volume, in standard deviations). `order=rising` ranks the words that rose by their trend instead of by
 * count: any word of the window may rise, not only the most frequent. Read from the day × region × source rollup:
 * one index range per window.
 */
export class HotwordsService {
  constructor(private db: Kysely<DB>) {}

  async hotwords(actor: Actor, q: HotwordsQueryT, now = new Date()): Promise<Hotword[]> {
    const region = await regionFor(this.db, actor, q.regionCode)
    const days = q.days ?? 30
    const source = q.source ?? ALL_SOURCES
    const limit = q.limit ?? 50
    const today = cnDate(now)
    const from = addDays(today, -(days - 1))
    const prevFrom = addDays(from, -days)
    const shape = (w: { word: string; count: number; previous: number; trend: number }): Hotword => ({
      word: w.word,
      count: w.count,
      previous: w.previous,
      rise: w.count - w.previous,
      isNew: w.previous === 0,
      trend: round2(w.trend),
    })
    const weekly = WEEKLY_LEVELS.has(region.level)
    const parts = (a: string, b: string): WindowParts => (weekly ? windowParts(a, b) : { days: [[a, b]], weeks: null })
    const cur = parts(from, today)
    if (q.order === 'rising') return (await repo.risingWords(this.db, region.id, source, cur, parts(prevFrom, addDays(from, -1)), limit)).map(shape)
    const top = await repo.topWords(this.db, region.id, source, cur, daysOf(prevFrom, addDays(from, -1)), limit)
    return top.map((t) => shape({ ...t, trend: trendOf(t.count, t.previous, t.texts, t.previousTexts) }))
  }

  /**
   * Rebuilds the rollup if its filter changed, without waiting for a text to be written: the brain's job calls it,
   * so an upgraded server re-folds its rollup within the job's period of starting. True when it rebuilt.
   */
  async refreshFilter(): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => (await ensureFilter(trx)).rebuilt)
  }

  /** The cases and diary entries of the window that contain the word, in the caller's area, newest first. */
  async docs(actor: Actor, word: string, q: { regionCode?: string; days?: number; limit?: number }, now = new Date()): Promise<HotwordDocList> {
    const region = await regionFor(this.db, actor, q.regionCode)
    const days = q.days ?? 30
    const since = new Date(`${addDays(cnDate(now), -(days - 1))}T00:00:00+08:00`)
    const w = word.normalize('NFKC').trim().toLowerCase()
    const rows = await repo.docsWithWord(this.db, region.path, since, w, q.limit ?? 50, hotwordParts(w))
    return {
      word: w,
      items: rows.map((r) => ({
        kind: r.kind,
        id: r.ref_id,
        caseNo: r.kind === 'case' ? r.number : null,
        title: (r.kind === 'case' ? r.title : r.text)?.slice(0, 80) ?? '',
        regionName: r.region_name,
        at: new Date(r.at).toISOString(),
        link: r.kind === 'case' ? `/console/cases/${r.ref_id}` : `/m/diary/${r.ref_id}`,
      })),
    }
  }
}
