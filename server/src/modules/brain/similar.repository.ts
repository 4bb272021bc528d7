import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

// SQL of similar cases and 一类事 (issue 14): the inverted index (brain_postings) with document frequencies
// (brain_terms), and the clusters. Texts are keyed (doc_kind, ref_id) as in brain_docs.

export type DocKind = 'case' | 'diary'
export interface DocKey {
  kind: DocKind
  refId: string
}

/** The texts counted so far (N of the IDF) and the document frequency of each feature asked for. */
export async function termStats(db: Executor, feats: string[]): Promise<{ n: number; df: Map<string, number> }> {
  const r = await sql<{ feature: string; df: string }>`select feature, df from brain_terms where feature = any(${['', ...feats]}::text[])`.execute(db)
  const df = new Map(r.rows.map((x) => [x.feature, Number(x.df)]))
  return { n: df.get('') ?? 0, df }
}

/**
 * Adds to the document frequencies (negative deltas when a text lost a feature) and returns the new ones, with
 * N (feature ''), for every feature in `deltas` (a zero delta reads without writing); one statement.
 */
export async function addTermCounts(db: Executor, deltas: Map<string, number>): Promise<{ n: number; df: Map<string, number> }> {
  const rows = [...deltas].filter(([, d]) => d !== 0)
  // Sorted, so two transactions touching the same features lock them in one order.
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const unchanged = ['', ...[...deltas].filter(([f, d]) => d === 0 && f !== '').map(([f]) => f)]
  const r = await sql<{ feature: string; df: string }>`
    with w as (
      insert into brain_terms (feature, df)
      select f, d from unnest(${rows.map((x) => x[0])}::text[], ${rows.map((x) => x[1])}::bigint[]) as t(f, d)
      on conflict (feature) do update set df = greatest(0, brain_terms.df + excluded.df)
      returning feature, df
    )
    select feature, df from w
    union all
    select feature, df from brain_terms where feature = any(${unchanged}::text[]) and feature not in (select feature from w)`.execute(db)
  const df = new Map(r.rows.map((x) => [x.feature, Number(x.df)]))
  return { n: df.get('') ?? 0, df }
}

/**
 * Deletes the postings of texts, found through the lookup index by every feature they may have been posted
 * under (their features when indexed) and their time then.
 */
export async function deletePostings(db: Executor, docs: (DocKey & { at: Date; features: string[] })[]) {
  const rows = docs.flatMap((d) => d.features.map((f) => ({ ...d, f })))
  if (rows.length === 0) return
  await sql`
    delete from brain_postings p
    using unnest(${rows.map((d) => d.f)}::text[], ${rows.map((d) => d.at.toISOString())}::timestamptz[], ${rows.map((d) => d.kind)}::text[], ${rows.map((d) => d.refId)}::uuid[])
      as t(f, at, k, r)
    where p.feature = t.f and p.at = t.at and p.doc_kind = t.k and p.ref_id = t.r`.execute(db)
}

export async function insertPostings(db: Executor, rows: { feature: string; kind: DocKind; refId: string; at: Date; problem: boolean }[]) {
  // In index order: rows of one feature land on the same few index pages one after another.
  rows = [...rows].sort((a, b) => (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : b.at.getTime() - a.at.getTime()))
  for (let i = 0; i < rows.length; i += 20_000) {
    const part = rows.slice(i, i + 20_000)
    await sql`
      insert into brain_postings (feature, doc_kind, ref_id, at, problem)
      select * from unnest(${part.map((x) => x.feature)}::text[], ${part.map((x) => x.kind)}::text[], ${part.map((x) => x.refId)}::uuid[],
                           ${part.map((x) => x.at.toISOString())}::timestamptz[], ${part.map((x) => x.problem)}::boolean[])
      on conflict do nothing`.execute(db)
  }
}

/**
 * Candidate texts sharing the query's features within [from, to]: each feature's posting list read newest first
 * and cut at `perFeature` (a feature so common that it would be longer says little), the texts ranked by the
 * summed weight of the features they share, returned with their words (one round trip) for the exact score.
 */
