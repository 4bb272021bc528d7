import { hostname } from 'node:os'
import { sql } from 'kysely'
import type { Database } from '../db/index.ts'
import type { Kysely } from 'kysely'
import type { DB } from '../db/types.ts'

export interface JobContext {
  db: Kysely<DB>
  now: Date
  runKey: string
}

export interface JobDefinition {
  name: string
  /** How often the scheduler tries the job. */
  everyMs: number
  /**
   * The run's identity: a run key that has completed is never run again (idempotence across restarts and
   * processes). Defaults to the start of the current `everyMs` window.
   */
  runKey?: (now: Date) => string
  /**
   * false: a run that reports 'idle' leaves no `job_runs` row. For frequent jobs that guard themselves (the stats
   * folder's watermark lock): such a job gets no 'running' row before it starts and no run-key check, and a
   * run that did work is recorded 'done', one that failed 'failed' — an idle 30-s job would otherwise write
   * ~2,880 rows a day that say nothing.
   */
  recordIdle?: boolean
  /** Resolves 'idle' when there was nothing to do (see recordIdle). */
  run(ctx: JobContext): Promise<void | 'idle'>
}

export type RunOutcome = 'ran' | 'idle' | 'locked' | 'already_done' | 'failed'

interface Logger {
  info(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

/**
 * Runs registered jobs on a timer. Two guards keep a job from running twice: on PostgreSQL a session
 * advisory lock per job name (so of several server processes only one runs it at a time), and a
 * `job_runs` row per (job, run key) that marks a finished run so it is not repeated.
 */
export class Scheduler {
  private jobs = new Map<string, JobDefinition>()
  private timers: NodeJS.Timeout[] = []
  private running = new Set<string>()
  private queue: Promise<unknown> = Promise.resolve()
  readonly owner = `${hostname()}:${process.pid}`

  constructor(
    private database: Database,
    public log: Logger = { info() {}, error() {} },
  ) {}

  register(job: JobDefinition) {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} registered twice`)
    if (!(job.everyMs > 0)) throw new Error(`job ${job.name}: everyMs must be positive`)
    this.jobs.set(job.name, job)
  }

  list() {
    return [...this.jobs.values()]
  }

  static windowKey(now: Date, everyMs: number) {
    return new Date(Math.floor(now.getTime() / everyMs) * everyMs).toISOString()
  }

  async runOnce(name: string, now = new Date()): Promise<RunOutcome> {
    const job = this.jobs.get(name)
    if (!job) throw new Error(`unknown job ${name}`)
    // Within one process a job never overlaps itself.
    if (this.running.has(name)) return 'locked'
    this.running.add(name)
    try {
      // Jobs run one after another: each holds a connection for its lock while its work needs another, so
      // several at once could take the whole pool and wait on each other for ever (seen with
      // DATABASE_POOL_SIZE=4 and five jobs starting together).
      const turn = this.queue.then(() => this.withLock(name, () => this.execute(job, now)))
      this.queue = turn.catch(() => undefined)
      return await turn
    } finally {
      this.running.delete(name)
    }
  }

  private async withLock(name: string, fn: () => Promise<RunOutcome>): Promise<RunOutcome> {
    const pool = this.database.pool
    if (!pool) return fn() // PGlite: one process owns the data folder, the in-process guard suffices.
    const client = await pool.connect()
    const key = `minqing:job:${name}`
    try {
      const res = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [key])
      if (!res.rows[0]?.ok) return 'locked'
      try {
        return await fn()
      } finally {
        await client.query('select pg_advisory_unlock(hashtext($1))', [key])
      }
    } finally {
      client.release()
    }
  }

  private async execute(job: JobDefinition, now: Date): Promise<RunOutcome> {
    const db = this.database.db
    const runKey = job.runKey ? job.runKey(now) : Scheduler.windowKey(now, job.everyMs)
    if (job.recordIdle === false) return this.executeUnrecorded(job, now, runKey)
    const existing = await db.selectFrom('job_runs').select('status').where('job_name', '=', job.name).where('run_key', '=', runKey).executeTakeFirst()
    if (existing?.status === 'done') return 'already_done'
    // A 'running' row left by a crashed process, or a 'failed' one, is retried under the lock.
    await db
      .insertInto('job_runs')
      .values({ job_name: job.name, run_key: runKey, status: 'running', owner: this.owner, finished_at: null, error: null })
      .onConflict((oc) =>
        oc.columns(['job_name', 'run_key']).doUpdateSet({
          status: 'running',
          owner: this.owner,
          started_at: sql`now()`,
          finished_at: null,
          error: null,
        }),
      )
      .execute()
    try {
      await job.run({ db, now, runKey })
      await db
        .updateTable('job_runs')
        .set({ status: 'done', finished_at: sql<Date>`now()` })
        .where('job_name', '=', job.name)
        .where('run_key', '=', runKey)
        .execute()
      return 'ran'
    } catch (err) {
      this.log.error({ err, job: job.name, runKey }, 'job failed')
      await db
        .updateTable('job_runs')
        .set({ status: 'failed', finished_at: sql<Date>`now()`, error: String((err as Error)?.message ?? err).slice(0, 2000) })
        .where('job_name', '=', job.name)
        .where('run_key', '=', runKey)
        .execute()
      return 'failed'
    }
  }

  /** A recordIdle: false job: its row is written after it ran, and only when it did work or failed. */
  private async executeUnrecorded(job: JobDefinition, now: Date, runKey: string): Promise<RunOutcome> {
    const db = this.database.db
    const startedAt = new Date()
    let status: 'done' | 'failed' = 'done'
    let error: string | null = null
    try {
      if ((await job.run({ db, now, runKey })) === 'idle') return 'idle'
    } catch (err) {
      this.log.error({ err, job: job.name, runKey }, 'job failed')
      status = 'failed'
      error = String((err as Error)?.message ?? err).slice(0, 2000)
    }
    await db
      .insertInto('job_runs')
      .values({ job_name: job.name, run_key: runKey, status, owner: this.owner, started_at: startedAt, finished_at: sql<Date>`now()`, error })
      .onConflict((oc) => oc.columns(['job_name', 'run_key']).doUpdateSet({ status, owner: this.owner, started_at: startedAt, finished_at: sql<Date>`now()`, error }))
      .execute()
    return status === 'done' ? 'ran' : 'failed'
  }

  start() {
    for (const job of this.jobs.values()) {
      const tick = () => {
        this.runOnce(job.name).catch((err) => this.log.error({ err, job: job.name }, 'job tick failed'))
      }
      const t = setInterval(tick, job.everyMs)
      t.unref()
      this.timers.push(t)
      // First attempt soon after start, not a whole period later.
      const first = setTimeout(tick, Math.min(5_000, job.everyMs))
      first.unref()
      this.timers.push(first)
    }
  }

  stop() {
    for (const t of this.timers) clearTimeout(t)
    this.timers = []
  }
}
