// 抢单 (issue 15) over real HTTP, on PostgreSQL and on PGlite, beside a same-run baseline (the machines are shared
// and noisy: read the ratios).
//  1. Exactness under a crowd: 2,000 distinct volunteers (made with SQL, sessions written directly as the test
//     factories do) claim a 5-slot task at once, R rounds, each on a fresh task: exactly 5 × 201 and 1,995 × 409
//     task_full per round, and the database holds exactly 5 claims per task. Any oversell fails the run.
//  2. Speed: claims/s of POST /api/tasks/:id/claim vs bench/lib/http-claim-server.ts (Fastify + the same driver,
//     one conditional UPDATE, no auth, no claim row), rounds alternating between the two servers so both see the
//     same noise. Goal on PostgreSQL: ≥ 50 % of the baseline.
//  3. Publishing a task to 10,000 eligible volunteers: time until the POST answers, which is after every notice is
//     written (one insert … select in the publish transaction) and pushed. Goal: < 2 s.
//  4. Profile of one claim (in-process app, every query logged): queries of a 201 and of a 409 task_full.
// BENCH_TASKS_DB: postgres,pglite (default both). BENCH_ROUNDS_PG (default 100), BENCH_ROUNDS_PGLITE (default 20).
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names the server; a fresh database is
// created and dropped (BENCH_KEEP=1 keeps it).
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { startProcess } from './lib/process.ts'
import { type Database, migrateToLatest, openDatabase, pgliteDirFor } from '../server/src/db/index.ts'
import type { DB } from '../server/src/db/types.ts'
import { hashToken, newToken } from '../server/src/platform/auth.ts'
import { upsertRegions } from '../server/src/modules/regions/regions.repository.ts'

const BASE = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const KINDS = (process.env.BENCH_TASKS_DB || 'postgres,pglite').split(',') as ('postgres' | 'pglite')[]
const ROUNDS = { postgres: Number(process.env.BENCH_ROUNDS_PG || 100), pglite: Number(process.env.BENCH_ROUNDS_PGLITE || 20) }
const CLAIMERS = 2000
const SLOTS = 5
const NOTIFIED = 10_000
const SECRET = 'bench-secret-0123456789abcdef'
const url = (db: string) => Object.assign(new URL(BASE), { pathname: '/' + db }).toString()
const TOWN = '330683105'
const V = '330683105212' // the claimers' village (tasks are published for it); they reside in its grid
const G = V + '001'
const V2 = '330683105213' // the 10,000 notified volunteers' village

async function stop(child: ReturnType<typeof spawn>) {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
}

