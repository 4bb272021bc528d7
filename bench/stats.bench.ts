// Statistics on PostgreSQL, each figure beside a same-run baseline (the machines are shared and noisy: read ratios).
//  1. Folding: cases with realistic timelines inserted with generate_series (the raw insert rate is the baseline),
//     then the folder catches up from 0. Goal: it folds faster than cases are inserted (rollups keep up with intake).
//  2. GET /api/cockpit/summary for the county at each size vs `select 1` and a raw `select count(*) from cases`.
//     Goal: p95 < 50 ms, and at the largest size ≤ 1.5× its time at the smallest.
//  3. A county month by town × category: GET /api/stats/cases?groupBy=region (towns) and groupBy=category for a
//     month, and the rollup SQL of the town × category table. Goal: < 100 ms.
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names the server; a fresh database is created
// and dropped (BENCH_KEEP=1 keeps it). BENCH_STEPS: the sizes, comma-separated (default 100000,1000000).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { sql } from 'kysely'
import { migrateToLatest, openDatabase } from '../server/src/db/index.ts'
import { hashToken, newToken } from '../server/src/platform/auth.ts'
import { upsertRegions } from '../server/src/modules/regions/regions.repository.ts'
import { StatsFolder } from '../server/src/modules/stats/folder.ts'

const BASE = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const STEPS = (process.env.BENCH_STEPS || '100000,1000000').split(',').map(Number)
const NAME = `minqing_bench_stats_${Date.now().toString(36)}`
const url = (db: string) => Object.assign(new URL(BASE), { pathname: '/' + db }).toString()
const YEAR = new Date().getUTCFullYear()

