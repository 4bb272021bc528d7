/**
 * The closed loop over the API: cases, their actions, categories and routing rules, notifications.
 * Types come from @minqing/common (type-only: the web never loads TypeBox).
 */
import type { Case, CaseAction, CaseDetail, CaseLevel, CASE_QUEUES, CaseState, Category, CreateCase, Notification } from '@minqing/common'
import { api } from './client.ts'
import { postForm } from './transfer.ts'

const enc = encodeURIComponent

export type CaseQueue = (typeof CASE_QUEUES)[number]

export interface CaseListParams {
  queue?: CaseQueue
  state?: CaseState
  regionCode?: string
  categoryCode?: string
  overdue?: boolean
  q?: string
  limit?: number
  offset?: number
}
export interface CaseList {
  items: Case[]
  total: number
}

export interface RoutingRule {
  id: number
  categoryCode: string
  regionCode: string
  level: CaseLevel
  unitId: string | null
  unitName: string | null
}
export interface RoutingRuleInput {
  categoryCode: string
  regionCode: string
  level: CaseLevel
  unitId?: string | null
}
export interface CategoryInput {
  code: string
  name: string
  parentCode?: string | null
  defaultLevel: CaseLevel
  defaultUnitId?: string | null
  limits: { normalDays: number; urgentDays: number; emergencyHours: number }
  keywords?: string[]
}
export type CategoryPatch = Partial<Omit<CategoryInput, 'code'>>

/** Drops empty strings and undefined so the server never sees `q=` (its schema wants at least one character). */
function clean(params: CaseListParams): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {}
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue
    if (typeof v === 'string' && v.trim() === '') continue
    out[k] = typeof v === 'string' ? v.trim() : v
  }
  return out
}

export const casesApi = {
  list: (params: CaseListParams = {}) => api.get<CaseList>('/cases', clean(params)),
  get: (id: string) => api.get<CaseDetail>(`/cases/${enc(id)}`),
  create: (body: CreateCase) => api.post<CaseDetail>('/cases', body),
  /** One action (body per ACTION_BODIES); answers the case as it is now. */
  act: (id: string, action: CaseAction, body: Record<string, unknown>) => api.post<CaseDetail>(`/cases/${enc(id)}/actions/${enc(action)}`, body),
  /** Add a photo (JPEG/PNG/WebP ≤ 8 MB; compress first with lib/diary/image.ts); answers the case as it is now. */
  addPhoto: (id: string, photo: { blob: Blob; name: string }) => {
    const form = new FormData()
    form.append('file', photo.blob, photo.name)
    return postForm<CaseDetail>(`/cases/${enc(id)}/files`, form)
  },
}

export const categoriesApi = {
  list: () => api.get<Category[]>('/categories'),
  create: (body: CategoryInput) => api.post<Category>('/categories', body),
  update: (code: string, body: CategoryPatch) => api.patch<Category>(`/categories/${enc(code)}`, body),
}

export const routingRulesApi = {
  list: () => api.get<RoutingRule[]>('/routing-rules'),
  /** Sets the rule for (category, region): creates it or replaces the existing one. */
  save: (body: RoutingRuleInput) => api.post<RoutingRule>('/routing-rules', body),
}

export const notificationsApi = {
  list: (opts: { unread?: boolean; limit?: number } = {}) => api.get<Notification[]>('/notifications', { unread: opts.unread || undefined, limit: opts.limit }),
  markRead: (ids: string[]) => api.post<{ updated: number }>('/notifications/read', { ids }),
  markAllRead: () => api.post<{ updated: number }>('/notifications/read', { all: true }),
  /** The live stream's URL (EventSource sends the session cookie on the same origin). */
  streamUrl: '/api/notifications/stream',
}
