/** The column-mapping screen of a case import: which of the file's columns each of our fields is read from. */
import { CASE_IMPORT_FIELDS, CASE_IMPORT_REQUIRED, type CaseImportField } from '@minqing/common'

/** Field → the file's header it is read from (null: not imported). */
export type MappingDraft = Record<CaseImportField, string | null>

/** The draft from what the server detected in the file (`columns` of POST /imports/cases/headers). */
export function draftFrom(columns: Record<string, string>): MappingDraft {
  return Object.fromEntries(CASE_IMPORT_FIELDS.map((f) => [f, columns[f] ?? null])) as MappingDraft
}

/**
 * Required fields the draft leaves without a column: 工单编号 and 诉求内容 always, and the region (by code
 * or by name) unless the source has a default region.
 */
export function missingFields(draft: MappingDraft, opts: { regionOptional?: boolean } = {}): CaseImportField[] {
  const out: CaseImportField[] = CASE_IMPORT_REQUIRED.filter((f) => !draft[f])
  if (!opts.regionOptional && !draft.regionCode && !draft.regionName) out.push('regionName')
  return out
}

/** Columns given to two fields (each column feeds one field). */
export function duplicateColumns(draft: MappingDraft): string[] {
  const seen = new Map<string, number>()
  for (const h of Object.values(draft)) if (h) seen.set(h, (seen.get(h) ?? 0) + 1)
  return [...seen].filter(([, n]) => n > 1).map(([h]) => h)
}

/** The mapping to send: fields with a column. */
export function mappingOf(draft: MappingDraft): Record<string, string> {
  return Object.fromEntries(Object.entries(draft).filter((e): e is [string, string] => !!e[1]))
}

/**
 * Whether the draft says something the source's saved mapping does not (then it is sent, and saved for the
 * source): only the fields the file has count — a saved field whose column this file lacks stays saved.
 */
export function differsFromSaved(draft: MappingDraft, saved: Record<string, string>, headers: readonly string[]): boolean {
  const inFile = new Set(headers.map((h) => h.trim()))
  for (const f of CASE_IMPORT_FIELDS) {
    const d = draft[f]
    const s = saved[f]
    if (d && d !== s) return true
    if (!d && s && inFile.has(s)) return true
  }
  return false
}

/** What is sent: the saved mapping with the draft's changes (fields the file lacks keep their saved column). */
export function overrideOf(draft: MappingDraft, saved: Record<string, string>, headers: readonly string[]): Record<string, string> {
  const inFile = new Set(headers.map((h) => h.trim()))
  const out: Record<string, string> = {}
  for (const f of CASE_IMPORT_FIELDS) {
    const d = draft[f]
    const s = saved[f]
    if (d) out[f] = d
    else if (s && !inFile.has(s)) out[f] = s
  }
  return out
}
