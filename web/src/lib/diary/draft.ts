/** The write page's form → the body posted (and kept in the outbox). Pure, so it is tested. */
import type { CreateDiary, DiaryKind } from '@minqing/common'

export type Mood = NonNullable<CreateDiary['mood']>
export type Urgency = NonNullable<CreateDiary['urgency']>

export interface DiaryDraft {
  kind: DiaryKind
  householdId: string | null
  enterpriseId: string | null
  text: string
  mood: Mood | null
  urgency: Urgency
  concerns: string[]
  lat: number | null
  lng: number | null
}

export const emptyDraft = (kind: DiaryKind = 'village'): DiaryDraft => ({
  kind,
  householdId: null,
  enterpriseId: null,
  text: '',
  mood: null,
  urgency: 'normal',
  concerns: [''],
  lat: null,
  lng: null,
})

export type DraftProblem = 'text' | 'enterprise' | null

export function draftProblem(d: DiaryDraft): DraftProblem {
  if (!d.text.trim()) return 'text'
  if (d.kind === 'enterprise' && !d.enterpriseId) return 'enterprise'
  return null
}

/** 6 decimals (~10 cm) is all a phone knows; fewer digits keep the body (and its hash) stable. */
const coord = (v: number) => Math.round(v * 1e6) / 1e6

/**
 * The body for POST /api/diary. The time is fixed now, when it is written (an entry sent later from the
 * outbox keeps the time of the visit, and a resend is byte-for-byte the same request).
 */
export function buildCreateDiary(d: DiaryDraft, clientId: string, now = new Date()): CreateDiary {
  const body: CreateDiary = { clientId, kind: d.kind, occurredAt: now.toISOString(), text: d.text.trim(), urgency: d.urgency }
  if (d.kind === 'enterprise') {
    if (d.enterpriseId) body.enterpriseId = d.enterpriseId
  } else if (d.householdId) {
    body.householdId = d.householdId
  }
  if (d.mood) body.mood = d.mood
  const concerns = d.concerns
    .map((c) => c.trim())
    .filter(Boolean)
    .slice(0, 20)
    .map((c) => c.slice(0, 500))
  if (concerns.length) body.concerns = concerns
  if (d.lat !== null && d.lng !== null && Number.isFinite(d.lat) && Number.isFinite(d.lng)) {
    body.lat = coord(d.lat)
    body.lng = coord(d.lng)
  }
  return body
}
