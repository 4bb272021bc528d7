// 民情大脑's hot words (issue 14) on PostgreSQL at a million texts, beside same-run baselines (the machines are
// shared and noisy: read the ratios).
//  - data: the rollup brain_hotwords as the hot-word fold leaves it after BENCH_TEXTS (default 1,000,000) texts
//    spread over BENCH_DAYS (default 365) days up to today, generated directly in SQL (the rollup is what the query
//    reads): each text in one of 300 grids (嵊州's shape: 15 towns × 20 villages, a grid each) and one of 6 sources,
//    with 3–7 hot words (5 on average, fewer once repeats are dropped; the filter gives 4.9 per text on the demo's
//    case texts, 2.8 on the corpus's one-line ones) drawn from a Zipf-like vocabulary (P(k) ∝ 1/k) of BENCH_VOCAB
//    (default 30,000) words; every
//    text adds 1 to each of its words and to the texts' row '' for its day × source and '*' × its grid and each
//    ancestor (village, town, county, city), as foldHotwords() does, and the weekly grain sums the days of towns and up
//    by week;
//  - GET /api/brain/hotwords for the county, 30 days (top 50 by count; and order=rising), 7 days, and a town;
//                                                                             [goal: county, 30 days, p95 < 100 ms]
//  - baselines: a `select 1` round trip, and a plain `select count(*)` over the very rows the 30-day query reads;
//  - the filter per text: hotwords() over tokenize()'s output beside tokenize() alone (what the fold adds per text).
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names the server; a fresh database is created
// and dropped (BENCH_KEEP=1 keeps it; BENCH_REUSE=<its name> measures a kept one again without generating: generating
// a million texts' rollup takes 5–20 minutes on a shared two-core machine).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { sql } from 'kysely'
import { migrateToLatest, openDatabase } from '../server/src/db/index.ts'
import { hashToken, newToken } from '../server/src/platform/auth.ts'
import { upsertRegions } from '../server/src/modules/regions/regions.repository.ts'
import { hotwords, tokenize } from '../server/src/modules/brain/text.ts'

const BASE = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const TEXTS = Number(process.env.BENCH_TEXTS ?? 1_000_000)
const DAYS = Number(process.env.BENCH_DAYS ?? 365)
const VOCAB = Number(process.env.BENCH_VOCAB ?? 30_000)
const REUSE = process.env.BENCH_REUSE
const NAME = REUSE || `minqing_bench_hotwords_${Date.now().toString(36)}`
const url = (db: string) => Object.assign(new URL(BASE), { pathname: '/' + db }).toString()
const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]

