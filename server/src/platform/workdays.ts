import chineseDays from 'chinese-days'

/**
 * Working time on the Chinese calendar (holidays and make-up workdays from `chinese-days`), in China time
 * (UTC+8, no daylight saving). Time limits are counted in working days: N working days after a moment is
 * the same clock time on the N-th following working day.
 */
const DAY = 86_400_000
const CN = 8 * 3600_000

export const cnDate = (t: Date) => new Date(t.getTime() + CN).toISOString().slice(0, 10)

function isWorkday(t: Date): boolean {
  return chineseDays.isWorkday(cnDate(t))
}

export function addWorkingDays(start: Date, days: number): Date {
  let t = start.getTime()
  let left = days
  while (left > 0) {
    t += DAY
    if (isWorkday(new Date(t))) left--
  }
  return new Date(t)
}

/** Working days strictly after `from` up to and including `to`'s date (0 when `to` is not later). */
export function workingDaysBetween(from: Date, to: Date): number {
  let n = 0
  for (let t = from.getTime() + DAY; cnDate(new Date(t)) <= cnDate(to); t += DAY) if (isWorkday(new Date(t))) n++
  return n
}