export async function candidates(db: Executor, feats: { feature: string; weight: number }[], from: Date, to: Date, perFeature: number, limit: number) {
  if (feats.length === 0) return []
  const r = await sql<{ doc_kind: DocKind; ref_id: string; tokens: string[]; region_path: string; at: Date }>`
    with c as (
      select p.doc_kind, p.ref_id, sum(q.w) as s
      from unnest(${feats.map((f) => f.feature)}::text[], ${feats.map((f) => f.weight)}::float8[]) as q(f, w)
      cross join lateral (
        select doc_kind, ref_id from brain_postings
        where feature = q.f and at >= ${from.toISOString()}::timestamptz and at <= ${to.toISOString()}::timestamptz
        order by at desc limit ${perFeature}
      ) p
      group by p.doc_kind, p.ref_id
      order by s desc
      limit ${limit}
    )
    select c.doc_kind, c.ref_id, d.tokens, d.region_path, d.at from c join brain_docs d on d.kind = c.doc_kind and d.ref_id = c.ref_id`.execute(db)
  return r.rows
}

export interface ClusterRow {
  id: string
  label: string
  keywords: string[]
  centroid: Record<string, number>
  size: number
  first_at: Date
  last_at: Date
  alert_id: string | null
}

export async function membershipOf(db: Executor, docs: DocKey[]) {
  if (docs.length === 0) return new Map<string, string>()
  const r = await sql<{ doc_kind: string; ref_id: string; cluster_id: string }>`
    select m.doc_kind, m.ref_id, m.cluster_id from brain_cluster_members m
    join unnest(${docs.map((d) => d.kind)}::text[], ${docs.map((d) => d.refId)}::uuid[]) as t(k, r) on m.doc_kind = t.k and m.ref_id = t.r`.execute(db)
  return new Map(r.rows.map((x) => [`${x.doc_kind}:${x.ref_id}`, x.cluster_id]))
}

export async function clustersById(db: Executor, ids: string[]): Promise<ClusterRow[]> {
  if (ids.length === 0) return []
  const r = await sql<ClusterRow>`
    select id, label, keywords, centroid, size, first_at, last_at, alert_id from brain_clusters where id = any(${ids}::uuid[])`.execute(db)
  return r.rows
}

/** A batch text's query for the assignment: its index in the batch, its heaviest features and its time window. */
export interface BatchQuery {
  i: number
  kind: DocKind
  refId: string
  feats: { feature: string; weight: number }[]
  from: Date
  to: Date
}

const unnestQueries = (qs: BatchQuery[]) => {
  const rows = qs.flatMap((q) => q.feats.map((f) => ({ q, f })))
  return {
    i: rows.map((x) => x.q.i),
    kind: rows.map((x) => x.q.kind),
    ref: rows.map((x) => x.q.refId),
    f: rows.map((x) => x.f.feature),
    w: rows.map((x) => x.f.weight),
    from: rows.map((x) => x.q.from.toISOString()),
    to: rows.map((x) => x.q.to.toISOString()),
  }
}

/**
 * For every text of a batch, the `perText` clusters active in its window whose indexed centroid features
 * (brain_cluster_features) it shares most weight with; each cluster once, with the texts it was found for.
 */
export async function clusterCandidates(db: Executor, qs: BatchQuery[], perText: number) {
  if (qs.length === 0) return []
  const u = unnestQueries(qs)
  const r = await sql<ClusterRow & { texts: number[] }>`
    with s as (
      select q.i, cf.cluster_id, sum(q.w * cf.weight) as s
      from unnest(${u.i}::int[], ${u.f}::text[], ${u.w}::float8[], ${u.from}::timestamptz[], ${u.to}::timestamptz[]) as q(i, f, w, lo, hi)
      join brain_cluster_features cf on cf.feature = q.f
      join brain_clusters c on c.id = cf.cluster_id and c.last_at >= q.lo and c.first_at <= q.hi
      group by q.i, cf.cluster_id
    ), r as (
      select i, cluster_id, row_number() over (partition by i order by s desc, cluster_id) as rk from s
    )
    select c.id, c.label, c.keywords, c.centroid, c.size, c.first_at, c.last_at, c.alert_id, array_agg(r.i) as texts
    from r join brain_clusters c on c.id = r.cluster_id
    where r.rk <= ${perText}
    group by c.id`.execute(db)
  return r.rows
}

