// Calendar windows in China time (UTC+8 all year, no daylight saving): a month, its week count, the
// half-year and year around it.
const OFFSET = '+08:00'

const startOfDayCN = (date: string) => new Date(`${date}T00:00:00${OFFSET}`)

export function currentMonthCN(now = new Date()): string {
  const cn = new Date(now.getTime() + 8 * 3600_000)
  return `${cn.getUTCFullYear()}-${String(cn.getUTCMonth() + 1).padStart(2, '0')}`
}

export interface Window {
  from: Date
  to: Date
  /** Inclusive YYYY-MM-DD bounds, for people. */
  start: string
  end: string
}

function window(fromYmd: string, toYmdExclusive: string): Window {
  const from = startOfDayCN(fromYmd)
  const to = startOfDayCN(toYmdExclusive)
  const last = new Date(to.getTime() - 86_400_000 + 8 * 3600_000)
  return { from, to, start: fromYmd, end: last.toISOString().slice(0, 10) }
}

const ym = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}`

export function monthWindow(period: string): Window {
  const [y, m] = period.split('-').map(Number)
  const next = m === 12 ? ym(y + 1, 1) : ym(y, m + 1)
  return window(`${period}-01`, `${next}-01`)
}

export function halfYearWindow(period: string): Window {
  const [y, m] = period.split('-').map(Number)
  return m <= 6 ? window(`${y}-01-01`, `${y}-07-01`) : window(`${y}-07-01`, `${y + 1}-01-01`)
}

export function yearWindow(period: string): Window {
  const y = Number(period.slice(0, 4))
  return window(`${y}-01-01`, `${y + 1}-01-01`)
}

/** Weeks a month spans, for "at least once a week" over a month. */
export function weeksIn(period: string): number {
  const w = monthWindow(period)
  return Math.ceil((w.to.getTime() - w.from.getTime()) / (7 * 86_400_000))
}
