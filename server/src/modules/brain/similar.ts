import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { DB, Executor } from '../../db/types.ts'
import { features, idf } from './features.ts'
import type { DocChange } from './indexer.ts'
import * as repo from './similar.repository.ts'
import type { DocKey } from './similar.repository.ts'

// Similar texts and 一类事 (issue 14). A text's features (features.ts) are weighted by IDF; only its POSTED
// rarest ones go into the inverted index, and a lookup reads the posting lists of its own QUERY rarest ones,
// each cut at PER_FEATURE newest entries, ranks the texts met by shared weight and scores the best CANDIDATES
// exactly (cosine). That bounds a lookup by Q × PER_FEATURE index entries whatever the number of texts.

const POSTED = 24
const QUERY = 12
const PER_FEATURE = 500
const CANDIDATES = 100

// Cluster assignment (a batch at a time, see assign()): a text is matched against the clusters sharing its MATCH_QUERY
// heaviest features among their CLUSTER_FEATURES heaviest centroid features (brain_cluster_features), the best
// MATCH_CLUSTERS scored exactly. A text none of them takes looks for a partner: the posting lists of its SEED_QUERY
// heaviest features over problem texts, cut at SEED_PER_FEATURE newest, the best SEED_CANDIDATES scored exactly.
const CLUSTER_FEATURES = 16
const MATCH_QUERY = 16
const MATCH_CLUSTERS = 8
const SEED_QUERY = 8
const SEED_PER_FEATURE = 50
const SEED_CANDIDATES = 8

/** Two texts this alike (and nothing closer in a cluster) start a cluster together. */
const PAIR_THRESHOLD = 0.25
/** A text this close to a cluster's centroid joins it. */
const JOIN_THRESHOLD = 0.18
/** Near-duplicate: this alike at the same village, both open → a merge suggestion. */
export const MERGE_THRESHOLD = 0.55
/** A cluster's neighbourhood in time: texts further apart than this are not the same matter by default. */
const CLUSTER_WINDOW_DAYS = 90
/** 共性问题: a cluster seen in this many places (villages, or towns for a town's own texts) within ALERT_DAYS. */
const ALERT_PLACES = 3
const ALERT_DAYS = 30
/** Features kept in a cluster's centroid. */
const CENTROID_SIZE = 60
const DAY = 86_400_000

/** What the alerts service (t14-hotwords) offers: idempotent by kind + key while not handled. */
export interface AlertSink {
  raise(
    db: Executor,
    a: { kind: 'common_issue' | 'spike'; key: string; title: string; regionId: number; caseIds?: string[]; diaryIds?: string[]; details?: Record<string, unknown> },
  ): Promise<{ id: string; created: boolean }>
}

type Vec = Map<string, number>
const keyOf = (d: DocKey) => `${d.kind}:${d.refId}`

/** A feature as a person reads it: a word, a concept (=道路 → 道路); characters (#窄) are not shown. */
const readable = (f: string) => (f.startsWith('#') ? null : f.startsWith('=') ? f.slice(1) : f)

/** The place a text counts for in "seen in N villages or towns": its village, or its own region above that. */
export function placeOf(regionPath: string): string {
  const codes = regionPath.split('/').filter(Boolean)
  return codes.slice(0, Math.min(codes.length, 4)).join('/')
}
const countyCodeOf = (regionPath: string) => regionPath.split('/').filter(Boolean)[1] ?? null

/** IDF-weighted, unit-length vector of a feature set. */
function weigh(f: Map<string, number>, df: Map<string, number>, n: number): Vec {
  const v: Vec = new Map()
  let norm = 0
  for (const [k, w] of f) {
    const x = w * idf(df.get(k) ?? 0, n)
    v.set(k, x)
    norm += x * x
  }
  norm = Math.sqrt(norm)
  if (norm > 0) for (const [k, x] of v) v.set(k, x / norm)
  return v
}

