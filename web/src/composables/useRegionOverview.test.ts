// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ref } from 'vue'
import { flushPromises } from '@vue/test-utils'
import type { RegionSummary } from '@minqing/common'
import { ApiError } from '../api/client.ts'
import { loadRegionOverview } from '../lib/overview.ts'
import { useRegionOverview } from './useRegionOverview.ts'
import { withSetup } from './testing.ts'

vi.mock('../lib/overview.ts', () => ({ loadRegionOverview: vi.fn() }))
const load = vi.mocked(loadRegionOverview)

const totals = { towns: 1, villages: 17, grids: 34, users: 6, units: 334, residents: 1200 }
const summary = (code: string) =>
  ({
    region: { code, name: '嵊州市', level: 'county', parentCode: '330600', path: ['330600', code], childCount: 1 },
    totals,
    children: [{ code: `${code}105`, name: '石璜镇', level: 'town', villages: 17, grids: 34, users: 2, units: 18, residents: 1200 }],
    usersByRole: [],
  }) as unknown as RegionSummary

describe('useRegionOverview', () => {
  let unmount: (() => void) | undefined
  beforeEach(() => {
    load.mockReset()
    load.mockImplementation(async (code) => ({ summary: summary(code), totals }))
  })
  afterEach(() => unmount?.())
  function setup(code: { value: string | null }) {
    const m = withSetup(() => useRegionOverview(() => code.value))
    unmount = m.unmount
    return m.result
  }

  it('loads the region at once and again when it changes', async () => {
    const code = ref<string | null>('330683')
    const o = setup(code)
    expect(o.loading.value).toBe(true)
    await flushPromises()
    expect(load).toHaveBeenCalledWith('330683')
    expect(o.summary.value?.region.code).toBe('330683')
    expect(o.totals.value).toEqual(totals)
    expect(o.loading.value).toBe(false)
    code.value = '330684'
    await flushPromises()
    expect(load).toHaveBeenLastCalledWith('330684')
    expect(o.summary.value?.region.code).toBe('330684')
  })

  it('shows nothing without a region', async () => {
    const code = ref<string | null>('330683')
    const o = setup(code)
    await flushPromises()
    code.value = null
    await flushPromises()
    expect(load).toHaveBeenCalledTimes(1)
    expect(o.summary.value).toBeNull()
    expect(o.totals.value).toEqual({ towns: 0, villages: 0, grids: 0, users: 0, units: 0, residents: 0 })
  })

  it('a failed load empties it and shows the error; reload tries again', async () => {
    load.mockRejectedValueOnce(new ApiError(500, 'SOMETHING_ODD', '服务器开小差了'))
    const o = setup(ref('330683'))
    await flushPromises()
    expect(o.summary.value).toBeNull()
    expect(o.error.value).toBe('服务器开小差了')
    expect(o.loading.value).toBe(false)
    await o.reload()
    expect(load).toHaveBeenCalledTimes(2)
    expect(o.error.value).toBeNull()
    expect(o.summary.value?.region.code).toBe('330683')
  })
})
