import type { Alert, AlertList, Hotword, HotwordDocList } from '@minqing/common'
import { api, request } from './client.ts'

/** 热词 and 预警 (issue 14). */
export const brainInsightsApi = {
  hotwords: (query: { regionCode?: string; days?: number; source?: string; limit?: number; order?: 'count' | 'rising' } = {}) => api.get<Hotword[]>('/brain/hotwords', { ...query }),
  hotwordDocs: (word: string, query: { regionCode?: string; days?: number } = {}) => api.get<HotwordDocList>(`/brain/hotwords/${encodeURIComponent(word)}/docs`, { ...query }),
  alerts: (query: { state?: string; kind?: string; regionCode?: string; limit?: number } = {}) => api.get<AlertList>('/brain/alerts', { ...query }),
  ack: (id: string) => request<Alert>(`/brain/alerts/${encodeURIComponent(id)}/ack`, { method: 'POST' }),
  handle: (id: string, note: string) => request<Alert>(`/brain/alerts/${encodeURIComponent(id)}/handle`, { method: 'POST', body: { note } }),
  assign: (id: string, userId: string) => request<Alert>(`/brain/alerts/${encodeURIComponent(id)}/assign`, { method: 'POST', body: { userId } }),
}
