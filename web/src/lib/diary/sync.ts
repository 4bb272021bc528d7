/**
 * Sending the outbox. One pass (`syncOutbox`) goes through the user's waiting entries, oldest first: it posts
 * the entry (POST /api/diary, idempotent by clientId), then each photo not yet sent (idempotent by the photo's
 * clientId), saving progress after every step, and removes the item once the server has all of it. A resend
 * after a lost answer or a crash is therefore harmless: the server answers with what it already stored.
 *
 * What a failure means:
 *  - no network (status 0)       → wait (backoff) and stop the pass: the next items would fail the same way;
 *  - 5xx, 408, 425, 429, garbage → wait (backoff) and go on with the next item;
 *  - 401                          → stop: the session is gone (the app sends the user to login; the outbox stays);
 *  - any other 4xx (409 CLIENT_ID_REUSED, 400 FUTURE_DATE, 404 outside the area, a refused photo…)
 *                                 → the item is marked failed with the server's error and is not retried by
 *                                   itself (the user retries or discards it).
 *
 * `SyncLoop` runs passes: at start, on `online`, when the app comes back to the foreground, when asked
 * (`kick`), and on a timer set to the earliest backoff; one pass at a time.
 */
import type { CreateDiary, DiaryEntry } from '@minqing/common'
import { ApiError } from '../../api/client.ts'
import type { OutboxError, OutboxItem, OutboxStore } from './outbox.ts'

export type FailureKind = 'offline' | 'retry' | 'auth' | 'refused'

export function classifyError(err: unknown): FailureKind {
  if (err instanceof ApiError) {
    if (err.status === 0) return 'offline'
    if (err.status === 401) return 'auth'
    if (err.status === 408 || err.status === 425 || err.status === 429 || err.status >= 500) return 'retry'
    if (err.status >= 400) return 'refused'
    return 'retry'
  }
  // A TypeError from fetch (no network) that did not come through the client.
  if (err instanceof TypeError) return 'offline'
  return 'retry'
}

export interface BackoffOptions {
  baseMs?: number
  maxMs?: number
  /** ±share of random spread so many phones coming back online do not all knock at once. */
  jitter?: number
  random?: () => number
}
const BACKOFF_BASE_MS = 5_000
const BACKOFF_MAX_MS = 5 * 60_000

/** Wait before attempt `attempts + 1`: 5 s, 10 s, 20 s … capped at 5 min, ±20 %. */
export function backoffMs(attempts: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? BACKOFF_BASE_MS
  const max = opts.maxMs ?? BACKOFF_MAX_MS
  const jitter = opts.jitter ?? 0.2
  const random = opts.random ?? Math.random
  const n = Math.max(1, Math.floor(attempts))
  const raw = Math.min(max, base * 2 ** Math.min(n - 1, 30))
  const spread = raw * jitter * (random() * 2 - 1)
  return Math.max(0, Math.round(Math.min(max, raw + spread)))
}

export interface SyncTransport {
  createEntry(body: CreateDiary): Promise<DiaryEntry>
  addPhoto(entryId: string, photo: { blob: Blob; name: string; clientId: string }): Promise<DiaryEntry>
}

export interface SyncOptions {
  now?: () => number
  /** Ignore the backoff (the user pressed retry, the network just came back). Failed items stay failed. */
  force?: boolean
  backoff?: BackoffOptions
  /** After every saved step (to refresh what the screen shows). */
  onProgress?: (item: OutboxItem | null) => void
  /** An entry the server now has in full. */
  onSent?: (entry: DiaryEntry, item: OutboxItem) => void
}

export interface SyncResult {
  sent: DiaryEntry[]
  /** clientIds the server refused in this pass. */
  refused: string[]
  /** Items still waiting (pending) after the pass. */
  waiting: number
  stoppedBy: 'offline' | 'auth' | null
}

function toOutboxError(err: unknown): OutboxError {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message }
  return { status: 0, code: 'UNKNOWN', message: (err as Error)?.message || String(err) }
}