// ---- the filter per text (no database) ----
{
  const corpus = readFileSync(new URL('../server/src/modules/brain/corpus/categories.tsv', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t')[1])
  const texts = Array.from({ length: 5000 }, (_, i) => `${corpus[i % corpus.length]}${i}`)
  const places = new Set(['嵊州', '嵊州市', '雅璜', '雅璜村'])
  for (const t of texts.slice(0, 300)) hotwords(tokenize(t), places) // warm up (jieba's dictionary, the POS cache)
  let s = performance.now()
  const tokens = texts.map((t) => tokenize(t))
  const tok = (performance.now() - s) / texts.length
  s = performance.now()
  let n = 0
  for (const t of tokens) n += hotwords(t, places).length
  const filter = (performance.now() - s) / texts.length
  console.log(
    `filter: hotwords() ${(filter * 1000).toFixed(1)} µs/text beside tokenize() ${(tok * 1000).toFixed(1)} µs/text (${((filter / tok) * 100).toFixed(0)} %), ${(n / texts.length).toFixed(1)} hot words per text`,
  )
}

const admin = new pg.Client({ connectionString: BASE })
await admin.connect()
if (!REUSE) await admin.query(`create database ${NAME}`)
const database = await openDatabase({ url: url(NAME), poolSize: 4 })
const dataDir = mkdtempSync(join(tmpdir(), 'minqing-bench-hotwords-'))
try {
  const db = database.db
  const towns = Array.from({ length: 15 }, (_, i) => `330683${String(101 + i)}`)
  if (!REUSE) {
    await migrateToLatest(db)
    await upsertRegions(db, [
      { code: '330600', name: '绍兴市', level: 'city', parentCode: null },
      { code: '330683', name: '嵊州市', level: 'county', parentCode: '330600' },
      ...towns.map((c, i) => ({ code: c, name: `镇${i}`, level: 'town' as const, parentCode: '330683' })),
      ...towns.flatMap((t) => Array.from({ length: 20 }, (_, j) => ({ code: `${t}${200 + j}`, name: `村${t.slice(-3)}-${j}`, level: 'village' as const, parentCode: t }))),
      ...towns.flatMap((t) => Array.from({ length: 20 }, (_, j) => ({ code: `${t}${200 + j}001`, name: `网格${t.slice(-3)}-${j}`, level: 'grid' as const, parentCode: `${t}${200 + j}` }))),
    ])
    const county = (await db.selectFrom('regions').select('id').where('code', '=', '330683').executeTakeFirstOrThrow()).id
    await db
      .insertInto('users')
      .values({ phone: '13900000001', name: '压测', password_hash: 'x', roles: ['admin'], region_id: county })
      .execute()
  }
  const county = (await db.selectFrom('regions').select('id').where('code', '=', '330683').executeTakeFirstOrThrow()).id
  const user = await db.selectFrom('users').select('id').where('phone', '=', '13900000001').executeTakeFirstOrThrow()
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
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10)
  if (REUSE) console.log(`reusing ${REUSE}: the rollup as a previous run left it`)
  else {
    // The rollup records the filter it was folded with: settle it now (brain_docs is empty), so the brain's job
    // does not rebuild the generated rollup from brain_docs below.
    await app.services.hotwords.refreshFilter()

    // ---- the rollup of TEXTS texts, day by day ----
    const t0 = performance.now()
    await sql`create unlogged table bench_anc as
      select g.id as grid_id, a.id as region_id from regions g join regions a on g.path like a.path || '%' where g.level = 'grid'`.execute(db)
    await sql`create unlogged table bench_grids as select row_number() over (order by id) - 1 as i, id from regions where level = 'grid'`.execute(db)
    // Bulk load without the primary keys, then build them as the migrations define them (faster than 1,000,000 texts'
    // worth of index inserts; the same indexes the queries read).
    const pkeys = (
      await sql<{ table: string; name: string; def: string }>`
        select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
        where conname in ('brain_hotwords_pkey', 'brain_hotwords_weekly_pkey')`.execute(db)
    ).rows
    for (const k of pkeys) await sql`alter table ${sql.table(k.table)} drop constraint ${sql.ref(k.name)}`.execute(db)
    const grids = Number((await sql<{ n: string }>`select count(*) as n from bench_grids`.execute(db)).rows[0].n)
    for (let d = 0; d < DAYS; d++) {
      const from = Math.floor((TEXTS * d) / DAYS) + 1
      const to = Math.floor((TEXTS * (d + 1)) / DAYS)
      await sql`
        with docs as (
          select g, (${today}::date - ${d}::int) as day, b.id as grid_id,
                 (array['hotline', 'qr', 'mobile', 'diary', 'console', 'open311'])[1 + abs(hashint4(g + 7)) % 6] as source,
                 array(select distinct '词' || floor(exp(random() * ln(${VOCAB}::float8)))::int from generate_series(1, 3 + g % 5) where g > 0) as words
          from generate_series(${from}::int, ${to}::int) g
          join bench_grids b on b.i = abs(hashint4(g)) % ${grids}
        ), w as (
          select day, grid_id, source, '' as word from docs
          union all select day, grid_id, source, unnest(words) from docs
        )
        insert into brain_hotwords (day, region_id, source, word, n)
        select w.day, a.region_id, s.source, w.word, count(*)
        from w join bench_anc a on a.grid_id = w.grid_id cross join lateral (values (w.source), ('*')) s(source)
        group by 1, 2, 3, 4`.execute(db)
    }
    // The weekly grain: the days of towns and up summed by ISO week, as the fold keeps it.
    for (let d = 0; d < DAYS + 7; d += 7) {
      const monday = sql`date_trunc('week', ${today}::date - ${d}::int)::date`
      await sql`
        insert into brain_hotwords_weekly (week, region_id, source, word, n)
        select ${monday}, region_id, source, word, sum(n) from brain_hotwords
        where day between ${monday} and ${monday} + 6 and region_id in (select id from regions where level in ('city', 'county', 'town'))
        group by 2, 3, 4`.execute(db)
    }
    const genS = (performance.now() - t0) / 1000
    const t1 = performance.now()
    for (const k of pkeys) await sql`alter table ${sql.table(k.table)} add constraint ${sql.ref(k.name)} ${sql.raw(k.def)}`.execute(db)
    await sql`vacuum analyze brain_hotwords`.execute(db)
    await sql`vacuum analyze brain_hotwords_weekly`.execute(db)
    const indexS = (performance.now() - t1) / 1000
    const rows = Number((await sql<{ n: string }>`select count(*) as n from brain_hotwords`.execute(db)).rows[0].n)
    const weekRows = Number((await sql<{ n: string }>`select count(*) as n from brain_hotwords_weekly`.execute(db)).rows[0].n)
    const size = (await sql<{ s: string }>`select pg_size_pretty(pg_total_relation_size('brain_hotwords') + pg_total_relation_size('brain_hotwords_weekly')) as s`.execute(db)).rows[0].s
    console.log(
      `rollup: ${TEXTS.toLocaleString()} texts over ${DAYS} days → ${rows.toLocaleString()} day rows + ${weekRows.toLocaleString()} week rows (${size}), generated in ${genS.toFixed(0)} s + primary keys and vacuum ${indexS.toFixed(0)} s`,
    )
  }

  const headers = { authorization: `Bearer ${token}` }
  const get = async (u: string) => {
    const res = await app.inject({ method: 'GET', url: u, headers })
    if (res.statusCode !== 200) throw new Error(`${u}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    return res
  }
  async function time(label: string, run: () => Promise<unknown>, n = 60) {
    for (let i = 0; i < 5; i++) await run()
    const xs: number[] = []
    for (let i = 0; i < n; i++) {
      const s = performance.now()
      await run()
      xs.push(performance.now() - s)
    }
    console.log(`${label.padEnd(72)} p50 ${p(xs, 0.5).toFixed(1)} ms  p95 ${p(xs, 0.95).toFixed(1)} ms`)
    return p(xs, 0.95)
  }
  const from30 = new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10)
  const read = (await sql<{ n: string }>`select count(*) as n from brain_hotwords where region_id = ${county} and source = '*' and day between ${from30}::date and ${today}::date`.execute(db)).rows[0]
    .n
  const first = JSON.parse((await get('/api/brain/hotwords?regionCode=330683&days=30')).body) as { word: string; count: number; trend: number }[]
  if (first.length === 0) throw new Error('no hot words')
  console.log(
    `county, 30 days: ${Number(read).toLocaleString()} rollup rows read; top: ${first
      .slice(0, 5)
      .map((w) => `${w.word} ${w.count}`)
      .join(', ')}`,
  )

  const one = await time('baseline: select 1 round trip', () => sql`select 1`.execute(db))
  const count = await time('baseline: select count(*) over the county’s 30 days of rows', () =>
    sql`select count(*) from brain_hotwords where region_id = ${county} and source = '*' and day between ${from30}::date and ${today}::date`.execute(db),
  )
  const top = await time('GET /api/brain/hotwords county, 30 days (top 50)', () => get('/api/brain/hotwords?regionCode=330683&days=30'))
  const rising = await time('GET /api/brain/hotwords county, 30 days, order=rising', () => get('/api/brain/hotwords?regionCode=330683&days=30&order=rising'))
  const week = await time('GET /api/brain/hotwords county, 7 days', () => get('/api/brain/hotwords?regionCode=330683&days=7'))
  const town = await time('GET /api/brain/hotwords a town, 30 days', () => get(`/api/brain/hotwords?regionCode=${towns[0]}&days=30`))
  const hotline = await time('GET /api/brain/hotwords county, 30 days, source=hotline', () => get('/api/brain/hotwords?regionCode=330683&days=30&source=hotline'))
  console.log(
    `county, 30 days: top ${top.toFixed(1)} ms, rising ${rising.toFixed(1)} ms   [goal < 100 ms] ${Math.max(top, rising) < 100 ? 'OK' : 'MISSED'}; ` +
      `${(top / count).toFixed(2)}× a count(*) of its rows, ${(top / one).toFixed(0)}× a select 1; 7 days ${week.toFixed(1)} ms, a town ${town.toFixed(1)} ms, hotline ${hotline.toFixed(1)} ms`,
  )
  await app.close()
} finally {
  await database.close()
  const c = new pg.Client({ connectionString: BASE })
  await c.connect()
  if (process.env.BENCH_KEEP === '1' || REUSE) console.log(`kept database ${NAME}: drop it yourself`)
  else await c.query(`drop database if exists ${NAME} with (force)`)
  await c.end()
  await admin.end()
  rmSync(dataDir, { recursive: true, force: true })
}
