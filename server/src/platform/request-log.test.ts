import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/db.ts'
import { buildApp } from '../app.ts'
import { closeContext, createContext } from '../bootstrap.ts'
import { loadConfig } from '../config.ts'
import type { AppContext, Module } from '../context.ts'
import { MemoryBus } from './events.ts'
import { RequestStats } from './request-log.ts'

// Issue 12, defect 13: at the default level a request that goes well writes nothing; errors, slow requests and a
// periodic summary do. LOG_LEVEL=debug logs every request. Each app here is the real one (buildApp) with a small
// module of test routes, logging into `lines`, configured from the environment the way the server is.

const ENV = { NODE_ENV: 'development', MINQING_SECRET: 'test-secret-0123456789abcdef0123456789' }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const testRoutes: Module = {
  name: 'log-test',
  register(app) {
    const open = { config: { public: true } }
    app.get('/api/log-test/ok', open, async () => ({ ok: true }))
    app.get('/api/log-test/wait/:ms', open, async (req) => {
      await sleep(Number((req.params as { ms: string }).ms))
      return { ok: true }
    })
    app.get('/api/log-test/boom', open, async () => {
      throw new Error('kaboom')
    })
    app.get('/api/log-test/private', async () => ({ ok: true }))
    app.get('/api/log-test/unavailable', open, async (_req, reply) => reply.status(503).send({ error: { code: 'UNAVAILABLE', message: 'down' } }))
  },
}

let ctx: AppContext
let dataDir: string
const apps: Array<{ close(): Promise<unknown> }> = []

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'minqing-reqlog-'))
  ctx = await createContext(loadConfig({ ...ENV, DATA_DIR: dataDir }), { database: await createTestDatabase(), bus: new MemoryBus(), migrate: false })
})
afterAll(async () => {
  for (const app of apps) await app.close()
  await closeContext(ctx)
  rmSync(dataDir, { recursive: true, force: true })
})

/** The app as the server builds it under this environment, its log lines parsed. */
async function appWith(env: Record<string, string> = {}) {
  const config = loadConfig({ ...ENV, DATA_DIR: dataDir, ...env })
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l))
      done()
    },
  })
  const app = await buildApp({ ...ctx, config }, { logger: { level: config.logLevel, stream }, modules: [testRoutes] })
  await app.ready()
  apps.push(app)
  return { app, lines, config }
}

describe('request log at the default level', () => {
  it('is info, slow means over 1 s and the summary comes every minute', () => {
    const config = loadConfig({ ...ENV, DATA_DIR: dataDir })
    expect(config.logLevel).toBe('info')
    expect(config.slowRequestMs).toBe(1000)
    expect(config.logSummaryMs).toBe(60_000)
  })

  it('writes no line for requests that go well, or are refused (4xx)', async () => {
    const { app, lines } = await appWith()
    for (const url of ['/api/log-test/ok', '/api/log-test/wait/20', '/api/log-test/private', '/api/nothing-here', '/api/log-test/ok?phone=13912345678']) {
      await app.inject({ method: 'GET', url })
    }
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: 'x' } })
    expect(lines).toEqual([])
  })

  it('logs a slow request (> 1 s) with method, route, status and ms', async () => {
    const { app, lines } = await appWith()
    await app.inject({ method: 'GET', url: '/api/log-test/wait/1100?phone=13912345678' })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ level: 40, msg: 'slow request', method: 'GET', route: '/api/log-test/wait/:ms', status: 200 })
    expect(lines[0].ms).toBeGreaterThanOrEqual(1100)
    // The URL is redacted like every logged URL (platform/log-redaction.ts).
    expect(lines[0].url).toBe('/api/log-test/wait/1100?phone=***')
  })

  it('logs 5xx answers as errors: a thrown error with its stack, and an answer sent as 503', async () => {
    const { app, lines } = await appWith()
    expect((await app.inject({ method: 'GET', url: '/api/log-test/boom' })).statusCode).toBe(500)
    const failed = lines.find((l) => l.msg === 'request failed')
    expect(failed).toMatchObject({ level: 50, method: 'GET', route: '/api/log-test/boom', status: 500 })
    expect(typeof failed!.ms).toBe('number')
    const unhandled = lines.find((l) => l.msg === 'unhandled error') as { err?: { message: string; stack: string } }
    expect(unhandled.err?.message).toBe('kaboom')
    expect(unhandled.err?.stack).toContain('request-log.test.ts')
    lines.length = 0
    expect((await app.inject({ method: 'GET', url: '/api/log-test/unavailable' })).statusCode).toBe(503)
    expect(lines).toMatchObject([{ level: 50, msg: 'request failed', status: 503, route: '/api/log-test/unavailable' }])
  })
})

