/**
 * Cases from other platforms over the API: sources and their column mappings, imports of their exports, similar
 * open cases on the way in, and the hotline form's caller lookup. Types only from @minqing/common.
 */
import type { CaseImportHeaders, CaseSource, ImportJob, PersonLookupItem, SimilarCase } from '@minqing/common'
import { api } from './client.ts'
import { postForm } from './transfer.ts'
import { importsApi } from './archive.ts'

const enc = encodeURIComponent

export const caseSourcesApi = {
  list: () => api.get<CaseSource[]>('/case-sources'),
  update: (code: string, body: { mapping?: Record<string, string>; name?: string }) => api.patch<CaseSource>(`/case-sources/${enc(code)}`, body),
}

function importForm(file: Blob & { name?: string }, source: string, mapping?: Record<string, string> | null) {
  const form = new FormData()
  form.append('source', source)
  if (mapping) form.append('mapping', JSON.stringify(mapping))
  form.append('file', file, file.name ?? 'export.xlsx')
  return form
}

export const caseImportsApi = {
  /** The file's header read against the source (which column each field comes from, what is missing). Nothing is stored. */
  headers: (file: Blob & { name?: string }, source: string, mapping?: Record<string, string> | null) => postForm<CaseImportHeaders>('/imports/cases/headers', importForm(file, source, mapping)),
  /** Start the import; a mapping given here is also saved for the source. */
  start: (file: Blob & { name?: string }, source: string, mapping?: Record<string, string> | null) => postForm<ImportJob>('/imports/cases', importForm(file, source, mapping)),
  list: () => api.get<{ items: ImportJob[] }>('/imports', { kind: 'cases' }).then((r) => r.items),
  get: importsApi.get,
  report: importsApi.report,
}

export interface SimilarQuery {
  regionCode: string
  text: string
  excludeId?: string
  limit?: number
}

export const similarCasesApi = {
  list: (q: SimilarQuery, opts: { signal?: AbortSignal } = {}) => api.get<{ items: SimilarCase[] }>('/cases/similar', { ...q }, { signal: opts.signal }).then((r) => r.items),
}

export const personLookupApi = {
  byPhone: (phone: string) => api.get<{ items: PersonLookupItem[] }>('/persons/lookup', { phone }).then((r) => r.items),
}
