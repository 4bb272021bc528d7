import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { withIdCheck } from '@minqing/common'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/db.ts'
import { makeRegion, makeUser, type MadeUser } from '../../test/factories.ts'
import { buildApp } from '../app.ts'
import { closeContext, createContext } from '../bootstrap.ts'
import { loadConfig } from '../config.ts'
import type { AppContext } from '../context.ts'
import { MemoryBus } from './events.ts'
import { redactIdentifiers } from './identifiers.ts'
import { redactUrl } from './log-redaction.ts'

// Issue 11, defect 6: ID numbers, phones and API keys in request URLs reached the log in clear; ID-number search
// moves out of the URL. The app is built here with a real logger writing into `lines`.

const ID = withIdCheck('33068319600101123')
const PHONE = '13933334444'
const API_KEY = 'mq_live_0123456789abcdefABCDEF'
const lines: string[] = []
let app: Awaited<ReturnType<typeof buildApp>>
let ctx: AppContext
let dataDir: string
let cadre: MadeUser

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'minqing-log-'))
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, MINQING_SECRET: 'test-secret-0123456789abcdef0123456789' })
  ctx = await createContext(config, { database: await createTestDatabase(), bus: new MemoryBus(), migrate: false })
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk))
      done()
    },
  })
  // debug: every request is logged only at this level (platform/request-log.ts).
  app = await buildApp(ctx, { logger: { level: 'debug', stream } })
  await app.ready()
  await makeRegion(ctx.db, '330683105212001')
  cadre = await makeUser(ctx.db, { roles: ['village_cadre'], regionCode: '330683105212' })
})
afterAll(async () => {
  await app.close()
  await closeContext(ctx)
  rmSync(dataDir, { recursive: true, force: true })
})

describe('request log', () => {
  it('never holds an ID number, a phone or an API key from a URL', async () => {
    const hh = await app.inject({ method: 'POST', url: '/api/households', headers: cadre.auth, payload: { regionCode: '330683105212001', address: '日志1号' } })
    const p = await app.inject({ method: 'POST', url: '/api/persons', headers: cadre.auth, payload: { householdId: hh.json().id, name: '日志', idNumber: ID, phone: PHONE } })
    expect(p.statusCode, p.body).toBe(201)
    lines.length = 0
    const urls = [
      `/api/persons?idNumber=${ID}`,
      `/api/persons/export?idNumber=${ID}`,
      `/api/persons/lookup?phone=${PHONE}`,
      `/api/persons/lookup?phone=%2B86%20${PHONE}`,
      `/api/persons?q=${PHONE}`,
      `/open311/v2/servicerequestupdates.json?api_key=${API_KEY}`,
      `/open311/v2/requests.json?api_key=${API_KEY}&jurisdiction_id=330683`,
      `/api/no-such-route/${ID}?token=${API_KEY}`,
    ]
    for (const url of urls) await app.inject({ method: 'GET', url, headers: cadre.auth })
    const log = lines.join('')
    // The requests were logged (the test would pass on an empty log otherwise)…
    expect(log).toContain('/api/persons/lookup?phone=')
    expect(log).toContain('/open311/v2/servicerequestupdates.json?api_key=***')
    expect(log).toContain('139****4444')
    expect(log).toContain('jurisdiction_id=330683')
    // …with none of the values.
    for (const secret of [ID, PHONE, API_KEY]) expect(log).not.toContain(secret)
  })
})

describe('ID-number search', () => {
  it('is refused in a URL (400 ID_NUMBER_IN_URL) and answered by POST /api/persons/search', async () => {
    for (const url of [`/api/persons?idNumber=${ID}`, `/api/persons/export?idNumber=${ID}`, '/api/persons?id_number=1']) {
      const res = await app.inject({ method: 'GET', url, headers: cadre.auth })
      expect(res.statusCode, url).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'ID_NUMBER_IN_URL' })
    }
    const found = await app.inject({ method: 'POST', url: '/api/persons/search', headers: cadre.auth, payload: { idNumber: ID.toLowerCase(), limit: 5 } })
    expect(found.statusCode, found.body).toBe(200)
    expect(found.json().items.map((p: { name: string }) => p.name)).toEqual(['日志'])
    const bad = await app.inject({ method: 'POST', url: '/api/persons/search', headers: cadre.auth, payload: { idNumber: '123' } })
    expect(bad.json().error.code).toBe('INVALID_ID_NUMBER')
    // Other filters work in the body too.
    const byName = await app.inject({ method: 'POST', url: '/api/persons/search', headers: cadre.auth, payload: { q: '日志', regionCode: '330683105212' } })
    expect(byName.json().total).toBe(1)
  })
})

describe('redactUrl / redactIdentifiers', () => {
  it('masks secret parameters whole and identifiers anywhere, and leaves the rest as sent', () => {
    expect(redactUrl(`/a?idNumber=${ID}&limit=5`)).toBe('/a?idNumber=***&limit=5')
    expect(redactUrl('/a?API-Key=x&password=y&regionCode=330683105212')).toBe('/a?API-Key=***&password=***&regionCode=330683105212')
    expect(redactUrl(`/a/${ID}.json`)).toBe(`/a/3****************${ID.slice(-1)}.json`)
    expect(redactUrl(`/a?q=${encodeURIComponent('电话 ' + PHONE)}`)).toBe(`/a?q=${encodeURIComponent('电话 139****4444')}`)
    expect(redactIdentifiers(`身份证 ${ID.toLowerCase()},座机 0575-83012345,手机 +86 139 3333 4444`)).toBe(`身份证 3****************${ID.slice(-1)},座机 057******2345,手机 139****4444`)
    // Case numbers, region codes and timestamps are not identifiers.
    expect(redactIdentifiers('MQ-20261121-0042 330683105212 1733212345678')).toBe('MQ-20261121-0042 330683105212 1733212345678')
  })
})
