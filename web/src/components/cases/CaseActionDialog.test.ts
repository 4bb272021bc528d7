// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import type { CaseAction, CaseDetail } from '@minqing/common'
import CaseActionDialog from './CaseActionDialog.vue'
import { i18n } from '../../i18n/index.ts'

const UNIT = '00000000-0000-4000-8000-0000000000a1'
const CASE: CaseDetail = {
  id: '00000000-0000-4000-8000-0000000000c1',
  number: 'MQ-20261009-0001',
  channel: 'walk_in',
  state: 'new',
  level: 'village',
  regionCode: '330683105212',
  regionName: '雅璜村委会',
  category: { code: 'traffic.streetlight', name: '路灯故障' },
  urgency: 'normal',
  title: '村口路灯不亮',
  description: '三盏路灯坏了',
  reporter: { kind: 'user', name: null, phone: null, personId: null },
  lat: null,
  lng: null,
  unit: null,
  handler: null,
  suggestedUnit: { id: UNIT, name: '石璜镇人民政府', level: 'village' },
  dueAt: null,
  warnAt: null,
  warned: false,
  overdue: false,
  paused: false,
  extensionDays: 0,
  supervision: null,
  claimedBy: null,
  mergedInto: null,
  rating: null,
  reopenCount: 0,
  diaryEntryId: null,
  source: null,
  externalId: null,
  address: null,
  ratingComment: null,
  createdAt: '2026-10-09T01:00:00.000Z',
  updatedAt: '2026-10-09T01:00:00.000Z',
  closedAt: null,
  events: [],
  files: [],
  allowedActions: ['dispatch', 'escalate'],
  trackingCode: null,
}
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

describe('CaseActionDialog', () => {
  const fetchMock = vi.fn()
  const posts: { url: string; body: unknown }[] = []
  beforeEach(() => {
    posts.length = 0
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
    fetchMock.mockImplementation(async (url: string, init?: RequestInit) => {
      if (url.startsWith('/api/units')) return json(200, { items: [{ id: UNIT, name: '石璜镇人民政府', kind: 'town_office', regionCode: '330683105', regionName: '石璜镇' }], total: 1 })
      if (url.startsWith('/api/users')) return json(403, { error: { code: 'FORBIDDEN', message: 'no' } })
      if (init?.method === 'POST') {
        posts.push({ url, body: JSON.parse(String(init.body)) })
        return json(409, { error: { code: 'invalid_transition', message: '事项当前状态 dispatched 不能执行 dispatch', details: { state: 'dispatched' } } })
      }
      return json(404, {})
    })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  function open(action: CaseAction) {
    return mount(CaseActionDialog, {
      props: { modelValue: true, action, case: CASE },
      global: { plugins: [i18n] },
      attachTo: document.body,
    })
  }
  const fields = () => [...document.querySelectorAll('[data-testid^=action-field-]')].map((el) => el.getAttribute('data-testid')!.replace('action-field-', ''))

  it('dispatch: the suggested unit preselected, no handler picker without the user directory, the server’s refusal shown', async () => {
    const w = open('dispatch')
    await flushPromises()
    expect(fields()).toEqual(['unitId', 'level', 'note'])
    expect(document.body.textContent).toContain('石璜镇人民政府')
    ;(document.querySelector('[data-testid=action-submit]') as HTMLElement).click()
    await flushPromises()
    expect(posts).toEqual([{ url: `/api/cases/${CASE.id}/actions/dispatch`, body: { unitId: UNIT, level: 'village' } }])
    const error = document.querySelector('[data-testid=action-error]')
    expect(error?.textContent).toContain('事项当前状态不允许此操作')
    expect(error?.textContent).toContain('不能执行 dispatch')
    expect(w.emitted('done')).toBeUndefined()
    w.unmount()
  })

  it('rate: asks for the rating and sends nothing without it', async () => {
    const w = open('rate')
    await flushPromises()
    expect(fields()).toEqual(['rating', 'comment'])
    expect(document.querySelectorAll('[data-testid^=action-rating-]')).toHaveLength(3)
    ;(document.querySelector('[data-testid=action-submit]') as HTMLElement).click()
    await flushPromises()
    expect(posts).toEqual([])
    await new Promise((r) => setTimeout(r, 150)) // Element Plus shows a field's error after a 100 ms debounce
    expect(document.querySelector('[data-testid=action-field-rating]')?.textContent).toContain('必填')
    w.unmount()
  })

  it('extend: days with what is left, and a reason', async () => {
    const w = open('extend')
    await flushPromises()
    expect(fields()).toEqual(['days', 'reason'])
    expect(document.body.textContent).toContain('还可延期 10 个工作日')
    w.unmount()
  })
})
