import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { AppError } from './errors.ts'
import { MemoryRateLimiter, type RateLimiter, RedisRateLimiter, tooManyRequests } from './ratelimit.ts'

const redisUrl = process.env.TEST_REDIS_URL

// The same behaviour from both implementations; the Redis one only where a Redis server is given.
const kinds: [string, () => RateLimiter][] = [['memory', () => new MemoryRateLimiter()]]
if (redisUrl) kinds.push(['redis', () => new RedisRateLimiter(redisUrl, `minqing:test:rl:${randomBytes(6).toString('hex')}:`)])

const opened: RateLimiter[] = []
afterAll(async () => {
  for (const l of opened) await l.close()
})

describe.each(kinds)('%s rate limiter', (_kind, make) => {
  const limiter = () => {
    const l = make()
    opened.push(l)
    return l
  }
  const rule = { limit: 3, windowMs: 10_000 }

  it('allows `limit` hits in a window, refuses the next with the time until the oldest leaves', async () => {
    const l = limiter()
    const t0 = 1_000_000
    expect(await l.hit('a', rule, t0)).toMatchObject({ allowed: true, count: 1 })
    expect(await l.hit('a', rule, t0 + 1000)).toMatchObject({ allowed: true, count: 2 })
    expect(await l.hit('a', rule, t0 + 2000)).toMatchObject({ allowed: true, count: 3 })
    const refused = await l.hit('a', rule, t0 + 3000)
    expect(refused).toMatchObject({ allowed: false, count: 3 })
    expect(refused.retryAfterMs).toBe(7000)
    // Another key has its own window.
    expect((await l.hit('b', rule, t0 + 3000)).allowed).toBe(true)
  })

  it('slides: once the oldest hit is out of the window one more is allowed; refused hits are not counted', async () => {
    const l = limiter()
    const t0 = 2_000_000
    for (let i = 0; i < 3; i++) await l.hit('k', rule, t0 + i * 1000)
    for (let i = 0; i < 5; i++) expect((await l.hit('k', rule, t0 + 5000 + i)).allowed).toBe(false)
    expect((await l.hit('k', rule, t0 + 10_001)).allowed).toBe(true)
    // 1000 and 2000 still inside, 10001 just added: full again until 1000 leaves at 11000.
    const again = await l.hit('k', rule, t0 + 10_500)
    expect(again.allowed).toBe(false)
    expect(again.retryAfterMs).toBe(500)
  })

  it('peek tells without counting', async () => {
    const l = limiter()
    const t0 = 3_000_000
    expect(await l.peek('p', rule, t0)).toMatchObject({ allowed: true, count: 0 })
    for (let i = 0; i < 3; i++) await l.hit('p', rule, t0)
    expect(await l.peek('p', rule, t0 + 1)).toMatchObject({ allowed: false, count: 3 })
    expect((await l.peek('p', rule, t0 + 10_001)).allowed).toBe(true)
  })

  it('a limit of 0 refuses everything', async () => {
    const l = limiter()
    expect((await l.hit('z', { limit: 0, windowMs: 1000 })).allowed).toBe(false)
  })

  it('claimOnce is true once per key', async () => {
    const l = limiter()
    const key = randomBytes(8).toString('hex')
    expect(await l.claimOnce(key, 60_000)).toBe(true)
    expect(await l.claimOnce(key, 60_000)).toBe(false)
    expect(await l.claimOnce(key + 'x', 60_000)).toBe(true)
  })
})

it('with Redis, two processes share one count', { skip: !redisUrl }, async () => {
  const prefix = `minqing:test:rl:${randomBytes(6).toString('hex')}:`
  const a = new RedisRateLimiter(redisUrl!, prefix)
  const b = new RedisRateLimiter(redisUrl!, prefix)
  opened.push(a, b)
  const rule = { limit: 2, windowMs: 60_000 }
  expect((await a.hit('ip:1', rule)).allowed).toBe(true)
  expect((await b.hit('ip:1', rule)).allowed).toBe(true)
  expect((await a.hit('ip:1', rule)).allowed).toBe(false)
  expect((await b.hit('ip:1', rule)).allowed).toBe(false)
})

it('the 429 carries Retry-After in whole seconds', () => {
  const err = tooManyRequests({ allowed: false, count: 5, retryAfterMs: 1200 })
  expect(err).toBeInstanceOf(AppError)
  expect(err.status).toBe(429)
  expect(err.code).toBe('RATE_LIMITED')
  expect(err.headers).toEqual({ 'retry-after': '2' })
})

describe('Redis rate limiter while Redis is away', () => {
  it('still limits, per process, instead of failing the request', async () => {
    const l = new RedisRateLimiter('redis://127.0.0.1:1') // nothing listens on port 1
    try {
      const rule = { limit: 2, windowMs: 60_000 }
      expect((await l.hit('away', rule)).allowed).toBe(true)
      expect((await l.hit('away', rule)).allowed).toBe(true)
      expect((await l.hit('away', rule)).allowed).toBe(false)
      expect((await l.peek('away', rule)).allowed).toBe(false)
      expect(await l.claimOnce('token-1', 60_000)).toBe(true)
      expect(await l.claimOnce('token-1', 60_000)).toBe(false)
    } finally {
      await l.close()
    }
  }, 30_000)
})
