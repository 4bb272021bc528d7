/** Keeping the bell's list: merging pushed and polled notifications without duplicates. */
import type { Notification } from '@minqing/common'

/** Newest first (ISO times compare as strings only when they share a format; parse to be safe). */
const byNewest = (a: Notification, b: Notification) => Date.parse(b.createdAt) - Date.parse(a.createdAt)

export interface MergeResult {
  items: Notification[]
  /** Incoming notifications not seen before (the ones to toast). */
  fresh: Notification[]
}

/**
 * `incoming` merged into `current`: by id, the incoming version wins (a poll may say it was read elsewhere),
 * newest first, at most `limit`.
 */
export function mergeNotifications(current: readonly Notification[], incoming: readonly Notification[], limit = 50): MergeResult {
  const byId = new Map(current.map((n) => [n.id, n]))
  const fresh: Notification[] = []
  for (const n of incoming) {
    if (!byId.has(n.id)) fresh.push(n)
    byId.set(n.id, n)
  }
  return { items: [...byId.values()].sort(byNewest).slice(0, limit), fresh: fresh.sort(byNewest) }
}

/** The list with these ids (or all) marked read at `at`. */
export function markedRead(items: readonly Notification[], ids: readonly string[] | 'all', at: string): Notification[] {
  const set = ids === 'all' ? null : new Set(ids)
  return items.map((n) => (!n.readAt && (!set || set.has(n.id)) ? { ...n, readAt: at } : n))
}

/** Where a click on a notification leads (its case in the console or on the phone), or null. */
export function notificationLink(n: Pick<Notification, 'caseId'>, area: 'console' | 'mobile' = 'console'): string | null {
  if (!n.caseId) return null
  return area === 'mobile' ? `/m/cases/${n.caseId}` : `/console/cases/${n.caseId}`
}
