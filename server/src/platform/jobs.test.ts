import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../db/index.ts'
import { migrateToLatest } from '../db/index.ts'
import { createTestDatabase, openSecondPool, testDbKind } from '../../test/db.ts'
import { Scheduler } from './jobs.ts'

let database: Database

beforeAll(async () => {
  database = await createTestDatabase()
  await migrateToLatest(database.db) // already migrated: a second run must be a no-op
})
afterAll(() => database.close())

const hour = 3600_000

describe('scheduler', () => {
  it('runs a job once per run key, even when asked again', async () => {
    const s = new Scheduler(database)
    let runs = 0
    s.register({
      name: 'count.once',
      everyMs: hour,
      async run() {
        runs++
      },
    })
    const now = new Date('2026-11-21T10:15:00Z')
    expect(await s.runOnce('count.once', now)).toBe('ran')
    expect(await s.runOnce('count.once', new Date('2026-11-21T10:45:00Z'))).toBe('already_done')
    expect(await s.runOnce('count.once', new Date('2026-11-21T11:01:00Z'))).toBe('ran')
    expect(runs).toBe(2)
  })

  it('records a failure and retries it next time', async () => {
    const s = new Scheduler(database)
    let attempts = 0
    s.register({
      name: 'flaky',
      everyMs: hour,
      async run() {
        attempts++
        if (attempts === 1) throw new Error('boom')
      },
    })
    const now = new Date('2026-11-21T12:00:00Z')
    expect(await s.runOnce('flaky', now)).toBe('failed')
    const row = await database.db.selectFrom('job_runs').selectAll().where('job_name', '=', 'flaky').executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'failed', error: 'boom' })
    expect(await s.runOnce('flaky', now)).toBe('ran')
    expect(attempts).toBe(2)
  })

  it('never overlaps a job with itself in one process', async () => {
    const s = new Scheduler(database)
    let release!: () => void
    s.register({ name: 'slow', everyMs: hour, runKey: () => 'k', run: () => new Promise<void>((r) => (release = r)) })
    const first = s.runOnce('slow')
    await new Promise((r) => setTimeout(r, 20))
    expect(await s.runOnce('slow')).toBe('locked')
    release()
    expect(await first).toBe('ran')
  })

  it.runIf(testDbKind() === 'postgres')('two server processes never run the same job at once (advisory lock)', async () => {
    const other = (await openSecondPool(database))!
    try {
      let running = 0
      let maxConcurrent = 0
      let runs = 0
      const job = {
        name: 'shared',
        everyMs: hour,
        runKey: () => `k-${runs}`,
        async run() {
          running++
          maxConcurrent = Math.max(maxConcurrent, running)
          await new Promise((r) => setTimeout(r, 150))
          running--
          runs++
        },
      }
      const a = new Scheduler(database)
      const b = new Scheduler(other)
      a.register(job)
      b.register(job)
      const outcomes = await Promise.all([a.runOnce('shared'), b.runOnce('shared')])
      expect(outcomes.sort()).toEqual(['locked', 'ran'])
      expect(maxConcurrent).toBe(1)
      expect(runs).toBe(1)
    } finally {
      await other.close()
    }
  })

  it.runIf(testDbKind() === 'postgres')('many jobs due at once on a small pool all run (one at a time, no pool deadlock)', async () => {
    // A pool of 4, the least DATABASE_POOL_SIZE allows: five jobs that each query while holding their lock.
    const small = (await openSecondPool(database, 4))!
    try {
      const s = new Scheduler(small)
      let running = 0
      let maxConcurrent = 0
      for (let i = 0; i < 5; i++) {
        s.register({
          name: `busy.${i}`,
          everyMs: hour,
          runKey: () => `k-${Date.now()}`,
          async run({ db }) {
            running++
            maxConcurrent = Math.max(maxConcurrent, running)
            await db.selectFrom('job_runs').select('job_name').limit(1).execute()
            await new Promise((r) => setTimeout(r, 30))
            running--
          },
        })
      }
      const outcomes = await Promise.race([
        Promise.all([0, 1, 2, 3, 4].map((i) => s.runOnce(`busy.${i}`))),
        new Promise((_, reject) => setTimeout(() => reject(new Error('jobs stuck: the pool deadlocked')), 10_000)),
      ])
      expect(outcomes).toEqual(['ran', 'ran', 'ran', 'ran', 'ran'])
      expect(maxConcurrent).toBe(1)
    } finally {
      await small.close()
    }
  })

  it('refuses duplicate names and nonsense periods', () => {
    const s = new Scheduler(database)
    s.register({ name: 'a', everyMs: 1000, async run() {} })
    expect(() => s.register({ name: 'a', everyMs: 1000, async run() {} })).toThrow(/twice/)
    expect(() => s.register({ name: 'b', everyMs: 0, async run() {} })).toThrow(/positive/)
  })
})
