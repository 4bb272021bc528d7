import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { RateRule } from '../config.ts'
import { AppError } from './errors.ts'
import { redisTrouble } from './events.ts'

export type { RateRule }

export interface RateDecision {
  allowed: boolean
  /** Hits in the window, this one included when it was allowed. */
  count: number
  /** When refused: how long until the oldest hit leaves the window and one more is allowed. */
  retryAfterMs: number
}

/**
 * Sliding-window limits ("at most `limit` hits in any `windowMs`") for the doors left open to the public. A refused
 * hit is not counted, so a client that waits out Retry-After gets in again however hard it knocked meanwhile.
 * With REDIS_URL every server process shares the counts; without it each process counts on its own.
 */
export interface RateLimiter {
  readonly kind: 'memory' | 'redis'
  hit(key: string, rule: RateRule, now?: number): Promise<RateDecision>
  /** Whether one more hit would be allowed, without counting one. */
  peek(key: string, rule: RateRule, now?: number): Promise<RateDecision>
  /** True only the first time `key` is claimed within `ttlMs` (single-use tokens). */
  claimOnce(key: string, ttlMs: number, now?: number): Promise<boolean>
  close(): Promise<void>
}

/** The 429 of a refused hit, with Retry-After in whole seconds (at least 1). */
export function tooManyRequests(decision: RateDecision, message = '操作过于频繁,请稍后再试') {
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
  return new AppError(429, 'RATE_LIMITED', message, { retryAfterSeconds: seconds }, { 'retry-after': String(seconds) })
}

export class MemoryRateLimiter implements RateLimiter {
  readonly kind = 'memory' as const
  private hits = new Map<string, { times: number[]; windowMs: number }>()
  private claims = new Map<string, number>()
  private ops = 0

  async hit(key: string, rule: RateRule, now = Date.now()): Promise<RateDecision> {
    this.sweep(now)
    let entry = this.hits.get(key)
    if (!entry) this.hits.set(key, (entry = { times: [], windowMs: rule.windowMs }))
    entry.windowMs = Math.max(entry.windowMs, rule.windowMs)
    const from = now - rule.windowMs
    entry.times = entry.times.filter((t) => t > from)
    if (entry.times.length < rule.limit) {
      entry.times.push(now)
      return { allowed: true, count: entry.times.length, retryAfterMs: 0 }
    }
    const oldest = entry.times[0] ?? now
    return { allowed: false, count: entry.times.length, retryAfterMs: Math.max(1, oldest + rule.windowMs - now) }
  }

  async peek(key: string, rule: RateRule, now = Date.now()): Promise<RateDecision> {
    const times = (this.hits.get(key)?.times ?? []).filter((t) => t > now - rule.windowMs)
    if (times.length < rule.limit) return { allowed: true, count: times.length, retryAfterMs: 0 }
    return { allowed: false, count: times.length, retryAfterMs: Math.max(1, (times[0] ?? now) + rule.windowMs - now) }
  }

  async claimOnce(key: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    this.sweep(now)
    const until = this.claims.get(key)
    if (until !== undefined && until > now) return false
    this.claims.set(key, now + ttlMs)
    return true
  }

  /** Forget what no window can still see, now and then, so a flood of one-off keys does not pile up. */
  private sweep(now: number) {
    if (++this.ops % 1000 !== 0) return
    for (const [key, e] of this.hits) if (!e.times.some((t) => t > now - e.windowMs)) this.hits.delete(key)
    for (const [key, until] of this.claims) if (until <= now) this.claims.delete(key)
  }

  async close() {
    this.hits.clear()
    this.claims.clear()
  }
}

// One round trip, atomic: drop hits that left the window, count, add this one if there is room.
const SLIDING_HIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local n = redis.call('ZCARD', KEYS[1])
if n < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, n + 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = ARGV[2]
if oldest[2] then wait = tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1]) end
return {0, n, wait}
`

const SLIDING_PEEK = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local n = redis.call('ZCARD', KEYS[1])
if n < tonumber(ARGV[3]) then return {1, n, 0} end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = ARGV[2]
if oldest[2] then wait = tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1]) end
return {0, n, wait}
`

export class RedisRateLimiter implements RateLimiter {
  readonly kind = 'redis' as const
  private redis: Redis

  constructor(
    url: string,
    private prefix = 'minqing:rl:',
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3 })
    // Reported, not fatal: ioredis reconnects; meanwhile each process counts on its own (orFallback).
    this.redis.on('error', this.trouble)
  }

  /**
   * While Redis is away the limits still hold, per process: each call falls back to an in-memory limiter (a
   * request must never fail with a 500 because the counter store is down). Counts made meanwhile are not shared.
   */
  private fallback = new MemoryRateLimiter()
  private trouble = redisTrouble('rate limiter')

  private async orFallback<T>(shared: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    try {
      return await shared()
    } catch (err) {
      this.trouble(err)
      return local()
    }
  }

  async hit(key: string, rule: RateRule, now = Date.now()): Promise<RateDecision> {
    const member = `${now}:${randomBytes(6).toString('hex')}`
    return this.orFallback(
      async () => {
        const [allowed, count, wait] = (await this.redis.eval(SLIDING_HIT, 1, this.prefix + key, now, rule.windowMs, rule.limit, member)) as [number, number, number]
        return { allowed: allowed === 1, count: Number(count), retryAfterMs: allowed === 1 ? 0 : Math.max(1, Number(wait)) }
      },
      () => this.fallback.hit(key, rule, now),
    )
  }

  async peek(key: string, rule: RateRule, now = Date.now()): Promise<RateDecision> {
    return this.orFallback(
      async () => {
        const [allowed, count, wait] = (await this.redis.eval(SLIDING_PEEK, 1, this.prefix + key, now, rule.windowMs, rule.limit)) as [number, number, number]
        return { allowed: allowed === 1, count: Number(count), retryAfterMs: allowed === 1 ? 0 : Math.max(1, Number(wait)) }
      },
      () => this.fallback.peek(key, rule, now),
    )
  }

  async claimOnce(key: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    return this.orFallback(
      async () => (await this.redis.set(this.prefix + 'once:' + key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK',
      () => this.fallback.claimOnce(key, ttlMs, now),
    )
  }

  async close() {
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}

export function createRateLimiter(redisUrl: string | undefined): RateLimiter {
  return redisUrl ? new RedisRateLimiter(redisUrl) : new MemoryRateLimiter()
}