/**
 * For every text of a batch, the `perText` problem texts in its window (itself excluded) sharing the most weight
 * of its features, each feature's posting list read newest first and cut at `perFeature`; each text once, with
 * its words, place, source, time, cluster (if any) and the batch texts it was found for.
 */
export async function partnerCandidates(db: Executor, qs: BatchQuery[], perFeature: number, perText: number) {
  if (qs.length === 0) return []
  const u = unnestQueries(qs)
  const r = await sql<{
    kind: DocKind
    ref_id: string
    tokens: string[]
    region_id: number
    region_path: string
    source: string
    at: Date
    cluster_id: string | null
    texts: number[]
  }>`
    with q as materialized (
      select * from unnest(${u.i}::int[], ${u.kind}::text[], ${u.ref}::uuid[], ${u.f}::text[], ${u.w}::float8[], ${u.from}::timestamptz[], ${u.to}::timestamptz[])
        as q(i, k, r, f, w, lo, hi)
    ), r as (
      -- Ranked text by text: many small aggregations in memory rather than one over the whole batch.
      select t.i, b.doc_kind, b.ref_id
      from (select distinct i from q) t
      cross join lateral (
        select p.doc_kind, p.ref_id, sum(q.w) as s
        from q cross join lateral (
          select doc_kind, ref_id from brain_postings
          where feature = q.f and at >= q.lo and at <= q.hi and problem and (ref_id <> q.r or doc_kind <> q.k)
          order by at desc limit ${perFeature}
        ) p
        where q.i = t.i
        group by p.doc_kind, p.ref_id
        order by s desc, p.ref_id
        limit ${perText}
      ) b
    ), t as (
      select doc_kind, ref_id, array_agg(i) as texts from r group by doc_kind, ref_id
    )
    select d.kind, d.ref_id, d.tokens, d.region_id, d.region_path, d.source, d.at, m.cluster_id, t.texts
    from t join brain_docs d on d.kind = t.doc_kind and d.ref_id = t.ref_id
    left join brain_cluster_members m on m.doc_kind = t.doc_kind and m.ref_id = t.ref_id`.execute(db)
  return r.rows
}

/** A cluster as written after a batch: what it is about, and the members it gained with their first and last time. */
interface ClusterWrite {
  id: string
  label: string
  keywords: string[]
  centroid: Record<string, number>
  added: number
  firstAt: Date
  lastAt: Date
}
const clusterJson = (cs: ClusterWrite[]) =>
  JSON.stringify(cs.map((c) => ({ id: c.id, label: c.label, keywords: c.keywords, centroid: c.centroid, added: c.added, first_at: c.firstAt.toISOString(), last_at: c.lastAt.toISOString() })))

/** New clusters (ids made by the caller) with their members' count and times, one statement. */
export async function insertClusters(db: Executor, cs: ClusterWrite[]) {
  if (cs.length === 0) return
  await sql`
    insert into brain_clusters (id, label, keywords, centroid, size, first_at, last_at)
    select x.id, x.label, array(select jsonb_array_elements_text(x.keywords)), x.centroid, x.added, x.first_at, x.last_at
    from jsonb_to_recordset(${clusterJson(cs)}::jsonb) as x(id uuid, label text, keywords jsonb, centroid jsonb, added int, first_at timestamptz, last_at timestamptz)`.execute(db)
}

/** Clusters that gained members: what they are about, their size and first/last seen moved on; one statement. */
export async function updateClusters(db: Executor, cs: ClusterWrite[]) {
  if (cs.length === 0) return
  await sql`
    update brain_clusters c set label = x.label, keywords = array(select jsonb_array_elements_text(x.keywords)), centroid = x.centroid,
      size = c.size + x.added, first_at = least(c.first_at, x.first_at), last_at = greatest(c.last_at, x.last_at), updated_at = now()
    from jsonb_to_recordset(${clusterJson(cs)}::jsonb) as x(id uuid, label text, keywords jsonb, centroid jsonb, added int, first_at timestamptz, last_at timestamptz)
    where c.id = x.id`.execute(db)
}

