import { createServer, connect, type Server, type Socket } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { type BusEvent, RedisBus } from './events.ts'

// Issue 11 defect 14: a Redis that went away killed the server (an unhandled MaxRetriesPerRequestError from a
// subscribe or publish nobody awaited). The bus reports it, keeps the process alive, and reconnects.
const redisUrl = process.env.TEST_REDIS_URL
const REDIS = new URL(redisUrl || 'redis://127.0.0.1:6379')

/** A TCP proxy in front of the real Redis that a test can cut and restore, on one fixed port. */
function proxy() {
  let server: Server | undefined
  const sockets = new Set<Socket>()
  let port = 0
  const start = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(REDIS.port || 6379), REDIS.hostname)
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('error', () => s.destroy())
          s.on('close', () => sockets.delete(s))
        }
        client.pipe(upstream).pipe(client)
      }).listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port
        resolve()
      })
    })
  const cut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server!.close(() => resolve())
    })
  return { start, cut, url: () => `redis://127.0.0.1:${port}` }
}

const unhandled: unknown[] = []
const onUnhandled = (err: unknown) => unhandled.push(err)
process.on('unhandledRejection', onUnhandled)
afterAll(() => void process.off('unhandledRejection', onUnhandled))

describe('RedisBus when Redis goes away', () => {
  it('a bus started while Redis is down reports it and never throws', async () => {
    const p = proxy()
    await p.start()
    const url = p.url()
    await p.cut()
    const reported: unknown[] = []
    const bus = new RedisBus(url, 'minqing:test-down', undefined, (err) => reported.push(err))
    await expect(bus.publish('x.test', { n: 1 })).resolves.toBeUndefined()
    await bus.close()
    expect(reported.length).toBeGreaterThan(0)
    expect(unhandled).toEqual([])
  }, 30_000)

  it.runIf(!!redisUrl)(
    'publishing while Redis is away is reported, not thrown; after it comes back, events flow again',
    async () => {
      const p = proxy()
      await p.start()
      const reported: unknown[] = []
      const bus = new RedisBus(p.url(), `minqing:test-${Date.now()}`, undefined, (err) => reported.push(err))
      try {
        await bus.connected()
        const seen: BusEvent[] = []
        bus.subscribe('x.*', (e) => void seen.push(e))
        await bus.publish('x.before', {})
        await expect.poll(() => seen.map((e) => e.topic), { timeout: 5000 }).toEqual(['x.before'])

        await p.cut()
        await expect(bus.publish('x.during', {})).resolves.toBeUndefined()
        expect(reported.length).toBeGreaterThan(0)

        await p.start()
        // ioredis reconnects and subscribes again by itself; an event published then arrives.
        await expect
          .poll(
            async () => {
              await bus.publish('x.after', {})
              return seen.some((e) => e.topic === 'x.after')
            },
            { timeout: 15_000, interval: 300 },
          )
          .toBe(true)
        expect(unhandled).toEqual([])
      } finally {
        await bus.close()
        await p.cut().catch(() => {})
      }
    },
    40_000,
  )
})
