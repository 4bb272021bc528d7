// 民情档案 import and list queries, each beside a same-run baseline (the machines are shared and noisy: read
// the ratios, not the seconds).
//  1. PostgreSQL: import BENCH_ROWS persons (default 1,000,000) from a generated CSV through the real import
//     code path (ImportsService.create + the background runner: sniffing, header check, storage, counting,
//     validation, encryption, chunked upserts, history, progress, audit) vs a raw COPY of the same CSV bytes
//     into a plain table with the same 14 text columns.                                   [goal ≥ 30 %]
//  2. PGlite: BENCH_PGLITE_ROWS (default 100,000) the same way vs COPY on the same PGlite.  [goal < 60 s]
//  3. PostgreSQL with those persons loaded: p50/p95 of filtered person lists through the archive's list SQL
//     (archive.repository.ts listPersons: page + total) vs a `select 1` round trip.       [goal p95 < 50 ms]
// BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names the server; the benchmark
// creates a fresh database there and drops it at the end (BENCH_KEEP=1 keeps it for EXPLAIN).
// BENCH_ONLY=pg|pglite runs one half; BENCH_FLOOR=0 skips the informative persons-only COPY floor;
// BENCH_QUERY_RUNS (default 50) sets the list-query repetitions.
import { randomBytes, randomUUID } from 'node:crypto'
import { idNumberFacts, maskIdNumber, maskPhone } from '@minqing/common'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Kysely, sql } from 'kysely'
import pg from 'pg'
import { type Database, migrateToLatest, openDatabase } from '../server/src/db/index.ts'
import type { DB } from '../server/src/db/types.ts'
import { listPersons } from '../server/src/modules/archive/archive.repository.ts'
import { ImportRunner } from '../server/src/modules/imports/imports.runner.ts'
import { ImportsService } from '../server/src/modules/imports/imports.service.ts'
import { BOM, csvLine, FIELD_HEADERS, IMPORT_FIELDS } from '../server/src/modules/imports/sheet.ts'
import { FieldCrypto } from '../server/src/platform/crypto.ts'
import type { Actor } from '../server/src/platform/policy.ts'
import { DiskStorage } from '../server/src/platform/storage.ts'
import { sniffContentType } from '../server/src/platform/uploads.ts'
import { DEMO_SEED, generateHouseholdRows } from '../server/src/seed/archive-demo.ts'
import { seedDemo } from '../server/src/seed/demo.ts'
import { actorFor } from '../server/test/factories.ts'

const ROWS = Number(process.env.BENCH_ROWS || 1_000_000)
const PGLITE_ROWS = Number(process.env.BENCH_PGLITE_ROWS || Math.min(ROWS, 100_000))
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS || 50)
const BASE = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
const SECRET = 'bench-secret-0123456789abcdef0123456789'
const COLUMNS = IMPORT_FIELDS.map((f) => FIELD_HEADERS[f])

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const secs = (ms: number) => (ms / 1000).toFixed(1) + ' s'
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]

type Village = { code: string; name: string; grids: string[]; hamlets: string[] }

async function countyVillages(db: Kysely<DB>): Promise<Village[]> {
  const regions = await db.selectFrom('regions').select(['code', 'name', 'level', 'parent_id', 'id']).where('path', 'like', '%/330683/%').execute()
  return regions
    .filter((r) => r.level === 'village')
    .map((v) => ({
      code: v.code,
      name: v.name,
      grids: regions
        .filter((g) => g.parent_id === v.id)
        .map((g) => g.code)
        .sort(),
      hamlets: [],
    }))
}

/** `rows` persons in plausible households spread over every village (and grid) of the county, village by village. */
function* personBatches(villages: Village[], rows: number) {
  const perVillage = Math.ceil(rows / 3.0 / villages.length) + 1
  const usedIds = new Set<string>()
  let n = 0
  for (let i = 0; i < villages.length && n < rows; i++) {
    const batch = generateHouseholdRows([villages[i]], perVillage, { seed: DEMO_SEED + i, usedIds }).rows.slice(0, rows - n)
    n += batch.length
    yield batch
  }
  if (n < rows) throw new Error(`generated only ${n} rows`)
}

