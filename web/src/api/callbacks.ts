/** 回访 over the API: the queue, the reporter's phone for the call (audited), and the call's outcome. Types only from @minqing/common. */
import type { CallbackInput, CallbackList, CallbackResult } from '@minqing/common'
import { api } from './client.ts'

const enc = encodeURIComponent

export const callbacksApi = {
  list: (page: { limit?: number; offset?: number } = {}) => api.get<CallbackList>('/callbacks', page),
  /** Reveals the reporter's full phone (written to the audit log). */
  phone: (caseId: string) => api.post<{ phone: string }>(`/cases/${enc(caseId)}/callback/phone`, {}),
  record: (caseId: string, body: CallbackInput) => api.post<CallbackResult>(`/cases/${enc(caseId)}/callback`, body),
}
