// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadRegionOverview } from './overview.ts'

const summary = {
  region: { code: '330683', name: '嵊州市', level: 'county', parentCode: '330600', path: ['330600', '330683'], childCount: 1 },
  children: [{ code: '330683105', name: '石璜镇', level: 'town', villages: 17, grids: 34, users: 2, units: 18 }],
  usersByRole: [{ role: 'admin', count: 1 }],
}
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

describe('loadRegionOverview', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
    fetchMock.mockImplementation(async (url: string) => {
      if (url.startsWith('/api/regions/330683/summary')) return json(200, summary)
      if (url.startsWith('/api/users?')) return json(200, { items: [], total: 6 })
      if (url.startsWith('/api/units?')) return json(200, { items: [], total: 334 })
      return json(404, { error: { code: 'ROUTE_NOT_FOUND', message: url } })
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('takes people/unit totals for the whole subtree from the list endpoints', async () => {
    const o = await loadRegionOverview('330683', ['admin'])
    expect(o.totals).toEqual({ towns: 1, villages: 17, grids: 34, users: 6, units: 334 })
    const urls = fetchMock.mock.calls.map((c) => c[0])
    expect(urls).toContain('/api/users?regionCode=330683&limit=1')
    expect(urls).toContain('/api/units?regionCode=330683&limit=1')
  })

  it('does not ask for users when the roles may not list them, and falls back to child sums', async () => {
    const o = await loadRegionOverview('330683', ['volunteer'])
    expect(o.totals.users).toBe(2)
    expect(fetchMock.mock.calls.map((c) => c[0]).some((u: string) => u.startsWith('/api/users'))).toBe(false)
  })

  it('falls back to child sums when a list call fails', async () => {
    fetchMock.mockImplementation(async (url: string) =>
      url.includes('/summary') ? json(200, summary) : json(500, { error: { code: 'INTERNAL', message: 'x' } }),
    )
    const o = await loadRegionOverview('330683', ['leader'])
    expect(o.totals).toEqual({ towns: 1, villages: 17, grids: 34, users: 2, units: 18 })
  })
})
