import type { ClassifyResult, CasePushResult } from '@minqing/common'
import { api } from './client.ts'

export const brainClassifyApi = {
  /** Staff: top-3 categories for a text. */
  classify: (text: string) => api.post<ClassifyResult>('/brain/classify', { text }),
  /** The 民情码 page (no account; limited per address). */
  classifyPublic: (text: string) => api.post<ClassifyResult>('/public/classify', { text }),
  /** 一键推送 to the town's leaders and the county duty officer. */
  push: (caseId: string, note?: string) => api.post<CasePushResult>(`/cases/${encodeURIComponent(caseId)}/push`, note ? { note } : {}),
}
