import type {
  ArchiveDocument,
  CreateHousehold,
  CreatePerson,
  Enterprise,
  HistoryEntry,
  Household,
  HouseholdDetail,
  ImportJob,
  Person,
  Place,
  Tag,
  TimelineItem,
  UpdateHousehold,
  UpdatePerson,
} from '@minqing/common'
import { api } from './client.ts'
import { downloadFile, postForm } from './transfer.ts'
import { withQuery, type Params } from '../lib/archive/query.ts'
import type { EnterpriseBody, PlaceBody } from '../lib/archive/forms.ts'

const enc = encodeURIComponent

export interface Paged<T> {
  items: T[]
  total: number
}
export interface CreateTag {
  code: string
  name: string
  appliesTo: Tag['appliesTo']
  color?: string | null
  sort?: number
}
export type RevealField = 'idNumber' | 'phone'

/** A document upload: the file, its kind (DOCUMENT_KINDS) and title. */
function documentForm(file: Blob & { name?: string }, kind: string, title: string): FormData {
  const form = new FormData()
  // Fields first: a server reading the stream sees them before the file.
  form.append('kind', kind)
  form.append('title', title)
  form.append('file', file, file.name ?? 'upload')
  return form
}

export const tagsApi = {
  list: () => api.get<Tag[]>('/tags'),
  create: (body: CreateTag) => api.post<Tag>('/tags', body),
}

export const householdsApi = {
  list: (params: Params) => api.get<Paged<Household>>(withQuery('/households', params)),
  get: (id: string) => api.get<HouseholdDetail>(`/households/${enc(id)}`),
  create: (body: CreateHousehold) => api.post<HouseholdDetail>('/households', body),
  update: (id: string, body: UpdateHousehold) => api.patch<HouseholdDetail>(`/households/${enc(id)}`, body),
  history: (id: string) => api.get<HistoryEntry[]>(`/households/${enc(id)}/history`),
  timeline: (id: string) => api.get<TimelineItem[]>(`/households/${enc(id)}/timeline`),
  uploadDocument: (id: string, file: Blob & { name?: string }, kind: string, title: string) => postForm<ArchiveDocument>(`/households/${enc(id)}/documents`, documentForm(file, kind, title)),
  /** The list as XLSX, with the list's filters (not its paging). */
  export: (params: Params) => downloadFile(withQuery('/households/export', params), 'households.xlsx'),
}

export const personsApi = {
  /** An ID number is searched by POST, never in a URL (the server refuses `?idNumber=` with ID_NUMBER_IN_URL). */
  list: (params: Params) => (params.idNumber ? api.post<Paged<Person>>('/persons/search', params) : api.get<Paged<Person>>(withQuery('/persons', params))),
  get: (id: string) => api.get<Person>(`/persons/${enc(id)}`),
  create: (body: CreatePerson) => api.post<Person>('/persons', body),
  update: (id: string, body: UpdatePerson) => api.patch<Person>(`/persons/${enc(id)}`, body),
  /** The full ID number or phone (needs archive.reveal; the server audits every call). */
  /** The list as XLSX, with the list's filters (not its paging). */
  export: (params: Params) => {
    // The export is a download link: without the ID number (the page offers no export while searching by one).
    const { idNumber: _idNumber, ...rest } = params
    return downloadFile(withQuery('/persons/export', rest), 'persons.xlsx')
  },
  reveal: (id: string, field: RevealField) => api.post<{ field: string; value: string | null }>(`/persons/${enc(id)}/reveal`, { field }),
  uploadDocument: (id: string, file: Blob & { name?: string }, kind: string, title: string) => postForm<ArchiveDocument>(`/persons/${enc(id)}/documents`, documentForm(file, kind, title)),
}

export const enterprisesApi = {
  list: (params: Params) => api.get<Paged<Enterprise>>(withQuery('/enterprises', params)),
  get: (id: string) => api.get<Enterprise>(`/enterprises/${enc(id)}`),
  create: (body: EnterpriseBody) => api.post<Enterprise>('/enterprises', body),
  update: (id: string, body: Partial<EnterpriseBody>) => api.patch<Enterprise>(`/enterprises/${enc(id)}`, body),
}

export const placesApi = {
  list: (params: Params) => api.get<Paged<Place>>(withQuery('/places', params)),
  get: (id: string) => api.get<Place>(`/places/${enc(id)}`),
  create: (body: PlaceBody) => api.post<Place>('/places', body),
  update: (id: string, body: Partial<PlaceBody>) => api.patch<Place>(`/places/${enc(id)}`, body),
}

export const importsApi = {
  // Households only: the same job list holds other kinds (cases imported from other platforms).
  list: () => api.get<ImportJob[] | Paged<ImportJob>>('/imports', { kind: 'households' }).then((r) => (Array.isArray(r) ? r : r.items)),
  get: (id: string) => api.get<ImportJob>(`/imports/${enc(id)}`),
  /** Start an import of households (and their members) from an XLSX/CSV sheet. */
  start: (file: Blob & { name?: string }, mapping?: Record<string, string> | null) => {
    const form = new FormData()
    if (mapping) form.append('mapping', JSON.stringify(mapping))
    form.append('file', file, file.name ?? 'import.xlsx')
    return postForm<ImportJob>('/imports/households', form)
  },
  template: (format: 'xlsx' | 'csv') => downloadFile(withQuery('/imports/households/template', { format }), `households-template.${format}`),
  /** A report (rejected rows) by the URL the job gives. */
  report: (url: string) => downloadFile(url, 'import-report.xlsx'),
}