const admin = new pg.Client({ connectionString: BASE })
await admin.connect()
await admin.query(`create database ${NAME}`)
const database = await openDatabase({ url: url(NAME), poolSize: 4 })
const dataDir = mkdtempSync(join(tmpdir(), 'minqing-bench-stats-'))
try {
  await migrateToLatest(database.db)
  const db = database.db
  // 嵊州's shape: 15 towns × 20 villages, a grid each.
  const towns = Array.from({ length: 15 }, (_, i) => `330683${String(101 + i)}`)
  await upsertRegions(db, [
    { code: '330600', name: '绍兴市', level: 'city', parentCode: null },
    { code: '330683', name: '嵊州市', level: 'county', parentCode: '330600' },
    ...towns.map((c, i) => ({ code: c, name: `镇${i}`, level: 'town' as const, parentCode: '330683' })),
    ...towns.flatMap((t) => Array.from({ length: 20 }, (_, j) => ({ code: `${t}${200 + j}`, name: `村${t.slice(-3)}-${j}`, level: 'village' as const, parentCode: t }))),
    ...towns.flatMap((t) => Array.from({ length: 20 }, (_, j) => ({ code: `${t}${200 + j}001`, name: `网格${t.slice(-3)}-${j}`, level: 'grid' as const, parentCode: `${t}${200 + j}` }))),
  ])
  const county = (await db.selectFrom('regions').select('id').where('code', '=', '330683').executeTakeFirstOrThrow()).id
  for (const t of await db.selectFrom('regions').select('id').where('level', '=', 'town').execute())
    await db
      .insertInto('units')
      .values({ name: `镇政府${t.id}`, kind: 'town_office', region_id: t.id })
      .execute()
  const user = await db
    .insertInto('users')
    .values({ phone: '13900000001', name: '压测', password_hash: 'x', roles: ['admin'], region_id: county })
    .returning('id')
    .executeTakeFirstOrThrow()
  const token = newToken()
  await db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), user_id: user.id, expires_at: new Date(Date.now() + 86_400_000) })
    .execute()

  const { buildApp } = await import('../server/src/app.ts')
  const { createContext } = await import('../server/src/bootstrap.ts')
  const { loadConfig } = await import('../server/src/config.ts')
  const ctx = await createContext(loadConfig({ DATA_DIR: dataDir, MINQING_SECRET: 'bench-secret-0123456789abcdef', NODE_ENV: 'production' }), { database, migrate: false })
  const app = await buildApp(ctx, { logger: false })
  await app.ready()
  const headers = { authorization: `Bearer ${token}` }
  const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]
  async function time(label: string, run: () => Promise<unknown>, n = 100) {
    for (let i = 0; i < 5; i++) await run()
    const xs: number[] = []
    for (let i = 0; i < n; i++) {
      const s = performance.now()
      await run()
      xs.push(performance.now() - s)
    }
    console.log(`${label.padEnd(60)} p50 ${p(xs, 0.5).toFixed(1)} ms  p95 ${p(xs, 0.95).toFixed(1)} ms`)
    return p(xs, 0.95)
  }
  const get = async (u: string) => {
    const res = await app.inject({ method: 'GET', url: u, headers })
    if (res.statusCode !== 200) throw new Error(`${u}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    return res
  }

  const folder = new StatsFolder(db, null, (err) => console.error(err), { batch: 20_000 })
  let have = 0
  const summaryP95: number[] = []
  for (const size of STEPS) {
    // ---- 1. insert (baseline) and fold ----------------------------------------------------------------------
    // A year of cases over the 300 grids: 85 % closed (rated, 4 % of them overdue first), 3 % rejected, the rest
    // new / dispatched / accepted / replied; 2 % with a yellow card; every case its events as the lifecycle writes them.
    const t0 = performance.now()
    for (let from = have + 1; from <= size; from += 100_000) {
      const to = Math.min(size, from + 99_999)
      await sql`
        with made as (
          insert into cases (number, channel, state, level, region_id, category_id, urgency, title, description, reporter_kind,
                             unit_id, due_at, warned_at, overdue_at, created_at, closed_at, replied_at, rating)
          select 'MQ-S-' || g, 'walk_in', s.state, 'grid', s.region_id, s.category_id, 'normal', '事项' || g, '批量生成', 'anonymous',
                 case when s.state <> 'new' and s.state <> 'rejected' then s.unit_id end,
                 s.created + interval '14 days',
                 case when g % 25 = 0 and s.state <> 'new' then s.created + interval '10 days' end,
                 case when g % 25 = 0 and s.state <> 'new' then s.created + interval '14 days' end,
                 s.created,
                 case when s.state in ('closed', 'rejected') then s.created + (1 + g % 9) * interval '1 day' end,
                 case when s.state in ('closed', 'replied') then s.created + (g % 9) * interval '1 day' end,
                 case when s.state = 'closed' then (case when g % 10 = 0 then 'basically_satisfied' else 'satisfied' end) end
          from generate_series(${from}::int, ${to}::int) g
          cross join lateral (
            select (case when g % 100 < 85 then 'closed' when g % 100 < 88 then 'rejected'
                         else (array['new', 'dispatched', 'accepted', 'replied'])[1 + g % 4] end) as state,
                   (select id from regions where level = 'grid' order by id offset (abs(hashint4(g)) % 300) limit 1) as region_id,
                   (select id from categories where parent_id is not null order by id offset (abs(hashint4(g + 1)) % 30) limit 1) as category_id,
                   (select u.id from units u order by u.id offset (abs(hashint4(g + 2)) % 15) limit 1) as unit_id,
                   ${`${YEAR}-01-01T08:00:00+08:00`}::timestamptz + ((g::bigint * 7919) % 330) * interval '1 day' + (g % 600) * interval '1 minute' as created
          ) s
          returning id, state, unit_id, created_at, number
        ), ev as (
          select m.id, m.state, m.unit_id, m.created_at, substr(m.number, 6)::int as g from made m
        )
        insert into case_events (case_id, action, from_state, to_state, at, data)
        select id, 'create', null, 'new', created_at, '{}'::jsonb from ev
        union all select id, 'dispatch', 'new', 'dispatched', created_at + interval '1 hour', jsonb_build_object('unitId', unit_id, 'level', 'grid', 'fromLevel', 'grid') from ev where state not in ('new', 'rejected')
        union all select id, 'reject', 'new', 'rejected', created_at + interval '1 hour', '{}'::jsonb from ev where state = 'rejected'
        union all select id, 'accept', 'dispatched', 'accepted', created_at + interval '2 hours', '{}'::jsonb from ev where state in ('accepted', 'replied', 'closed')
        union all select id, 'supervise', 'accepted', 'accepted', created_at + interval '3 hours', '{"level":"yellow"}'::jsonb from ev where state in ('accepted', 'replied', 'closed') and g % 50 = 0
        union all select id, 'overdue', 'accepted', 'accepted', created_at + interval '14 days', '{}'::jsonb from ev where state in ('accepted', 'replied', 'closed') and g % 25 = 0
        union all select id, 'reply', 'accepted', 'replied', created_at + (g % 9) * interval '1 day' + interval '4 hours', '{}'::jsonb from ev where state in ('replied', 'closed')
        union all select id, 'rate', 'replied', 'closed', created_at + (1 + g % 9) * interval '1 day', jsonb_build_object('rating', case when g % 10 = 0 then 'basically_satisfied' else 'satisfied' end) from ev where state = 'closed'
      `.execute(db)
    }
    const events = Number((await sql<{ n: string }>`select count(*) as n from case_events`.execute(db)).rows[0].n)
    const insertS = (performance.now() - t0) / 1000
    await sql`vacuum analyze cases`.execute(db)
    await sql`vacuum analyze case_events`.execute(db)
    const t1 = performance.now()
    const folded = await folder.fold()
    const foldS = (performance.now() - t1) / 1000
    await sql`vacuum analyze stats_fine`.execute(db)
    await sql`vacuum analyze stats_daily`.execute(db)
    await sql`vacuum analyze stats_monthly`.execute(db)
    const rollupRows = (
      await sql<{
        t: string
        n: number
      }>`select 'fine' as t, count(*)::int as n from stats_fine union all select 'daily', count(*)::int from stats_daily union all select 'monthly', count(*)::int from stats_monthly`.execute(db)
    ).rows
    console.log(`\n--- ${size.toLocaleString()} cases (${events.toLocaleString()} events)`)
    console.log(`baseline: insert ${size - have} cases + events with generate_series   ${insertS.toFixed(1)} s  (${Math.round((size - have) / insertS)} cases/s)`)
    console.log(
      `fold from the watermark: ${folded.cases} cases, ${folded.events} event ids   ${foldS.toFixed(1)} s  (${Math.round(folded.cases / foldS)} cases/s; ${((size - have) / insertS / (folded.cases / foldS)).toFixed(2)}× slower than the insert)   rollup rows: ${rollupRows.map((r) => `${r.t} ${r.n}`).join(', ')}`,
    )
    have = size

    // ---- 2. cockpit summary ---------------------------------------------------------------------------------
    const one = await time('baseline: select 1 round trip', () => sql`select 1`.execute(db))
    const count = await time('baseline: select count(*) from cases', () => sql`select count(*) from cases`.execute(db), 20)
    const total = JSON.parse((await get('/api/cockpit/summary?regionCode=330683')).body)
    if (total.totals.year === 0) throw new Error('the summary shows no case')
    const s = await time(`GET /api/cockpit/summary (county, ${size} cases)`, () => get('/api/cockpit/summary?regionCode=330683'))
    summaryP95.push(s)
    console.log(`cockpit summary p95 ${s.toFixed(1)} ms   [goal < 50 ms]; ${(s / one).toFixed(0)}× a select 1, ${(s / count).toFixed(2)}× a count(*) of cases`)

    // ---- 3. a county month by town × category --------------------------------------------------------------
    const month = `from=${YEAR}-03-01&to=${YEAR}-03-31`
    const byTown = await time('GET /api/stats/cases county March groupBy=region', () => get(`/api/stats/cases?regionCode=330683&${month}&groupBy=region`))
    const byCat = await time('GET /api/stats/cases county March groupBy=category', () => get(`/api/stats/cases?regionCode=330683&${month}&groupBy=category`))
    const cross = await time('SQL: county March town × top category (stats_monthly)', () =>
      sql`select r.code, t.category_id, sum(t.received), sum(t.closed), sum(t.satisfied), sum(t.rated)
          from stats_monthly t join regions r on r.id = t.region_id and r.parent_id = ${county}
          where t.period = ${`${YEAR}-03-01`}::date group by 1, 2`.execute(db),
    )
    const daily = await time('GET /api/stats/cases county year groupBy=day', () => get(`/api/stats/cases?regionCode=330683&from=${YEAR}-01-01&to=${YEAR}-12-31&groupBy=day`), 20)
    const unit = await time('GET /api/stats/cases county March groupBy=unit (fine rollup)', () => get(`/api/stats/cases?regionCode=330683&${month}&groupBy=unit`), 20)
    console.log(
      `county month: by town ${byTown.toFixed(1)} ms, by category ${byCat.toFixed(1)} ms, town × category SQL ${cross.toFixed(1)} ms   [goal < 100 ms]; year by day ${daily.toFixed(1)} ms, month by unit ${unit.toFixed(1)} ms`,
    )
  }
  if (summaryP95.length > 1) console.log(`\ncockpit summary p95 at ${STEPS.at(-1)} vs ${STEPS[0]}: ${(summaryP95.at(-1)! / summaryP95[0]).toFixed(2)}×   [goal ≤ 1.5×]`)
  await folder.close()
  await app.close()
} finally {
  await database.close()
  const c = new pg.Client({ connectionString: BASE })
  await c.connect()
  if (process.env.BENCH_KEEP === '1') console.log(`kept database ${NAME} (BENCH_KEEP=1): drop it yourself`)
  else await c.query(`drop database if exists ${NAME} with (force)`)
  await c.end()
  await admin.end()
  rmSync(dataDir, { recursive: true, force: true })
}
