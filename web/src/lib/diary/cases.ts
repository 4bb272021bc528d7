/** 转为事项: what a concern of a diary entry becomes as a case (the cases module owns the case). */
import type { DiaryEntry } from '@minqing/common'
import { caseTitle } from './format.ts'
import { formatDateTime } from '../archive/format.ts'

const CASE_DESCRIPTION_MAX = 5000

export function caseFromConcern(entry: DiaryEntry, concernId: string, kindLabel: string) {
  const concern = entry.concerns.find((c) => c.id === concernId)
  if (!concern) throw new Error('unknown concern')
  const where = entry.household?.address ?? entry.enterprise?.name ?? entry.regionName
  const source = `${kindLabel} · ${entry.author.name} · ${formatDateTime(entry.occurredAt)} · ${where}`
  const description = `${concern.text}\n\n${source}\n${entry.text}`.slice(0, CASE_DESCRIPTION_MAX)
  return { regionCode: entry.regionCode, title: caseTitle(concern.text), description, diaryConcernId: concern.id }
}

/** The entry with a concern now linked to its case. */
export function withCase(entry: DiaryEntry, concernId: string, caseId: string): DiaryEntry {
  return { ...entry, concerns: entry.concerns.map((c) => (c.id === concernId ? { ...c, caseId } : c)) }
}

/** The case id a 409 CONCERN_ALREADY_RAISED names in its details. */
export function caseIdOfConflict(details: unknown): string | null {
  const id = (details as { caseId?: unknown } | null | undefined)?.caseId
  return typeof id === 'string' ? id : null
}
