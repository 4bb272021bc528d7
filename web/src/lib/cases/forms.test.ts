// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { buildCreateCase, caseFormProblems, emptyCaseForm, newClientId } from './forms.ts'

describe('raising a case', () => {
  it('builds the body: trimmed text, the reporter as chosen, a client id for resends', () => {
    const form = { ...emptyCaseForm({ regionCode: '330683105212' }), title: ' 村口路灯不亮 ', description: ' 三盏坏了 ', categoryCode: 'traffic.streetlight' }
    const body = buildCreateCase(form)
    expect(body).toEqual({ regionCode: '330683105212', title: '村口路灯不亮', description: '三盏坏了', urgency: 'normal', categoryCode: 'traffic.streetlight', clientId: form.clientId })
    expect(buildCreateCase({ ...form, reporterMode: 'anonymous' }).reporter).toEqual({ anonymous: true })
    expect(buildCreateCase({ ...form, reporterMode: 'named', reporterName: ' 王大伯 ', reporterPhone: '138 0000 1234' }).reporter).toEqual({ name: '王大伯', phone: '13800001234' })
    expect(buildCreateCase({ ...form, reporterMode: 'named', reporterName: '', reporterPhone: '13800001234' }).reporter).toEqual({ phone: '13800001234' })
    expect(buildCreateCase({ ...form, channel: 'hotline', urgency: 'emergency' })).toMatchObject({ channel: 'hotline', urgency: 'emergency' })
  })

  it('says what is missing or wrong', () => {
    const empty = emptyCaseForm()
    expect(caseFormProblems(empty)).toEqual({ regionCode: 'cases.form.required', title: 'cases.form.required', description: 'cases.form.required' })
    const ok = { ...emptyCaseForm({ regionCode: '330683105212' }), title: 't', description: 'd' }
    expect(caseFormProblems(ok)).toEqual({})
    expect(caseFormProblems({ ...ok, reporterMode: 'named' })).toEqual({ reporterName: 'cases.form.nameOrPhone' })
    expect(caseFormProblems({ ...ok, reporterMode: 'named', reporterPhone: '123' })).toEqual({ reporterPhone: 'cases.form.badPhone' })
    expect(caseFormProblems({ ...ok, title: 'x'.repeat(101) })).toEqual({ title: 'cases.form.tooLong' })
  })

  it('makes client ids the server accepts, a new one each time', () => {
    const a = newClientId()
    expect(a).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(newClientId()).not.toBe(a)
    expect(emptyCaseForm().clientId).not.toBe(emptyCaseForm().clientId)
  })
})
