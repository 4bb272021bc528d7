import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.ts'

const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/minqing-config-test', MINQING_SECRET: 'test-secret-0123456789abcdef0123456789' }

describe('configuration of the public doors', () => {
  it('defaults: 3 s minimum fill, 2 h tokens, 5 reports per 10 min per IP, 3 per hour per phone; proxies on this host only', () => {
    const c = loadConfig(base)
    expect(c.publicIntake).toEqual({
      minFillMs: 3000,
      tokenTtlMs: 7_200_000,
      reportsPerIp: { limit: 5, windowMs: 600_000 },
      reportsPerPhone: { limit: 3, windowMs: 3_600_000 },
      ratingsPerIp: { limit: 10, windowMs: 600_000 },
      readsPerIp: { limit: 120, windowMs: 600_000 },
      trackingMissesPerIp: { limit: 20, windowMs: 600_000 },
    })
    expect(c.publicUrl).toBeUndefined()
    expect(c.trustProxy).toBe('loopback')
  })

  it('reads every knob, and refuses nonsense at start rather than at the first report', () => {
    const c = loadConfig({ ...base, PUBLIC_URL: 'https://mq.example.cn/', PUBLIC_FORM_MIN_MS: '0', PUBLIC_LIMIT_REPORTS_IP: '50/60', TRUST_PROXY: '10.0.0.0/8' })
    expect(c.publicUrl).toBe('https://mq.example.cn')
    expect(c.publicIntake.minFillMs).toBe(0)
    expect(c.publicIntake.reportsPerIp).toEqual({ limit: 50, windowMs: 60_000 })
    expect(c.trustProxy).toBe('10.0.0.0/8')
    expect(loadConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy).toBe(false)
    const hops = loadConfig({ ...base, TRUST_PROXY: '1' }).trustProxy as (a: string, i: number) => boolean
    expect([hops('x', 0), hops('x', 1)]).toEqual([true, false])
    expect(() => loadConfig({ ...base, PUBLIC_URL: 'mq.example.cn' })).toThrow(/PUBLIC_URL/)
    expect(() => loadConfig({ ...base, PUBLIC_URL: 'ftp://mq.example.cn' })).toThrow(/PUBLIC_URL/)
    expect(() => loadConfig({ ...base, PUBLIC_LIMIT_REPORTS_PHONE: 'five' })).toThrow(/LIMIT\/SECONDS/)
    expect(() => loadConfig({ ...base, PUBLIC_LIMIT_RATINGS_IP: '5/0' })).toThrow(/LIMIT\/SECONDS/)
    expect(() => loadConfig({ ...base, PUBLIC_FORM_MIN_MS: '-1' })).toThrow(/PUBLIC_FORM_MIN_MS/)
  })

  it('a database pool smaller than 4 and a negative session cache are refused; the cache defaults to 5 s', () => {
    expect(loadConfig(base)).toMatchObject({ databasePoolSize: 20, sessionCacheMs: 5000 })
    expect(loadConfig({ ...base, DATABASE_POOL_SIZE: '4', SESSION_CACHE_MS: '0' })).toMatchObject({ databasePoolSize: 4, sessionCacheMs: 0 })
    expect(() => loadConfig({ ...base, DATABASE_POOL_SIZE: '3' })).toThrow(/DATABASE_POOL_SIZE must be at least 4/)
    expect(() => loadConfig({ ...base, SESSION_CACHE_MS: '-5' })).toThrow(/SESSION_CACHE_MS/)
  })
})
