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
export function notificationLink(n: Pick<Notification, 'caseId'> & Partial<Pick<Notification, 'kind' | 'body' | 'taskId'>>, area: 'console' | 'mobile' = 'console'): string | null {
  // 先锋任务 (issue 15): a task's notice opens the task on the phone, and in the console the list with its drawer.
  if (n.taskId) return area === 'mobile' ? `/m/tasks/${n.taskId}` : `/console/tasks?task=${encodeURIComponent(n.taskId)}`
  // 民情分析会 weekly report (issue 16): the notice's body ends with the report's console path.
  if (n.kind === 'report.weekly') return area === 'console' ? (/\/console\/reports\/weekly\?regionCode=\d+&week=\d{4}-W\d{2}/.exec(n.body ?? '')?.[0] ?? '/console/reports/weekly') : null
  if (!n.caseId) return null
  return area === 'mobile' ? `/m/cases/${n.caseId}` : `/console/cases/${n.caseId}`
}
