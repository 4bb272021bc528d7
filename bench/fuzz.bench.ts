// The OpenAPI fuzz (server/test/fuzz.ts) at a larger scale than `npm test` runs it, in process through
// app.inject, beside a same-run baseline: requests/s of GET /api/health through the same app.inject (the
// machines are shared and noisy; read the ratio). Prints requests sent, 5xx count and every failure.
// FUZZ_SEED (default: the time), FUZZ_PER_OPERATION (default 200), BENCH_DATABASE_URL=postgres://… to run on
// a fresh PostgreSQL database instead of PGlite.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { buildApp } from '../server/src/app.ts'
import { closeContext, createContext } from '../server/src/bootstrap.ts'
import { loadConfig } from '../server/src/config.ts'
import { hashToken, newToken } from '../server/src/platform/auth.ts'
import { MemoryBus } from '../server/src/platform/events.ts'
import { makeRegion, makeUnit, makeUser } from '../server/test/factories.ts'
import { describeFailures, type Known, runFuzz } from '../server/test/fuzz.ts'

const SEED = Number(process.env.FUZZ_SEED || Date.now() % 1_000_000_007)
const PER_OPERATION = Number(process.env.FUZZ_PER_OPERATION || 200)
const PG_BASE = process.env.BENCH_DATABASE_URL
const dataDir = mkdtempSync(join(tmpdir(), 'minqing-bench-fuzz-'))
const dbName = `minqing_fuzz_${Date.now().toString(36)}`
let admin: pg.Client | undefined
if (PG_BASE) {
  admin = new pg.Client({ connectionString: PG_BASE })
  await admin.connect()
  await admin.query(`create database ${dbName}`)
}
const dbUrl = PG_BASE ? Object.assign(new URL(PG_BASE), { pathname: '/' + dbName }).toString() : ''
const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, MINQING_SECRET: 'bench-secret-0123456789abcdef0123456789', DATABASE_URL: dbUrl, REDIS_URL: '' })
const ctx = await createContext(config, { bus: new MemoryBus() })
const app = await buildApp(ctx, { logger: false })
await app.ready()
let exitCode = 0
try {
  const village = '330683105212'
  await makeRegion(ctx.db, `${village}001`)
  await makeRegion(ctx.db, '330683106201')
  await makeUnit(ctx.db, '330683105')
  const user = await makeUser(ctx.db, { roles: ['admin', 'leader'], regionCode: '330683' })
  const login = async () => {
    const token = newToken()
    await ctx.db
      .insertInto('sessions')
      .values({ token_hash: hashToken(token), user_id: user.id, expires_at: new Date(Date.now() + 3_600_000) })
      .execute()
    return token
  }

  // Baseline: the cheapest route through the same inject path.
  const BASE_N = 3000
  let t0 = performance.now()
  for (let i = 0; i < BASE_N; i++) await app.inject({ method: 'GET', url: '/api/health' })
  const healthRps = BASE_N / ((performance.now() - t0) / 1000)

  const known: Known = { regionCodes: [village, '330683105', '330683106201', '330683'], gridCodes: [`${village}001`], ids: new Map() }
  t0 = performance.now()
  const result = await runFuzz({ app, doc: app.swagger(), seed: SEED, perOperation: PER_OPERATION, known, login, skipIds: [user.id] })
  const seconds = (performance.now() - t0) / 1000
  const fiveXX = [...result.statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0)
  console.log(`database: ${PG_BASE ? 'postgres' : 'pglite'}, seed ${SEED}, ${PER_OPERATION} cases per operation`)
  console.log(`operations: ${result.operations}`)
  console.log(`requests sent: ${result.sent} in ${seconds.toFixed(1)} s (${(result.sent / seconds).toFixed(0)} req/s)`)
  console.log(`baseline GET /api/health through app.inject: ${healthRps.toFixed(0)} req/s (fuzz at ${((result.sent / seconds / healthRps) * 100).toFixed(1)} % of it)`)
  console.log(`5xx: ${fiveXX}; other failures (a 4xx without the error shape): ${result.failures.length - fiveXX}`)
  console.log(`statuses: ${JSON.stringify(Object.fromEntries([...result.statuses].sort((a, b) => a[0] - b[0])))}`)
  if (result.failures.length) {
    console.log(describeFailures(SEED, result.failures))
    exitCode = 1
  }
} finally {
  await app.close()
  await closeContext(ctx)
  rmSync(dataDir, { recursive: true, force: true })
  if (admin) {
    await admin.query(`drop database if exists ${dbName} with (force)`)
    await admin.end()
  }
}
process.exit(exitCode)
