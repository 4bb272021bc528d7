// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import type { Role, SessionUser } from '@minqing/common'
import { createAppRouter } from './router.ts'

const user = (roles: Role[]): SessionUser => ({
  id: '00000000-0000-4000-8000-000000000003',
  name: '测试',
  phone: '13800000003',
  roles,
  regionCode: '330683105212',
  regionName: '雅璜村',
  regionLevel: 'village',
  unitId: null,
  station: roles.includes('stationed_cadre') ? 'village' : null,
})
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

describe('archive routes', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => vi.unstubAllGlobals())

  async function routerFor(roles: Role[]) {
    fetchMock.mockResolvedValue(json(200, user(roles)))
    return createAppRouter(createPinia(), createMemoryHistory())
  }

  it('lets a stationed cadre read the archive but not import or manage tags', async () => {
    const router = await routerFor(['stationed_cadre'])
    await router.push('/console/archive/households')
    expect(router.currentRoute.value.name).toBe('c-archive-households')
    await router.push('/console/archive/households/00000000-0000-4000-8000-0000000000b1')
    expect(router.currentRoute.value.name).toBe('c-archive-household')
    await router.push('/console/archive/import')
    expect(router.currentRoute.value.path).toBe('/console/403')
    await router.push('/console/archive/tags')
    expect(router.currentRoute.value.path).toBe('/console/403')
    await router.push('/m/archive')
    expect(router.currentRoute.value.name).toBe('m-archive')
    expect(router.currentRoute.value.meta.tab).toBe('archive')
  })

  it('keeps volunteers out of the archive', async () => {
    const router = await routerFor(['volunteer'])
    await router.push('/console/archive/persons')
    expect(router.currentRoute.value.path).toBe('/console/403')
    await router.push('/m/archive')
    expect(router.currentRoute.value.path).toBe('/m')
  })

  it('lets an admin everywhere, and /console/archive opens the households', async () => {
    const router = await routerFor(['admin'])
    await router.push('/console/archive')
    expect(router.currentRoute.value.name).toBe('c-archive-households')
    await router.push('/console/archive/tags')
    expect(router.currentRoute.value.name).toBe('c-archive-tags')
    await router.push('/console/archive/import')
    expect(router.currentRoute.value.name).toBe('c-archive-import')
  })
})
