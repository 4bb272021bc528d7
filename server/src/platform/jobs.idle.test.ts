import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../db/index.ts'
import { createTestDatabase } from '../../test/db.ts'
import { Scheduler } from './jobs.ts'

// Jobs with recordIdle: false (the 30-s stats fold) leave a job_runs row only for runs that did work or failed.
let database: Database

beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.close())

const rows = (name: string) => database.db.selectFrom('job_runs').selectAll().where('job_name', '=', name).orderBy('run_key').execute()

describe('scheduler: jobs that record only their work', () => {
  it('an idle run leaves no row; a run that worked is done; a failure is recorded and retried', async () => {
    const s = new Scheduler(database)
    let result: 'idle' | 'work' | 'fail' = 'idle'
    let runs = 0
    s.register({
      name: 'quiet.fold',
      everyMs: 30_000,
      recordIdle: false,
      async run() {
        runs++
        if (result === 'fail') throw new Error('fold broke')
        return result === 'idle' ? 'idle' : undefined
      },
    })
    const at = (sec: number) => new Date(Date.parse('2026-12-07T06:00:00Z') + sec * 1000)
    for (let i = 0; i < 10; i++) expect(await s.runOnce('quiet.fold', at(i * 30))).toBe('idle')
    expect(await rows('quiet.fold')).toEqual([])

    result = 'work'
    expect(await s.runOnce('quiet.fold', at(300))).toBe('ran')
    result = 'fail'
    expect(await s.runOnce('quiet.fold', at(330))).toBe('failed')
    const recorded = await rows('quiet.fold')
    expect(recorded.map((r) => [r.run_key, r.status, r.error])).toEqual([
      ['2026-12-07T06:05:00.000Z', 'done', null],
      ['2026-12-07T06:05:30.000Z', 'failed', 'fold broke'],
    ])
    expect(recorded[0].finished_at).not.toBeNull()

    // The failed window runs again (no run-key check: the job guards itself); now idle, the failure row stays as it was.
    result = 'idle'
    expect(await s.runOnce('quiet.fold', at(331))).toBe('idle')
    // Worked on a retry in the same window: the row says done.
    result = 'work'
    expect(await s.runOnce('quiet.fold', at(332))).toBe('ran')
    expect((await rows('quiet.fold')).map((r) => r.status)).toEqual(['done', 'done'])
    expect(runs).toBe(14)
  })

  it('jobs that record every run are unchanged: a row per window', async () => {
    const s = new Scheduler(database)
    s.register({ name: 'loud.job', everyMs: 30_000, async run() {} })
    expect(await s.runOnce('loud.job', new Date('2026-12-07T06:00:00Z'))).toBe('ran')
    expect(await s.runOnce('loud.job', new Date('2026-12-07T06:00:10Z'))).toBe('already_done')
    expect((await rows('loud.job')).map((r) => r.status)).toEqual(['done'])
  })
})
