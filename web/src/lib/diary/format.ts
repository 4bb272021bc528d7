import type { DiaryEntry, DiaryKind, SessionUser } from '@minqing/common'

/** The kind a new entry starts as: by the writer's station (驻村/驻社/驻企), else 民情日记. */
export function defaultKind(user: Pick<SessionUser, 'station'> | null | undefined): DiaryKind {
  if (user?.station === 'community') return 'community'
  if (user?.station === 'enterprise') return 'enterprise'
  return 'village'
}

export type Ago = { key: 'justNow' } | { key: 'minutesAgo' | 'hoursAgo' | 'daysAgo'; n: number } | { key: 'date'; text: string }

const pad = (n: number) => String(n).padStart(2, '0')

/** Moments-style time: 刚刚 / 5 分钟前 / 3 小时前 / 2 天前, then the date (with the year only when not this year). */
export function ago(iso: string, now = Date.now()): Ago {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return { key: 'date', text: '—' }
  const s = Math.max(0, Math.floor((now - t) / 1000))
  if (s < 60) return { key: 'justNow' }
  if (s < 3600) return { key: 'minutesAgo', n: Math.floor(s / 60) }
  if (s < 86_400) return { key: 'hoursAgo', n: Math.floor(s / 3600) }
  if (s < 7 * 86_400) return { key: 'daysAgo', n: Math.floor(s / 86_400) }
  const d = new Date(t)
  const md = `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
  return { key: 'date', text: d.getFullYear() === new Date(now).getFullYear() ? md : `${d.getFullYear()}-${md}` }
}

/** Whom or what the entry is about: the household's address, the enterprise, with the person visited. */
export function subjectOf(e: Pick<DiaryEntry, 'household' | 'enterprise' | 'person'>): string {
  const main = e.household?.address ?? e.enterprise?.name ?? ''
  const who = e.person?.name
  return [main, who].filter(Boolean).join(' · ')
}

/** A concern's case title: its first line, at most 100 characters (the case title limit). */
export function caseTitle(concern: string): string {
  const line = concern.split(/\r?\n/)[0].trim()
  return line.length > 100 ? line.slice(0, 99) + '…' : line
}

/** Merge entries into a feed: by id, newest (createdAt) first; a newer copy of an entry replaces the old. */
export function mergeEntries(current: readonly DiaryEntry[], incoming: readonly DiaryEntry[]): DiaryEntry[] {
  const map = new Map(current.map((e) => [e.id, e]))
  for (const e of incoming) map.set(e.id, e)
  return [...map.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
}
