// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import Value from 'typebox/value'
import { ACTION_BODIES, CASE_ACTIONS, type CaseAction, type CaseDetail } from '@minqing/common'
import { ACTION_FIELDS, ACTION_ORDER, actionProblems, buildActionBody, dispatchLevels, initialActionForm, visibleActions, type ActionForm } from './actions.ts'

const UNIT = '00000000-0000-4000-8000-0000000000a1'
const OTHER_UNIT = '00000000-0000-4000-8000-0000000000a2'
const CASE_ID = '00000000-0000-4000-8000-0000000000c1'
const base = {
  id: CASE_ID,
  level: 'village' as const,
  regionCode: '330683105212',
  suggestedUnit: { id: UNIT, name: '石璜镇人民政府', level: 'village' as const },
  supervision: null,
  extensionDays: 0,
  unit: null,
}

/** A form with every field the action asks for filled in. */
function filled(action: CaseAction): ActionForm {
  const f = initialActionForm(action, base)
  for (const field of ACTION_FIELDS[action]) {
    if (field.kind === 'unit') f.unitId = OTHER_UNIT
    if (field.kind === 'textarea') f[field.key as 'note' | 'reason' | 'result' | 'comment'] = `  ${field.key} text  `
    if (field.kind === 'rating') f.rating = 'unsatisfied'
    if (field.kind === 'rejectKind') f.rejectKind = 'spam'
    if (field.kind === 'case') f.intoCaseId = '00000000-0000-4000-8000-0000000000c2'
    if (field.kind === 'escalate') f.escalate = true
    if (field.kind === 'days') f.days = 3
    if (field.kind === 'photos') f.photoIds = ['00000000-0000-4000-8000-0000000000f1']
  }
  return f
}

