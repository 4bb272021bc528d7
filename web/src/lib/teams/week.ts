/** Dates of the rota's week grid: calendar dates YYYY-MM-DD in Asia/Shanghai. */
const DAY = 86_400_000
export const shanghaiToday = (now = new Date()) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
export const addDays = (date: string, n: number) => new Date(new Date(date + 'T00:00:00Z').getTime() + n * DAY).toISOString().slice(0, 10)
export const isoWeekday = (date: string) => new Date(date + 'T00:00:00Z').getUTCDay() || 7
/** The Monday of the week holding `date`. */
const mondayOf = (date: string) => addDays(date, 1 - isoWeekday(date))
/** The 7 dates Monday…Sunday of the week holding `date`. */
export const weekOf = (date: string) => Array.from({ length: 7 }, (_, i) => addDays(mondayOf(date), i))

/** An activity's schedule, as the API gives it (Activity: date is the first date, until the last). */
interface Schedule {
  recurrence: 'once' | 'weekly' | 'monthly'
  date: string
  until: string | null
  weekdays: number[]
  monthDay: number | null
}
/** Is `date` a date the activity takes place (as the server's isOccurrence)? */
export function isOccurrence(a: Schedule, date: string) {
  if (date < a.date || (a.until && date > a.until)) return false
  if (a.recurrence === 'once') return date === a.date
  if (a.recurrence === 'weekly') return a.weekdays.includes(isoWeekday(date))
  return Number(date.slice(8, 10)) === a.monthDay
}
/** The latest date of the schedule on or before `today` (within `days`), else null: the session a ledger opens on. */
export function lastOccurrence(a: Schedule, today: string, days = 62) {
  for (let i = 0; i <= days; i++) {
    const d = addDays(today, -i)
    if (d < a.date) return null
    if (isOccurrence(a, d)) return d
  }
  return null
}
