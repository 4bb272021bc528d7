import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'

export interface BusEvent<T = unknown> {
  topic: string
  payload: T
  /** Which process published it (lets a handler tell local from remote when it cares). */
  origin: string
  at: string
}

export type Handler = (event: BusEvent) => void | Promise<void>

/**
 * The in-process event bus modules publish domain events on (case.dispatched, diary.created, …). With
 * REDIS_URL set, events travel through Redis pub/sub so that every server process — and the SSE streams
 * each one holds open — sees them. Handlers run after the publisher's transaction: publish after commit.
 */
export interface EventBus {
  readonly kind: 'memory' | 'redis'
  /** This process's id on the bus: with Redis every process hears every event; `origin` tells whose it was. */
  readonly origin: string
  publish<T>(topic: string, payload: T): Promise<void>
  /** `topic` may end in `.*` to match a prefix, or be `*` for everything. Returns an unsubscribe function. */
  subscribe(topic: string, handler: Handler): () => void
  close(): Promise<void>
}

function matches(pattern: string, topic: string) {
  if (pattern === '*') return true
  if (pattern.endsWith('.*')) return topic.startsWith(pattern.slice(0, -1))
  return pattern === topic
}

class LocalDispatch {
  private handlers = new Set<{ pattern: string; handler: Handler }>()
  private emitter = new EventEmitter()
  constructor(private onError: (err: unknown, event: BusEvent) => void) {}
  add(pattern: string, handler: Handler) {
    const entry = { pattern, handler }
    this.handlers.add(entry)
    return () => void this.handlers.delete(entry)
  }
  async deliver(event: BusEvent) {
    for (const { pattern, handler } of [...this.handlers]) {
      if (!matches(pattern, event.topic)) continue
      try {
        await handler(event)
      } catch (err) {
        this.onError(err, event)
      }
    }
    this.emitter.emit('delivered', event)
  }
}

export class MemoryBus implements EventBus {
  readonly kind = 'memory' as const
  readonly origin = randomUUID()
  private local: LocalDispatch
  constructor(onError: (err: unknown, event: BusEvent) => void = () => {}) {
    this.local = new LocalDispatch(onError)
  }
  async publish<T>(topic: string, payload: T) {
    await this.local.deliver({ topic, payload, origin: this.origin, at: new Date().toISOString() })
  }
  subscribe(topic: string, handler: Handler) {
    return this.local.add(topic, handler)
  }
  async close() {}
}

/**
 * Where a lost Redis connection is reported: one line on stderr per `everyMs` at most (ioredis keeps reconnecting
 * on its own, and would otherwise print every attempt, or crash the process on a rejection nobody awaited).
 */
export function redisTrouble(what: string, everyMs = 30_000, write: (line: string) => void = (l) => console.error(l)) {
  let last = 0
  return (err: unknown) => {
    const now = Date.now()
    if (now - last < everyMs) return
    last = now
    const e = err as { message?: string; code?: string }
    write(`${new Date(now).toISOString()} ${what}: Redis unavailable (${e?.message || e?.code || String(err)}); reconnecting`)
  }
}

export class RedisBus implements EventBus {
  readonly kind = 'redis' as const
  readonly origin = randomUUID()
  private pub: Redis
  private sub: Redis
  private local: LocalDispatch
  private ready: Promise<unknown>

  constructor(
    url: string,
    private channel = 'minqing:events',
    onError: (err: unknown, event: BusEvent) => void = () => {},
    private trouble: (err: unknown) => void = redisTrouble('event bus'),
  ) {
    this.local = new LocalDispatch(onError)
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 })
    this.sub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 })
    // Connection errors are reported and ioredis reconnects (and re-subscribes) by itself.
    this.pub.on('error', this.trouble)
    this.sub.on('error', this.trouble)
    this.sub.on('message', (ch: string, raw: string) => {
      if (ch !== this.channel) return
      let event: BusEvent
      try {
        event = JSON.parse(raw)
      } catch {
        return
      }
      void this.local.deliver(event)
    })
    // A subscription that fails (Redis down at that moment) must not become an unhandled rejection that ends the
    // process: it is reported, and ioredis subscribes again when it reconnects.
    this.ready = this.sub.subscribe(this.channel).catch(this.trouble)
  }

  /** Resolves once the subscription is live (events published before it are not seen). */
  async connected() {
    await this.ready
  }

  async publish<T>(topic: string, payload: T) {
    await this.ready
    const event: BusEvent<T> = { topic, payload, origin: this.origin, at: new Date().toISOString() }
    // Delivered back to this process through Redis too, so every process sees events in one order. Without Redis
    // the event is lost (reported), never an error for the write that already committed.
    try {
      await this.pub.publish(this.channel, JSON.stringify(event))
    } catch (err) {
      this.trouble(err)
    }
  }

  subscribe(topic: string, handler: Handler) {
    return this.local.add(topic, handler)
  }

  async close() {
    for (const r of [this.sub, this.pub]) {
      // quit() waits for a reply that a Redis that has gone away never sends.
      if (r.status === 'ready') await r.quit().catch(() => r.disconnect())
      else r.disconnect()
    }
  }
}

export function createBus(redisUrl: string | undefined, onError?: (err: unknown, event: BusEvent) => void): EventBus {
  return redisUrl ? new RedisBus(redisUrl, 'minqing:events', onError) : new MemoryBus(onError)
}
