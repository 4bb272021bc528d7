// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { ApiError } from '../api/client.ts'
import { usePagedList, type PageRequest } from './usePagedList.ts'
import { withSetup } from './testing.ts'

type Filters = { regionCode: string | null; kind: string; q: string }
const initial: Filters = { regionCode: null, kind: '', q: '' }

function setup(fetch = vi.fn(async (_f: Filters, _p: PageRequest) => ({ items: ['a', 'b'], total: 42 }))) {
  const calls: { filters: Filters; page: PageRequest }[] = []
  const spy = vi.fn(async (f: Filters, p: PageRequest) => {
    calls.push({ filters: { ...f }, page: { ...p } })
    return fetch(f, p)
  })
  const mounted = withSetup(() => usePagedList({ filters: initial, fetch: spy, searchOn: ['regionCode', 'kind'] }))
  return { ...mounted, spy, calls }
}

describe('usePagedList', () => {
  let unmount: (() => void) | undefined
  afterEach(() => unmount?.())

  it('loads the first page at once', async () => {
    const { result, calls, ...m } = setup()
    unmount = m.unmount
    expect(result.loading.value).toBe(true)
    await flushPromises()
    expect(calls).toEqual([{ filters: initial, page: { limit: 20, offset: 0 } }])
    expect(result.rows.value).toEqual(['a', 'b'])
    expect(result.total.value).toBe(42)
    expect(result.loading.value).toBe(false)
    expect(result.error.value).toBeNull()
  })

  it('loads again when the page or page size changes', async () => {
    const { result, calls, ...m } = setup()
    unmount = m.unmount
    await flushPromises()
    result.page.current = 3
    await flushPromises()
    expect(calls.at(-1)!.page).toEqual({ limit: 20, offset: 40 })
    result.page.size = 50
    await flushPromises()
    expect(calls.at(-1)!.page).toEqual({ limit: 50, offset: 100 })
  })

  it('searches from page 1, with one load', async () => {
    const { result, spy, calls, ...m } = setup()
    unmount = m.unmount
    await flushPromises()
    result.page.current = 2
    await flushPromises()
    spy.mockClear()
    result.filters.q = '医院'
    await flushPromises()
    expect(spy).not.toHaveBeenCalled()
    result.search()
    await flushPromises()
    expect(spy).toHaveBeenCalledTimes(1)
    expect(calls.at(-1)).toEqual({ filters: { ...initial, q: '医院' }, page: { limit: 20, offset: 0 } })
    result.search()
    await flushPromises()
    expect(spy).toHaveBeenCalledTimes(2)
  })

  it('searches as soon as a `searchOn` filter changes', async () => {
    const { result, spy, calls, ...m } = setup()
    unmount = m.unmount
    await flushPromises()
    spy.mockClear()
    result.filters.kind = 'school'
    await flushPromises()
    expect(spy).toHaveBeenCalledTimes(1)
    expect(calls.at(-1)!.filters.kind).toBe('school')
  })

  it('resetFilters puts the filters back and searches', async () => {
    const { result, calls, ...m } = setup()
    unmount = m.unmount
    await flushPromises()
    result.filters.q = 'x'
    result.filters.regionCode = '330683'
    await flushPromises()
    result.resetFilters()
    await flushPromises()
    expect(result.filters).toEqual(initial)
    expect(calls.at(-1)!.filters).toEqual(initial)
    expect(initial).toEqual({ regionCode: null, kind: '', q: '' })
  })

  it('a failed load empties the list and shows the error', async () => {
    const fetch = vi.fn(async () => ({ items: ['a'], total: 1 }))
    const { result, ...m } = setup(fetch)
    unmount = m.unmount
    await flushPromises()
    fetch.mockRejectedValueOnce(new ApiError(500, 'SOMETHING_ODD', '服务器开小差了'))
    await result.reload()
    expect(result.rows.value).toEqual([])
    expect(result.total.value).toBe(0)
    expect(result.error.value).toBe('服务器开小差了')
    expect(result.loading.value).toBe(false)
    await result.reload()
    expect(result.error.value).toBeNull()
    expect(result.rows.value).toEqual(['a'])
  })
})
