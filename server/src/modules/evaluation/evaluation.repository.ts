import type { AwardItem, EvaluationWeights } from '@minqing/common'
import { sql } from 'kysely'
import type { Executor } from '../../db/types.ts'

export interface FormulaRow {
  version: number
  weights: EvaluationWeights
  effective_from: string
  note: string | null
  created_at: Date
}

/** The version in force in a month: the latest month ≤ it, the newest version of that month. */
export async function formulaFor(db: Executor, month: string): Promise<FormulaRow | undefined> {
  const r = await sql<FormulaRow>`
    select version, weights, effective_from, note, created_at from evaluation_formulas
    where effective_from <= ${month} order by effective_from desc, version desc limit 1`.execute(db)
  return r.rows[0]
}

export async function formulas(db: Executor): Promise<FormulaRow[]> {
  const r = await sql<FormulaRow>`select version, weights, effective_from, note, created_at from evaluation_formulas order by version desc`.execute(db)
  return r.rows
}

/** A new version (the next number; the primary key refuses a concurrent duplicate). */
export async function insertFormula(db: Executor, f: { weights: EvaluationWeights; effectiveFrom: string; note: string | null; createdBy: string }): Promise<FormulaRow> {
  const r = await sql<FormulaRow>`
    insert into evaluation_formulas (version, weights, effective_from, note, created_by)
    select coalesce(max(version), 0) + 1, ${JSON.stringify(f.weights)}::jsonb, ${f.effectiveFrom}, ${f.note}, ${f.createdBy} from evaluation_formulas
    returning version, weights, effective_from, note, created_at`.execute(db)
  return r.rows[0]
}

export async function regionId(db: Executor, code: string): Promise<number> {
  const r = await sql<{ id: number }>`select id from regions where code = ${code}`.execute(db)
  return r.rows[0].id
}

export interface AwardRow {
  id: string
  period: string
  region_id: number
  state: 'draft' | 'published'
  note: string | null
  notes: Record<string, string>
  items: AwardItem[] | null
  formula_version: number | null
  published_at: Date | null
  published_by_name: string | null
}

const AWARD_COLS = sql`a.id, a.period, a.region_id, a.state, a.note, a.notes, a.items, a.formula_version, a.published_at, (select name from users u where u.id = a.published_by) as published_by_name`

export async function awardRound(db: Executor, regionId: number, period: string): Promise<AwardRow | undefined> {
  const r = await sql<AwardRow>`select ${AWARD_COLS} from evaluation_awards a where a.region_id = ${regionId} and a.period = ${period}`.execute(db)
  return r.rows[0]
}

export async function latestPublished(db: Executor, regionId: number): Promise<AwardRow | undefined> {
  const r = await sql<AwardRow>`
    select ${AWARD_COLS} from evaluation_awards a where a.region_id = ${regionId} and a.state = 'published' order by a.period desc limit 1`.execute(db)
  return r.rows[0]
}

/** Saves a draft's notes; a published round is left as it is (returns false). */
export async function saveDraft(db: Executor, d: { regionId: number; period: string; note: string | null; notes: Record<string, string>; by: string }): Promise<boolean> {
  const r = await sql<{ id: string }>`
    insert into evaluation_awards as a (period, region_id, note, notes, updated_by)
    values (${d.period}, ${d.regionId}, ${d.note}, ${JSON.stringify(d.notes)}::jsonb, ${d.by})
    on conflict (region_id, period) do update set note = excluded.note, notes = excluded.notes, updated_by = excluded.updated_by, updated_at = now()
      where a.state = 'draft'
    returning a.id`.execute(db)
  return r.rows.length > 0
}

/** Publishes (freezes the items); false when it was published already. */
export async function publish(
  db: Executor,
  p: { regionId: number; period: string; note: string | null; notes: Record<string, string>; items: AwardItem[]; formulaVersion: number; by: string; at: Date },
): Promise<boolean> {
  const r = await sql<{ id: string }>`
    insert into evaluation_awards as a (period, region_id, state, note, notes, items, formula_version, updated_by, updated_at, published_by, published_at)
    values (${p.period}, ${p.regionId}, 'published', ${p.note}, ${JSON.stringify(p.notes)}::jsonb, ${JSON.stringify(p.items)}::jsonb, ${p.formulaVersion}, ${p.by}, ${p.at}, ${p.by}, ${p.at})
    on conflict (region_id, period) do update set state = 'published', note = excluded.note, notes = excluded.notes, items = excluded.items,
      formula_version = excluded.formula_version, updated_by = excluded.updated_by, updated_at = excluded.updated_at,
      published_by = excluded.published_by, published_at = excluded.published_at
      where a.state = 'draft'
    returning a.id`.execute(db)
  return r.rows.length > 0
}
