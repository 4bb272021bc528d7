// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import type { Open311Key, Role, SessionUser } from '@minqing/common'
import Open311KeysPage from './Open311KeysPage.vue'
import { i18n } from '../../../i18n/index.ts'
import { createAppRouter } from '../../../router.ts'
import { OPEN311_NAV } from '../../../lib/open311/nav.ts'

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
const K1 = '00000000-0000-4000-8000-0000000000a1'
const K2 = '00000000-0000-4000-8000-0000000000a2'
const key = (id: string, name: string, revokedAt: string | null = null): Open311Key => ({
  id,
  name,
  prefix: 'mq_AbCdEfG',
  regionCode: '330683',
  regionName: '嵊州市',
  createdAt: '2026-11-20T01:30:00.000Z',
  lastUsedAt: null,
  revokedAt,
})
const SECRET = 'mq_' + 'S'.repeat(32)

describe('Open311 接入 page', () => {
  const fetchMock = vi.fn()
  let keys: Open311Key[]
  beforeEach(() => {
    keys = [key(K1, 'FixMyStreet 嵊州'), key(K2, '旧小程序', '2026-11-21T01:00:00.000Z')]
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
    fetchMock.mockImplementation(async (url: string, init?: RequestInit) => {
      const u = new URL(url, 'http://x')
      if (u.pathname === '/api/open311/keys' && (init?.method ?? 'GET') === 'GET') return json(200, keys)
      if (u.pathname === '/api/open311/keys' && init?.method === 'POST') {
        const body = JSON.parse(String(init.body))
        const made = { ...key('00000000-0000-4000-8000-0000000000a3', body.name), apiKey: SECRET }
        keys = [made, ...keys]
        return json(201, made)
      }
      return json(404, { error: { code: 'NOT_FOUND', message: 'x' } })
    })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  async function open() {
    const w = mount(Open311KeysPage, { global: { plugins: [i18n] }, attachTo: document.body })
    await flushPromises()
    return w
  }
  const q = (testid: string) => document.querySelector(`[data-testid="${testid}"]`)
  /** Element Plus puts a test id on the native input or on its wrapper, depending on the component. */
  const inputOf = (testid: string) => {
    const el = q(testid)!
    return (el.tagName === 'INPUT' ? el : el.querySelector('input')!) as HTMLInputElement
  }

  it('lists keys by prefix and status, links the discovery document, never shows a secret', async () => {
    await open()
    expect(q(`open311-key-${K1}`)?.textContent).toBe('FixMyStreet 嵊州')
    expect(q(`open311-status-${K1}`)?.textContent).toContain('有效')
    expect(q(`open311-status-${K2}`)?.textContent).toContain('已吊销')
    expect(q(`open311-revoke-${K1}`)).not.toBeNull()
    expect(q(`open311-revoke-${K2}`)).toBeNull()
    expect(q('open311-discovery')?.getAttribute('href')).toBe('/open311/v2/discovery.json')
    expect(document.body.textContent).toContain('mq_AbCdEfG…')
  })

  it('issues a key and shows it once, with a copy button; closing the dialog forgets it', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined)
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    await open()
    ;(q('open311-create') as HTMLElement).click()
    await flushPromises()
    ;(q('open311-submit') as HTMLElement).click()
    await flushPromises()
    expect(q('open311-form-error')?.textContent).toContain('请填写接入方名称')

    const input = inputOf('open311-name')
    input.value = '石璜镇小程序'
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(q('open311-submit') as HTMLElement).click()
    await flushPromises()
    const post = fetchMock.mock.calls.find((c) => (c[1] as RequestInit | undefined)?.method === 'POST')!
    expect(JSON.parse(String((post[1] as RequestInit).body))).toEqual({ name: '石璜镇小程序' })
    expect(inputOf('open311-issued-key').value).toBe(SECRET)
    ;(q('open311-copy') as HTMLElement).click()
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith(SECRET)
    ;(q('open311-issued-close') as HTMLElement).click()
    await flushPromises()
    expect(document.body.innerHTML).not.toContain(SECRET)
  })
})

describe('Open311 route and sidebar', () => {
  const fetchMock = vi.fn()
  const user = (roles: Role[]): SessionUser => ({
    id: '00000000-0000-4000-8000-000000000001',
    name: '测试',
    phone: '13800000000',
    roles,
    regionCode: '330683',
    regionName: '嵊州市',
    regionLevel: 'county',
    unitId: null,
    station: null,
  })
  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('is for whoever manages intake (admins), nobody else', async () => {
    expect(OPEN311_NAV[0].roles).toEqual(['admin'])
    for (const [roles, name] of [
      [['admin'], 'c-open311'],
      [['town_handler'], 'c-forbidden'],
      [['leader'], 'c-forbidden'],
    ] as [Role[], string][]) {
      fetchMock.mockResolvedValue(json(200, user(roles)))
      const router = createAppRouter(createPinia(), createMemoryHistory())
      await router.push('/console/open311')
      expect(router.currentRoute.value.name, roles.join()).toBe(name)
    }
  })
})
