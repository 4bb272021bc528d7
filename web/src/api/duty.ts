import type { DutyRoster } from '@minqing/common'
import { api, request } from './client.ts'

export const dutyApi = {
  roster: (query: { from?: string; days?: number; regionCode?: string } = {}) => api.get<DutyRoster>('/duty/roster', { ...query }),
  setDay: (day: string, userIds: string[], regionCode?: string) => request<DutyRoster>(`/duty/roster/${encodeURIComponent(day)}`, { method: 'PUT', body: { userIds, regionCode } }),
}
