// Similar cases and 一类事 (issue 14) on PostgreSQL at BENCH_DOCS texts (default 1,000,000), each figure beside a
// same-run baseline (the machines are shared and noisy: read the ratios).
//  1. Indexing: the similar consumer's bulk path (document frequencies + postings, no cluster assignment) over
//     the whole corpus, in batches of 5,000, vs a raw INSERT of the same rows into brain_docs — texts/s.
//  2. Clustering: the full consumer (postings + batch-wise cluster assignment) on new texts on top of the corpus,
//     without and with clusters in place, and the bulk path alone on as many — texts/s, against the intake
//     benchmark's rate (POST /api/cases, docs/operations.md); clustering's own rate is the difference.
//  3. Lookup: `lookup()` (the engine of GET /api/cases/:id/similar) for 500 random texts over 180 days, p50/p95,
//     vs a `select 1` round trip. Goal: p95 < 30 ms.
// Texts: the demo's case and diary templates filled with hamlets and numbers, plus 2–6 words drawn from the whole
// template vocabulary, spread over 365 days and 300 villages in 15 towns.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { sql } from 'kysely'
import { migrateToLatest, openDatabase } from '../server/src/db/index.ts'
import { upsertRegions } from '../server/src/modules/regions/regions.repository.ts'
import { CASE_TEMPLATES, DIARY_TEXTS } from '../server/src/seed/activity-templates.ts'
import { tokenize } from '../server/src/modules/brain/text.ts'
import { lookup, similarConsumer } from '../server/src/modules/brain/similar.ts'
import type { DocChange } from '../server/src/modules/brain/indexer.ts'
import { upsertDocs, type BrainDoc } from '../server/src/modules/brain/docs.repository.ts'

const BASE = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const DOCS = Number(process.env.BENCH_DOCS || 1_000_000)
const NAME = `minqing_bench_sim_${Date.now().toString(36)}`
const url = (db: string) => Object.assign(new URL(BASE), { pathname: '/' + db }).toString()
const INTAKE_RATE = 2897 // POST /api/cases req/s, docs/operations.md (npm run bench -- cases)

let seed = 42
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]

