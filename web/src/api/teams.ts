/** 志愿队伍, rotas, activities and their ledger over the API (types in common/src/teams.ts and activities.ts). */
import type { Activity, ActivitySession, AddLedgerItem, Announcement, CreateActivity, CreateTeam, DutyList, PutRota, Rota, RotaExceptionInput, SaveSession, Team, UpdateTeam } from '@minqing/common'
import { api, request } from './client.ts'
import { downloadFile } from './transfer.ts'

const enc = encodeURIComponent
type Member = Team['members'][number]
export interface SessionSummary {
  id: string
  date: string
  residentsCount: number
  attendees: number
  items: number
  cases: number
  tasks: number
  answered: number
}

export const teamsApi = {
  list: (q: { regionCode?: string; mine?: boolean } = {}) => api.get<{ items: Team[]; total: number }>('/teams', q),
  get: (id: string) => api.get<Team>(`/teams/${enc(id)}`),
  create: (body: CreateTeam) => api.post<Team>('/teams', body),
  update: (id: string, body: UpdateTeam) => api.patch<Team>(`/teams/${enc(id)}`, body),
  remove: (id: string) => api.del<{ ok: true }>(`/teams/${enc(id)}`),
  candidates: (regionCode: string, q?: string) => api.get<{ items: Member[] }>('/teams/candidates', { regionCode, q }),
  rota: (id: string) => api.get<Rota>(`/teams/${enc(id)}/rota`),
  putRota: (id: string, body: PutRota) => request<Rota>(`/teams/${enc(id)}/rota`, { method: 'PUT', body }),
  addException: (id: string, body: RotaExceptionInput) => api.post<Rota>(`/teams/${enc(id)}/rota/exceptions`, body),
  removeException: (id: string, exceptionId: string) => api.del<Rota>(`/teams/${enc(id)}/rota/exceptions/${enc(exceptionId)}`),
  duty: (q: { date?: string; from?: string; to?: string; regionCode?: string; teamId?: string }) => api.get<DutyList>('/teams/duty', q),
}

export const activitiesApi = {
  list: (q: { regionCode?: string; state?: Activity['state']; upcoming?: boolean } = {}) => api.get<{ items: Activity[]; total: number }>('/activities', q),
  get: (id: string) => api.get<Activity>(`/activities/${enc(id)}`),
  create: (body: CreateActivity) => api.post<Activity>('/activities', body),
  publish: (id: string) => api.post<Announcement>(`/activities/${enc(id)}/publish`),
  announcement: (id: string) => api.get<Announcement>(`/activities/${enc(id)}/announcement`),
  sessions: (id: string) => api.get<{ items: SessionSummary[] }>(`/activities/${enc(id)}/sessions`),
  session: (id: string, date: string) => api.get<ActivitySession>(`/activities/${enc(id)}/sessions/${enc(date)}`),
  saveSession: (id: string, date: string, body: SaveSession) => request<ActivitySession>(`/activities/${enc(id)}/sessions/${enc(date)}`, { method: 'PUT', body }),
  addItem: (id: string, date: string, body: AddLedgerItem) => api.post<ActivitySession>(`/activities/${enc(id)}/sessions/${enc(date)}/items`, body),
  exportLedger: (q: { from: string; to: string; regionCode?: string }) =>
    downloadFile(`/activities/ledger.xlsx?${new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => !!e[1])).toString()}`, 'ledger.xlsx'),
}
