// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError } from '../../api/client.ts'
import { withSetup } from '../../composables/testing.ts'
import { useCursorFeed, type CursorPage } from './useCursorFeed.ts'

type Item = { id: string; v?: number }
describe('useCursorFeed', () => {
  let unmount: (() => void) | undefined
  afterEach(() => unmount?.())

  it('loads the first page, then the next by cursor, until there is no cursor', async () => {
    const fetch = vi.fn(async (before: string | null): Promise<CursorPage<Item>> => (before ? { items: [{ id: 'c' }], nextBefore: null } : { items: [{ id: 'a' }, { id: 'b' }], nextBefore: 'b' }))
    const m = withSetup(() => useCursorFeed(fetch))
    unmount = m.unmount
    const f = m.result
    await f.refresh()
    expect(f.items.value.map((i) => i.id)).toEqual(['a', 'b'])
    expect(f.finished.value).toBe(false)
    await f.loadMore()
    expect(fetch).toHaveBeenLastCalledWith('b')
    expect(f.items.value.map((i) => i.id)).toEqual(['a', 'b', 'c'])
    expect(f.finished.value).toBe(true)
    await f.loadMore()
    expect(fetch).toHaveBeenCalledTimes(2)
    f.replace({ id: 'b', v: 2 })
    expect(f.items.value[1]).toEqual({ id: 'b', v: 2 })
  })

  it('an answer overtaken by a refresh is dropped', async () => {
    let resolveOld!: (p: CursorPage<Item>) => void
    const fetch = vi
      .fn<(before: string | null) => Promise<CursorPage<Item>>>()
      .mockImplementationOnce(() => new Promise((r) => (resolveOld = r)))
      .mockResolvedValueOnce({ items: [{ id: 'new' }], nextBefore: null })
    const m = withSetup(() => useCursorFeed(fetch))
    unmount = m.unmount
    const f = m.result
    const old = f.refresh()
    await f.refresh()
    resolveOld({ items: [{ id: 'old' }], nextBefore: 'old' })
    await old
    expect(f.items.value.map((i) => i.id)).toEqual(['new'])
    expect(f.loading.value).toBe(false)
  })

  it('a failed first page empties the list and shows the error', async () => {
    const fetch = vi.fn(async () => Promise.reject(new ApiError(500, 'SOMETHING_ODD', '服务器开小差了')))
    const m = withSetup(() => useCursorFeed<Item>(fetch))
    unmount = m.unmount
    await m.result.refresh()
    expect(m.result.items.value).toEqual([])
    expect(m.result.error.value).toBe('服务器开小差了')
  })
})
