import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { ROOT_DIR } from '../src/config.ts'
import { type Database, openDatabase, PGLITE_PARSERS, pgliteDirFor } from '../src/db/index.ts'
import { dropDatabase, testDbKind } from './db.ts'
import { makeRegion, type MadeUser, makeUser } from './factories.ts'
import { adminUrl, dbUrl } from './pg-urls.ts'

// Crash safety of the real server (`minqing serve`): clients raise cases and write diary entries with idempotency
// keys (clientId) while the server is killed with SIGKILL, several times; after each restart every client resends
// every write it got no answer for, with the same key. In the end every acknowledged write is there, nothing
// is there twice, and the database opens cleanly. PGlite matters most (the embedded default keeps the whole
// database inside the killed process); on PostgreSQL it proves no acknowledged write was still in flight.

const KILLS = 3
const CLIENTS = 6
const VILLAGE = '330683105212'
const dataDir = mkdtempSync(join(tmpdir(), 'minqing-crash-'))
let dropName: string | undefined
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true })
  if (dropName) await dropDatabase(process.env.TEST_DATABASE_URL!, dropName)
})

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

async function openInstall(url: string | undefined): Promise<Database> {
  if (url) return openDatabase({ url, poolSize: 2 })
  const dir = pgliteDirFor(dataDir)
  if (!existsSync(dir)) {
    const pglite = new PGlite(dir, { loadDataDir: new Blob([readFileSync(inject('pgliteSnapshot'))]), parsers: PGLITE_PARSERS })
    return openDatabase({ pglite })
  }
  return openDatabase({ pgliteDir: dir })
}

interface Server {
  url: string
  child: ChildProcess
  output: () => string
  exited: Promise<unknown>
}

async function startServer(databaseUrl: string): Promise<Server> {
  const port = await freePort()
  const started = Date.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', 'serve'], {
    cwd: ROOT_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      WEB_DIST: join(dataDir, 'no-web'),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      REDIS_URL: '',
      MINQING_SECRET: 'crash-test-secret-0123456789abcdef0123',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise((r) => child.once('exit', r))
  const url = `http://127.0.0.1:${port}`
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited on start:\n${output}`)
    try {
      if ((await fetch(`${url}/api/health`)).ok) break
    } catch {
      /* starting */
    }
    if (Date.now() - started > 240_000) throw new Error(`not ready after 240 s:\n${output}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return { url, child, output: () => output, exited }
}

interface Write {
  kind: 'case' | 'diary'
  clientId: string
  body: Record<string, unknown>
  /** The id in the first answer we got (2xx). */
  ackedId?: string
  attempts: number
}

/** One phone: writes one after another; a write without an answer stays pending and is resent later. */
class Client {
  writes: Write[] = []
  pending: Write[] = []
  errors: string[] = []
  /** Resent writes the restarted server already had (200: committed before the kill) or stored only now (201). */
  resentStored = 0
  resentCreated = 0
  private seq = 0
  constructor(
    readonly n: number,
    readonly user: MadeUser,
  ) {}

  next(): Write {
    const kind = this.seq % 2 ? 'diary' : 'case'
    const clientId = `crash-${this.n}-${this.seq++}-${randomBytes(3).toString('hex')}`
    const body =
      kind === 'case'
        ? { regionCode: VILLAGE, title: `崩溃测试事项 ${clientId}`, description: '路灯不亮,群众反映多次', clientId }
        : { clientId, kind: 'village', text: `走访记录 ${clientId}`, occurredAt: '2026-12-01T09:00:00+08:00' }
    const w: Write = { kind, clientId, body, attempts: 0 }
    this.writes.push(w)
    return w
  }

