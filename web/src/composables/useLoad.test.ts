// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { ElMessage } from 'element-plus'
import { ApiError } from '../api/client.ts'
import { useLoad } from './useLoad.ts'
import { withSetup } from './testing.ts'

vi.mock('element-plus', () => ({ ElMessage: { error: vi.fn() } }))

describe('useLoad', () => {
  let unmount: (() => void) | undefined
  afterEach(() => {
    unmount?.()
    vi.mocked(ElMessage.error).mockClear()
  })

  it('loads only when asked, with loading set meanwhile', async () => {
    const fetch = vi.fn(async () => ['a', 'b'])
    const m = withSetup(() => useLoad(fetch, [] as string[]))
    unmount = m.unmount
    expect(fetch).not.toHaveBeenCalled()
    const done = m.result.load()
    expect(m.result.loading.value).toBe(true)
    await done
    expect(m.result.data.value).toEqual(['a', 'b'])
    expect(m.result.loading.value).toBe(false)
  })

  it('keeps what it shows on a failure and says why', async () => {
    let fail = false
    const m = withSetup(() =>
      useLoad(async () => {
        if (fail) throw new ApiError(403, 'FORBIDDEN', '无权访问')
        return 1
      }, 0),
    )
    unmount = m.unmount
    await m.result.load()
    fail = true
    await m.result.load()
    await flushPromises()
    expect(m.result.data.value).toBe(1)
    expect(m.result.loading.value).toBe(false)
    expect(ElMessage.error).toHaveBeenCalledTimes(1)
    expect(ElMessage.error).toHaveBeenCalledWith(expect.stringMatching(/\S/))
  })
})