/** POST with a keep-alive agent wide enough for the whole crowd at once; the body is read whole. */
function post(agent: http.Agent, port: number, path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let data = ''
      res.setEncoding('utf8')
      res.on('data', (c) => (data += c))
      res.on('end', () => resolve({ status: res.statusCode!, body: data }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

interface Seeded {
  cadreToken: string
  cadre2Token: string
  tokens: string[]
  userIds: string[]
  appTasks: string[]
  baseTasks: string[]
  spareTask: string
}

/** Regions, a cadre per village, 2,000 claimers with sessions, 10,000 volunteers to notify, and the rounds' tasks. */
async function seed(db: Kysely<DB>, rounds: number): Promise<Seeded> {
  await upsertRegions(db, [
    { code: '330600', name: '绍兴市', level: 'city', parentCode: null },
    { code: '330683', name: '嵊州市', level: 'county', parentCode: '330600' },
    { code: TOWN, name: '石璜镇', level: 'town', parentCode: '330683' },
    { code: V, name: '雅璜村', level: 'village', parentCode: TOWN },
    { code: G, name: '第一网格', level: 'grid', parentCode: V },
    { code: V2, name: '王院村', level: 'village', parentCode: TOWN },
  ])
  const rid = async (code: string) => (await db.selectFrom('regions').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
  const [v, g, v2] = [await rid(V), await rid(G), await rid(V2)]
  const session = async (userId: string) => {
    const token = newToken()
    await db
      .insertInto('sessions')
      .values({ token_hash: hashToken(token), user_id: userId, expires_at: new Date(Date.now() + 86_400_000) })
      .execute()
    return token
  }
  const cadre = await db
    .insertInto('users')
    .values({ phone: '13900000001', name: '发布人', password_hash: 'x', roles: ['village_cadre'], region_id: v })
    .returning('id')
    .executeTakeFirstOrThrow()
  const cadre2 = await db
    .insertInto('users')
    .values({ phone: '13900000002', name: '发布人二', password_hash: 'x', roles: ['village_cadre'], region_id: v2 })
    .returning('id')
    .executeTakeFirstOrThrow()
  const claimers = (
    await sql<{ id: string }>`
      insert into users (phone, name, password_hash, roles, region_id, residence_region_id)
      select '167' || lpad(g::text, 8, '0'), '志愿者' || g, 'x', array['volunteer'], ${v}, ${g}
      from generate_series(1, ${CLAIMERS}) g returning id`.execute(db)
  ).rows.map((r) => r.id)
  await sql`
    insert into users (phone, name, password_hash, roles, region_id, residence_region_id, is_youth_league)
    select '168' || lpad(g::text, 8, '0'), '青年' || g, 'x', array['volunteer'], ${v2}, ${v2}, true
    from generate_series(1, ${NOTIFIED}) g`.execute(db)
  const tokens = claimers.map(() => newToken())
  await sql`
    insert into sessions (token_hash, user_id, expires_at)
    select h, u, now() + interval '1 day' from unnest(${tokens.map(hashToken)}::text[], ${claimers}::uuid[]) as x(h, u)`.execute(db)
  // The rounds' tasks (two sets: the app's and the baseline's, plus one to warm each up), written directly so a
  // round measures claims only. Far ahead, so no claim meets task_started.
  const tasks = (
    await sql<{ id: string }>`
      insert into tasks (title, description, region_id, starts_at, ends_at, slots, audience, published_by)
      select '抢单' || g, '压测', ${v}, now() + interval '30 days', now() + interval '31 days', ${SLOTS}, 'any', ${cadre.id}
      from generate_series(1, ${2 * rounds + 3}) g returning id`.execute(db)
  ).rows.map((r) => r.id)
  return {
    cadreToken: await session(cadre.id),
    cadre2Token: await session(cadre2.id),
    tokens,
    userIds: claimers,
    appTasks: tasks.slice(0, rounds + 1),
    baseTasks: tasks.slice(rounds + 1, 2 * rounds + 2),
    spareTask: tasks[2 * rounds + 2]!,
  }
}

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!

interface Result {
  kind: string
  rounds: number
  app: { rate: number; p50: number; p99: number }
  base: { rate: number; p50: number; p99: number }
  publishMs: number
  notices: number
  profile: { ok: string[]; full: string[] }
}

/** One round: the whole crowd at once on one task; exactly SLOTS × 201 and the rest 409 task_full, or it throws. */
async function round(agent: http.Agent, port: number, path: string, tokens: string[], label: string) {
  const lat: number[] = []
  const t0 = performance.now()
  const res = await Promise.all(
    tokens.map(async (tok) => {
      const s = performance.now()
      const r = await post(agent, port, path, { authorization: `Bearer ${tok}` })
      lat.push(performance.now() - s)
      return r
    }),
  )
  const ms = performance.now() - t0
  const ok = res.filter((r) => r.status === 201).length
  const full = res.filter((r) => r.status === 409 && JSON.parse(r.body).error?.code === 'task_full').length
  if (ok !== SLOTS || full !== tokens.length - SLOTS) {
    const other = res.filter((r) => r.status !== 201 && !(r.status === 409 && r.body.includes('task_full')))
    throw new Error(`${label} ${path}: ${ok} × 201 (OVERSOLD if > ${SLOTS}), ${full} × 409 task_full, others: ${other.length} e.g. ${other[0]?.status} ${other[0]?.body.slice(0, 200)}`)
  }
  return { ms, lat }
}

/** The queries one claim runs, from an in-process app whose Kysely logs them (not timed). */
async function profileClaim(database: Database, s: Seeded, fullTask: string) {
  const queries: string[] = []
  const log = (e: { level: string; query: { sql: string } }) => void queries.push(e.query.sql.replace(/\s+/g, ' ').trim().slice(0, 60))
  const db =
    database.kind === 'postgres' ? new Kysely<DB>({ dialect: new PostgresDialect({ pool: database.pool! }), log }) : new Kysely<DB>({ dialect: new PGliteDialect({ pglite: database.pglite! }), log })
  const { buildApp } = await import('../server/src/app.ts')
  const { createContext } = await import('../server/src/bootstrap.ts')
  const { loadConfig } = await import('../server/src/config.ts')
  const dataDir = mkdtempSync(join(tmpdir(), 'minqing-bench-tasks-prof-'))
  const ctx = await createContext(loadConfig({ DATA_DIR: dataDir, MINQING_SECRET: SECRET, NODE_ENV: 'production' }), { database: { ...database, db }, migrate: false })
  const app = await buildApp(ctx, { logger: false })
  await app.ready()
  const claim = async (task: string, tok: string) => {
    queries.length = 0
    const r = await app.inject({ method: 'POST', url: `/api/tasks/${task}/claim`, headers: { authorization: `Bearer ${tok}` } })
    return { status: r.statusCode, queries: [...queries] }
  }
  // One of the crowd without a claim on the full task; its session already cached (the crowd's case after its
  // first request).
  const holders = new Set((await sql<{ user_id: string }>`select user_id from task_claims where task_id = ${fullTask}`.execute(database.db)).rows.map((r) => r.user_id))
  const tok = s.tokens[s.userIds.findIndex((u) => !holders.has(u))]!
  await app.inject({ method: 'GET', url: '/api/tasks?limit=1', headers: { authorization: `Bearer ${tok}` } })
  const ok = await claim(s.spareTask, tok)
  const full = await claim(fullTask, tok)
  if (ok.status !== 201 || full.status !== 409) throw new Error(`profile: ${ok.status} / ${full.status}`)
  await app.close()
  rmSync(dataDir, { recursive: true, force: true })
  return { ok: ok.queries, full: full.queries }
}

async function run(kind: 'postgres' | 'pglite'): Promise<Result> {
  const rounds = ROUNDS[kind]
  const name = `minqing_bench_tasks_${Date.now().toString(36)}`
  const dataDir = mkdtempSync(join(tmpdir(), 'minqing-bench-tasks-'))
  const baseDir = mkdtempSync(join(tmpdir(), 'minqing-bench-tasks-base-'))
  let admin: pg.Client | undefined
  const children: ReturnType<typeof spawn>[] = []
  try {
    let database: Database
    if (kind === 'postgres') {
      admin = new pg.Client({ connectionString: BASE })
      await admin.connect()
      await admin.query(`create database ${name}`)
      database = await openDatabase({ url: url(name), poolSize: 4 })
    } else database = await openDatabase({ pgliteDir: pgliteDirFor(dataDir) })
    const t0 = performance.now()
    await migrateToLatest(database.db)
    const s = await seed(database.db, rounds)
    console.log(`[${kind}] seeded ${CLAIMERS} claimers with sessions, ${NOTIFIED} volunteers to notify, ${2 * rounds + 3} tasks in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    // PGlite is one process's: the app and the baseline each get their own copy of the seeded files.
    if (kind === 'pglite') {
      await database.close()
      cpSync(pgliteDirFor(dataDir), join(baseDir, 'pglite'), { recursive: true })
    }
    const dbEnv: Record<string, string> = kind === 'postgres' ? { DATABASE_URL: url(name) } : {}
    const app = await startProcess(
      ['--import', 'tsx', 'server/src/main.ts', 'serve'],
      { HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'production', MINQING_SECRET: SECRET, ...dbEnv },
      (p) => fetch(`http://127.0.0.1:${p}/api/health`),
    )
    children.push(app.child)
    const base = await startProcess(['--import', 'tsx', 'bench/lib/http-claim-server.ts'], kind === 'postgres' ? dbEnv : { PGLITE_DIR: join(baseDir, 'pglite') }, (p) =>
      fetch(`http://127.0.0.1:${p}/claim/00000000-0000-0000-0000-000000000000`, { method: 'POST' }),
    )
    children.push(base.child)
    const agentApp = new http.Agent({ keepAlive: true, maxSockets: CLAIMERS })
    const agentBase = new http.Agent({ keepAlive: true, maxSockets: CLAIMERS })
    // Warm-up: a round each (connections opened, sessions cached, statements prepared); not counted.
    await round(agentApp, app.port, `/api/tasks/${s.appTasks[rounds]}/claim`, s.tokens, `[${kind}] warm-up`)
    await round(agentBase, base.port, `/claim/${s.baseTasks[rounds]}`, s.tokens, `[${kind}] baseline warm-up`)
    let appMs = 0
    let baseMs = 0
    const appLat: number[] = []
    const baseLat: number[] = []
    for (let i = 0; i < rounds; i++) {
      const a = await round(agentApp, app.port, `/api/tasks/${s.appTasks[i]}/claim`, s.tokens, `[${kind}] round ${i + 1}`)
      appMs += a.ms
      appLat.push(...a.lat)
      const b = await round(agentBase, base.port, `/claim/${s.baseTasks[i]}`, s.tokens, `[${kind}] baseline round ${i + 1}`)
      baseMs += b.ms
      baseLat.push(...b.lat)
      if ((i + 1) % 10 === 0 || i + 1 === rounds)
        process.stdout.write(
          `[${kind}] ${i + 1}/${rounds} rounds: app ${Math.round((CLAIMERS * (i + 1)) / (appMs / 1000))} claims/s, baseline ${Math.round((CLAIMERS * (i + 1)) / (baseMs / 1000))}/s\n`,
        )
    }
    agentBase.destroy()
    await stop(base.child)

    // Publishing to 10,000: the answer comes after the notices are written and pushed.
    const startsAt = new Date(Date.now() + 30 * 86_400_000)
    const body = JSON.stringify({ title: '青春民情任务', description: '压测发布', regionCode: V2, slots: 5, audience: 'youth', startsAt, endsAt: new Date(startsAt.getTime() + 3600_000) })
    const tp = performance.now()
    const pub = await post(agentApp, app.port, '/api/tasks', { authorization: `Bearer ${s.cadre2Token}` }, body)
    const publishMs = performance.now() - tp
    if (pub.status !== 201) throw new Error(`publish: ${pub.status} ${pub.body.slice(0, 300)}`)
    agentApp.destroy()
    await stop(app.child)

    // The database's own word: exactly SLOTS claims on every task, claimed = SLOTS, 10,000 notices.
    if (kind === 'pglite') database = await openDatabase({ pgliteDir: pgliteDirFor(dataDir) })
    const db = database.db
    const bad = await sql<{ id: string; claimed: number; n: number }>`
      select t.id, t.claimed, (select count(*)::int from task_claims c where c.task_id = t.id and c.state = 'claimed') as n
      from tasks t where t.id = any(${s.appTasks}::uuid[]) and (t.claimed <> ${SLOTS} or (select count(*) from task_claims c where c.task_id = t.id) <> ${SLOTS})`.execute(db)
    if (bad.rows.length) throw new Error(`[${kind}] tasks with other than ${SLOTS} claims: ${JSON.stringify(bad.rows.slice(0, 5))}`)
    // The baseline's tasks (on PGlite in its own copy of the files).
    const baseDb = kind === 'pglite' ? await openDatabase({ pgliteDir: join(baseDir, 'pglite') }) : database
    const baseBad = await sql<{ n: number }>`select count(*)::int as n from tasks where id = any(${s.baseTasks}::uuid[]) and claimed <> ${SLOTS}`.execute(baseDb.db)
    if (baseDb !== database) await baseDb.close()
    if (baseBad.rows[0]!.n) throw new Error(`[${kind}] baseline tasks with claimed <> ${SLOTS}: ${baseBad.rows[0]!.n}`)
    const notices = (
      await sql<{
        n: number
      }>`select count(*)::int as n from notifications n join users u on u.id = n.user_id join regions r on r.id = u.region_id where r.code = ${V2} and n.kind = 'task.published'`.execute(db)
    ).rows[0]!.n
    if (notices !== NOTIFIED) throw new Error(`[${kind}] ${notices} notices written, expected ${NOTIFIED}`)
    const profile = await profileClaim(database, s, s.appTasks[0]!)
    await database.close()
    const total = CLAIMERS * rounds
    return {
      kind,
      rounds,
      app: { rate: total / (appMs / 1000), p50: pct(appLat, 0.5), p99: pct(appLat, 0.99) },
      base: { rate: total / (baseMs / 1000), p50: pct(baseLat, 0.5), p99: pct(baseLat, 0.99) },
      publishMs,
      notices,
      profile,
    }
  } finally {
    for (const c of children) await stop(c)
    if (admin) {
      if (process.env.BENCH_KEEP === '1') console.log(`kept database ${name} (BENCH_KEEP=1): drop it yourself`)
      else await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(baseDir, { recursive: true, force: true })
  }
}

const results: Result[] = []
for (const kind of KINDS) results.push(await run(kind))
console.log(`\n抢单: ${CLAIMERS} volunteers × ${SLOTS}-slot task per round, over HTTP; every round exactly ${SLOTS} × 201 and ${CLAIMERS - SLOTS} × 409 task_full (checked in the database too)`)
console.log('| database | rounds | claim endpoint claims/s | p50 / p99 ms | baseline (HTTP + one UPDATE) claims/s | p50 / p99 ms | ratio [goal ≥ 50 % on PG] | publish to 10,000 [goal < 2 s] |')
console.log('|---|---|---|---|---|---|---|---|')
for (const r of results)
  console.log(
    `| ${r.kind} | ${r.rounds} | ${Math.round(r.app.rate)} | ${r.app.p50.toFixed(0)} / ${r.app.p99.toFixed(0)} | ${Math.round(r.base.rate)} | ${r.base.p50.toFixed(0)} / ${r.base.p99.toFixed(0)} | ${((r.app.rate / r.base.rate) * 100).toFixed(1)} % | ${r.publishMs.toFixed(0)} ms (${r.notices} notices) |`,
  )
for (const r of results) {
  console.log(`\n[${r.kind}] one claim, session cached: 201 runs ${r.profile.ok.length} queries, 409 task_full ${r.profile.full.length}`)
  console.log(`  201: ${r.profile.ok.join(' | ')}`)
  console.log(`  409: ${r.profile.full.join(' | ')}`)
}