  /** Send once; true when answered (acknowledged), false when the connection failed. */
  async send(url: string, w: Write): Promise<boolean> {
    w.attempts++
    let res: Response
    try {
      res = await fetch(`${url}${w.kind === 'case' ? '/api/cases' : '/api/diary'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.user.auth },
        body: JSON.stringify(w.body),
        signal: AbortSignal.timeout(60_000),
      })
    } catch {
      if (!this.pending.includes(w)) this.pending.push(w)
      return false
    }
    const text = await res.text().catch(() => '')
    if (res.status >= 500 && res.status !== 503) this.errors.push(`${w.kind} ${w.clientId}: ${res.status} ${text}`)
    if (res.status >= 300) {
      if (res.status !== 503) this.errors.push(`${w.kind} ${w.clientId}: ${res.status} ${text}`)
      if (!this.pending.includes(w)) this.pending.push(w)
      return false
    }
    const id = (JSON.parse(text) as { id: string }).id
    if (w.ackedId && w.ackedId !== id) this.errors.push(`${w.kind} ${w.clientId}: answered ${w.ackedId}, then ${id}`)
    w.ackedId ??= id
    if (w.attempts > 1) res.status === 200 ? this.resentStored++ : this.resentCreated++
    this.pending = this.pending.filter((p) => p !== w)
    return true
  }

  /** Resend everything unanswered, with the same keys (a restarted server must answer each). */
  async retryAll(url: string) {
    for (const w of [...this.pending]) {
      if (!(await this.send(url, w))) this.errors.push(`${w.kind} ${w.clientId}: no answer on retry after restart`)
    }
  }

  /** New writes until the server stops answering. */
  async burst(url: string, stop: () => boolean) {
    while (!stop()) {
      if (!(await this.send(url, this.next()))) return
    }
  }
}

describe('crash safety of minqing serve', () => {
  const kind = testDbKind()

  it(`loses no acknowledged write and doubles none across ${KILLS} SIGKILLs (${kind})`, async () => {
    let databaseUrl = ''
    if (kind === 'postgres') {
      const base = process.env.TEST_DATABASE_URL!
      dropName = `minqing_t_${inject('pgTemplate').slice(12)}_${randomBytes(4).toString('hex')}`
      const admin = new pg.Client({ connectionString: adminUrl(base) })
      await admin.connect()
      await admin.query(`create database ${dropName} template ${inject('pgTemplate')}`)
      await admin.end()
      databaseUrl = dbUrl(base, dropName)
    }
    const clients: Client[] = []
    {
      const d = await openInstall(databaseUrl || undefined)
      try {
        await makeRegion(d.db, VILLAGE)
        for (let i = 0; i < CLIENTS; i++) clients.push(new Client(i, await makeUser(d.db, { roles: ['stationed_cadre'], regionCode: VILLAGE })))
      } finally {
        await d.close()
      }
    }

    let killsSurvived = 0
    let unansweredAtKills = 0
    let server: Server | undefined
    try {
      for (let k = 0; k <= KILLS; k++) {
        server = await startServer(databaseUrl)
        killsSurvived = k
        const url = server.url
        for (const c of clients) await c.retryAll(url)
        if (k === KILLS) break
        // A burst from every client at once; SIGKILL once some writes went through, in the middle of it.
        const ackedBefore = clients.reduce((n, c) => n + c.writes.filter((w) => w.ackedId).length, 0)
        let killed = false
        const bursts = clients.map((c) => c.burst(url, () => killed))
        const target = ackedBefore + 20 + 10 * k
        const waitStart = Date.now()
        while (clients.reduce((n, c) => n + c.writes.filter((w) => w.ackedId).length, 0) < target && Date.now() - waitStart < 60_000) {
          await new Promise((r) => setTimeout(r, 5))
        }
        server.child.kill('SIGKILL')
        await server.exited
        killed = true
        await Promise.all(bursts)
        unansweredAtKills += clients.reduce((n, c) => n + c.pending.length, 0)
      }
    } finally {
      if (server && server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM')
        await server.exited
      }
    }

    const errors = clients.flatMap((c) => c.errors)
    expect(errors, errors.slice(0, 5).join('\n')).toEqual([])
    expect(clients.flatMap((c) => c.pending)).toEqual([])

    // The database after the last (clean) stop: it opens, every table reads, and each key is there once.
    const d = await openInstall(databaseUrl || undefined)
    let acknowledged = 0
    let lost = 0
    let duplicates = 0
    let tables: number
    try {
      const { rows: names } = await sql<{ t: string }>`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(d.db)
      for (const { t } of names) await sql`select count(*) from ${sql.id(t)}`.execute(d.db)
      tables = names.length
      const { rows: cases } = await sql<{ created_by: string; client_id: string; id: string }>`select created_by, client_id, id from cases where client_id like 'crash-%'`.execute(d.db)
      const { rows: diary } = await sql<{ created_by: string; client_id: string; id: string }>`select author_id as created_by, client_id, id from diary_entries where client_id like 'crash-%'`.execute(
        d.db,
      )
      const { rows: events } = await sql<{
        n: number
      }>`select count(*)::int as n from cases c where c.client_id like 'crash-%' and not exists (select 1 from case_events e where e.case_id = c.id)`.execute(d.db)
      expect(events[0].n, 'cases without their first event').toBe(0)
      const stored = new Map<string, string[]>()
      for (const r of [...cases.map((c) => ({ ...c, k: 'case' })), ...diary.map((c) => ({ ...c, k: 'diary' }))]) {
        const key = `${r.k}/${r.created_by}/${r.client_id}`
        stored.set(key, [...(stored.get(key) ?? []), r.id])
      }
      for (const c of clients) {
        for (const w of c.writes) {
          const ids = stored.get(`${w.kind}/${c.user.id}/${w.clientId}`) ?? []
          if (w.ackedId) {
            acknowledged++
            if (!ids.includes(w.ackedId)) lost++
          }
        }
      }
      for (const ids of stored.values()) if (ids.length > 1) duplicates += ids.length - 1
      expect(stored.size).toBe(clients.reduce((n, c) => n + c.writes.length, 0))
    } finally {
      await d.close()
    }
    console.log(
      `crash safety (${kind}): ${killsSurvived} kills survived, ${acknowledged} writes acknowledged ` +
        `(${unansweredAtKills} unanswered at the kills, all resent: ${clients.reduce((n, c) => n + c.resentStored, 0)} had been stored before the kill, ` +
        `${clients.reduce((n, c) => n + c.resentCreated, 0)} were stored on resend), lost ${lost}, duplicates ${duplicates}; ${tables} tables read cleanly`,
    )
    expect(killsSurvived).toBe(KILLS)
    expect(acknowledged).toBeGreaterThan(KILLS * 20)
    expect(unansweredAtKills).toBeGreaterThan(0)
    expect(lost).toBe(0)
    expect(duplicates).toBe(0)
  }, 900_000)
})
