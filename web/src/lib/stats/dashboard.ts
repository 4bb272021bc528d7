/**
 * 工作台 (console) and the phone's home: what each user sees. Counts come from the work queues
 * (GET /api/cases?queue=…, the same numbers as the case list's tabs), visits from the diary's compliance
 * (the quota rules), the area's rates from the stats module. Nothing is computed here but the choice of panels.
 */
import { can, type Compliance, type Role, type VisitRule } from '@minqing/common'
import { queuesFor, type Area, type QueueTab } from '../cases/queues.ts'

/** The queues a user's to-do panel counts: their work tabs, without 全部 and 我反映的 (not work to do). */
export function todoQueues(roles: readonly Role[], area: Area): QueueTab[] {
  // Volunteers have no case screens (their work is tasks): no case to-dos at all.
  if (!can(roles, 'cases.raise')) return []
  const own = queuesFor(roles, area).filter((q) => q !== 'all' && q !== 'mine')
  // On the phone the tabs are only 待受理 / 办理中; the deadlines matter there too (shown, linked to the list).
  if (area === 'mobile' && own.length) return [...own, ...(['due_soon', 'overdue'] as const).filter((q) => !own.includes(q))]
  return own
}

/** Queues whose non-zero count is bad news (shown in red / orange). */
export const ALERT_QUEUES: Partial<Record<QueueTab, 'danger' | 'warning'>> = { overdue: 'danger', due_soon: 'warning', to_dispatch: 'warning' }

/** Whether any active visit rule (民情大走访) applies to these roles: only then ask for the compliance. */
export function hasVisitQuota(roles: readonly Role[], rules: readonly Pick<VisitRule, 'role' | 'active'>[]): boolean {
  return rules.some((r) => r.active && roles.includes(r.role as Role))
}

export interface MyVisits {
  /** The rule lines that apply to me this month: done against required. */
  lines: { description: string; done: number; required: number; met: boolean }[]
  behind: boolean
}

/** My own row of the month's compliance (null: I have no quota there). */
export function myVisits(c: Compliance | null | undefined, userId: string | undefined): MyVisits | null {
  const row = c?.cadres.find((x) => x.userId === userId)
  if (!row || row.rules.length === 0) return null
  return { lines: row.rules.map((r) => ({ description: r.description, done: r.done, required: r.required, met: r.met })), behind: row.behind }
}

/** Share done of a line for a progress bar, 0..100 (a quota of 0 is met). */
export const progressOf = (done: number, required: number) => (required <= 0 ? 100 : Math.min(100, Math.round((done / required) * 100)))

/** Who sees the area's figures (stats.read) and the visit chart (archive.read). */
export const mayReadStats = (roles: readonly Role[]) => can(roles, 'stats.read')
export const mayReadVisits = (roles: readonly Role[]) => can(roles, 'archive.read')

/** YYYY-MM of a YYYY-MM-DD. */
export const monthOf = (day: string) => day.slice(0, 7)
