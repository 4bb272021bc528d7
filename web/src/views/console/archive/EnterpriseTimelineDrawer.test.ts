// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent } from 'vue'
import type { DiaryEntry, Role, SessionUser } from '@minqing/common'
import EnterpriseTimelineDrawer from './EnterpriseTimelineDrawer.vue'
import { i18n } from '../../../i18n/index.ts'
import { useAuthStore } from '../../../stores/auth.ts'

const EID = '00000000-0000-4000-8000-0000000000f1'
const OTHER = '00000000-0000-4000-8000-0000000000f2'
const entry = (id: string, text: string): DiaryEntry =>
  ({
    id,
    clientId: `c-${id}`,
    kind: 'enterprise',
    author: { id: 'u1', name: '俞建明' },
    regionCode: '330683105212',
    regionName: '雅璜村',
    household: null,
    person: null,
    enterprise: { id: EID, name: '石璜五金厂' },
    occurredAt: '2026-11-20T01:30:00.000Z',
    text,
    mood: null,
    urgency: 'normal',
    lat: null,
    lng: null,
    locationSource: 'enterprise',
    concerns: [],
    photos: [],
    comments: [],
    review: 'none',
    reviewedBy: null,
    createdAt: '2026-11-20T01:31:00.000Z',
  }) as DiaryEntry
const E1 = '00000000-0000-4000-8000-0000000000e1'
const E2 = '00000000-0000-4000-8000-0000000000e2'
const E3 = '00000000-0000-4000-8000-0000000000e3'
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
const user = (roles: Role[]): SessionUser => ({
  id: '00000000-0000-4000-8000-000000000003',
  name: '测试',
  phone: '13800000003',
  roles,
  regionCode: '330683105212',
  regionName: '雅璜村',
  regionLevel: 'village',
  unitId: null,
  station: 'enterprise',
})

describe('EnterpriseTimelineDrawer', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
    fetchMock.mockImplementation(async (url: string) => {
      const u = new URL(url, 'http://x')
      if (u.pathname !== '/api/diary') return json(404, {})
      if (u.searchParams.get('enterpriseId') !== EID) return json(200, { items: [], nextBefore: null })
      if (u.searchParams.get('before') === E2) return json(200, { items: [entry(E3, '第三篇')], nextBefore: null })
      return json(200, { items: [entry(E1, '第一篇'), entry(E2, '第二篇')], nextBefore: E2 })
    })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  async function open(roles: Role[], enterprise = { id: EID, name: '石璜五金厂' }) {
    const pinia = createPinia()
    setActivePinia(pinia)
    useAuthStore().user = user(roles)
    const stub = defineComponent({ template: '<div />' })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:any(.*)*', component: stub }] })
    const w = mount(EnterpriseTimelineDrawer, {
      props: { modelValue: true, enterprise },
      global: { plugins: [i18n, pinia, router] },
      attachTo: document.body,
    })
    await flushPromises()
    return w
  }
  const q = (testid: string) => document.querySelector(`[data-testid="${testid}"]`)
  const texts = () => [...document.querySelectorAll('[data-testid="diary-text"]')].map((el) => el.textContent)

  it('shows the enterprise’s entries newest first and loads more by cursor', async () => {
    await open(['stationed_cadre'])
    expect(q('enterprise-timeline-drawer')).not.toBeNull()
    const first = new URL(fetchMock.mock.calls[0]![0] as string, 'http://x')
    expect(first.searchParams.get('enterpriseId')).toBe(EID)
    expect(first.searchParams.get('limit')).toBe('20')
    expect(texts()).toEqual(['第一篇', '第二篇'])
    expect(q('enterprise-timeline-empty')).toBeNull()
    ;(q('enterprise-timeline-more') as HTMLElement).click()
    await flushPromises()
    expect(new URL(fetchMock.mock.calls.at(-1)![0] as string, 'http://x').searchParams.get('before')).toBe(E2)
    expect(texts()).toEqual(['第一篇', '第二篇', '第三篇'])
    expect(q('enterprise-timeline-more')).toBeNull()
    expect(q('enterprise-timeline-write')?.getAttribute('href')).toBe(`/m/diary/new?enterpriseId=${EID}`)
  })

  it('another enterprise: its own timeline, not the last one’s entries', async () => {
    const w = await open(['stationed_cadre'])
    expect(texts()).toEqual(['第一篇', '第二篇'])
    await w.setProps({ enterprise: { id: OTHER, name: '空企业' } })
    expect(texts()).toEqual([])
    await flushPromises()
    expect(new URL(fetchMock.mock.calls.at(-1)![0] as string, 'http://x').searchParams.get('enterpriseId')).toBe(OTHER)
    expect(q('enterprise-timeline-empty')).not.toBeNull()
  })

  it('an enterprise without entries shows the empty state; no write link without diary.write', async () => {
    await open(['volunteer'], { id: OTHER, name: '空企业' })
    expect(q('enterprise-timeline-empty')?.textContent).toContain('暂无企情日记')
    expect(q('enterprise-timeline-more')).toBeNull()
    expect(q('enterprise-timeline-write')).toBeNull()
  })
})
