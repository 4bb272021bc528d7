// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import type { Role, SessionUser } from '@minqing/common'
import { createAppRouter } from '../../router.ts'

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
  station: null,
})

describe('民情码 routes', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('a resident with no session reaches the report and tracking pages', async () => {
    fetchMock.mockResolvedValue(json(401, { error: { code: 'UNAUTHENTICATED', message: '请先登录' } }))
    const router = createAppRouter(createPinia(), createMemoryHistory())
    await router.push('/r/330683105212')
    expect(router.currentRoute.value.name).toBe('public-report')
    expect(router.currentRoute.value.params.code).toBe('330683105212')
    await router.push('/t/ABCDEFGHJK')
    expect(router.currentRoute.value.name).toBe('public-track')
    // …but not the console's poster page.
    await router.push('/console/qr')
    expect(router.currentRoute.value.path).toBe('/login')
  })

  it('the poster page is for those who work cases, not for volunteers', async () => {
    fetchMock.mockResolvedValue(json(200, user(['stationed_cadre'])))
    const router = createAppRouter(createPinia(), createMemoryHistory())
    await router.push('/console/qr')
    expect(router.currentRoute.value.name).toBe('c-qr')
    fetchMock.mockResolvedValue(json(200, user(['volunteer'])))
    const other = createAppRouter(createPinia(), createMemoryHistory())
    await other.push('/console/qr')
    expect(other.currentRoute.value.name).toBe('c-forbidden')
  })
})
