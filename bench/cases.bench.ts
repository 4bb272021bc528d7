// Case intake and work queues on PostgreSQL, each beside a same-run baseline (the machines are shared and noisy:
// read the ratios).
//  1. POST /api/cases over HTTP at 50 concurrent clients (autocannon) vs pgbench's single-row insert rate at the
//     same concurrency. Goal: ≥ 40 % of pgbench, p99 < 50 ms.
//  2. A work-queue page (GET /api/cases?queue=…) with 1,000,000 cases in the table vs a `select 1` round trip.
//     Goal: p95 < 50 ms.
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names the server; a fresh database is
// created and dropped (BENCH_KEEP=1 keeps it for EXPLAIN). BENCH_CASES scales the table (default 1,000,000), BENCH_SECONDS the
// HTTP run (10).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import pg from 'pg'
import { sql } from 'kysely'
import { startProcess } from './lib/process.ts'
import { migrateToLatest, openDatabase } from '../server/src/db/index.ts'
import { hashToken, newToken } from '../server/src/platform/auth.ts'
import { upsertRegions } from '../server/src/modules/regions/regions.repository.ts'

const BASE = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const CASES = Number(process.env.BENCH_CASES || 1_000_000)
const SECONDS = Number(process.env.BENCH_SECONDS || 10)
const NAME = `minqing_bench_${Date.now().toString(36)}`
const url = (db: string) => Object.assign(new URL(BASE), { pathname: '/' + db }).toString()

