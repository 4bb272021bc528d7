/** 先锋任务 over the API (types in common/src/tasks.ts). */
import type { Claim, CreateTask, Task, TaskState, VolunteerRecord } from '@minqing/common'
import { api } from './client.ts'

const enc = encodeURIComponent

export interface CheckPlace {
  lat?: number
  lng?: number
}

export const tasksApi = {
  list: (q: { regionCode?: string; state?: TaskState; limit?: number; offset?: number } = {}) => api.get<{ items: Task[]; total: number }>('/tasks', q),
  get: (id: string) => api.get<Task>(`/tasks/${enc(id)}`),
  publish: (body: CreateTask) => api.post<Task>('/tasks', body),
  claim: (id: string) => api.post<Claim>(`/tasks/${enc(id)}/claim`),
  withdraw: (id: string) => api.del<Claim>(`/tasks/${enc(id)}/claim`),
  checkin: (id: string, place: CheckPlace = {}) => api.post<Claim>(`/tasks/${enc(id)}/checkin`, place),
  checkout: (id: string, place: CheckPlace = {}) => api.post<Claim>(`/tasks/${enc(id)}/checkout`, place),
  finish: (id: string, report: string) => api.post<Claim>(`/tasks/${enc(id)}/finish`, { report }),
  confirm: (id: string, userIds?: string[]) => api.post<{ confirmed: number; state: TaskState }>(`/tasks/${enc(id)}/confirm`, userIds ? { userIds } : {}),
  record: (userId: string) => api.get<VolunteerRecord>(`/volunteers/${enc(userId)}/record`),
}
