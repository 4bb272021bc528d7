import type { AuditGroup, AuditList } from '@minqing/common'
import { api } from './client.ts'

export interface AuditFilters {
  actor?: string
  actorQ?: string
  person?: string
  entityType?: string
  entityId?: string
  action?: string
  group?: AuditGroup
  from?: string
  to?: string
  limit?: number
  offset?: number
}

export const auditApi = {
  list: (query: AuditFilters = {}) => api.get<AuditList>('/audit', { ...query }),
}
