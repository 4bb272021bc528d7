// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { DiaryEntry } from '@minqing/common'
import { ago, caseTitle, defaultKind, mergeEntries, subjectOf } from './format.ts'
import { buildCreateDiary, draftProblem, emptyDraft } from './draft.ts'
import { caseFromConcern, caseIdOfConflict, withCase } from './cases.ts'

describe('diary format', () => {
  it('the kind starts from the writer’s station', () => {
    expect(defaultKind({ station: 'village' })).toBe('village')
    expect(defaultKind({ station: 'community' })).toBe('community')
    expect(defaultKind({ station: 'enterprise' })).toBe('enterprise')
    expect(defaultKind({ station: null })).toBe('village')
    expect(defaultKind(null)).toBe('village')
  })
  it('Moments-style times', () => {
    const now = Date.parse('2026-11-20T12:00:00Z')
    expect(ago('2026-11-20T11:59:30Z', now)).toEqual({ key: 'justNow' })
    expect(ago('2026-11-20T11:55:00Z', now)).toEqual({ key: 'minutesAgo', n: 5 })
    expect(ago('2026-11-20T09:00:00Z', now)).toEqual({ key: 'hoursAgo', n: 3 })
    expect(ago('2026-11-18T12:00:00Z', now)).toEqual({ key: 'daysAgo', n: 2 })
    expect(ago('2026-10-01T12:00:00Z', now).key).toBe('date')
    expect((ago('2025-10-01T12:00:00Z', now) as { text: string }).text).toMatch(/^2025-10-01/)
    expect(ago('garbage', now)).toEqual({ key: 'date', text: '—' })
  })
  it('the subject line', () => {
    expect(subjectOf({ household: { id: 'h', address: '雅璜村 1 号' }, enterprise: null, person: { id: 'p', name: '王大爷' } })).toBe('雅璜村 1 号 · 王大爷')
    expect(subjectOf({ household: null, enterprise: { id: 'e', name: '某厂' }, person: null })).toBe('某厂')
    expect(subjectOf({ household: null, enterprise: null, person: null })).toBe('')
  })
  it('merges entries newest first, a newer copy replacing the old', () => {
    const e = (id: string, createdAt: string, text = '') => ({ id, createdAt, text }) as DiaryEntry
    const merged = mergeEntries([e('a', '2026-11-01T00:00:00Z'), e('b', '2026-11-03T00:00:00Z')], [e('a', '2026-11-01T00:00:00Z', 'new'), e('c', '2026-11-02T00:00:00Z')])
    expect(merged.map((x) => x.id)).toEqual(['b', 'c', 'a'])
    expect(merged[2].text).toBe('new')
  })
})

describe('the write form → POST /api/diary', () => {
  const now = new Date('2026-11-20T08:00:00.000Z')
  it('what is filled in, trimmed, with the time it was written', () => {
    const d = {
      ...emptyDraft('village'),
      householdId: 'h1',
      text: '  王大爷家屋顶漏水 ',
      mood: 'anxious' as const,
      urgency: 'urgent' as const,
      concerns: [' 修屋顶 ', '', '低保'],
      lat: 29.5212345678,
      lng: 120.8512345678,
    }
    expect(buildCreateDiary(d, 'cid00001', now)).toEqual({
      clientId: 'cid00001',
      kind: 'village',
      occurredAt: '2026-11-20T08:00:00.000Z',
      text: '王大爷家屋顶漏水',
      urgency: 'urgent',
      householdId: 'h1',
      mood: 'anxious',
      concerns: ['修屋顶', '低保'],
      lat: 29.521235,
      lng: 120.851235,
    })
  })
  it('an enterprise diary is about the enterprise, not a household; no position, no concerns: not sent', () => {
    const d = { ...emptyDraft('enterprise'), householdId: 'h1', enterpriseId: 'e1', text: 'x' }
    expect(buildCreateDiary(d, 'cid00001', now)).toEqual({ clientId: 'cid00001', kind: 'enterprise', occurredAt: now.toISOString(), text: 'x', urgency: 'normal', enterpriseId: 'e1' })
  })
  it('problems: no text; an enterprise diary without its enterprise', () => {
    expect(draftProblem(emptyDraft())).toBe('text')
    expect(draftProblem({ ...emptyDraft(), text: '  ' })).toBe('text')
    expect(draftProblem({ ...emptyDraft('enterprise'), text: 'x' })).toBe('enterprise')
    expect(draftProblem({ ...emptyDraft('village'), text: 'x' })).toBeNull()
  })
})

describe('转为事项', () => {
  const entry = {
    id: 'e1',
    kind: 'village',
    author: { id: 'u', name: '俞建明' },
    regionCode: '330683105212',
    regionName: '雅璜村',
    household: { id: 'h', address: '雅璜村 12 号' },
    enterprise: null,
    occurredAt: '2026-11-20T01:30:00.000Z',
    text: '走访记录',
    concerns: [{ id: 'c1', text: '屋顶漏水需要维修\n第二行', caseId: null }],
  } as unknown as DiaryEntry
  it('the case: the concern as title, the entry as description, the concern linked', () => {
    const body = caseFromConcern(entry, 'c1', '民情日记')
    expect(body.regionCode).toBe('330683105212')
    expect(body.title).toBe('屋顶漏水需要维修')
    expect(body.diaryConcernId).toBe('c1')
    expect(body.description).toContain('走访记录')
    expect(body.description).toContain('雅璜村 12 号')
    expect(caseTitle('x'.repeat(150))).toHaveLength(100)
    expect(() => caseFromConcern(entry, 'nope', '')).toThrow()
  })
  it('links the case on the entry; reads the case of a 409', () => {
    expect(withCase(entry, 'c1', 'case-1').concerns[0].caseId).toBe('case-1')
    expect(entry.concerns[0].caseId).toBeNull()
    expect(caseIdOfConflict({ caseId: 'k' })).toBe('k')
    expect(caseIdOfConflict(undefined)).toBeNull()
  })
})