async function makeCsv(db: Kysely<DB>, rows: number): Promise<Buffer> {
  const parts: Buffer[] = [Buffer.from(BOM + csvLine(COLUMNS), 'utf8')]
  for (const batch of personBatches(await countyVillages(db), rows)) parts.push(Buffer.from(batch.map((row) => csvLine(IMPORT_FIELDS.map((f) => row[f] ?? ''))).join(''), 'utf8'))
  return Buffer.concat(parts)
}

const PERSON_COLS = [
  'id',
  'household_id',
  'region_id',
  'name',
  'gender',
  'birth_date',
  'id_enc',
  'id_hash',
  'id_masked',
  'phone_enc',
  'phone_hash',
  'phone_masked',
  'relation',
  'political_status',
  'health',
  'children_in_city',
  'workplace',
  'notes',
]
const copyText = (v: unknown) => (v === null || v === undefined || v === '' ? '\\N' : String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!))

/**
 * The database's share alone: the same persons, already encrypted (not timed), COPY'd into a table shaped and
 * indexed like persons. No households, tags, history, lookups or checks: a floor, not a fair rival.
 */
async function personsFloor(db: Kysely<DB>, client: pg.PoolClient, rows: number) {
  const crypto = new FieldCrypto(SECRET)
  const regionId = new Map((await db.selectFrom('regions').select(['id', 'code']).execute()).map((r) => [r.code, r.id]))
  await client.query('create table bench_floor (like persons including defaults including indexes)')
  let ms = 0
  for (const batch of personBatches(await countyVillages(db), rows)) {
    const households = new Map<string, string>()
    const text =
      batch
        .map((r) => {
          const id = crypto.protect(r.idNumber, maskIdNumber)
          const phone = crypto.protect(r.phone, maskPhone)
          const facts = r.idNumber ? idNumberFacts(r.idNumber) : undefined
          if (!households.has(r.address!)) households.set(r.address!, randomUUID())
          const cic = r.childrenInCity === '是' ? 't' : r.childrenInCity === '否' ? 'f' : null
          return [
            randomUUID(),
            households.get(r.address!),
            regionId.get(r.regionCode!),
            r.name,
            facts?.gender,
            facts?.birthDate,
            id.enc,
            id.hash,
            id.masked,
            phone.enc,
            phone.hash,
            phone.masked,
            r.relation,
            r.politicalStatus,
            r.health,
            cic,
            r.workplace,
            r.notes,
          ]
            .map(copyText)
            .join('\t')
        })
        .join('\n') + '\n'
    const t0 = performance.now()
    await copyIn(client, `copy bench_floor (${PERSON_COLS.join(', ')}) from stdin`, Buffer.from(text, 'utf8'))
    ms += performance.now() - t0
  }
  await client.query('drop table bench_floor')
  return ms
}

async function adminActor(db: Kysely<DB>): Promise<Actor> {
  const admin = await db.selectFrom('users').select('id').where('phone', '=', '13800000000').executeTakeFirstOrThrow()
  return { ...(await actorFor(db, admin.id)), sessionId: 'bench' }
}

