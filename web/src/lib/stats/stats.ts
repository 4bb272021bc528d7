/**
 * The statistics page's and dashboards' own logic: periods, which chart a grouping gets, rankings that stay
 * readable with hundreds of rows, number formats. No figure is computed here: they all come from the server's
 * stats module (GET /api/stats/…), each with its formula.
 */
import type { CaseFigures, CaseStatsRow, StatsGroupBy } from '@minqing/common'

export type PeriodKind = 'day' | 'week' | 'month' | 'year' | 'range'
export const PERIOD_KINDS: readonly PeriodKind[] = ['day', 'week', 'month', 'year', 'range']

export interface Period {
  from: string
  to: string
}

const pad = (n: number) => String(n).padStart(2, '0')
const ymd = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
/** A YYYY-MM-DD read as a UTC midnight (calendar arithmetic only; no time zone enters). */
const parse = (s: string) => new Date(`${s}T00:00:00Z`)

/** Today's date in Asia/Shanghai (the server's periods are Shanghai days), YYYY-MM-DD. */
export function todayShanghai(now: Date = new Date()): string {
  return ymd(new Date(now.getTime() + 8 * 3600_000))
}

/**
 * The period of a kind that holds `anchor` (YYYY-MM-DD): that day, its ISO week (Monday to Sunday), its month,
 * its year. Never past today: this month's period ends today (figures of days not yet come are all zero).
 */
export function periodOf(kind: Exclude<PeriodKind, 'range'>, anchor: string, today: string = anchor): Period {
  const d = parse(anchor)
  let from: Date
  let to: Date
  switch (kind) {
    case 'day':
      from = to = d
      break
    case 'week': {
      const dow = (d.getUTCDay() + 6) % 7 // Monday 0
      from = new Date(d.getTime() - dow * 86400_000)
      to = new Date(from.getTime() + 6 * 86400_000)
      break
    }
    case 'month':
      from = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1))
      to = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0))
      break
    case 'year':
      from = new Date(Date.UTC(d.getUTCFullYear(), 0, 1))
      to = new Date(Date.UTC(d.getUTCFullYear(), 11, 31))
      break
  }
  const end = ymd(to) > today ? today : ymd(to)
  return { from: ymd(from), to: end < ymd(from) ? ymd(from) : end }
}

/** This month so far: the dashboards' period ("my area this month"). */
export const thisMonth = (today: string = todayShanghai()) => periodOf('month', today, today)

/** The grouping a period suggests when the user has not chosen one: a day by region, a year by month… */
export function timeGroupFor(kind: PeriodKind, p: Period): StatsGroupBy {
  if (kind === 'year') return 'month'
  if (kind === 'month' || kind === 'week') return 'day'
  const days = (parse(p.to).getTime() - parse(p.from).getTime()) / 86400_000 + 1
  if (days <= 62) return 'day'
  if (days <= 366) return 'week'
  return 'month'
}

const TIME_GROUPS: readonly StatsGroupBy[] = ['day', 'week', 'month', 'year']
const isTimeGroup = (g: StatsGroupBy) => TIME_GROUPS.includes(g)

/** A line over time for day/week/month/year, a ranking bar for regions, units, categories and levels. */
export const chartKindFor = (g: StatsGroupBy): 'line' | 'bar' => (isTimeGroup(g) ? 'line' : 'bar')

/** The figures the table shows, in order (all of the contract's, counts first). */
export const TABLE_METRICS: readonly (keyof CaseFigures)[] = [
  'received',
  'closed',
  'inProgress',
  'overdue',
  'warned',
  'closeRate',
  'onTimeRate',
  'satisfactionRate',
  'unsatisfiedRate',
  'responseRate',
  'reopenRate',
  'returnRate',
  'avgDaysToClose',
  'yellowCards',
  'redCards',
  'levelResolvedRate',
  'gridResolvedRate',
  'villageResolvedRate',
  'townResolvedRate',
]
export const isRate = (m: keyof CaseFigures) => m.endsWith('Rate')
/** The figures a chart may rank or draw. */
export const CHART_METRICS: readonly (keyof CaseFigures)[] = ['received', 'closed', 'overdue', 'closeRate', 'satisfactionRate', 'onTimeRate', 'levelResolvedRate']

/** 0.8765 → "87.7%"; null (no denominator) → "—". */
export function formatRate(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  return `${(Math.round(v * 1000) / 10).toFixed(1)}%`
}
export function formatFigure(m: keyof CaseFigures, v: number | null | undefined): string {
  if (isRate(m)) return formatRate(v)
  if (v === null || v === undefined) return '—'
  if (m === 'avgDaysToClose') return v.toFixed(1)
  return v.toLocaleString('zh-CN')
}

export interface Ranked<T> {
  /** Rows in rank order (best first), at most 2 × n: the top n, then the bottom n. */
  rows: T[]
  /** How many rows between top and bottom were left out (0 when all fit). */
  hidden: number
}

/**
 * A ranking that stays readable with 304 villages: all rows when there are at most 2 × n, else the top n and the
 * bottom n by `value` (nulls — no denominator — rank last and count as bottom). Stable for equal values (by name).
 */
export function rankTopBottom<T extends { name: string }>(rows: readonly T[], value: (r: T) => number | null, n: number): Ranked<T> {
  const sorted = [...rows].sort((a, b) => {
    const va = value(a)
    const vb = value(b)
    if (va === null && vb === null) return a.name.localeCompare(b.name, 'zh-CN')
    if (va === null) return 1
    if (vb === null) return -1
    return vb - va || a.name.localeCompare(b.name, 'zh-CN')
  })
  if (sorted.length <= 2 * n) return { rows: sorted, hidden: 0 }
  return { rows: [...sorted.slice(0, n), ...sorted.slice(-n)], hidden: sorted.length - 2 * n }
}

/** Rows in time order for a line chart (keys are sortable dates: YYYY-MM-DD, YYYY-MM, YYYY). */
export const timeOrdered = (rows: readonly CaseStatsRow[]) => [...rows].sort((a, b) => a.key.localeCompare(b.key))

/** A region may be drilled into (its children listed) unless it is a grid. */
export const canDrill = (groupBy: StatsGroupBy, key: string) => groupBy === 'region' && key.length < 15