describe('action dialogs', () => {
  it('has a dialog and a button place for every action', () => {
    expect(Object.keys(ACTION_FIELDS).sort()).toEqual([...CASE_ACTIONS].sort())
    expect([...ACTION_ORDER].sort()).toEqual([...CASE_ACTIONS].sort())
  })

  it('asks for what each action needs', () => {
    const keys = (a: CaseAction) => ACTION_FIELDS[a].map((f) => `${f.key}${f.required ? '*' : ''}`)
    expect(keys('dispatch')).toEqual(['unitId*', 'handlerId', 'level', 'note'])
    expect(keys('transfer')).toEqual(['unitId*', 'reason*'])
    expect(keys('extend')).toEqual(['days*', 'reason*'])
    expect(keys('approve_extension')).toEqual(['approved*', 'note'])
    expect(keys('rate')).toEqual(['rating*', 'comment'])
    expect(keys('supervise')).toEqual(['supervision*', 'note'])
    expect(keys('merge')).toEqual(['intoCaseId*', 'note'])
    expect(keys('reject')).toEqual(['rejectKind*', 'reason*'])
    expect(keys('reopen')).toEqual(['reason*', 'escalate'])
    expect(keys('reply')).toEqual(['result*', 'photoIds'])
    expect(keys('resolve_on_spot')).toEqual(['result*', 'photoIds'])
    for (const a of ['accept', 'claim', 'urge'] as const) expect(keys(a)).toEqual(['note'])
    for (const a of ['return', 'escalate'] as const) expect(keys(a)).toEqual(['reason*'])
  })

  it('builds, for every action, a body the server’s schema accepts (filled and trimmed)', () => {
    for (const action of CASE_ACTIONS) {
      const body = buildActionBody(action, filled(action))
      expect(Value.Check(ACTION_BODIES[action], body), `${action}: ${JSON.stringify(body)}`).toBe(true)
      for (const v of Object.values(body)) if (typeof v === 'string') expect(v).toBe(v.trim())
    }
  })

  it('leaves optional fields out when empty', () => {
    expect(buildActionBody('accept', initialActionForm('accept', base))).toEqual({})
    expect(buildActionBody('reopen', { ...initialActionForm('reopen', base), reason: '没修好' })).toEqual({ reason: '没修好' })
    expect(buildActionBody('rate', { ...initialActionForm('rate', base), rating: 'satisfied' })).toEqual({ rating: 'satisfied' })
    expect(buildActionBody('approve_extension', initialActionForm('approve_extension', base))).toEqual({ approved: true })
    expect(buildActionBody('reply', { ...initialActionForm('reply', base), result: '已修复' })).toEqual({ result: '已修复' })
  })

  it('preselects the suggested unit and the current level for dispatch, the next card for supervise', () => {
    const d = initialActionForm('dispatch', base)
    expect(d.unitId).toBe(UNIT)
    expect(d.level).toBe('village')
    expect(buildActionBody('dispatch', d)).toEqual({ unitId: UNIT, level: 'village' })
    expect(initialActionForm('dispatch', { ...base, suggestedUnit: null }).unitId).toBeNull()
    expect(initialActionForm('supervise', base).supervision).toBe('normal')
    expect(initialActionForm('supervise', { ...base, supervision: 'normal' }).supervision).toBe('yellow')
    expect(initialActionForm('supervise', { ...base, supervision: 'red' }).supervision).toBe('red')
    expect(initialActionForm('transfer', base).unitId).toBeNull()
  })

  it('reports missing and wrong fields before sending', () => {
    expect(actionProblems('reply', initialActionForm('reply', base), base)).toEqual({ result: 'cases.form.required' })
    expect(actionProblems('reply', { ...initialActionForm('reply', base), result: '   ' }, base)).toEqual({ result: 'cases.form.required' })
    expect(actionProblems('rate', initialActionForm('rate', base), base)).toEqual({ rating: 'cases.form.required' })
    expect(actionProblems('accept', initialActionForm('accept', base), base)).toEqual({})
    expect(actionProblems('dispatch', initialActionForm('dispatch', base), base)).toEqual({})
    expect(actionProblems('reply', { ...initialActionForm('reply', base), result: 'x'.repeat(5001) }, base)).toEqual({ result: 'cases.form.tooLong' })
    // extension: at most 10 working days in all
    const ext = { ...initialActionForm('extend', base), reason: '材料未齐', days: 8 }
    expect(actionProblems('extend', ext, { ...base, extensionDays: 3 })).toEqual({ days: 'cases.form.daysRange' })
    expect(actionProblems('extend', ext, { ...base, extensionDays: 2 })).toEqual({})
    expect(actionProblems('extend', { ...ext, days: 1 }, { ...base, extensionDays: 10 })).toEqual({ days: 'cases.form.noExtensionLeft' })
    // transfer to the same unit, merge into itself
    const unitNow = { ...base, unit: { id: UNIT, name: 'x' } }
    expect(actionProblems('transfer', { ...initialActionForm('transfer', unitNow), unitId: UNIT, reason: 'r' }, unitNow)).toEqual({ unitId: 'cases.form.sameUnit' })
    expect(actionProblems('merge', { ...initialActionForm('merge', base), intoCaseId: CASE_ID }, base)).toEqual({ intoCaseId: 'cases.form.mergeSelf' })
  })

  it('offers dispatch levels from the case region’s level up to the case’s level', () => {
    expect(dispatchLevels({ level: 'village', regionCode: '330683105212' })).toEqual(['village'])
    expect(dispatchLevels({ level: 'county', regionCode: '330683105212' })).toEqual(['county', 'town', 'village'])
    expect(dispatchLevels({ level: 'town', regionCode: '330683105212001' })).toEqual(['town', 'village', 'grid'])
    expect(dispatchLevels({ level: 'town', regionCode: '330683105' })).toEqual(['town'])
  })

  it('shows the server’s allowed actions in working order, without the two it would refuse', () => {
    const c = (allowedActions: string[], extra: Partial<CaseDetail> = {}) => ({ allowedActions, rating: null, level: 'village' as const, ...extra })
    expect(visibleActions(c(['urge', 'escalate', 'dispatch', 'reject']))).toEqual(['dispatch', 'escalate', 'urge', 'reject'])
    expect(visibleActions(c(['rate', 'reopen']))).toEqual(['rate', 'reopen'])
    expect(visibleActions(c(['rate', 'reopen'], { rating: 'unsatisfied' }))).toEqual(['reopen'])
    expect(visibleActions(c(['claim', 'escalate', 'dispatch'], { level: 'county' }))).toEqual(['dispatch', 'claim'])
    expect(visibleActions(c(['not_an_action']))).toEqual([])
  })
})