/** Through the real path: what POST /api/imports/households does after reading the upload, then the job. */
async function importThroughService(database: Database, data: Buffer, label: string) {
  const dir = mkdtempSync(join(tmpdir(), 'minqing-bench-import-'))
  try {
    const storage = new DiskStorage(dir)
    const runner = new ImportRunner(database, storage, new FieldCrypto(SECRET), { error: (o, m) => console.error(m, o), info() {} })
    const service = new ImportsService(database.db, storage, runner)
    const actor = await adminActor(database.db)
    const t0 = performance.now()
    const created = await service.create(actor, { filename: `${label}.csv`, sniffedType: sniffContentType(data), data, fields: {} })
    const ticker = setInterval(async () => {
      const j = await service.get(actor, created.id).catch(() => undefined)
      if (j) console.log(`    … ${label}: ${fmt(j.processedRows)} / ${fmt(j.totalRows)} rows after ${secs(performance.now() - t0)}`)
    }, 15_000)
    await runner.idle()
    clearInterval(ticker)
    const ms = performance.now() - t0
    const job = await service.get(actor, created.id)
    if (job.status !== 'done') throw new Error(`import ${label} ${job.status}: ${job.error}`)
    return { ms, job }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const RAW_TABLE = `create table bench_raw (${COLUMNS.map((_, i) => `c${i + 1} text`).join(', ')})`

/** COPY … FROM STDIN over the pg protocol (a minimal submittable, as pg-copy-streams does it). */
function copyIn(client: pg.PoolClient, text: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let error: unknown
    const submittable = {
      submit(connection: any) {
        connection.query(text)
      },
      handleCopyInResponse(connection: any) {
        for (let i = 0; i < data.length; i += 1 << 20) connection.sendCopyFromChunk(data.subarray(i, i + (1 << 20)))
        connection.endCopyFrom()
      },
      handleError(err: unknown) {
        error = err
      },
      handleReadyForQuery() {
        if (error) reject(error)
        else resolve()
      },
      handleCommandComplete() {},
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handlePortalSuspended() {},
    }
    client.query(submittable as any)
  })
}

async function timeQueries(db: Kysely<DB>, runs: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await fn()
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    ms.push(performance.now() - t0)
  }
  return { p50: pct(ms, 50), p95: pct(ms, 95) }
}