/** Size and first/last seen recounted from the members (after members left). */
export async function refreshClusterCounts(db: Executor, ids: string[]) {
  if (ids.length === 0) return
  await sql`
    update brain_clusters c set size = s.n, first_at = s.first_at, last_at = s.last_at, updated_at = now()
    from (select cluster_id, count(*)::int as n, min(at) as first_at, max(at) as last_at from brain_cluster_members
          where cluster_id = any(${ids}::uuid[]) group by cluster_id) s
    where c.id = s.cluster_id`.execute(db)
  // A cluster left without members is gone.
  await sql`delete from brain_clusters c where c.id = any(${ids}::uuid[]) and not exists (select 1 from brain_cluster_members m where m.cluster_id = c.id)`.execute(db)
}

/** Replaces the indexed centroid features of clusters, two statements. */
export async function writeClusterFeatures(db: Executor, rows: { clusterId: string; feature: string; weight: number }[], ids: string[]) {
  if (ids.length === 0) return
  await sql`delete from brain_cluster_features where cluster_id = any(${ids}::uuid[])`.execute(db)
  if (rows.length === 0) return
  await sql`
    insert into brain_cluster_features (feature, cluster_id, weight)
    select x.f, x.id, x.w
    from unnest(${rows.map((x) => x.feature)}::text[], ${rows.map((x) => x.clusterId)}::uuid[], ${rows.map((x) => x.weight)}::float8[]) as x(f, id, w)
    where exists (select 1 from brain_clusters c where c.id = x.id)`.execute(db)
}

export interface MemberRow {
  kind: DocKind
  refId: string
  clusterId: string
  regionId: number
  regionPath: string
  source: string
  at: Date
  score: number
}

/** Adds (or moves) members, one statement. */
export async function upsertMembers(db: Executor, ms: MemberRow[]) {
  if (ms.length === 0) return
  await sql`
    insert into brain_cluster_members (doc_kind, ref_id, cluster_id, region_id, region_path, source, at, score)
    select * from unnest(${ms.map((m) => m.kind)}::text[], ${ms.map((m) => m.refId)}::uuid[], ${ms.map((m) => m.clusterId)}::uuid[],
                         ${ms.map((m) => m.regionId)}::int[], ${ms.map((m) => m.regionPath)}::text[], ${ms.map((m) => m.source)}::text[],
                         ${ms.map((m) => m.at.toISOString())}::timestamptz[], ${ms.map((m) => m.score)}::real[])
    on conflict (doc_kind, ref_id) do update set cluster_id = excluded.cluster_id, region_id = excluded.region_id,
      region_path = excluded.region_path, source = excluded.source, at = excluded.at, score = excluded.score`.execute(db)
}

export async function removeMembers(db: Executor, docs: DocKey[]): Promise<string[]> {
  if (docs.length === 0) return []
  const r = await sql<{ cluster_id: string }>`
    delete from brain_cluster_members m using unnest(${docs.map((d) => d.kind)}::text[], ${docs.map((d) => d.refId)}::uuid[]) as t(k, r)
    where m.doc_kind = t.k and m.ref_id = t.r returning m.cluster_id`.execute(db)
  return [...new Set(r.rows.map((x) => x.cluster_id))]
}

/**
 * Members seen within `days` before their cluster's last member, of the clusters among `ids` whose last member is
 * at or after `since` (the 3-places rule and the alert's links).
 */
export async function recentMembers(db: Executor, ids: string[], days: number, since: Date) {
  if (ids.length === 0) return []
  const r = await sql<{ cluster_id: string; doc_kind: DocKind; ref_id: string; region_path: string }>`
    select m.cluster_id, m.doc_kind, m.ref_id, m.region_path
    from brain_clusters c join brain_cluster_members m on m.cluster_id = c.id and m.at >= c.last_at - make_interval(days => ${days})
    where c.id = any(${ids}::uuid[]) and c.last_at >= ${since.toISOString()}`.execute(db)
  return r.rows
}

