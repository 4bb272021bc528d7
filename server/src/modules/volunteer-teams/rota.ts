// Dates of the rota and of activity schedules: calendar dates (YYYY-MM-DD) in Asia/Shanghai; times HH:MM local.

const DAY = 86_400_000

/** Today's date in Asia/Shanghai (UTC+8, no DST). */
export const localDate = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
/** ISO weekday of a date: 1 Monday … 7 Sunday. */
export const isoWeekday = (date: string) => new Date(date + 'T00:00:00Z').getUTCDay() || 7
export const addDays = (date: string, n: number) => new Date(new Date(date + 'T00:00:00Z').getTime() + n * DAY).toISOString().slice(0, 10)
export const daysBetween = (from: string, to: string) => Math.round((new Date(to + 'T00:00:00Z').getTime() - new Date(from + 'T00:00:00Z').getTime()) / DAY)
/** Every date from `from` to `to`, both included. */
function datesIn(from: string, to: string): string[] {
  const out: string[] = []
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d)
  return out
}

export interface Slot {
  id: string
  team_id: string
  weekday: number
  start_time: string
  end_time: string
  place: string
  user_id: string | null
  user_name: string | null
  note: string
}
export interface Exception {
  id: string
  team_id: string
  date: string
  slot_id: string | null
  cancelled: boolean
  start_time: string | null
  end_time: string | null
  place: string | null
  user_id: string | null
  user_name: string | null
  note: string
}
export interface DutyLine {
  date: string
  teamId: string
  start: string
  end: string
  place: string
  userId: string | null
  userName: string | null
  note: string
  slotId: string | null
  exceptionId: string | null
}

/**
 * Who is on duty on each date of [from, to]: the weekly slots of that weekday, each changed or cancelled by its
 * exception of that date, plus the extra duties (exceptions without a slot). Sorted by date, start, team.
 */
export function dutiesIn(from: string, to: string, slots: Slot[], exceptions: Exception[]): DutyLine[] {
  const bySlotDate = new Map(exceptions.filter((e) => e.slot_id).map((e) => [`${e.slot_id}|${e.date}`, e]))
  const out: DutyLine[] = []
  for (const date of datesIn(from, to)) {
    const wd = isoWeekday(date)
    for (const s of slots) {
      if (s.weekday !== wd) continue
      const e = bySlotDate.get(`${s.id}|${date}`)
      if (e?.cancelled) continue
      out.push({
        date,
        teamId: s.team_id,
        start: e?.start_time ?? s.start_time,
        end: e?.end_time ?? s.end_time,
        place: e?.place ?? s.place,
        userId: e && e.user_id !== null ? e.user_id : s.user_id,
        userName: e && e.user_id !== null ? e.user_name : s.user_name,
        note: e?.note || s.note,
        slotId: s.id,
        exceptionId: e?.id ?? null,
      })
    }
    for (const e of exceptions) {
      if (e.slot_id || e.date !== date || e.cancelled || !e.start_time || !e.end_time) continue
      out.push({ date, teamId: e.team_id, start: e.start_time, end: e.end_time, place: e.place ?? '', userId: e.user_id, userName: e.user_name, note: e.note, slotId: null, exceptionId: e.id })
    }
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.start.localeCompare(b.start) || a.teamId.localeCompare(b.teamId))
}

export interface Schedule {
  recurrence: string
  first_date: string
  until_date: string | null
  weekdays: number[]
  month_day: number | null
}

/** Is `date` a session date of the schedule (once: its date; weekly: a listed weekday; monthly: its day) within first…until? */
export function isOccurrence(s: Schedule, date: string): boolean {
  if (date < s.first_date || (s.until_date && date > s.until_date)) return false
  if (s.recurrence === 'once') return date === s.first_date
  if (s.recurrence === 'weekly') return s.weekdays.includes(isoWeekday(date))
  return Number(date.slice(8, 10)) === s.month_day
}

/** The next `n` session dates from `from` on (looking at most 400 days ahead). */
export function nextOccurrences(s: Schedule, from: string, n: number): string[] {
  const out: string[] = []
  let d = from < s.first_date ? s.first_date : from
  for (let i = 0; i < 400 && out.length < n; i++, d = addDays(d, 1)) {
    if (s.until_date && d > s.until_date) break
    if (isOccurrence(s, d)) out.push(d)
  }
  return out
}
