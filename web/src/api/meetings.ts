/** 民情会议 and 契约化共建 over the API (contracts: common/src/meetings.ts, common/src/pacts.ts). */
import type { AddDecision, CreateMeeting, CreatePact, DecisionToCase, DecisionToTask, Meeting, MeetingChoices, MeetingSummary, Pact, PactItemInput, PactLogInput, UpdateMeeting } from '@minqing/common'
import { api, request } from './client.ts'

export interface PactSummary extends Omit<Pact, 'items' | 'logs' | 'events' | 'canWrite'> {
  items: number
  logs: number
}
const e = encodeURIComponent

export const meetingsApi = {
  list: (q: { regionCode?: string; kind?: string } = {}) => api.get<{ items: MeetingSummary[]; total: number }>('/meetings', { ...q }),
  get: (id: string) => api.get<Meeting>(`/meetings/${e(id)}`),
  choices: (regionCode: string) => api.get<MeetingChoices>('/meetings/choices', { regionCode }),
  create: (body: CreateMeeting) => api.post<Meeting>('/meetings', body),
  update: (id: string, body: UpdateMeeting) => api.patch<Meeting>(`/meetings/${e(id)}`, body),
  addDecision: (id: string, body: AddDecision) => api.post<Meeting>(`/meetings/${e(id)}/decisions`, body),
  toCase: (id: string, decisionId: string, body: DecisionToCase) => api.post<Meeting>(`/meetings/${e(id)}/decisions/${e(decisionId)}/case`, body),
  toTask: (id: string, decisionId: string, body: DecisionToTask) => api.post<Meeting>(`/meetings/${e(id)}/decisions/${e(decisionId)}/task`, body),
}

export const pactsApi = {
  list: (q: { regionCode?: string; state?: string; board?: boolean } = {}) => api.get<{ items: PactSummary[]; total: number }>('/pacts', { ...q }),
  partners: () => api.get<{ items: { id: string; name: string; kind: string; regionName: string }[] }>('/pacts/partners'),
  get: (id: string) => api.get<Pact>(`/pacts/${e(id)}`),
  create: (body: CreatePact) => api.post<Pact>('/pacts', body),
  addItem: (id: string, body: PactItemInput) => api.post<Pact>(`/pacts/${e(id)}/items`, body),
  removeItem: (id: string, itemId: string) => request<Pact>(`/pacts/${e(id)}/items/${e(itemId)}`, { method: 'DELETE' }),
  sign: (id: string, body: { signedOn: string; signatories: string }) => api.post<Pact>(`/pacts/${e(id)}/sign`, body),
  publish: (id: string) => api.post<Pact>(`/pacts/${e(id)}/publish`, {}),
  fulfil: (id: string) => api.post<Pact>(`/pacts/${e(id)}/fulfil`, {}),
  addLog: (id: string, body: PactLogInput) => api.post<Pact>(`/pacts/${e(id)}/logs`, body),
  rate: (id: string, body: { score: number; comment: string }) => api.post<Pact>(`/pacts/${e(id)}/rate`, body),
}