const admin = new pg.Client({ connectionString: BASE })
await admin.connect()
await admin.query(`create database ${NAME}`)
const database = await openDatabase({ url: url(NAME), poolSize: 4 })
try {
  const db = database.db
  await migrateToLatest(db)
  const towns = Array.from({ length: 15 }, (_, i) => `330683${String(101 + i)}`)
  await upsertRegions(db, [
    { code: '330600', name: '绍兴市', level: 'city', parentCode: null },
    { code: '330683', name: '嵊州市', level: 'county', parentCode: '330600' },
    ...towns.map((code, i) => ({ code, name: `镇${i}`, level: 'town' as const, parentCode: '330683' })),
    ...towns.flatMap((t) => Array.from({ length: 20 }, (_, j) => ({ code: `${t}${200 + j}`, name: `村${t.slice(-2)}${j}`, level: 'village' as const, parentCode: t }))),
  ])
  const villages = (await sql<{ id: number; path: string }>`select id, path from regions where level = 'village'`.execute(db)).rows

  // Base texts, segmented once; variants add words drawn from the whole vocabulary.
  const hamlets = ['东山', '下宅', '后畈', '桥头', '上坞', '塘湾', '岭脚', '前村', '新屋', '王家']
  const bases: string[] = []
  for (const t of Object.values(CASE_TEMPLATES)) for (const a of t.titles) for (const d of t.descriptions) bases.push(`${a}\n${d}`)
  const caseBases = bases.length
  for (const list of Object.values(DIARY_TEXTS)) for (const s of list) bases.push(s)
  const baseTokens: string[][] = []
  for (const b of bases) for (const h of hamlets) baseTokens.push(tokenize(b.replaceAll('{h}', h).replaceAll('{v}', '').replaceAll('{e}', '企业').replaceAll('{n}', '')))
  const vocab = [...new Set(baseTokens.flat().filter((w) => w.length >= 2))]
  console.log(`corpus: ${bases.length} templates × ${hamlets.length} hamlets, vocabulary ${vocab.length} words`)
  const now = Date.now()
  const makeDoc = (): BrainDoc => {
    const v = pick(villages)
    const extra = Array.from({ length: 2 + Math.floor(rnd() * 5) }, () => pick(vocab))
    const diary = rnd() < 0.3
    const source = diary ? 'diary' : pick(['hotline', 'qr', 'mobile', 'console'])
    const at = new Date(now - Math.floor(rnd() * 365 * 86_400_000))
    const base = Math.floor(rnd() * baseTokens.length)
    return {
      kind: diary ? 'diary' : 'case',
      refId: randomUUID(),
      refVersion: 1,
      regionId: v.id,
      regionPath: v.path,
      source,
      categoryId: null,
      at,
      tokens: [...baseTokens[base], ...extra],
      // A problem text (clustered): every case; a diary entry worded as a case (a concern), not a routine visit note.
      problem: !diary || base < caseBases * hamlets.length,
    }
  }

  // ---- 1. bulk indexing vs raw INSERT ----------------------------------------------------------------------
  const bulk = similarConsumer(() => undefined, { clusters: false })
  let rawMs = 0
  let consumerMs = 0
  const BATCH = 5000
  for (let done = 0; done < DOCS; done += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, DOCS - done) }, makeDoc)
    let t0 = performance.now()
    await upsertDocs(db, docs)
    rawMs += performance.now() - t0
    const changes: DocChange[] = docs.map((doc) => ({ old: null, doc }))
    t0 = performance.now()
    await db.transaction().execute((trx) => bulk(trx, changes))
    consumerMs += performance.now() - t0
    if ((done / BATCH) % 40 === 0) console.log(`  ${done + docs.length} texts indexed…`)
  }
  const postings = (await sql<{ n: string }>`select count(*) as n from brain_postings`.execute(db)).rows[0].n
  console.log(
    `1. indexing ${DOCS} texts (${postings} postings): similar consumer ${Math.round(DOCS / (consumerMs / 1000))} texts/s; baseline raw INSERT into brain_docs ${Math.round(DOCS / (rawMs / 1000))} rows/s (ratio ${(rawMs / consumerMs).toFixed(2)})`,
  )
  await sql`vacuum analyze`.execute(db)

  // ---- 2. clustering on top of the corpus ------------------------------------------------------------------
  // Batches of 200 in a transaction each, as the indexer runs: (a) the full consumer on 2,000 new texts when no
  // cluster exists yet (every problem text looks for a partner), (b) the bulk path alone on 2,000 more (the
  // indexing share), (c) the full consumer on 2,000 more (clusters exist). Clustering's own rate: 2,000 texts over
  // the time the full consumer takes beyond the bulk path.
  const full = similarConsumer(() => undefined)
  const run = async (consumer: typeof full) => {
    const texts = Array.from({ length: 2000 }, makeDoc)
    const t0 = performance.now()
    for (let i = 0; i < texts.length; i += 200) {
      const part = texts.slice(i, i + 200)
      await db.transaction().execute(async (trx) => {
        await upsertDocs(trx, part)
        await consumer(
          trx,
          part.map((doc) => ({ old: null, doc })),
        )
      })
    }
    return performance.now() - t0
  }
  const counts = async () => (await sql<{ n: string; m: string }>`select (select count(*) from brain_clusters) as n, (select count(*) from brain_cluster_members) as m`.execute(db)).rows[0]
  const cold = await run(full)
  const afterCold = await counts()
  const index = await run(bulk)
  const warm = await run(full)
  const afterWarm = await counts()
  const rate = (ms: number) => Math.round(2000 / (ms / 1000))
  const vsIntake = (ms: number) => `${rate(ms)} texts/s (${Math.round((rate(ms) / INTAKE_RATE) * 100)} % of intake)`
  console.log(
    `2. 2,000 new texts at a time on ${DOCS}, vs intake ${INTAKE_RATE} req/s: full consumer, no clusters yet ${vsIntake(cold)} → ${afterCold.n} clusters, ${afterCold.m} members; ` +
      `bulk path alone ${vsIntake(index)}; full consumer, clusters exist ${vsIntake(warm)} → ${afterWarm.n} clusters, ${afterWarm.m} members. ` +
      `Clustering alone: ${warm > index ? vsIntake(warm - index) : 'no measurable cost'} with clusters, ${cold > index ? vsIntake(cold - index) : 'no measurable cost'} without`,
  )

  // ---- 3. lookup p95 vs select 1 ---------------------------------------------------------------------------
  const probes = (await sql<{ kind: 'case' | 'diary'; ref_id: string; tokens: string[] }>`select kind, ref_id, tokens from brain_docs tablesample system (1) limit 500`.execute(db)).rows
  const times: number[] = []
  const base: number[] = []
  let found = 0
  for (const p of probes) {
    let s = performance.now()
    await sql`select 1`.execute(db)
    base.push(performance.now() - s)
    s = performance.now()
    const r = await lookup(db, p.tokens, new Date(now - 180 * 86_400_000), new Date(now + 86_400_000), { kind: p.kind, refId: p.ref_id }, 10)
    times.push(performance.now() - s)
    found += r.length
  }
  console.log(
    `3. similar lookup over ${DOCS} texts (180 days), ${probes.length} probes: p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms (goal < 30 ms), ${(found / probes.length).toFixed(1)} results each; baseline select 1 p95 ${pct(base, 95).toFixed(2)} ms`,
  )
} finally {
  await database.close()
  if (!process.env.BENCH_KEEP) await admin.query(`drop database ${NAME}`)
  await admin.end()
}