// ---- 1 + 3: PostgreSQL --------------------------------------------------------------------------
async function postgres() {
  const name = `minqing_bench_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: BASE })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = new URL(BASE)
  url.pathname = '/' + name
  let database: Database | undefined
  try {
    database = await openDatabase({ url: url.toString(), poolSize: 10 })
    await migrateToLatest(database.db)
    await seedDemo(database.db)
    const tg = performance.now()
    const data = await makeCsv(database.db, ROWS)
    console.log(`PostgreSQL (${name}): generated ${fmt(ROWS)} persons, ${(data.length / 1048576).toFixed(0)} MB CSV in ${secs(performance.now() - tg)}`)

    const client = await database.pool!.connect()
    await client.query(RAW_TABLE)
    const tc = performance.now()
    await copyIn(client, 'copy bench_raw from stdin with (format csv, header true)', data)
    const copyMs = performance.now() - tc
    const copied = Number((await client.query('select count(*) as n from bench_raw')).rows[0].n)
    await client.query('drop table bench_raw')
    if (copied !== ROWS) throw new Error(`COPY loaded ${copied} rows`)
    const floorMs = process.env.BENCH_FLOOR === '0' ? 0 : await personsFloor(database.db, client, ROWS)
    client.release()

    const { ms, job } = await importThroughService(database, data, 'pg')
    const rate = ROWS / (ms / 1000)
    const copyRate = ROWS / (copyMs / 1000)
    console.log(
      `  import through the real path: ${fmt(rate)} rows/s (${secs(ms)}; ${fmt(job.acceptedRows)} accepted, ${job.rejectedRows} rejected;` + ` households ${JSON.stringify(job.result.households)})`,
    )
    console.log(`  baseline raw COPY into a plain 14-column table: ${fmt(copyRate)} rows/s (${secs(copyMs)})`)
    console.log(`  ratio import / COPY: ${((rate / copyRate) * 100).toFixed(1)} %   [goal ≥ 30 %]`)
    if (floorMs)
      console.log(
        `  for scale: COPY of the same persons already encrypted into an indexed persons-shaped table (no households, history, tags, checks):` +
          ` ${fmt(ROWS / (floorMs / 1000))} rows/s (${secs(floorMs)}); import / that: ${((rate / (ROWS / (floorMs / 1000))) * 100).toFixed(1)} %`,
      )
    await sql`analyze`.execute(database.db)

    // 3. list queries over the loaded archive
    const db = database.db
    const path = async (code: string) => (await db.selectFrom('regions').select('path').where('code', '=', code).executeTakeFirstOrThrow()).path
    const tag = async (code: string) => (await db.selectFrom('tags').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
    const county = await path('330683')
    const town = await path('330683105')
    const village = await path('330683105212')
    const scope = { regionPath: county, unitId: null }
    const [alone, party] = [await tag('alone_elderly'), await tag('party_member')]
    const persons = Number((await sql<{ n: string }>`select count(*) as n from persons`.execute(db)).rows[0].n)
    console.log(`  list queries over ${fmt(persons)} persons, page of 50 + total, ${QUERY_RUNS} runs each (p50 / p95):`)
    const baseline = await timeQueries(db, QUERY_RUNS * 2, () => sql`select 1`.execute(db))
    const cases: [string, Parameters<typeof listPersons>[2]][] = [
      ['独居老人 in 石璜镇 whose children are not in the city', { regionPath: town, tagIds: [alone], childrenInCity: false, limit: 50, offset: 0 }],
      ['党员 in 雅璜村', { regionPath: village, tagIds: [party], limit: 50, offset: 0 }],
      ['name contains 明, in 石璜镇', { regionPath: town, q: '明', limit: 50, offset: 0 }],
      ['name contains 建国, county-wide', { q: '建国', limit: 50, offset: 0 }],
      ['aged 60+, children not in the city, county-wide, page 5', { childrenInCity: false, ageMin: 60, limit: 50, offset: 200 }],
    ]
    let worst = 0
    for (const [label, filter] of cases) {
      const r = await timeQueries(db, QUERY_RUNS, () => listPersons(db, scope, filter))
      worst = Math.max(worst, r.p95)
      console.log(`    ${label.padEnd(52)} ${r.p50.toFixed(1).padStart(7)} / ${r.p95.toFixed(1).padStart(7)} ms`)
    }
    console.log(`    baseline: select 1 round trip                         ${baseline.p50.toFixed(2).padStart(7)} / ${baseline.p95.toFixed(2).padStart(7)} ms`)
    console.log(`  RSS after the PostgreSQL part: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`)
    console.log(`  worst p95 ${worst.toFixed(1)} ms = ${(worst / baseline.p95).toFixed(0)}× the select-1 p95   [goal p95 < 50 ms]`)
  } finally {
    await database?.close()
    for (let i = 0; i < 50; i++) {
      const { rows } = await admin.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name])
      if (rows[0].n === 0) break
      await new Promise((r) => setTimeout(r, 100))
    }
    if (process.env.BENCH_KEEP === '1') console.log(`  kept database ${name} (BENCH_KEEP=1): drop it yourself`)
    else await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

// ---- 2: PGlite ------------------------------------------------------------------------------------
async function pglite() {
  const database = await openDatabase({})
  try {
    await migrateToLatest(database.db)
    await seedDemo(database.db)
    const data = await makeCsv(database.db, PGLITE_ROWS)
    await database.pglite!.query(RAW_TABLE)
    const tc = performance.now()
    await database.pglite!.query(`copy bench_raw from '/dev/blob' with (format csv, header true)`, [], { blob: new Blob([data as unknown as ArrayBuffer]) })
    const copyMs = performance.now() - tc
    await database.pglite!.query('drop table bench_raw')
    const { ms, job } = await importThroughService(database, data, 'pglite')
    console.log(`PGlite (in memory): ${fmt(PGLITE_ROWS)} persons`)
    console.log(`  import through the real path: ${secs(ms)}, ${fmt(PGLITE_ROWS / (ms / 1000))} rows/s (${fmt(job.acceptedRows)} accepted)   [goal < 60 s for 100,000]`)
    console.log(`  baseline raw COPY into a plain 14-column table on the same PGlite: ${secs(copyMs)}, ${fmt(PGLITE_ROWS / (copyMs / 1000))} rows/s`)
    console.log(`  ratio import / COPY: ${((copyMs / ms) * 100).toFixed(1)} %`)
  } finally {
    await database.close()
  }
}

const which = process.env.BENCH_ONLY // 'pg' | 'pglite' to run one half
if (which !== 'pglite') await postgres()
if (which !== 'pg') await pglite()
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
