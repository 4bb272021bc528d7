import type { CaseFigures } from '@minqing/common'

const round2 = (x: number) => Math.round(x * 100) / 100

export interface ScoreResult {
  score: number | null
  base: number | null
  deductions: number
  redistributed: string[]
  unscored: 'too_few_cases' | null
}

/**
 * The weighted score of one row (EVALUATION_FORMULA_TEXT): 100 × Σ w·rate ÷ Σ w over the parts that have a value
 * (a part without one gives its weight to the others in proportion), minus the deductions for cards and overdue
 * cases. Rounded to two decimals. `eligible` false: listed unscored (too few cases).
 */
export function scoreOf(
  parts: Record<string, number | null>,
  weights: Record<string, number>,
  f: Pick<CaseFigures, 'yellowCards' | 'redCards' | 'overdue'>,
  penalties: { yellowCard: number; redCard: number; overdueCase: number },
  eligible: boolean,
): ScoreResult {
  const deductions = round2(f.yellowCards * penalties.yellowCard + f.redCards * penalties.redCard + f.overdue * penalties.overdueCase)
  const redistributed = Object.keys(weights).filter((k) => weights[k] > 0 && parts[k] == null)
  let sumW = 0
  let sum = 0
  for (const [k, w] of Object.entries(weights)) {
    const v = parts[k]
    if (w > 0 && v != null) {
      sumW += w
      sum += w * v
    }
  }
  if (!eligible || sumW === 0) return { score: null, base: null, deductions, redistributed, unscored: 'too_few_cases' }
  const base = round2((100 * sum) / sumW)
  return { score: round2(base - deductions), base, deductions, redistributed, unscored: null }
}

/** Competition ranks (1, 2, 2, 4) of the scored rows by score (desc); unscored rows get null. */
export function rank<T extends { score: number | null }>(rows: T[]): (T & { rank: number | null })[] {
  const scored = rows.filter((r) => r.score !== null).sort((a, b) => b.score! - a.score!)
  const ranks = new Map<T, number>()
  scored.forEach((r, i) => ranks.set(r, i > 0 && scored[i - 1].score === r.score ? ranks.get(scored[i - 1])! : i + 1))
  return rows.map((r) => ({ ...r, rank: ranks.get(r) ?? null }))
}
