/**
 * The work queues (待交办, 待审批 (extension requests), 待受理, 办理中, 即将超时, 已超时, 待评价, 我督办的, 我反映的) and which user sees which,
 * in the console and on the phone. The server decides what is in a queue (`GET /api/cases?queue=`).
 */
import { can, type CaseState, type Permission, type Role } from '@minqing/common'
import type { CaseList, CaseListParams, CaseQueue } from '../../api/cases.ts'

/** A tab: a server queue, or `all` (everything in sight, filtered). */
export type QueueTab = CaseQueue | 'all'
export type Area = 'console' | 'mobile'

export interface QueueDef {
  key: QueueTab
  /** Needed to see the tab (none: everyone who may see cases). */
  permission?: Permission
  areas: readonly Area[]
}

const QUEUES: readonly QueueDef[] = [
  { key: 'to_dispatch', permission: 'cases.dispatch', areas: ['console'] },
  { key: 'to_approve', permission: 'cases.dispatch', areas: ['console', 'mobile'] },
  { key: 'to_accept', areas: ['console', 'mobile'] },
  { key: 'in_progress', areas: ['console', 'mobile'] },
  { key: 'due_soon', areas: ['console'] },
  { key: 'overdue', areas: ['console'] },
  { key: 'to_rate', areas: ['console'] },
  { key: 'supervised_by_me', permission: 'cases.supervise', areas: ['console'] },
  { key: 'mine', permission: 'cases.raise', areas: ['console', 'mobile'] },
  { key: 'all', areas: ['console'] },
]

/** The tabs a user sees in an area, in order (on the phone 我反映的 comes first). */
export function queuesFor(roles: readonly Role[], area: Area): QueueTab[] {
  const list = QUEUES.filter((q) => q.areas.includes(area) && (!q.permission || can(roles, q.permission))).map((q) => q.key)
  if (area === 'mobile' && list.includes('mine')) return ['mine', ...list.filter((k) => k !== 'mine')]
  return list
}

/** The tab a page opens on: 待交办 for dispatchers, else 待受理; 我反映的 on the phone. */
export function defaultQueue(roles: readonly Role[], area: Area): QueueTab {
  const tabs = queuesFor(roles, area)
  if (area === 'console' && tabs.includes('to_dispatch')) return 'to_dispatch'
  return tabs[0] ?? 'all'
}

export const isQueueTab = (v: unknown): v is QueueTab => typeof v === 'string' && QUEUES.some((q) => q.key === v)

export interface CaseFilters {
  regionCode: string | null
  categoryCode: string | null
  state: CaseState | ''
  q: string
}
export const emptyCaseFilters = (): CaseFilters => ({ regionCode: null, categoryCode: null, state: '', q: '' })

/** The list request of a tab with the filters and a page. */
export function queueParams(tab: QueueTab, f: Partial<CaseFilters>, page?: { limit: number; offset: number }): CaseListParams {
  return {
    queue: tab === 'all' ? undefined : tab,
    regionCode: f.regionCode || undefined,
    categoryCode: f.categoryCode || undefined,
    state: f.state || undefined,
    q: f.q?.trim() ? f.q.trim().slice(0, 40) : undefined,
    ...(page ?? {}),
  }
}

/**
 * The list's total as the pager should see it. The server's `to_dispatch` queue filters the page after
 * reading it and reports the page's length as `total`; until that is fixed, a full page means "there may
 * be more", so the pager offers the next page.
 */
export function queueTotal(tab: QueueTab, res: CaseList, page: { limit: number; offset: number }): number {
  if (tab !== 'to_dispatch') return res.total
  const atLeast = page.offset + res.items.length + (res.items.length >= page.limit ? 1 : 0)
  return Math.max(res.total, atLeast)
}

/** Asks how many cases each tab holds (one small request per tab); a failed count is null. */
export async function queueCounts(tabs: readonly QueueTab[], list: (params: CaseListParams) => Promise<CaseList>, f: Partial<CaseFilters> = {}): Promise<Partial<Record<QueueTab, number | null>>> {
  const entries = await Promise.all(
    tabs.map(async (tab) => {
      try {
        // to_dispatch: its total is the page's length (see queueTotal), so ask for a large page.
        const limit = tab === 'to_dispatch' ? 200 : 1
        const res = await list(queueParams(tab, f, { limit, offset: 0 }))
        return [tab, tab === 'to_dispatch' ? Math.max(res.total, res.items.length) : res.total] as const
      } catch {
        return [tab, null] as const
      }
    }),
  )
  return Object.fromEntries(entries)
}
