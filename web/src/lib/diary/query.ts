/** The console feed's filters → `GET /api/diary` query parameters. */
import type { DiaryKind } from '@minqing/common'
import type { Params } from '../archive/query.ts'

export type ReviewMark = 'none' | 'reviewed' | 'good_example'

export interface DiaryFilters {
  regionCode: string | null
  kind: DiaryKind | ''
  authorId: string | null
  review: ReviewMark | ''
  /** Words of the entry's text. */
  q: string
  /** Inclusive days `YYYY-MM-DD` (China time), or null. */
  range: [string, string] | null
}

export const emptyDiaryFilters = (): DiaryFilters => ({ regionCode: null, kind: '', authorId: null, review: '', q: '', range: null })

/** The server takes at most 40 characters of search text. */
const Q_MAX = 40
const DAY = /^\d{4}-\d{2}-\d{2}$/

/** Start of a day in China time as an ISO instant (`2026-11-01` → `2026-10-31T16:00:00.000Z`). */
export function dayStartCN(day: string): string {
  return new Date(`${day}T00:00:00+08:00`).toISOString()
}
/** The day after (`to` is exclusive on the server, so a range ending on the 30th ends at the 1st, 00:00). */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

export function diaryParams(f: DiaryFilters, extra: { before?: string | null; limit?: number } = {}): Params {
  let from: string | undefined
  let to: string | undefined
  if (f.range && DAY.test(f.range[0]) && DAY.test(f.range[1])) {
    const [a, b] = f.range[0] <= f.range[1] ? f.range : [f.range[1], f.range[0]]
    from = dayStartCN(a)
    to = dayStartCN(nextDay(b))
  }
  const q = f.q.trim().slice(0, Q_MAX)
  return {
    regionCode: f.regionCode || undefined,
    kind: f.kind || undefined,
    authorId: f.authorId || undefined,
    review: f.review || undefined,
    q: q || undefined,
    from,
    to,
    before: extra.before || undefined,
    limit: extra.limit,
  }
}

/** Every page of a cursor-paged list, up to `cap` items (for the export). `capped`: there were more. */
export async function collectPages<T>(fetch: (before: string | null) => Promise<{ items: T[]; nextBefore: string | null }>, cap: number): Promise<{ items: T[]; capped: boolean }> {
  const items: T[] = []
  let before: string | null = null
  for (;;) {
    const page = await fetch(before)
    items.push(...page.items)
    if (items.length >= cap) return { items: items.slice(0, cap), capped: items.length > cap || !!page.nextBefore }
    if (!page.nextBefore || page.items.length === 0) return { items, capped: false }
    before = page.nextBefore
  }
}