export async function setClusterAlert(db: Executor, clusterId: string, alertId: string) {
  await sql`update brain_clusters set alert_id = ${alertId} where id = ${clusterId}`.execute(db)
}

export async function regionIdByCode(db: Executor, code: string): Promise<number | null> {
  const r = await sql<{ id: number }>`select id from regions where code = ${code}`.execute(db)
  return r.rows[0]?.id ?? null
}

// ---- reads for the API ----

/** Clusters with a member under `path` seen since `since`, biggest and newest first. */
export async function clustersTouching(db: Executor, path: string, since: Date, limit: number) {
  const r = await sql<ClusterRow>`
    select c.id, c.label, c.keywords, c.centroid, c.size, c.first_at, c.last_at, c.alert_id
    from brain_clusters c
    where c.last_at >= ${since.toISOString()} and c.size >= 2
      and exists (select 1 from brain_cluster_members m where m.cluster_id = c.id and m.region_path like ${path + '%'})
    order by c.size desc, c.last_at desc
    limit ${limit}`.execute(db)
  return r.rows
}

/** Per cluster: members by region (with the region's code, name, level and path) and by source. */
export async function clusterSpread(db: Executor, ids: string[]) {
  if (ids.length === 0) return { regions: [], sources: [] }
  const [regions, sources] = await Promise.all([
    sql<{ cluster_id: string; region_path: string; n: number }>`
      select cluster_id, region_path, count(*)::int as n from brain_cluster_members where cluster_id = any(${ids}::uuid[]) group by cluster_id, region_path`.execute(db),
    sql<{ cluster_id: string; source: string; n: number }>`
      select cluster_id, source, count(*)::int as n from brain_cluster_members where cluster_id = any(${ids}::uuid[]) group by cluster_id, source`.execute(db),
  ])
  return { regions: regions.rows, sources: sources.rows }
}

export async function regionsByCodes(db: Executor, codes: string[]) {
  if (codes.length === 0) return []
  const r = await sql<{ id: number; code: string; name: string; level: string; path: string }>`
    select id, code, name, level, path from regions where code = any(${codes}::text[])`.execute(db)
  return r.rows
}

export async function clusterMembers(db: Executor, clusterId: string) {
  const r = await sql<{ doc_kind: DocKind; ref_id: string; region_path: string; source: string; at: Date; score: number }>`
    select doc_kind, ref_id, region_path, source, at, score from brain_cluster_members where cluster_id = ${clusterId} order by at desc, ref_id`.execute(db)
  return r.rows
}

/** Cases with what visibility and display need. */
export async function caseRows(db: Executor, ids: string[]) {
  if (ids.length === 0) return []
  const r = await sql<{
    id: string
    number: string
    title: string
    description: string
    state: string
    created_at: Date
    region_path: string
    region_code: string
    region_name: string
    unit_id: string | null
    handler_id: string | null
    claimed_by: string | null
    reporter_user_id: string | null
    lat: number | null
    lng: number | null
  }>`
    select c.id, c.number, c.title, c.description, c.state, c.created_at, r.path as region_path, r.code as region_code, r.name as region_name,
           c.unit_id, c.handler_id, c.claimed_by, c.reporter_user_id, c.lat, c.lng
    from cases c join regions r on r.id = c.region_id where c.id = any(${ids}::uuid[])`.execute(db)
  return r.rows
}

export async function diaryRows(db: Executor, ids: string[]) {
  if (ids.length === 0) return []
  const r = await sql<{ id: string; text: string; occurred_at: Date; region_path: string; region_code: string; region_name: string }>`
    select e.id, e.text, e.occurred_at, r.path as region_path, r.code as region_code, r.name as region_name
    from diary_entries e join regions r on r.id = e.region_id where e.id = any(${ids}::uuid[])`.execute(db)
  return r.rows
}
