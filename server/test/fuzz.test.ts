// Fuzz from the OpenAPI document (issue 11): every documented operation, as an admin and without login,
// with broken input of every kind; never a 5xx, every 4xx in the JSON error shape. Deterministic: the seed
// is printed, FUZZ_SEED=<n> replays it; FUZZ_PER_OPERATION scales the run (default 32 cases per operation).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken, newToken } from '../src/platform/auth.ts'
import { createTestApp } from './app.ts'
import { makeRegion, makeUnit, makeUser } from './factories.ts'
import { describeFailures, type Known, runFuzz } from './fuzz.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 20261207)
const PER_OPERATION = Number(process.env.FUZZ_PER_OPERATION ?? 32)

describe('fuzz from the OpenAPI document', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(async () => t?.close())

  it('answers every broken request with a 4xx in the error shape, never a 5xx', async () => {
    const village = '330683105212'
    await makeRegion(t.db, `${village}001`)
    await makeRegion(t.db, '330683106201')
    await makeUnit(t.db, '330683105')
    const admin = await makeUser(t.db, { roles: ['admin', 'leader'], regionCode: '330683' })
    const login = async () => {
      const token = newToken()
      await t.db
        .insertInto('sessions')
        .values({ token_hash: hashToken(token), user_id: admin.id, expires_at: new Date(Date.now() + 3_600_000) })
        .execute()
      return token
    }
    const known: Known = { regionCodes: [village, '330683105', '330683106201', '330683'], gridCodes: [`${village}001`], ids: new Map() }
    const started = Date.now()
    const result = await runFuzz({ app: t.app, doc: t.app.swagger(), seed: SEED, perOperation: PER_OPERATION, known, login, skipIds: [admin.id] })
    const seconds = (Date.now() - started) / 1000
    console.log(
      `fuzz seed ${SEED}: ${result.operations} operations, ${result.sent} requests in ${seconds.toFixed(1)} s, ` +
        `${result.failures.length} failures; statuses ${JSON.stringify(Object.fromEntries([...result.statuses].sort((a, b) => a[0] - b[0])))}`,
    )
    if (result.failures.length) console.log(describeFailures(SEED, result.failures))
    expect(result.operations).toBeGreaterThan(100)
    expect(result.sent).toBeGreaterThan(2000)
    expect(result.failures.map((f) => `${f.op} — ${f.label}: ${f.problem.slice(0, 120)}`)).toEqual([])
  }, 300_000)
})