/** One pass over the user's outbox (see the top of this file). */
export async function syncOutbox(store: OutboxStore, transport: SyncTransport, userId: string, opts: SyncOptions = {}): Promise<SyncResult> {
  const now = opts.now ?? Date.now
  const result: SyncResult = { sent: [], refused: [], waiting: 0, stoppedBy: null }
  const items = await store.all(userId)
  for (const item of items) {
    if (item.state === 'failed') continue
    if (!opts.force && item.nextAttemptAt > now()) {
      result.waiting++
      continue
    }
    let last: DiaryEntry | null = null
    try {
      if (!item.entryId) {
        last = await transport.createEntry(item.body)
        item.entryId = last.id
        await store.put(item)
        opts.onProgress?.(item)
      }
      for (const photo of item.photos) {
        if (photo.sent) continue
        last = await transport.addPhoto(item.entryId, { blob: new Blob([photo.data], { type: photo.type }), name: photo.name, clientId: photo.clientId })
        photo.sent = true
        // The bytes are on the server: do not keep them twice.
        photo.data = new ArrayBuffer(0)
        await store.put(item)
        opts.onProgress?.(item)
      }
      await store.remove(item.clientId)
      opts.onProgress?.(null)
      // Photos all sent in an earlier pass (crash before the removal): nothing new came back; the feed reloads it.
      if (last) {
        result.sent.push(last)
        opts.onSent?.(last, item)
      }
    } catch (err) {
      const kind = classifyError(err)
      if (kind === 'auth') {
        result.stoppedBy = 'auth'
        result.waiting++
        break
      }
      if (kind === 'refused') {
        item.state = 'failed'
        item.error = toOutboxError(err)
        await store.put(item)
        opts.onProgress?.(item)
        result.refused.push(item.clientId)
        continue
      }
      item.attempts++
      item.nextAttemptAt = now() + backoffMs(item.attempts, opts.backoff)
      item.error = toOutboxError(err)
      await store.put(item)
      opts.onProgress?.(item)
      result.waiting++
      if (kind === 'offline') {
        result.stoppedBy = 'offline'
        break
      }
    }
  }
  if (result.stoppedBy) {
    // The items after the one that stopped the pass are still waiting too.
    const left = await store.all(userId)
    result.waiting = left.filter((i) => i.state === 'pending').length
  }
  return result
}

/** A user's retry of a failed (or waiting) item: pending again, at once. */
export function resetForRetry(item: OutboxItem): OutboxItem {
  return { ...item, state: 'pending', attempts: 0, nextAttemptAt: 0, error: null }
}

/** The earliest time a pending item may be tried again (null: nothing waits). */
export function nextDueAt(items: readonly OutboxItem[]): number | null {
  const due = items.filter((i) => i.state === 'pending').map((i) => i.nextAttemptAt)
  return due.length ? Math.min(...due) : null
}

interface Timers {
  setTimeout: (fn: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

export interface SyncLoopOptions {
  /** One pass; `force` ignores the backoff. */
  run: (force: boolean) => Promise<SyncResult>
  /** When the next pass is due (epoch ms), or null when nothing waits. */
  nextDue: () => Promise<number | null>
  now?: () => number
  timers?: Timers
  /** Where `online` / `visibilitychange` come from (window, document). */
  window?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>
  document?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { visibilityState?: string }
  /** Never sooner than this after a pass (ms). */
  minDelayMs?: number
  onError?: (err: unknown) => void
}

export class SyncLoop {
  private running: Promise<void> | null = null
  private again = false
  private againForce = false
  private timer: unknown = null
  private started = false
  private readonly now: () => number
  private readonly timers: Timers
  private readonly onOnline = () => void this.kick(true)
  private readonly onVisible = () => {
    if (this.opts.document?.visibilityState !== 'hidden') void this.kick(false)
  }

  constructor(private opts: SyncLoopOptions) {
    this.now = opts.now ?? Date.now
    this.timers = opts.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    }
  }

  get isRunning() {
    return this.running !== null
  }

  start(): Promise<void> {
    if (!this.started) {
      this.started = true
      this.opts.window?.addEventListener('online', this.onOnline)
      this.opts.document?.addEventListener('visibilitychange', this.onVisible)
    }
    return this.kick(false)
  }

  stop() {
    this.started = false
    this.opts.window?.removeEventListener('online', this.onOnline)
    this.opts.document?.removeEventListener('visibilitychange', this.onVisible)
    this.clearTimer()
  }

  /** Run a pass now (or right after the one running). Resolves when the passes asked for are done. */
  kick(force = false): Promise<void> {
    if (this.running) {
      this.again = true
      this.againForce ||= force
      return this.running
    }
    this.clearTimer()
    this.running = this.loop(force).finally(() => {
      this.running = null
    })
    return this.running
  }

  private async loop(force: boolean) {
    let f = force
    for (;;) {
      this.again = false
      this.againForce = false
      let result: SyncResult | null = null
      try {
        result = await this.opts.run(f)
      } catch (err) {
        this.opts.onError?.(err)
      }
      if (!this.again && this.started && result?.stoppedBy !== 'auth') await this.schedule()
      // A kick that came during the pass, or while the next time was being worked out: one more pass.
      if (!this.again) return
      f = this.againForce
    }
  }

  private async schedule() {
    let due: number | null = null
    try {
      due = await this.opts.nextDue()
    } catch (err) {
      this.opts.onError?.(err)
    }
    if (due === null || !this.started || this.again) return
    const delay = Math.max(this.opts.minDelayMs ?? 1000, due - this.now())
    this.clearTimer()
    this.timer = this.timers.setTimeout(() => {
      this.timer = null
      void this.kick(false)
    }, delay)
  }

  private clearTimer() {
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
  }
}
