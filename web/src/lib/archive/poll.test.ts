// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { poll } from './poll.ts'

describe('poll', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('asks every interval until done', async () => {
    let n = 0
    const fetch = vi.fn(async () => ++n)
    const seen: number[] = []
    const p = poll({ fetch, onValue: (v) => seen.push(v), done: (v) => v >= 3, intervalMs: 1000, immediate: false })
    expect(fetch).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1000)
    expect(seen).toEqual([1])
    await vi.advanceTimersByTimeAsync(1000)
    await vi.advanceTimersByTimeAsync(1000)
    expect(seen).toEqual([1, 2, 3])
    expect(p.running).toBe(false)
    await vi.advanceTimersByTimeAsync(5000)
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  it('stops when told', async () => {
    const fetch = vi.fn(async () => 0)
    const p = poll({ fetch, onValue: () => {}, done: () => false, intervalMs: 1000 })
    await vi.advanceTimersByTimeAsync(0)
    expect(fetch).toHaveBeenCalledTimes(1)
    p.stop()
    await vi.advanceTimersByTimeAsync(5000)
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('goes on after an error unless onError says no', async () => {
    const fetch = vi.fn(async () => {
      throw new Error('x')
    })
    const errors: unknown[] = []
    const p = poll({ fetch, onValue: () => {}, done: () => false, onError: (e) => void errors.push(e), intervalMs: 1000 })
    await vi.advanceTimersByTimeAsync(2000)
    expect(errors).toHaveLength(3)
    p.stop()
    const q = poll({ fetch, onValue: () => {}, done: () => false, onError: () => false, intervalMs: 1000 })
    await vi.advanceTimersByTimeAsync(3000)
    expect(q.running).toBe(false)
    expect(fetch).toHaveBeenCalledTimes(4)
  })
})
