import { describe, expect, it } from 'vitest'
import type { PersonLookupItem } from '@minqing/common'
import {
  applySuggestion,
  buildHotlineCase,
  chooseCategory,
  clearPerson,
  emptyHotlineForm,
  hotlineProblems,
  lookupReady,
  normalisePhone,
  pickPerson,
  similarReady,
  similarText,
  timeLimitOf,
} from './hotline.ts'

const person: PersonLookupItem = {
  id: '0e7d0c8e-1b1a-4c55-9a55-2a2f1c0b9d11',
  name: '俞国良',
  phone: '137****5678',
  gender: 'male',
  age: 68,
  relation: '户主',
  householdId: null,
  address: '雅璜村下宅8号',
  regionCode: '330683105212001',
  regionName: '第一网格',
  matchedBy: 'person',
}

describe('hotline form', () => {
  it('reads phones as callers give them', () => {
    expect(normalisePhone(' 137 1234 5678 ')).toBe('13712345678')
    expect(normalisePhone('+8613712345678')).toBe('13712345678')
    expect(normalisePhone('0575-83012345')).toBe('0575-83012345')
    expect(lookupReady('1371234')).toBe(false)
    expect(lookupReady('13712345678')).toBe(true)
    expect(lookupReady('0575-83012345')).toBe(true)
  })

  it('a picked person becomes the reporter and brings their region (unless one was chosen)', () => {
    const f = emptyHotlineForm()
    pickPerson(f, person)
    expect(f).toMatchObject({ callerMode: 'person', regionCode: person.regionCode, name: '俞国良' })
    Object.assign(f, { title: '路灯不亮', description: '下宅路口路灯坏了' })
    expect(hotlineProblems(f)).toEqual({})
    expect(buildHotlineCase(f)).toMatchObject({ channel: 'hotline', regionCode: person.regionCode, reporter: { personId: person.id }, urgency: 'normal' })
    const chosen = emptyHotlineForm({ regionCode: '330683105212' })
    pickPerson(chosen, person)
    expect(chosen.regionCode).toBe('330683105212')
    clearPerson(chosen)
    expect(chosen).toMatchObject({ person: null, callerMode: 'named' })
  })

  it('a caller picked from the archive keeps the number typed (the line they are on)', () => {
    const f = emptyHotlineForm()
    f.phone = '138 0000 2222'
    pickPerson(f, person)
    Object.assign(f, { title: '路灯不亮', description: '下宅路口路灯坏了' })
    expect(buildHotlineCase(f).reporter).toEqual({ personId: person.id, phone: '13800002222' })
    expect(f.phone).toBe('138 0000 2222')
    f.phone = '12ab'
    expect(hotlineProblems(f)).toEqual({ phone: 'cases.form.badPhone' })
    // None typed (picked by other means): the server takes the person's own number.
    f.phone = ''
    expect(buildHotlineCase(f).reporter).toEqual({ personId: person.id })
  })

  it('applies the best suggested category until the operator chooses one', () => {
    const f = emptyHotlineForm()
    applySuggestion(f, 'traffic.streetlight')
    expect(f).toMatchObject({ categoryCode: 'traffic.streetlight', categoryByOperator: false })
    applySuggestion(f, 'environment.sewage')
    expect(f.categoryCode).toBe('environment.sewage')
    applySuggestion(f, undefined)
    expect(f.categoryCode).toBe('environment.sewage')
    chooseCategory(f, 'traffic.road')
    applySuggestion(f, 'traffic.streetlight')
    expect(f).toMatchObject({ categoryCode: 'traffic.road', categoryByOperator: true })
    // Clearing is a choice too: no category rather than a guess.
    chooseCategory(f, null)
    applySuggestion(f, 'traffic.streetlight')
    expect(f.categoryCode).toBeNull()
    expect(emptyHotlineForm().categoryByOperator).toBe(false)
  })

  it('states the category’s time limit for the urgency', () => {
    const cat = { limits: { normalDays: 5, urgentDays: 2, emergencyHours: 24 } }
    expect(timeLimitOf(cat, 'normal')).toEqual({ key: 'caseImports.hotline.limitDays', n: 5 })
    expect(timeLimitOf(cat, 'urgent')).toEqual({ key: 'caseImports.hotline.limitDays', n: 2 })
    expect(timeLimitOf(cat, 'emergency')).toEqual({ key: 'caseImports.hotline.limitHours', n: 24 })
    expect(timeLimitOf(undefined, 'normal')).toBeNull()
  })

  it('checks what the server would refuse, and sends a named or anonymous caller', () => {
    const f = emptyHotlineForm({ channel: 'walk_in' })
    expect(hotlineProblems(f)).toMatchObject({ regionCode: 'cases.form.required', title: 'cases.form.required', description: 'cases.form.required', name: 'cases.form.nameOrPhone' })
    Object.assign(f, { regionCode: '330683105212', title: 'T', description: 'D', phone: '12345' })
    expect(hotlineProblems(f)).toEqual({ phone: 'cases.form.badPhone' })
    f.phone = '138 0000 1111'
    f.location = '下宅路口'
    f.categoryCode = 'traffic.streetlight'
    expect(buildHotlineCase(f)).toEqual({
      channel: 'walk_in',
      regionCode: '330683105212',
      title: 'T',
      description: 'D',
      urgency: 'normal',
      clientId: f.clientId,
      categoryCode: 'traffic.streetlight',
      address: '下宅路口',
      reporter: { phone: '13800001111' },
    })
    f.callerMode = 'anonymous'
    expect(buildHotlineCase(f).reporter).toEqual({ anonymous: true })
    f.callerMode = 'person'
    expect(hotlineProblems(f)).toEqual({ phone: 'caseImports.hotline.pickPerson' })
  })

  it('asks for duplicates once a region and a few characters are there', () => {
    expect(similarReady({ regionCode: null, title: '路灯不亮了', description: '' })).toBe(false)
    expect(similarReady({ regionCode: '330683105212', title: '路灯', description: '' })).toBe(false)
    expect(similarReady({ regionCode: '330683105212', title: '路灯', description: '不亮' })).toBe(true)
    expect(similarText({ title: ' 路灯 ', description: ' 不亮 ' })).toBe('路灯 不亮')
  })
})
