/**
 * Ask again every `intervalMs` until `done(value)` (or `stop()`): one request at a time, the next one
 * `intervalMs` after the previous answer. An error is handed to `onError`; polling goes on unless it returns false.
 */
export interface Poller {
  stop: () => void
  readonly running: boolean
}

export function poll<T>(opts: {
  fetch: () => Promise<T>
  onValue: (value: T) => void
  done: (value: T) => boolean
  onError?: (err: unknown) => boolean | void
  intervalMs?: number
  /** Ask at once (default) or wait one interval first. */
  immediate?: boolean
}): Poller {
  const interval = opts.intervalMs ?? 1000
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | null = null

  async function tick() {
    timer = null
    if (stopped) return
    try {
      const value = await opts.fetch()
      if (stopped) return
      opts.onValue(value)
      if (opts.done(value)) {
        stopped = true
        return
      }
    } catch (err) {
      if (stopped) return
      if (opts.onError?.(err) === false) {
        stopped = true
        return
      }
    }
    if (!stopped) timer = setTimeout(tick, interval)
  }

  if (opts.immediate === false) timer = setTimeout(tick, interval)
  else void tick()

  return {
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
    },
    get running() {
      return !stopped
    },
  }
}
