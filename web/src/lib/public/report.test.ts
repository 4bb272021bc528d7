// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { PublicQrInfo } from '@minqing/common'
import { ApiError } from '../../api/client.ts'
import { buildReportForm, categoryLabel, categoryOptions, emptyReportForm, reportProblems, stageIndex, stepText, tokenRetry, waitBeforeSubmit } from './report.ts'

const categories: PublicQrInfo['categories'] = [
  { code: 'traffic', name: '道路交通', keywords: [], children: [{ code: 'traffic.streetlight', name: '路灯故障', keywords: ['路灯', '不亮'] }] },
  { code: 'other', name: '咨询与其他', keywords: [], children: [] },
]

describe('the report form', () => {
  it('needs a description; name and phone are optional, a phone must be a mainland mobile', () => {
    expect(reportProblems(emptyReportForm())).toEqual({ description: 'publicReport.form.descriptionRequired' })
    expect(reportProblems({ ...emptyReportForm(), description: '  ' })).toHaveProperty('description')
    expect(reportProblems({ ...emptyReportForm(), description: 'x'.repeat(2001) })).toEqual({ description: 'publicReport.form.descriptionTooLong' })
    expect(reportProblems({ ...emptyReportForm(), description: '路灯坏了', phone: '139 1234 5678' })).toEqual({})
    expect(reportProblems({ ...emptyReportForm(), description: '路灯坏了', phone: '0575-83012345' })).toEqual({ phone: 'publicReport.form.phoneInvalid' })
    // Anonymous: what is in the name and phone boxes does not matter, it is not sent.
    expect(reportProblems({ ...emptyReportForm(), description: '路灯坏了', anonymous: true, phone: 'abc' })).toEqual({})
  })

  it('sends the fields the server names, the photos as files, and no name or phone when anonymous', () => {
    const photo = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' })
    const f = { ...emptyReportForm(), description: ' <b>路灯</b> 坏了 ', name: '张三', phone: '139-1234-5678', categoryCode: 'traffic.streetlight', lat: 29.5, lng: 120.8 }
    const named = buildReportForm(f, { code: '330683105212', token: 'tok', clientId: 'abcdef0123456789', photos: [{ blob: photo, name: 'a.jpg' }] })
    expect(Object.fromEntries([...named.entries()].filter(([k]) => k !== 'photos'))).toEqual({
      code: '330683105212',
      token: 'tok',
      clientId: 'abcdef0123456789',
      description: '<b>路灯</b> 坏了',
      categoryCode: 'traffic.streetlight',
      lat: '29.5',
      lng: '120.8',
      name: '张三',
      phone: '13912345678',
    })
    expect(named.getAll('photos')).toHaveLength(1)
    const anon = buildReportForm({ ...f, anonymous: true, lat: null }, { code: 'X', token: 't', clientId: 'c', photos: [] })
    expect(anon.get('anonymous')).toBe('true')
    expect(anon.has('name')).toBe(false)
    expect(anon.has('phone')).toBe(false)
    expect(anon.has('lat')).toBe(false)
  })
})

describe('categories', () => {
  it('options, labels and the suggestion the server would make', () => {
    expect(categoryOptions(categories)).toEqual([
      { text: '道路交通', value: 'traffic', children: [{ text: '路灯故障', value: 'traffic.streetlight' }] },
      { text: '咨询与其他', value: 'other', children: undefined },
    ])
    expect(categoryLabel(categories, 'traffic.streetlight')).toBe('道路交通 / 路灯故障')
    expect(categoryLabel(categories, 'other')).toBe('咨询与其他')
    expect(categoryLabel(categories, 'nope')).toBeNull()
  })
})

describe('the form token', () => {
  it('waits out what is left of the minimum fill time', () => {
    expect(waitBeforeSubmit(1000, 3, 1000)).toBe(3250)
    expect(waitBeforeSubmit(1000, 3, 10_000)).toBe(0)
  })
  it('too fast → wait and resend; expired, used or invalid → new token; anything else is for the resident', () => {
    expect(tokenRetry(new ApiError(400, 'FORM_TOO_FAST', 'x', { retryAfterMs: 1200 }))).toEqual({ kind: 'wait', ms: 1450 })
    expect(tokenRetry(new ApiError(400, 'FORM_TOO_FAST', 'x'))).toEqual({ kind: 'wait', ms: 3000 })
    for (const code of ['FORM_TOKEN_EXPIRED', 'FORM_TOKEN_USED', 'FORM_TOKEN_INVALID', 'FORM_TOKEN_MISSING']) expect(tokenRetry(new ApiError(403, code, 'x'))).toEqual({ kind: 'refresh' })
    expect(tokenRetry(new ApiError(429, 'RATE_LIMITED', 'x'))).toBeNull()
    expect(tokenRetry(new Error('x'))).toBeNull()
  })
})

describe('tracking', () => {
  it('the progress bar has four stages; refused and merged cases have none', () => {
    expect(['received', 'in_progress', 'replied', 'closed'].map((s) => stageIndex(s as never))).toEqual([0, 1, 2, 3])
    expect(stageIndex('rejected')).toBe(-1)
    expect(stageIndex('merged')).toBe(-1)
  })
  it('timeline rows in plain words, naming the unit when there is one', () => {
    expect(stepText({ action: 'dispatch', at: '', text: null, unit: '石璜镇人民政府' })).toEqual({ key: 'publicReport.step.dispatchTo', named: { unit: '石璜镇人民政府' } })
    expect(stepText({ action: 'dispatch', at: '', text: null, unit: null }).key).toBe('publicReport.step.dispatch')
    expect(stepText({ action: 'reply', at: '', text: '已修', unit: null }).key).toBe('publicReport.step.reply')
    expect(stepText({ action: 'something_new', at: '', text: null, unit: null }).key).toBe('publicReport.step.other')
  })
})
