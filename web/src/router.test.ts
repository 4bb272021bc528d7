// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import type { SessionUser } from '@minqing/common'
import { createAppRouter } from './router.ts'

const cadre: SessionUser = {
  id: '00000000-0000-4000-8000-000000000003',
  name: '驻村干部',
  phone: '13800000003',
  roles: ['stationed_cadre'],
  regionCode: '330683105212',
  regionName: '雅璜村',
  regionLevel: 'village',
  unitId: null,
  station: 'village',
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

/** The real router (routes + guard + auth store), with fetch stubbed and page components not rendered. */
describe('router guard wiring', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('sends an anonymous visitor of a console page to /login with a redirect, asking /me once', async () => {
    fetchMock.mockResolvedValue(json(401, { error: { code: 'UNAUTHENTICATED', message: 'no' } }))
    const router = createAppRouter(createPinia(), createMemoryHistory())
    await router.push('/console/regions')
    expect(router.currentRoute.value.path).toBe('/login')
    expect(router.currentRoute.value.query.redirect).toBe('/console/regions')
    await router.push('/m/me')
    expect(router.currentRoute.value.path).toBe('/m/login')
    expect(router.currentRoute.value.query.redirect).toBe('/m/me')
    expect(fetchMock).toHaveBeenCalledTimes(1)
    expect(fetchMock.mock.calls[0][0]).toBe('/api/auth/me')
  })

  it('shows 403 to a non-admin on the users page and lets them into regions', async () => {
    fetchMock.mockResolvedValue(json(200, cadre))
    const router = createAppRouter(createPinia(), createMemoryHistory())
    await router.push('/console/users')
    expect(router.currentRoute.value.path).toBe('/console/403')
    await router.push('/cockpit')
    expect(router.currentRoute.value.path).toBe('/console/403')
    await router.push('/console/regions')
    expect(router.currentRoute.value.path).toBe('/console/regions')
    await router.push('/login')
    expect(router.currentRoute.value.path).toBe('/console')
  })

  it('redirects / by viewport width and shows 404 for unknown paths', async () => {
    fetchMock.mockResolvedValue(json(200, cadre))
    const router = createAppRouter(createPinia(), createMemoryHistory())
    window.innerWidth = 375
    await router.push('/')
    expect(router.currentRoute.value.path).toBe('/m')
    window.innerWidth = 1440
    await router.push('/m/me')
    await router.push('/')
    expect(router.currentRoute.value.path).toBe('/console')
    await router.push('/no/such/page')
    expect(router.currentRoute.value.name).toBe('not-found')
  })
})
