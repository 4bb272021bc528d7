import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

/** A text as the brain reads it (one per case and per diary entry). */
export interface BrainDoc {
  kind: 'case' | 'diary'
  refId: string
  /** The case's version, the diary entry's seq: a doc is recomputed only when this moved. */
  refVersion: number
  regionId: number
  regionPath: string
  /** The case's channel (hotline, qr, diary, …); `diary` for a diary entry. */
  source: string
  categoryId: number | null
  at: Date
  tokens: string[]
  /**
   * Whether the text reports a problem: every case; a diary entry that records a concern or is marked urgent.
   * Only problem texts form 一类事 (similar.ts); routine visit notes stay searchable as similar items.
   */
  problem: boolean
}

type DocRow = {
  kind: 'case' | 'diary'
  ref_id: string
  ref_version: string
  region_id: number
  region_path: string
  source: string
  category_id: number | null
  at: Date
  tokens: string[]
  problem: boolean
}

const toDoc = (r: DocRow): BrainDoc => ({
  kind: r.kind,
  refId: r.ref_id,
  refVersion: Number(r.ref_version),
  regionId: r.region_id,
  regionPath: r.region_path,
  source: r.source,
  categoryId: r.category_id,
  at: new Date(r.at),
  tokens: r.tokens,
  problem: r.problem,
})

/** Locks a watermark row for this transaction (one indexer at a time across processes) and reads it. */
export async function lockWatermark(db: Executor, name: 'cases' | 'diary'): Promise<number> {
  const r = await sql<{ last_id: string }>`select last_id from brain_watermarks where name = ${name} for update`.execute(db)
  return Number(r.rows[0]?.last_id ?? 0)
}

export async function saveWatermark(db: Executor, name: 'cases' | 'diary', lastId: number) {
  await sql`update brain_watermarks set last_id = ${lastId}, folded_at = now() where name = ${name}`.execute(db)
}

/** The last case event id of the next batch past `from` (at most `batch` events), or null when there is none. */
export async function caseEventsEnd(db: Executor, from: number, batch: number): Promise<number | null> {
  const r = await sql<{ id: string }>`select id from case_events where id > ${from} order by id limit 1 offset ${batch - 1}`.execute(db)
  if (r.rows[0]) return Number(r.rows[0].id)
  const last = await sql<{ id: string | null }>`select max(id) as id from case_events where id > ${from}`.execute(db)
  return last.rows[0]?.id == null ? null : Number(last.rows[0].id)
}

/**
 * The cases with events in (from, to] whose text, place or category may have changed since they were indexed:
 * a case whose indexed version is its current one is skipped.
 */
export async function casesToIndex(db: Executor, from: number, to: number) {
  const r = await sql<{
    id: string
    version: number
    title: string
    description: string
    region_id: number
    region_path: string
    channel: string
    category_id: number | null
    created_at: Date
    diary_entry_id: string | null
  }>`
    select c.id, c.version, c.title, c.description, c.region_id, r.path as region_path, c.channel, c.category_id, c.created_at, c.diary_entry_id
    from (select distinct case_id from case_events where id > ${from} and id <= ${to}) e
    join cases c on c.id = e.case_id
    join regions r on r.id = c.region_id
    left join brain_docs d on d.kind = 'case' and d.ref_id = c.id
    where d.ref_id is null or d.ref_version <> c.version`.execute(db)
  return r.rows
}

interface DiaryRow {
  id: string
  seq: string
  text: string
  concerns: string[] | null
  /** Concerns already made cases: the case's own text carries that matter (see BrainIndexer.diaryDoc). */
  escalated: number
  urgency: string
  region_id: number
  region_path: string
  occurred_at: Date
  indexed: boolean
}

const diaryColumns = sql`e.id, e.seq, e.text, e.urgency, e.region_id, r.path as region_path, e.occurred_at,
  (select array_agg(c.text order by c.id) from diary_concerns c where c.entry_id = e.id) as concerns,
  (select count(*)::int from diary_concerns c where c.entry_id = e.id and c.case_id is not null) as escalated,
  exists (select 1 from brain_docs d where d.kind = 'diary' and d.ref_id = e.id and d.ref_version = e.seq) as indexed`

/** Diary entries numbered (from, from + batch], with their concerns' texts and urgency. */
export async function diaryToIndex(db: Executor, from: number, batch: number) {
  const r = await sql<DiaryRow>`
    select ${diaryColumns}
    from diary_entries e join regions r on r.id = e.region_id
    where e.seq > ${from}
    order by e.seq
    limit ${batch}`.execute(db)
  return r.rows.map((x) => ({ ...x, seq: Number(x.seq) }))
}

/** These diary entries, as diaryToIndex reads them (those already indexed: their concerns may since have become cases). */
export async function diaryByIds(db: Executor, ids: string[]) {
  if (ids.length === 0) return []
  const r = await sql<DiaryRow>`
    select ${diaryColumns}
    from diary_entries e join regions r on r.id = e.region_id
    join brain_docs d on d.kind = 'diary' and d.ref_id = e.id
    where e.id = any(${ids}::uuid[])`.execute(db)
  return r.rows.map((x) => ({ ...x, seq: Number(x.seq) }))
}

export async function docsOf(db: Executor, kind: 'case' | 'diary', refIds: string[]): Promise<BrainDoc[]> {
  if (refIds.length === 0) return []
  const r = await sql<DocRow>`
    select kind, ref_id, ref_version, region_id, region_path, source, category_id, at, tokens, problem
    from brain_docs where kind = ${kind} and ref_id = any(${refIds}::uuid[])`.execute(db)
  return r.rows.map(toDoc)
}

/** Writes the docs (insert or replace by kind + ref), one statement. */
export async function upsertDocs(db: Executor, docs: BrainDoc[]) {
  if (docs.length === 0) return
  const rows = docs.map((d) => ({
    kind: d.kind,
    ref_id: d.refId,
    ref_version: d.refVersion,
    region_id: d.regionId,
    region_path: d.regionPath,
    source: d.source,
    category_id: d.categoryId,
    at: d.at.toISOString(),
    tokens: d.tokens,
    problem: d.problem,
  }))
  await sql`
    insert into brain_docs (kind, ref_id, ref_version, region_id, region_path, source, category_id, at, tokens, problem)
    select x.kind, x.ref_id, x.ref_version, x.region_id, x.region_path, x.source, x.category_id, x.at,
           array(select jsonb_array_elements_text(x.tokens)), x.problem
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      kind text, ref_id uuid, ref_version bigint, region_id int, region_path text, source text, category_id int, at timestamptz, tokens jsonb, problem boolean)
    on conflict (kind, ref_id) do update set
      ref_version = excluded.ref_version, region_id = excluded.region_id, region_path = excluded.region_path, source = excluded.source,
      category_id = excluded.category_id, at = excluded.at, tokens = excluded.tokens, problem = excluded.problem, indexed_at = now()`.execute(db)
}