function dot(a: Vec, b: Vec): number {
  let s = 0
  for (const [k, x] of a) s += x * (b.get(k) ?? 0)
  return s
}

const topK = (v: Vec, k: number) => [...v].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k)

export interface Scored extends DocKey {
  score: number
  regionPath: string
  at: Date
}

/**
 * The texts most like `tokens` within [from, to], best first, with exact scores (the text itself excluded).
 * Document frequencies are read through a per-process cache.
 */
export async function lookup(db: Executor, tokens: string[], from: Date, to: Date, exclude: DocKey | null, limit = 20): Promise<Scored[]> {
  const f = features(tokens)
  if (f.size === 0) return []
  const stats = (feats: string[]) => termStats(db, feats)
  const { n, df } = await stats([...f.keys()])
  const q = weigh(f, df, n)
  const cands = (
    await repo.candidates(
      db,
      topK(q, QUERY).map(([feature, weight]) => ({ feature, weight })),
      from,
      to,
      PER_FEATURE,
      CANDIDATES,
    )
  ).filter((c) => !exclude || c.ref_id !== exclude.refId || c.doc_kind !== exclude.kind)
  if (cands.length === 0) return []
  const feats = cands.map((d) => features(d.tokens))
  const other = new Set<string>()
  for (const x of feats) for (const k of x.keys()) if (!df.has(k)) other.add(k)
  if (other.size) for (const [k, v] of (await stats([...other])).df) df.set(k, v)
  return cands
    .map((d, i) => ({ kind: d.doc_kind, refId: d.ref_id, score: dot(q, weigh(feats[i], df, n)), regionPath: d.region_path, at: new Date(d.at) }))
    .sort((a, b) => b.score - a.score || b.at.getTime() - a.at.getTime())
    .slice(0, limit)
}

/**
 * Document frequencies through a per-process cache: IDF moves slowly (a feature's df changes by a few in a
 * minute among thousands), so a lookup reads from the database only features it has not seen for DF_TTL_MS.
 */
const DF_TTL_MS = 60_000
const DF_CACHE_MAX = 500_000
const dfCaches = new WeakMap<object, Map<string, { df: number; at: number }>>()
async function termStats(db: Executor, feats: string[]): Promise<{ n: number; df: Map<string, number> }> {
  const now = Date.now()
  let dfCache = dfCaches.get(db)
  if (!dfCache) dfCaches.set(db, (dfCache = new Map()))
  const df = new Map<string, number>()
  const missing: string[] = []
  for (const k of ['', ...feats]) {
    const c = dfCache.get(k)
    if (c && now - c.at < DF_TTL_MS) df.set(k, c.df)
    else missing.push(k)
  }
  if (missing.length) {
    const r = await repo.termStats(db, missing)
    if (dfCache.size > DF_CACHE_MAX) dfCache.clear()
    for (const k of missing) {
      const v = k === '' ? r.n : (r.df.get(k) ?? 0)
      df.set(k, v)
      dfCache.set(k, { df: v, at: now })
    }
  }
  return { n: df.get('') ?? 0, df }
}

/** Label and keywords of a centroid: its heaviest readable features. */
function describe(centroid: Record<string, number>) {
  const words: string[] = []
  for (const [f] of Object.entries(centroid).sort((a, b) => b[1] - a[1])) {
    const w = readable(f)
    if (w && !words.includes(w) && !words.some((x) => x.includes(w) || w.includes(x))) words.push(w)
    if (words.length >= 8) break
  }
  return { label: words.slice(0, 3).join('·') || '—', keywords: words }
}

/** Adds a member's vector to a centroid (sum of unit vectors), keeping the heaviest features. */
function addToCentroid(centroid: Record<string, number>, v: Vec): Record<string, number> {
  const m = new Map(Object.entries(centroid))
  for (const [k, x] of v) m.set(k, (m.get(k) ?? 0) + x)
  return Object.fromEntries(topK(m, CENTROID_SIZE).map(([k, x]) => [k, Math.round(x * 1e4) / 1e4]))
}

