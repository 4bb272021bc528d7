import type { ClusterDetail, ClusterSummary, SimilarItem } from '@minqing/common'
import { api } from './client.ts'

/** 相似事项 and 一类事 (issue 14). */
export const brainSimilarApi = {
  caseSimilar: (id: string, query: { limit?: number; days?: number } = {}) => api.get<SimilarItem[]>(`/cases/${encodeURIComponent(id)}/similar`, { ...query }),
  clusters: (query: { regionCode?: string; days?: number; limit?: number } = {}) => api.get<ClusterSummary[]>('/brain/clusters', { ...query }),
  cluster: (id: string) => api.get<ClusterDetail>(`/brain/clusters/${encodeURIComponent(id)}`),
}
