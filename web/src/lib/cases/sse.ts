/**
 * A live feed over Server-Sent Events with a polling fallback.
 *
 * - While the stream is open, items arrive as `notification` events; nothing is polled.
 * - While it is down (connecting, the browser retrying, or given up), the list is polled every `pollMs`.
 * - When the browser gives up on the stream (readyState CLOSED: a 401, a proxy that answers HTML…), the
 *   feed opens a new one after a back-off (5 s, 10 s, 20 s … up to `maxReconnectMs`).
 * - After a reconnect the list is fetched once, to catch up with what was sent while the stream was down.
 * - Without EventSource (old browsers, tests), it only polls.
 */

/** The part of EventSource the feed uses (so tests can hand in a fake). */
export interface EventSourceLike {
  readonly readyState: number
  onopen: ((ev: Event) => unknown) | null
  onerror: ((ev: Event) => unknown) | null
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void
  close(): void
}

export const SSE_CONNECTING = 0
export const SSE_OPEN = 1
export const SSE_CLOSED = 2

export type FeedStatus = 'idle' | 'connecting' | 'live' | 'polling' | 'stopped'

export interface FeedOptions<T> {
  url: string
  /** The SSE event name carrying one item as JSON. */
  event?: string
  /** Opens the stream; default `new EventSource(url, { withCredentials: true })`; null = no SSE here. */
  createSource?: ((url: string) => EventSourceLike) | null
  /** Fetches the current list (the fallback poll and the catch-up after a reconnect). */
  fetchLatest: () => Promise<T[]>
  /** One item pushed by the stream. */
  onItem: (item: T) => void
  /** The list from a poll. */
  onList: (items: T[]) => void
  onStatus?: (status: FeedStatus) => void
  pollMs?: number
  reconnectMs?: number
  maxReconnectMs?: number
}

export interface Feed {
  start(): void
  stop(): void
  readonly status: FeedStatus
}

function defaultCreateSource(): ((url: string) => EventSourceLike) | null {
  const ES = (globalThis as { EventSource?: new (url: string, init?: EventSourceInit) => EventSourceLike }).EventSource
  return ES ? (url: string) => new ES(url, { withCredentials: true }) : null
}

/** The reconnect delay after `attempt` failed connections in a row (0-based), doubling up to `max`. */
export function backoffDelay(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, Math.min(attempt, 20)))
}

export function createFeed<T>(opts: FeedOptions<T>): Feed {
  const pollMs = opts.pollMs ?? 60_000
  const base = opts.reconnectMs ?? 5_000
  const max = opts.maxReconnectMs ?? 60_000
  const event = opts.event ?? 'notification'
  const create = opts.createSource === undefined ? defaultCreateSource() : opts.createSource

  let status: FeedStatus = 'idle'
  let source: EventSourceLike | null = null
  let pollTimer: ReturnType<typeof setTimeout> | null = null
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null
  let attempts = 0
  /** Has the stream been open before (a later open is a reconnect: catch up). */
  let wasLive = false

  const setStatus = (s: FeedStatus) => {
    if (status === s) return
    status = s
    opts.onStatus?.(s)
  }

  async function pollOnce() {
    try {
      const items = await opts.fetchLatest()
      if (status !== 'stopped') opts.onList(items)
    } catch {
      /* the next poll will try again */
    }
  }

  function schedulePoll() {
    if (pollTimer || status === 'stopped' || status === 'live') return
    pollTimer = setTimeout(async () => {
      pollTimer = null
      if (status === 'stopped' || status === 'live') return
      await pollOnce()
      schedulePoll()
    }, pollMs)
  }

  function stopPolling() {
    if (pollTimer) clearTimeout(pollTimer)
    pollTimer = null
  }

  function connect() {
    reconnectTimer = null
    if (status === 'stopped') return
    if (!create) {
      setStatus('polling')
      schedulePoll()
      return
    }
    let src: EventSourceLike
    try {
      src = create(opts.url)
    } catch {
      scheduleReconnect()
      return
    }
    source = src
    setStatus(wasLive || attempts > 0 ? 'polling' : 'connecting')
    schedulePoll()
    src.onopen = () => {
      if (source !== src || status === 'stopped') return
      const reconnected = wasLive || attempts > 0
      attempts = 0
      wasLive = true
      setStatus('live')
      stopPolling()
      if (reconnected) void pollOnce()
    }
    src.onerror = () => {
      if (source !== src || status === 'stopped') return
      if (src.readyState === SSE_CLOSED) {
        // The browser gave up: open a new stream later, poll meanwhile.
        src.close()
        source = null
        scheduleReconnect()
      } else {
        // The browser retries by itself (the server's `retry:`); poll until it is back.
        setStatus('polling')
      }
      schedulePoll()
    }
    src.addEventListener(event, (ev: MessageEvent) => {
      if (source !== src || status === 'stopped') return
      try {
        opts.onItem(JSON.parse(String(ev.data)) as T)
      } catch {
        /* not JSON: ignore */
      }
    })
  }

  function scheduleReconnect() {
    if (status === 'stopped' || reconnectTimer) return
    setStatus('polling')
    schedulePoll()
    const delay = backoffDelay(attempts, base, max)
    attempts++
    reconnectTimer = setTimeout(connect, delay)
  }

  return {
    start() {
      if (status !== 'idle' && status !== 'stopped') return
      status = 'idle'
      attempts = 0
      wasLive = false
      connect()
    },
    stop() {
      setStatus('stopped')
      stopPolling()
      if (reconnectTimer) clearTimeout(reconnectTimer)
      reconnectTimer = null
      source?.close()
      source = null
    },
    get status() {
      return status
    },
  }
}