/**
 * The indexer consumer: keeps document frequencies and postings, and assigns each new or changed problem text
 * (a case, or a diary entry that reports one: BrainDoc.problem) to a 一类事 — the cluster whose centroid it is
 * closest to above JOIN_THRESHOLD, else, with its best unclustered problem neighbour above PAIR_THRESHOLD, a new
 * one. Idempotent: a change whose words did not move is skipped.
 */
export function similarConsumer(alerts: () => AlertSink | undefined, opts: { clusters?: boolean } = {}) {
  return async (trx: Transaction<DB>, changes: DocChange[]) => {
    const moved = changes.filter(
      (c) =>
        !c.old || c.old.tokens.join('\u0001') !== c.doc.tokens.join('\u0001') || c.old.at.getTime() !== c.doc.at.getTime() || c.old.regionPath !== c.doc.regionPath || c.old.problem !== c.doc.problem,
    )
    if (moved.length === 0) return
    // Document frequencies first, for the whole batch (a text counts once per feature).
    const deltas = new Map<string, number>()
    const bump = (k: string, d: number) => deltas.set(k, (deltas.get(k) ?? 0) + d)
    const newFeats = moved.map((c) => features(c.doc.tokens))
    moved.forEach((c, i) => {
      if (c.old) for (const k of features(c.old.tokens).keys()) bump(k, -1)
      else bump('', 1)
      for (const k of newFeats[i].keys()) bump(k, 1)
    })
    for (const f of newFeats) for (const k of f.keys()) if (!deltas.has(k)) deltas.set(k, 0)
    const { n, df } = await repo.addTermCounts(trx, deltas)
    const vecs = newFeats.map((f) => weigh(f, df, n))
    const ranked = vecs.map((v) => topK(v, Infinity)) // each text's features, heaviest first (sorted once)
    await repo.deletePostings(
      trx,
      moved.flatMap((c) => (c.old ? [{ kind: c.old.kind, refId: c.old.refId, at: c.old.at, features: [...features(c.old.tokens).keys()] }] : [])),
    )
    await repo.insertPostings(
      trx,
      moved.flatMap((c, i) => ranked[i].slice(0, POSTED).map(([feature]) => ({ feature, kind: c.doc.kind, refId: c.doc.refId, at: c.doc.at, problem: c.doc.problem }))),
    )
    if (opts.clusters === false) return
    await assign(trx, moved, vecs, ranked, { n, df }, alerts())
  }
}

/**
 * A cluster as the assignment holds it: its row, its centroid as a map with its norm, whether it is new or moved,
 * and the centroid features indexed for it (rewritten only when that set changes: the index's weights only rank
 * which clusters a text is scored against, so a little staleness costs nothing).
 */
interface Held {
  row: Pick<repo.ClusterRow, 'id' | 'label' | 'keywords' | 'centroid'>
  vec: Vec
  norm: number
  fresh: boolean
  dirty: boolean
  indexed: string
}

const indexedOf = (vec: Vec) =>
  topK(vec, CLUSTER_FEATURES)
    .map(([k]) => k)
    .sort()
    .join('\u0001')
/** Holds a cluster: as read (its indexed features are then its heaviest), or new (none indexed yet). */
const hold = (row: Held['row'], fresh = false): Held => {
  const vec: Vec = new Map(Object.entries(row.centroid))
  let norm = 0
  for (const x of vec.values()) norm += x * x
  return { row, vec, norm: Math.sqrt(norm), fresh, dirty: fresh, indexed: fresh ? '' : indexedOf(vec) }
}
const closeness = (v: Vec, c: Held) => {
  if (c.norm === 0) return 0
  let s = 0
  for (const [k, x] of v) s += x * (c.vec.get(k) ?? 0)
  return s / c.norm
}