const admin = new pg.Client({ connectionString: BASE })
await admin.connect()
await admin.query(`create database ${NAME}`)
const database = await openDatabase({ url: url(NAME), poolSize: 4 })
const dataDir = mkdtempSync(join(tmpdir(), 'minqing-bench-cases-'))
let server: ReturnType<typeof spawn> | undefined
try {
  await migrateToLatest(database.db)
  const db = database.db
  // A county, a town, 40 villages with a grid each.
  await upsertRegions(db, [
    { code: '330600', name: '绍兴市', level: 'city', parentCode: null },
    { code: '330683', name: '嵊州市', level: 'county', parentCode: '330600' },
    { code: '330683105', name: '石璜镇', level: 'town', parentCode: '330683' },
    ...Array.from({ length: 40 }, (_, i) => ({ code: `330683105${String(200 + i)}`, name: `村${i}`, level: 'village' as const, parentCode: '330683105' })),
    ...Array.from({ length: 40 }, (_, i) => ({ code: `330683105${String(200 + i)}001`, name: `网格${i}`, level: 'grid' as const, parentCode: `330683105${String(200 + i)}` })),
  ])
  const town = (await db.selectFrom('regions').select('id').where('code', '=', '330683105').executeTakeFirstOrThrow()).id
  const unit = await db.insertInto('units').values({ name: '石璜镇人民政府', kind: 'town_office', region_id: town }).returning('id').executeTakeFirstOrThrow()
  const user = await db
    .insertInto('users')
    .values({ phone: '13900000001', name: '压测', password_hash: 'x', roles: ['town_handler'], region_id: town, unit_id: unit.id })
    .returning('id')
    .executeTakeFirstOrThrow()
  const token = newToken()
  await db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), user_id: user.id, expires_at: new Date(Date.now() + 86_400_000) })
    .execute()

  // ---- 1. intake over HTTP vs pgbench and vs the least an HTTP insert costs ---------------------
  // BENCH_PROFILE=dir writes the server's CPU profile there (open it in Chrome's DevTools or speedscope).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : []
  const started = await startProcess(
    [...profile, '--import', 'tsx', 'server/src/main.ts', 'serve'],
    { HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: url(NAME), LOG_LEVEL: 'warn', NODE_ENV: 'production', MINQING_SECRET: 'bench-secret-0123456789abcdef' },
    (p) => fetch(`http://127.0.0.1:${p}/api/health`),
  )
  server = started.child
  const port = started.port
  const body = JSON.stringify({ regionCode: '330683105200001', categoryCode: 'traffic.streetlight', title: '路灯不亮', description: '压测事项' })
  await autocannon({ url: `http://127.0.0.1:${port}/api/cases`, connections: 10, duration: 2, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body }) // warm-up
  // One client alone: the latency of one intake without queueing (how many round trips it costs shows here).
  const single = await autocannon({
    url: `http://127.0.0.1:${port}/api/cases`,
    connections: 1,
    duration: 3,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  })
  console.log(`case intake  POST /api/cases, 1 client: ${single.requests.average.toFixed(0)} req/s, p50 ${single.latency.p50} ms`)
  const http = await autocannon({
    url: `http://127.0.0.1:${port}/api/cases`,
    connections: 50,
    duration: SECONDS,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  })
  const non2xx = http.non2xx
  server.kill('SIGTERM')
  await new Promise((r) => server!.once('exit', r))
  server = undefined
  // The same body through the least an HTTP API can do: parse, one INSERT, answer (its own process, same pool size).
  const baseline = await startProcess(['--import', 'tsx', 'bench/lib/http-insert-server.ts'], { DATABASE_URL: url(NAME) }, (p) =>
    fetch(`http://127.0.0.1:${p}/insert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
  )
  server = baseline.child
  await autocannon({ url: `http://127.0.0.1:${baseline.port}/insert`, connections: 10, duration: 2, method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const minimal = await autocannon({ url: `http://127.0.0.1:${baseline.port}/insert`, connections: 50, duration: SECONDS, method: 'POST', headers: { 'content-type': 'application/json' }, body })
  server.kill('SIGTERM')
  await new Promise((r) => server!.once('exit', r))
  server = undefined
  const script = join(dataDir, 'insert.sql')
  writeFileSync(script, "insert into pgbench_baseline (region_id, title, created_at) values (1, '路灯不亮', now());\n")
  await admin.end()
  const bc = new pg.Client({ connectionString: url(NAME) })
  await bc.connect()
  await bc.query('create table pgbench_baseline (id bigserial primary key, region_id int, title text, created_at timestamptz)')
  await bc.end()
  const out = execFileSync('pgbench', ['-n', '-c', '50', '-j', '2', '-T', String(SECONDS), '-f', script, url(NAME)], { encoding: 'utf8' })
  const tps = Number(/tps = ([\d.]+)/.exec(out)![1])
  console.log(`case intake  POST /api/cases, 50 clients: ${http.requests.average.toFixed(0)} req/s, p99 ${http.latency.p99} ms, non-2xx ${non2xx}   [goal p99 < 50 ms]`)
  console.log(`baseline     pgbench single-row insert, 50 clients: ${tps.toFixed(0)} tps`)
  console.log(`baseline     HTTP + one INSERT (Fastify, pg), 50 clients: ${minimal.requests.average.toFixed(0)} req/s, p99 ${minimal.latency.p99} ms`)
  console.log(`ratio        intake / pgbench: ${((http.requests.average / tps) * 100).toFixed(1)} %   [goal ≥ 40 %]`)
  console.log(`ratio        intake / HTTP + one INSERT: ${((http.requests.average / minimal.requests.average) * 100).toFixed(1)} %`)

  // ---- 2. work queue at CASES cases --------------------------------------------------------
  const have = (
    await db
      .selectFrom('cases')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow()
  ).n
  const t0 = Date.now()
  // A county's history: most cases closed long ago, a few percent open, spread over 40 village committees
  // and the town office, as a real table of a million would be.
  const villages = await db.selectFrom('regions').select('id').where('level', '=', 'village').execute()
  for (const v of villages)
    await db
      .insertInto('units')
      .values({ name: `村委会${v.id}`, kind: 'village_committee', region_id: v.id })
      .execute()
  await sql`
    insert into cases (number, channel, state, level, region_id, category_id, urgency, title, description, reporter_kind, reporter_user_id,
                       unit_id, due_at, warn_at, created_by, created_at, closed_at)
    select 'MQ-B-' || g, 'walk_in', s.state, 'village', s.region_id, null, 'normal', '事项' || g, '批量生成', 'user', ${user.id},
           case when s.state in ('dispatched', 'accepted') then
             (case when g % 41 = 0 then ${unit.id}::uuid else (select id from units where region_id = s.region_id and kind = 'village_committee' limit 1) end)
           end,
           now() + ((g % 20) - 5) * interval '1 day', now() + ((g % 20) - 7) * interval '1 day', ${user.id},
           now() - (g % 1500) * interval '1 day', case when s.state = 'closed' then now() - (g % 1500) * interval '1 day' end
    from generate_series(${have + 1}::int, ${CASES}::int) g
    cross join lateral (
      select (case when g % 100 < 97 then 'closed' else (array['new','dispatched','accepted'])[1 + g % 3] end) as state,
             (select id from regions where level = 'grid' order by id offset (g % 40) limit 1) as region_id
    ) s`.execute(db)
  // After a bulk load autovacuum would soon vacuum and analyze the table (visibility map for index-only scans).
  await sql`vacuum analyze cases`.execute(db)
  console.log(`(generated ${CASES - have} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s)`)

  const { buildApp } = await import('../server/src/app.ts')
  const { createContext } = await import('../server/src/bootstrap.ts')
  const { loadConfig } = await import('../server/src/config.ts')
  const ctx = await createContext(loadConfig({ DATA_DIR: dataDir, MINQING_SECRET: 'bench-secret-0123456789abcdef', NODE_ENV: 'production' }), { database, migrate: false })
  const app = await buildApp(ctx, { logger: false })
  await app.ready()
  const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]
  async function time(label: string, run: () => Promise<unknown>, n = 200) {
    for (let i = 0; i < 10; i++) await run()
    const xs: number[] = []
    for (let i = 0; i < n; i++) {
      const s = performance.now()
      await run()
      xs.push(performance.now() - s)
    }
    console.log(`${label.padEnd(44)} p50 ${p(xs, 0.5).toFixed(1)} ms  p95 ${p(xs, 0.95).toFixed(1)} ms`)
    return p(xs, 0.95)
  }
  const headers = { authorization: `Bearer ${token}` }
  const base = await time('baseline: select 1 round trip', () => sql`select 1`.execute(db))
  let worst = 0
  for (const q of ['to_accept', 'in_progress', 'overdue', 'to_dispatch']) {
    worst = Math.max(worst, await time(`GET /api/cases?queue=${q} (${CASES} cases)`, () => app.inject({ method: 'GET', url: `/api/cases?queue=${q}&limit=50`, headers })))
  }
  console.log(`work queue p95 worst ${worst.toFixed(1)} ms   [goal < 50 ms]; ${(worst / base).toFixed(0)}× a select 1`)
  await app.close()
} finally {
  server?.kill('SIGTERM')
  await database.close()
  const c = new pg.Client({ connectionString: BASE })
  await c.connect()
  if (process.env.BENCH_KEEP === '1') console.log(`kept database ${NAME} (BENCH_KEEP=1): drop it yourself`)
  else await c.query(`drop database if exists ${NAME} with (force)`)
  await c.end()
  rmSync(dataDir, { recursive: true, force: true })
}
