// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadRegionOverview } from './overview.ts'

const summary = {
  region: { code: '330683', name: '嵊州市', level: 'county', parentCode: '330600', path: ['330600', '330683'], childCount: 1 },
  totals: { towns: 1, villages: 17, grids: 34, users: 6, units: 334, residents: 1200 },
  children: [{ code: '330683105', name: '石璜镇', level: 'town', villages: 17, grids: 34, users: 2, units: 18, residents: 1200 }],
  usersByRole: [{ role: 'admin', count: 1 }],
}
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

describe('loadRegionOverview', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('takes the subtree totals from the summary, in one request', async () => {
    fetchMock.mockImplementation(async (url: string) => (url.startsWith('/api/regions/330683/summary') ? json(200, summary) : json(404, { error: { code: 'ROUTE_NOT_FOUND', message: url } })))
    const o = await loadRegionOverview('330683')
    expect(o.totals).toEqual({ towns: 1, villages: 17, grids: 34, users: 6, units: 334, residents: 1200 })
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })

  it('passes a failed summary on as an error', async () => {
    fetchMock.mockImplementation(async () => json(404, { error: { code: 'NOT_FOUND', message: '区域不存在' } }))
    await expect(loadRegionOverview('330683')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' })
  })
})
