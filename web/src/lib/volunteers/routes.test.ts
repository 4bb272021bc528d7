// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import type { Role, SessionUser } from '@minqing/common'
import { createAppRouter } from '../../router.ts'

const user = (roles: Role[]): SessionUser => ({
  id: '00000000-0000-4000-8000-000000000005',
  name: '金雨婷',
  phone: '13800000005',
  roles,
  regionCode: '330683003006',
  regionName: '长宁社区',
  regionLevel: 'village',
  unitId: null,
  station: null,
})
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
const CASE = '00000000-0000-4000-8000-0000000000c1'

describe('volunteer routes (issue 15)', () => {
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

  it('lets a volunteer report (随手报), read their reports and a report, and see the leaderboard — not the case queues', async () => {
    const router = await routerFor(['volunteer'])
    for (const [path, name] of [
      ['/m/cases/new', 'm-case-new'],
      ['/m/reports', 'm-reports'],
      [`/m/cases/${CASE}`, 'm-case'],
      ['/m/leaderboard', 'm-leaderboard'],
    ] as const) {
      await router.push(path)
      expect(router.currentRoute.value.name, path).toBe(name)
    }
    await router.push('/m/cases')
    expect(router.currentRoute.value.path).toBe('/m')
    await router.push('/console/leaderboard')
    expect(router.currentRoute.value.name).not.toBe('c-leaderboard')
  }, 60_000)

  it('shows the console board to those who publish tasks, not to a grid worker', async () => {
    const cadre = await routerFor(['village_cadre'])
    await cadre.push('/console/leaderboard')
    expect(cadre.currentRoute.value.name).toBe('c-leaderboard')
    const grid = await routerFor(['grid_worker'])
    await grid.push('/console/leaderboard')
    expect(grid.currentRoute.value.path).toBe('/console/403')
    await grid.push('/m/leaderboard')
    expect(grid.currentRoute.value.name).not.toBe('m-leaderboard')
  }, 60_000)
})
