import type { AuditList, AuditQuery } from '@minqing/common'
import { api } from './client.ts'

/** The route's own query schema (common/src/schemas.ts), every field optional on the client. */
export type AuditFilters = Partial<AuditQuery>

export const auditApi = {
  list: (query: AuditFilters = {}) => api.get<AuditList>('/audit', { ...query }),
}
