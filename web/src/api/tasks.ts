/** 先锋任务 over the API (types in common/src/tasks.ts). */
import type { Claim, CreateTask, CreateWish, Task, TaskClaimant, TaskKind, TaskPhoto, TaskState, VolunteerRecord } from '@minqing/common'
import { api } from './client.ts'
import { postForm } from './transfer.ts'

const enc = encodeURIComponent

export interface CheckPlace {
  lat?: number
  lng?: number
}

export const tasksApi = {
  list: (q: { regionCode?: string; state?: TaskState; kind?: TaskKind; limit?: number; offset?: number } = {}) => api.get<{ items: Task[]; total: number }>('/tasks', q),
  get: (id: string) => api.get<Task>(`/tasks/${enc(id)}`),
  publish: (body: CreateTask) => api.post<Task>('/tasks', body),
  claim: (id: string) => api.post<Claim>(`/tasks/${enc(id)}/claim`),
  withdraw: (id: string) => api.del<Claim>(`/tasks/${enc(id)}/claim`),
  checkin: (id: string, place: CheckPlace = {}) => api.post<Claim>(`/tasks/${enc(id)}/checkin`, place),
  checkout: (id: string, place: CheckPlace = {}) => api.post<Claim>(`/tasks/${enc(id)}/checkout`, place),
  finish: (id: string, report: string, photoIds: string[] = []) => api.post<Claim>(`/tasks/${enc(id)}/finish`, photoIds.length ? { report, photoIds } : { report }),
  /** A photo for my finish report (compress first with lib/diary/image.ts); its id goes in finish's photoIds. */
  addPhoto: (id: string, photo: { blob: Blob; name: string }) => {
    const form = new FormData()
    form.append('file', photo.blob, photo.name)
    return postForm<TaskPhoto>(`/tasks/${enc(id)}/photos`, form)
  },
  /** The claimers (the publisher's side: all; a volunteer: their own). */
  claims: (id: string) => api.get<{ items: TaskClaimant[] }>(`/tasks/${enc(id)}/claims`),
  cancel: (id: string, reason: string) => api.post<Task>(`/tasks/${enc(id)}/cancel`, { reason }),
  confirm: (id: string, userIds?: string[]) => api.post<{ confirmed: number; state: TaskState }>(`/tasks/${enc(id)}/confirm`, userIds ? { userIds } : {}),
  record: (userId: string) => api.get<VolunteerRecord>(`/volunteers/${enc(userId)}/record`),
  /** 微心愿: a one-slot task of kind `wish` for a person of the archive. */
  createWish: (body: CreateWish) => api.post<Task>('/wishes', body),
}
