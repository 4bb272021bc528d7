// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backoffDelay, createFeed, SSE_CLOSED, SSE_CONNECTING, SSE_OPEN, type EventSourceLike, type FeedStatus } from './sse.ts'

/** A controllable EventSource. */
class FakeSource implements EventSourceLike {
  readyState = SSE_CONNECTING
  onopen: ((ev: Event) => unknown) | null = null
  onerror: ((ev: Event) => unknown) | null = null
  closed = false
  private listeners = new Map<string, ((ev: MessageEvent) => void)[]>()
  constructor(public url: string) {}
  addEventListener(type: string, l: (ev: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l])
  }
  close() {
    this.closed = true
    this.readyState = SSE_CLOSED
  }
  open() {
    this.readyState = SSE_OPEN
    this.onopen?.(new Event('open'))
  }
  /** The browser lost the stream and retries by itself. */
  drop() {
    this.readyState = SSE_CONNECTING
    this.onerror?.(new Event('error'))
  }
  /** The browser gave up (e.g. a 401 answer). */
  fail() {
    this.readyState = SSE_CLOSED
    this.onerror?.(new Event('error'))
  }
  emit(type: string, data: string) {
    for (const l of this.listeners.get(type) ?? []) l(new MessageEvent(type, { data }))
  }
}

function setup(opts: { withSse?: boolean } = {}) {
  const sources: FakeSource[] = []
  const fetchLatest = vi.fn(async () => [{ id: 'polled' }])
  const items: unknown[] = []
  const lists: unknown[][] = []
  const statuses: FeedStatus[] = []
  const feed = createFeed<{ id: string }>({
    url: '/api/notifications/stream',
    createSource:
      opts.withSse === false
        ? null
        : (url) => {
            const s = new FakeSource(url)
            sources.push(s)
            return s
          },
    fetchLatest,
    onItem: (n) => items.push(n),
    onList: (l) => lists.push(l),
    onStatus: (s) => statuses.push(s),
    pollMs: 60_000,
    reconnectMs: 5_000,
    maxReconnectMs: 60_000,
  })
  return { feed, sources, fetchLatest, items, lists, statuses }
}

describe('notification feed (SSE with a polling fallback)', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('takes pushed notifications and does not poll while the stream is open', async () => {
    const { feed, sources, fetchLatest, items } = setup()
    feed.start()
    expect(sources).toHaveLength(1)
    expect(sources[0].url).toBe('/api/notifications/stream')
    expect(feed.status).toBe('connecting')
    sources[0].open()
    expect(feed.status).toBe('live')
    sources[0].emit('notification', JSON.stringify({ id: 'n1' }))
    sources[0].emit('notification', 'not json')
    sources[0].emit('other', JSON.stringify({ id: 'x' }))
    expect(items).toEqual([{ id: 'n1' }])
    await vi.advanceTimersByTimeAsync(5 * 60_000)
    expect(fetchLatest).not.toHaveBeenCalled()
    feed.stop()
  })

  it('polls every 60 s while the browser retries, and catches up once it is back', async () => {
    const { feed, sources, fetchLatest, lists } = setup()
    feed.start()
    sources[0].open()
    sources[0].drop()
    expect(feed.status).toBe('polling')
    await vi.advanceTimersByTimeAsync(59_000)
    expect(fetchLatest).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(fetchLatest).toHaveBeenCalledTimes(1)
    expect(lists).toEqual([[{ id: 'polled' }]])
    await vi.advanceTimersByTimeAsync(60_000)
    expect(fetchLatest).toHaveBeenCalledTimes(2)
    // the browser reconnected: one catch-up fetch, then no more polling
    sources[0].open()
    await vi.advanceTimersByTimeAsync(0)
    expect(feed.status).toBe('live')
    expect(fetchLatest).toHaveBeenCalledTimes(3)
    await vi.advanceTimersByTimeAsync(5 * 60_000)
    expect(fetchLatest).toHaveBeenCalledTimes(3)
    expect(sources).toHaveLength(1)
    feed.stop()
  })

  it('opens a new stream with back-off when the browser gives up, polling meanwhile', async () => {
    const { feed, sources, fetchLatest } = setup()
    feed.start()
    sources[0].fail()
    expect(sources[0].closed).toBe(true)
    expect(feed.status).toBe('polling')
    await vi.advanceTimersByTimeAsync(5_000)
    expect(sources).toHaveLength(2)
    sources[1].fail()
    await vi.advanceTimersByTimeAsync(9_999)
    expect(sources).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(sources).toHaveLength(3)
    // while down, the fallback poll ran on its own 60 s clock
    await vi.advanceTimersByTimeAsync(60_000)
    expect(fetchLatest.mock.calls.length).toBeGreaterThanOrEqual(1)
    sources[2].open()
    expect(feed.status).toBe('live')
    feed.stop()
  })

  it('only polls without EventSource', async () => {
    const { feed, fetchLatest, statuses } = setup({ withSse: false })
    feed.start()
    expect(statuses).toEqual(['polling'])
    await vi.advanceTimersByTimeAsync(180_000)
    expect(fetchLatest).toHaveBeenCalledTimes(3)
    feed.stop()
  })

  it('stops everything on stop, and ignores a late stream', async () => {
    const { feed, sources, fetchLatest, items } = setup()
    feed.start()
    sources[0].drop()
    feed.stop()
    expect(feed.status).toBe('stopped')
    expect(sources[0].closed).toBe(true)
    sources[0].emit('notification', JSON.stringify({ id: 'late' }))
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(fetchLatest).not.toHaveBeenCalled()
    expect(items).toEqual([])
    // and can start again
    feed.start()
    expect(sources).toHaveLength(2)
    feed.stop()
  })

  it('backs off 5 s, 10 s, 20 s … up to a minute', () => {
    expect([0, 1, 2, 3, 4, 5, 30].map((n) => backoffDelay(n, 5_000, 60_000))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000])
  })
})