describe('LOG_LEVEL=debug', () => {
  it('logs every request, one line each, URLs redacted', async () => {
    const { app, lines } = await appWith({ LOG_LEVEL: 'debug' })
    const urls = ['/api/log-test/ok', '/api/nothing-here', '/api/log-test/private?q=13912345678', '/api/log-test/ok?token=abc']
    for (const url of urls) await app.inject({ method: 'GET', url })
    const requests = lines.filter((l) => l.msg === 'request')
    expect(requests.map((l) => [l.url, l.status])).toEqual([
      ['/api/log-test/ok', 200],
      ['/api/nothing-here', 404],
      ['/api/log-test/private?q=139****5678', 401],
      ['/api/log-test/ok?token=***', 200],
    ])
    expect(requests[0]).toMatchObject({ level: 20, method: 'GET', route: '/api/log-test/ok' })
    expect(requests[1].route).toBeNull()
    expect(JSON.stringify(lines)).not.toContain('13912345678')
  })
})

describe('LOG_LEVEL and friends', () => {
  it('refuse values that are not levels or numbers', () => {
    expect(() => loadConfig({ ...ENV, DATA_DIR: dataDir, LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/)
    expect(() => loadConfig({ ...ENV, DATA_DIR: dataDir, LOG_SLOW_MS: 'soon' })).toThrow(/LOG_SLOW_MS/)
    expect(() => loadConfig({ ...ENV, DATA_DIR: dataDir, LOG_SUMMARY_SECONDS: '-1' })).toThrow(/LOG_SUMMARY_SECONDS/)
  })
})

describe('the summary line', () => {
  it('comes each interval with traffic: requests, by status class, p50/p95/max ms, slow ones; none without', async () => {
    const { app, lines } = await appWith({ LOG_SUMMARY_SECONDS: '0.5', LOG_SLOW_MS: '100' })
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => app.inject({ method: 'GET', url: '/api/log-test/ok' })),
      app.inject({ method: 'GET', url: '/api/log-test/wait/150' }),
      app.inject({ method: 'GET', url: '/api/log-test/private' }),
      app.inject({ method: 'GET', url: '/api/log-test/boom' }),
    ])
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 401, 500])
    const summaries = () => lines.filter((l) => l.msg === 'request summary') as Array<Record<string, number>>
    const total = (key: string) => summaries().reduce((n, l) => n + (l[key] ?? 0), 0)
    // The requests may straddle a tick: add the lines up.
    await expect.poll(() => total('requests'), { timeout: 3000 }).toBe(11)
    expect([total('2xx'), total('4xx'), total('5xx'), total('slow')]).toEqual([9, 1, 1, 1])
    for (const l of summaries()) {
      expect(l).toMatchObject({ level: 30, seconds: 0.5 })
      expect(l.p95).toBeGreaterThanOrEqual(l.p50)
      expect(l.max).toBeGreaterThanOrEqual(l.p95)
    }
    expect(Math.max(...summaries().map((l) => l.max))).toBeGreaterThanOrEqual(150)
    expect(Math.min(...summaries().map((l) => l.p50))).toBeLessThan(100)
    // Quiet intervals write nothing.
    const count = summaries().length
    await sleep(1100)
    expect(summaries()).toHaveLength(count)
  })

  it('percentiles by nearest rank', () => {
    const s = new RequestStats()
    for (let ms = 1; ms <= 100; ms++) s.record(200, ms, false)
    expect(s.take()).toMatchObject({ requests: 100, '2xx': 100, p50: 50, p95: 95, max: 100, slow: 0 })
    expect(s.take()).toBeUndefined()
  })
})