/**
 * Assigns a batch's problem texts to clusters with a fixed number of statements whatever the batch size: the
 * clusters each text may join (centroid feature index), the partners texts without one may start a cluster with
 * (problem postings) with their words and memberships, the document frequencies of those words and the partners'
 * clusters are read set-wise; the texts are then placed in order in memory (a text may join a cluster an earlier
 * text of the batch started) and clusters, members and the centroid index are written set-wise.
 */
async function assign(trx: Transaction<DB>, moved: DocChange[], vecs: Vec[], ranked: [string, number][][], stats: { n: number; df: Map<string, number> }, alerts: AlertSink | undefined) {
  // Clusters that lose a changed text are recounted at the end.
  const lost = await repo.removeMembers(
    trx,
    moved.filter((c) => c.old).map((c) => ({ kind: c.doc.kind, refId: c.doc.refId })),
  )
  const window = CLUSTER_WINDOW_DAYS * DAY
  const todo = moved.map((_, i) => i).filter((i) => moved[i].doc.problem && vecs[i].size > 0)
  const query = (i: number, k: number): repo.BatchQuery => {
    const d = moved[i].doc
    return {
      i,
      kind: d.kind,
      refId: d.refId,
      feats: ranked[i].slice(0, k).map(([feature, weight]) => ({ feature, weight })),
      from: new Date(d.at.getTime() - window),
      to: new Date(d.at.getTime() + window),
    }
  }
  const held = new Map<string, Held>()
  const clustersOf = new Map<number, Set<string>>() // batch text → clusters it may join
  const mayJoin = (i: number, id: string) => {
    let s = clustersOf.get(i)
    if (!s) clustersOf.set(i, (s = new Set()))
    s.add(id)
  }
  if (todo.length) {
    for (const c of await repo.clusterCandidates(
      trx,
      todo.map((i) => query(i, MATCH_QUERY)),
      MATCH_CLUSTERS,
    )) {
      held.set(c.id, hold(c))
      for (const i of c.texts) mayJoin(i, c.id)
    }
  }
  // Texts no known cluster takes look for a partner among the problem texts of their window.
  const best = (i: number) => {
    let b: { id: string; score: number } | null = null
    for (const id of clustersOf.get(i) ?? []) {
      const c = held.get(id)
      if (!c) continue
      const s = closeness(vecs[i], c)
      if (s >= JOIN_THRESHOLD && (!b || s > b.score || (s === b.score && id < b.id))) b = { id, score: s }
    }
    return b
  }
  const lonely = todo.filter((i) => !best(i))
  const partnerRows = await repo.partnerCandidates(
    trx,
    lonely.map((i) => query(i, SEED_QUERY)),
    SEED_PER_FEATURE,
    SEED_CANDIDATES,
  )
  const batchIndex = new Map(moved.map((c, i) => [keyOf(c.doc), i]))
  // Document frequencies of the partners' features the batch did not read yet; the partners' clusters.
  const partnerFeats = partnerRows.map((p) => (batchIndex.has(keyOf({ kind: p.kind, refId: p.ref_id })) ? null : features(p.tokens)))
  const missing = new Set<string>()
  for (const f of partnerFeats) if (f) for (const k of f.keys()) if (!stats.df.has(k)) missing.add(k)
  if (missing.size) for (const [k, v] of (await repo.termStats(trx, [...missing])).df) if (k !== '') stats.df.set(k, v)
  const placed = new Map<string, string>() // text → its cluster, as known so far
  const partnerClusters = [...new Set(partnerRows.map((p) => p.cluster_id).filter((id): id is string => !!id && !held.has(id)))]
  for (const c of await repo.clustersById(trx, partnerClusters)) held.set(c.id, hold(c))
  type Partner = (typeof partnerRows)[number] & { vec: Vec }
  const partnersOf = new Map<number, Partner[]>()
  partnerRows.forEach((p, j) => {
    const bi = batchIndex.get(keyOf({ kind: p.kind, refId: p.ref_id }))
    const vec = bi !== undefined ? vecs[bi] : weigh(partnerFeats[j]!, stats.df, stats.n)
    if (p.cluster_id) placed.set(keyOf({ kind: p.kind, refId: p.ref_id }), p.cluster_id)
    for (const i of p.texts) {
      let list = partnersOf.get(i)
      if (!list) partnersOf.set(i, (list = []))
      list.push({ ...p, vec })
      // A partner's cluster may take the text too (its centroid decides).
      if (p.cluster_id) mayJoin(i, p.cluster_id)
    }
  })

  const members = new Map<string, repo.MemberRow>()
  const born: string[] = [] // clusters started in this batch: every later text of the batch may join them
  const join = (c: Held, v: Vec) => {
    c.row.centroid = addToCentroid(c.row.centroid, v)
    c.vec = new Map(Object.entries(c.row.centroid))
    let norm = 0
    for (const x of c.vec.values()) norm += x * x
    c.norm = Math.sqrt(norm)
    c.dirty = true
  }
  for (const i of todo) {
    const doc = moved[i].doc
    const self = keyOf(doc)
    if (members.has(self)) continue // started a cluster as an earlier text's partner
    for (const id of born) mayJoin(i, id)
    const b = best(i)
    let clusterId: string
    let score: number
    if (b) {
      clusterId = b.id
      score = b.score
    } else {
      const pair = (partnersOf.get(i) ?? [])
        .map((p) => ({ p, score: dot(vecs[i], p.vec) }))
        .filter((x) => x.score >= PAIR_THRESHOLD && !placed.has(keyOf({ kind: x.p.kind, refId: x.p.ref_id })))
        .sort((a, b2) => b2.score - a.score || new Date(b2.p.at).getTime() - new Date(a.p.at).getTime())[0]
      if (!pair) continue
      const seed = addToCentroid({}, pair.p.vec)
      clusterId = randomUUID()
      const c = hold({ id: clusterId, ...describe(seed), centroid: seed }, true)
      held.set(clusterId, c)
      born.push(clusterId)
      const pk = { kind: pair.p.kind, refId: pair.p.ref_id }
      placed.set(keyOf(pk), clusterId)
      members.set(keyOf(pk), {
        ...pk,
        clusterId,
        regionId: pair.p.region_id,
        regionPath: pair.p.region_path,
        source: pair.p.source,
        at: new Date(pair.p.at),
        score: pair.score,
      })
      score = pair.score
    }
    join(held.get(clusterId)!, vecs[i])
    placed.set(self, clusterId)
    members.set(self, { kind: doc.kind, refId: doc.refId, clusterId, regionId: doc.regionId, regionPath: doc.regionPath, source: doc.source, at: doc.at, score })
  }
  // A batch's texts come in no meaningful order: a text met before the cluster it belongs to was started by two
  // later ones (it was alike enough to neither alone) looks once more, now that the batch's clusters stand —
  // otherwise whether it joins would depend on the order of the rows.
  for (const i of todo) {
    const doc = moved[i].doc
    const self = keyOf(doc)
    if (members.has(self)) continue
    for (const id of born) mayJoin(i, id)
    const b = best(i)
    if (!b) continue
    join(held.get(b.id)!, vecs[i])
    placed.set(self, b.id)
    members.set(self, { kind: doc.kind, refId: doc.refId, clusterId: b.id, regionId: doc.regionId, regionPath: doc.regionPath, source: doc.source, at: doc.at, score: b.score })
  }

  // Every cluster that gained members (the dirty ones), with how many and when.
  const gained = new Map<string, { added: number; firstAt: Date; lastAt: Date }>()
  for (const m of members.values()) {
    const g = gained.get(m.clusterId)
    if (!g) gained.set(m.clusterId, { added: 1, firstAt: m.at, lastAt: m.at })
    else {
      g.added++
      if (m.at < g.firstAt) g.firstAt = m.at
      if (m.at > g.lastAt) g.lastAt = m.at
    }
  }
  const dirty = [...held.values()].filter((c) => c.dirty)
  const writes = dirty.map((c) => ({ ...c.row, ...describe(c.row.centroid), ...gained.get(c.row.id)!, fresh: c.fresh }))
  await repo.insertClusters(
    trx,
    writes.filter((c) => c.fresh),
  )
  await repo.updateClusters(
    trx,
    writes.filter((c) => !c.fresh),
  )
  await repo.upsertMembers(trx, [...members.values()])
  await repo.refreshClusterCounts(trx, lost)
  const ids = [...new Set([...lost, ...gained.keys()])]
  // The centroid index of the clusters whose heaviest features changed (or that are new).
  const reindex = dirty.filter((c) => indexedOf(c.vec) !== c.indexed)
  await repo.writeClusterFeatures(
    trx,
    reindex.flatMap((c) => (c.norm > 0 ? topK(c.vec, CLUSTER_FEATURES).map(([feature, x]) => ({ clusterId: c.row.id, feature, weight: x / c.norm })) : [])),
    reindex.map((c) => c.row.id),
  )
  if (alerts) await raiseIfCommon(trx, ids, new Set(members.keys()), alerts)
}

