/** Months as the leaderboard takes them (`YYYY-MM`, Asia/Shanghai). */
const CN_OFFSET_MS = 8 * 3600_000

export function currentMonth(now = new Date()): string {
  return new Date(now.getTime() + CN_OFFSET_MS).toISOString().slice(0, 7)
}

/** The month `delta` months from `month` (negative: earlier). */
export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const d = new Date(Date.UTC(y, m - 1 + delta, 1))
  return d.toISOString().slice(0, 7)
}
