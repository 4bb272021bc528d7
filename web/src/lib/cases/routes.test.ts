// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import type { Role, SessionUser } from '@minqing/common'
import { createAppRouter } from '../../router.ts'

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
const CASE = '00000000-0000-4000-8000-0000000000c1'

describe('case routes', () => {
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

  it('lets a stationed cadre work cases (console and phone) but not edit categories', async () => {
    const router = await routerFor(['stationed_cadre'])
    await router.push('/console/cases')
    expect(router.currentRoute.value.name).toBe('c-cases')
    await router.push(`/console/cases/${CASE}`)
    expect(router.currentRoute.value.name).toBe('c-case')
    await router.push('/console/categories')
    expect(router.currentRoute.value.path).toBe('/console/403')
    await router.push('/m/cases')
    expect(router.currentRoute.value.name).toBe('m-cases')
    expect(router.currentRoute.value.meta.tab).toBe('cases')
    await router.push('/m/cases/new')
    expect(router.currentRoute.value.name).toBe('m-case-new')
    await router.push(`/m/cases/${CASE}`)
    expect(router.currentRoute.value.name).toBe('m-case')
  })

  it('lets an admin edit categories and routing rules', async () => {
    const router = await routerFor(['admin'])
    await router.push('/console/categories')
    expect(router.currentRoute.value.name).toBe('c-categories')
  })

  it('keeps volunteers out of the case screens', async () => {
    const router = await routerFor(['volunteer'])
    await router.push('/console/cases')
    expect(router.currentRoute.value.path).toBe('/console/403')
    await router.push('/m/cases')
    expect(router.currentRoute.value.path).toBe('/m')
  })
})