/**
 * 共性问题: a cluster seen in ALERT_PLACES or more villages or towns within ALERT_DAYS (of its last member) raises
 * its alert — if that last member is within ALERT_DAYS of now: a backfill of old texts does not page today's duty
 * officer about a matter long past. Once raised, the alert is raised again (its links added, last seen moved, a
 * new one if it was handled) only when the batch's texts (`added`) bring a place it was not seen in: one more
 * text from the same villages is not news, and an inbox where every such alert jumps to the top is noise.
 */
async function raiseIfCommon(trx: Transaction<DB>, ids: string[], added: Set<string>, alerts: AlertSink) {
  const recent = await repo.recentMembers(trx, ids, ALERT_DAYS, new Date(Date.now() - ALERT_DAYS * DAY))
  const byCluster = new Map<string, typeof recent>()
  for (const m of recent) {
    let list = byCluster.get(m.cluster_id)
    if (!list) byCluster.set(m.cluster_id, (list = []))
    list.push(m)
  }
  const common = [...byCluster].filter(([, ms]) => new Set(ms.map((m) => placeOf(m.region_path))).size >= ALERT_PLACES)
  if (common.length === 0) return
  const rows = new Map(
    (
      await repo.clustersById(
        trx,
        common.map(([id]) => id),
      )
    ).map((c) => [c.id, c]),
  )
  const counties = new Map<string, number | null>()
  for (const [clusterId, members] of common) {
    const c = rows.get(clusterId)
    if (!c) continue
    const places = new Set(members.map((m) => placeOf(m.region_path)))
    if (c.alert_id) {
      const before = new Set(members.filter((m) => !added.has(`${m.doc_kind}:${m.ref_id}`)).map((m) => placeOf(m.region_path)))
      if (before.size === places.size) continue
    }
    const county = countyCodeOf(members[0].region_path)
    if (!county) continue
    if (!counties.has(county)) counties.set(county, await repo.regionIdByCode(trx, county))
    const regionId = counties.get(county)
    if (!regionId) continue
    const r = await alerts.raise(trx, {
      kind: 'common_issue',
      key: clusterId,
      title: `共性问题：${c.label}（${places.size} 地）`,
      regionId,
      caseIds: members.filter((m) => m.doc_kind === 'case').map((m) => m.ref_id),
      diaryIds: members.filter((m) => m.doc_kind === 'diary').map((m) => m.ref_id),
      details: { clusterId, keywords: c.keywords, places: places.size, size: c.size },
    })
    if (r.id !== c.alert_id) await repo.setClusterAlert(trx, clusterId, r.id)
  }
}
