/**
 * 民情日记 and 民情大走访 over the API (types in common/src/diary.ts). Photos go up as multipart, each with its
 * own clientId; entries with theirs (see lib/diary/sync.ts).
 */
import type { Case, Compliance, CreateDiary, DiaryEntry, VisitRule } from '@minqing/common'
import { api } from './client.ts'
import { postForm } from './transfer.ts'
import { withQuery, type Params } from '../lib/archive/query.ts'

const enc = encodeURIComponent

export interface DiaryPage {
  items: DiaryEntry[]
  nextBefore: string | null
}
export interface VisitDay {
  id: string
  regionCode: string
  regionName: string
  date: string
  title: string
  createdAt: string
}
export type ReviewValue = DiaryEntry['review']

export const diaryApi = {
  list: (params: Params) => api.get<DiaryPage>(withQuery('/diary', params)),
  get: (id: string) => api.get<DiaryEntry>(`/diary/${enc(id)}`),
  create: (body: CreateDiary) => api.post<DiaryEntry>('/diary', body),
  addPhoto: (entryId: string, photo: { blob: Blob; name: string; clientId: string }) => {
    const form = new FormData()
    // Fields before the file: a server reading the stream sees them first.
    form.append('clientId', photo.clientId)
    form.append('file', photo.blob, photo.name)
    return postForm<DiaryEntry>(`/diary/${enc(entryId)}/photos`, form)
  },
  comment: (id: string, text: string) => api.post<DiaryEntry>(`/diary/${enc(id)}/comments`, { text }),
  review: (id: string, review: ReviewValue) => api.post<DiaryEntry>(`/diary/${enc(id)}/review`, { review }),
}

export const visitsApi = {
  rules: () => api.get<VisitRule[]>('/visits/rules'),
  updateRule: (id: number, patch: { target?: number; active?: boolean; description?: string }) => api.patch<VisitRule>(`/visits/rules/${id}`, patch),
  compliance: (regionCode: string | null | undefined, period: string) => api.get<Compliance>('/visits/compliance', { regionCode: regionCode || undefined, period }),
  visitDays: () => api.get<VisitDay[]>('/visit-days'),
  scheduleVisitDay: (body: { regionCode: string; date: string; title?: string }) => api.post<VisitDay>('/visit-days', body),
}

/** 转为事项: a concern of an entry becomes a case (the cases module owns the case itself). */
export function raiseCaseFromConcern(args: { regionCode: string; title: string; description: string; diaryConcernId: string }) {
  return api.post<Case>('/cases', args)
}
