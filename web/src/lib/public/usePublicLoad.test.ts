// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { ApiError } from '../../api/client.ts'
import { withSetup } from '../../composables/testing.ts'
import { usePublicLoad } from './usePublicLoad.ts'

describe('usePublicLoad', () => {
  let unmount: (() => void) | undefined
  afterEach(() => {
    unmount?.()
    unmount = undefined
  })

  it('loads when the page mounts, loading until the data is there', async () => {
    const fetch = vi.fn(async () => ({ code: 'A1' }))
    const m = withSetup(() => usePublicLoad(fetch))
    unmount = m.unmount
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(m.result.loading.value).toBe(true)
    await flushPromises()
    expect(m.result.data.value).toEqual({ code: 'A1' })
    expect(m.result.loading.value).toBe(false)
    expect(m.result.error.value).toBeNull()
  })

  it('an unknown or malformed code is “not found”; 429 and the network say why, and a retry clears it', async () => {
    for (const status of [404, 400]) {
      const m = withSetup(() => usePublicLoad(() => Promise.reject(new ApiError(status, 'NOT_FOUND', 'no such code'))))
      await flushPromises()
      expect(m.result.error.value?.notFound).toBe(true)
      expect(m.result.loading.value).toBe(false)
      m.unmount()
    }
    let answer: () => Promise<number> = () => Promise.reject(new ApiError(429, 'TOO_MANY_ATTEMPTS', 'slow down'))
    const m = withSetup(() => usePublicLoad(() => answer()))
    unmount = m.unmount
    await flushPromises()
    expect(m.result.error.value).toEqual({ title: expect.stringContaining('请稍后再试'), notFound: false })
    answer = () => Promise.reject(new TypeError('Failed to fetch'))
    await m.result.load()
    expect(m.result.error.value).toEqual({ title: 'Failed to fetch', notFound: false })
    answer = async () => 7
    const retry = m.result.load()
    expect(m.result.loading.value).toBe(true)
    await retry
    expect(m.result.data.value).toBe(7)
    expect(m.result.error.value).toBeNull()
  })

  it('a reload keeps what is shown, without the spinner, even when it fails', async () => {
    let fail = false
    const m = withSetup(() =>
      usePublicLoad(async () => {
        if (fail) throw new ApiError(500, 'INTERNAL', 'boom')
        return 'view'
      }),
    )
    unmount = m.unmount
    await flushPromises()
    fail = true
    const again = m.result.load()
    expect(m.result.loading.value).toBe(false)
    await again
    expect(m.result.data.value).toBe('view')
    expect(m.result.error.value?.notFound).toBe(false)
  })
})
