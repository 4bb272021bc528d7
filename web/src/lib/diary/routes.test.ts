// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import type { Role, SessionUser } from '@minqing/common'
import { createAppRouter } from '../../router.ts'
import { canSeeDiary, DIARY_READ_ROLES, DIARY_WRITE_ROLES } from './nav.ts'

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

describe('diary routes', () => {
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

  it('a cadre reads the feed, writes, opens an entry; the console has the feed and 走访情况', async () => {
    const router = await routerFor(['stationed_cadre'])
    for (const [path, name] of [
      ['/m/diary', 'm-diary'],
      ['/m/diary/new?householdId=00000000-0000-4000-8000-0000000000b1', 'm-diary-new'],
      ['/m/diary/00000000-0000-4000-8000-0000000000e1', 'm-diary-entry'],
      ['/console/diary', 'c-diary'],
      ['/console/visits', 'c-visits'],
    ] as const) {
      await router.push(path)
      expect(router.currentRoute.value.name, path).toBe(name)
    }
    expect(router.resolve('/m/diary').meta.tab).toBe('diary')
  })

  it('a volunteer (no diary, no archive) is turned away', async () => {
    const router = await routerFor(['volunteer'])
    await router.push('/m/diary')
    expect(router.currentRoute.value.path).toBe('/m')
    await router.push('/m/diary/new')
    expect(router.currentRoute.value.path).toBe('/m')
    await router.push('/console/visits')
    expect(router.currentRoute.value.path).toBe('/console/403')
  })

  it('who may read and write', () => {
    expect(canSeeDiary(['volunteer'])).toBe(false)
    expect(canSeeDiary(['grid_worker'])).toBe(true)
    expect(DIARY_READ_ROLES).not.toContain('volunteer')
    expect(DIARY_WRITE_ROLES).toEqual(expect.arrayContaining(['stationed_cadre', 'village_cadre', 'grid_worker', 'town_handler']))
  })
})
