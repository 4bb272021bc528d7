import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../db/index.ts'
import { createTestDatabase } from '../../test/db.ts'
import { makeRegion } from '../../test/factories.ts'
import { findApiClient, issueApiKey, listApiClients, revokeApiKey, verifyApiKey } from './api-keys.ts'
import { hashToken } from './auth.ts'

let database: Database
let countyId: number
let villageId: number

beforeAll(async () => {
  database = await createTestDatabase()
  countyId = await makeRegion(database.db, '330683')
  villageId = await makeRegion(database.db, '330683105212')
})
afterAll(() => database.close())

describe('API keys', () => {
  it('issues a key shown once: only its hash and first characters are kept', async () => {
    const { client, apiKey } = await issueApiKey(database.db, { kind: 'open311', name: '客户端', regionId: countyId, createdBy: null })
    expect(apiKey).toMatch(/^mq_[A-Za-z0-9_-]{32}$/)
    const row = await database.db.selectFrom('api_clients').selectAll().where('id', '=', client.id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ kind: 'open311', key_prefix: apiKey.slice(0, 10), key_hash: hashToken(apiKey), region_id: countyId, revoked_at: null })
    expect(JSON.stringify(row)).not.toContain(apiKey)
    expect(client).toMatchObject({ region_code: '330683', region_path: expect.stringContaining('/330683/') })
  })

  it('verifies a live key of its own kind only; refuses malformed, unknown and revoked keys', async () => {
    const { client, apiKey } = await issueApiKey(database.db, { kind: 'push', name: '推送', regionId: villageId, createdBy: null })
    expect((await verifyApiKey(database.db, 'push', apiKey))?.id).toBe(client.id)
    expect(await verifyApiKey(database.db, 'open311', apiKey)).toBeUndefined()
    for (const bad of [undefined, null, '', 'mq_short', apiKey + 'x', `' or 1=1 --`, 'mq_' + 'A'.repeat(32)]) expect(await verifyApiKey(database.db, 'push', bad)).toBeUndefined()
    expect(await revokeApiKey(database.db, client.id)).toBe(true)
    expect(await revokeApiKey(database.db, client.id)).toBe(false)
    expect(await verifyApiKey(database.db, 'push', apiKey)).toBeUndefined()
    expect((await findApiClient(database.db, 'push', client.id))?.revoked_at).not.toBeNull()
    expect(await findApiClient(database.db, 'open311', client.id)).toBeUndefined()
  })

  it('marks a key used at most once a minute', async () => {
    const { client, apiKey } = await issueApiKey(database.db, { kind: 'open311', name: '用量', regionId: countyId, createdBy: null })
    const t0 = new Date('2026-11-21T02:00:00Z')
    await verifyApiKey(database.db, 'open311', apiKey, t0)
    await verifyApiKey(database.db, 'open311', apiKey, new Date(t0.getTime() + 30_000))
    expect((await findApiClient(database.db, 'open311', client.id))?.last_used_at?.toISOString()).toBe(t0.toISOString())
    const t1 = new Date(t0.getTime() + 61_000)
    await verifyApiKey(database.db, 'open311', apiKey, t1)
    expect((await findApiClient(database.db, 'open311', client.id))?.last_used_at?.toISOString()).toBe(t1.toISOString())
  })

  it('lists the keys of a kind in a region’s subtree, newest first', async () => {
    const a = await issueApiKey(database.db, { kind: 'open311', name: '村里的', regionId: villageId, createdBy: null })
    const b = await issueApiKey(database.db, { kind: 'open311', name: '县里的', regionId: countyId, createdBy: null })
    const village = await listApiClients(database.db, 'open311', (await findApiClient(database.db, 'open311', a.client.id))!.region_path!)
    expect(village.map((c) => c.id)).toEqual([a.client.id])
    const county = (await listApiClients(database.db, 'open311', b.client.region_path!)).map((c) => c.id)
    expect(county).toEqual(expect.arrayContaining([a.client.id, b.client.id]))
    expect(county.indexOf(b.client.id)).toBeLessThan(county.indexOf(a.client.id))
    expect((await listApiClients(database.db, 'push', b.client.region_path!)).every((c) => c.kind === 'push')).toBe(true)
  })
})
