// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { REVEAL_SECONDS, useReveal } from './useReveal.ts'
import { withSetup } from './testing.ts'

describe('useReveal', () => {
  let unmount: (() => void) | undefined
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => {
    unmount?.()
    vi.useRealTimers()
  })

  it('shows the full value for 30 seconds, counting down, then hides it', async () => {
    const reveal = vi.fn(async (_id: string, field: 'idNumber' | 'phone') => ({ value: field === 'phone' ? '13812345678' : '330683195003150021' }))
    const m = withSetup(() => useReveal(reveal))
    unmount = m.unmount
    const r = m.result
    expect(r.get('p1', 'idNumber')).toBeNull()
    await r.show('p1', 'idNumber')
    expect(reveal).toHaveBeenCalledWith('p1', 'idNumber')
    expect(r.get('p1', 'idNumber')).toEqual({ value: '330683195003150021', secondsLeft: REVEAL_SECONDS })
    expect(r.get('p1', 'phone')).toBeNull()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(r.get('p1', 'idNumber')?.secondsLeft).toBe(20)
    await vi.advanceTimersByTimeAsync(20_000)
    expect(r.get('p1', 'idNumber')).toBeNull()
  })

  it('a second reveal starts the 30 seconds again; hideAll forgets everything', async () => {
    const reveal = vi.fn(async () => ({ value: 'x' }))
    const m = withSetup(() => useReveal(reveal))
    unmount = m.unmount
    const r = m.result
    await r.show('p1', 'phone')
    await vi.advanceTimersByTimeAsync(25_000)
    await r.show('p1', 'phone')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(r.get('p1', 'phone')?.secondsLeft).toBe(20)
    await r.show('p2', 'phone')
    r.hideAll()
    expect(r.get('p1', 'phone')).toBeNull()
    expect(r.get('p2', 'phone')).toBeNull()
  })

  it('passes a refusal on and shows nothing', async () => {
    const reveal = vi.fn(async () => Promise.reject(new Error('403')))
    const m = withSetup(() => useReveal(reveal))
    unmount = m.unmount
    await expect(m.result.show('p1', 'idNumber')).rejects.toThrow('403')
    expect(m.result.get('p1', 'idNumber')).toBeNull()
    expect(m.result.isLoading('p1', 'idNumber')).toBe(false)
  })
})
