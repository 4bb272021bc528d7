import { describe, expect, it } from 'vitest'
import { type BusEvent, MemoryBus, RedisBus } from './events.ts'

const redisUrl = process.env.TEST_REDIS_URL

describe('event bus', () => {
  it('delivers to exact, prefix and catch-all subscribers; unsubscribe stops delivery', async () => {
    const bus = new MemoryBus()
    const seen: string[] = []
    const off = bus.subscribe('case.dispatched', (e) => void seen.push(`exact:${e.topic}`))
    bus.subscribe('case.*', (e) => void seen.push(`prefix:${e.topic}`))
    bus.subscribe('*', (e) => void seen.push(`all:${e.topic}`))
    await bus.publish('case.dispatched', { id: 1 })
    await bus.publish('diary.created', { id: 2 })
    off()
    await bus.publish('case.dispatched', { id: 3 })
    expect(seen).toEqual(['exact:case.dispatched', 'prefix:case.dispatched', 'all:case.dispatched', 'all:diary.created', 'prefix:case.dispatched', 'all:case.dispatched'])
  })

  it('a failing handler does not stop the others and is reported', async () => {
    const errors: unknown[] = []
    const bus = new MemoryBus((err) => errors.push(err))
    let reached = false
    bus.subscribe('x', () => {
      throw new Error('handler broke')
    })
    bus.subscribe('x', () => void (reached = true))
    await bus.publish('x', null)
    expect(reached).toBe(true)
    expect(errors).toHaveLength(1)
  })

  it.runIf(!!redisUrl)('with Redis, an event published by one process reaches the others', async () => {
    const channel = `minqing:test:${Date.now()}:${Math.random()}`
    const a = new RedisBus(redisUrl!, channel)
    const b = new RedisBus(redisUrl!, channel)
    try {
      await Promise.all([a.connected(), b.connected()])
      const got = new Promise<BusEvent>((resolve) => b.subscribe('case.*', resolve))
      const own = new Promise<BusEvent>((resolve) => a.subscribe('case.*', resolve))
      await a.publish('case.created', { number: 'MQ-20261121-0001' })
      const [remote, local] = await Promise.all([got, own])
      expect(remote.payload).toEqual({ number: 'MQ-20261121-0001' })
      expect(remote.origin).toBe(a.origin)
      expect(local.topic).toBe('case.created')
    } finally {
      await a.close()
      await b.close()
    }
  })
})
