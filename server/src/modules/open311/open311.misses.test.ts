import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser } from '../../../test/factories.ts'

// Issue 11 defect 13: Open311's token and request-id lookups are a second door for guessing tracking codes. Unknown
// ids count against the same per-address miss limit as the residents' tracking page (PUBLIC_LIMIT_TRACKING_MISSES_IP).
let t: Awaited<ReturnType<typeof createTestApp>>
let token: string
let requestId: string

const get = (url: string, ip: string) => t.app.inject({ method: 'GET', url, remoteAddress: ip })

beforeAll(async () => {
  t = await createTestApp({ PUBLIC_LIMIT_TRACKING_MISSES_IP: '3/600' })
  await makeRegion(t.db, '330683105212001')
  const admin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
  const key = await t.app.inject({ method: 'POST', url: '/api/open311/keys', headers: admin.auth, payload: { name: 'FixMyStreet' } })
  expect(key.statusCode, key.body).toBe(201)
  const made = await t.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ api_key: key.json().apiKey, service_code: 'traffic.streetlight', lat: '29.59', long: '120.82', description: '路灯不亮' }).toString(),
  })
  expect(made.statusCode, made.body).toBe(200)
  ;({ token, service_request_id: requestId } = made.json()[0])
})
afterAll(() => t.close())

describe('Open311 lookups by unknown ids are limited per address', () => {
  it('random tokens: 404 up to the limit, then 429 with Retry-After for every lookup from that address, known ones too', async () => {
    const ip = '10.13.0.1'
    for (let i = 0; i < 3; i++) expect((await get(`/open311/v2/tokens/RANDOM${i}X.json`, ip)).statusCode).toBe(404)
    const refused = await get('/open311/v2/tokens/RANDOM9X.json', ip)
    expect(refused.statusCode).toBe(429)
    expect(refused.json()).toEqual([{ code: 429, description: expect.any(String) }])
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect((await get(`/open311/v2/tokens/${token}.json`, ip)).statusCode).toBe(429)
    expect((await get(`/open311/v2/requests/${requestId}.json`, ip)).statusCode).toBe(429)
    // another address is not affected, and a known token is no miss
    const other = await get(`/open311/v2/tokens/${token}.json`, '10.13.0.2')
    expect(other.statusCode, other.body).toBe(200)
    expect(other.json()).toEqual([{ service_request_id: requestId, token }])
  })

  it('unknown request ids count too, and share the count with the residents’ tracking page', async () => {
    const ip = '10.13.0.3'
    expect((await get('/open311/v2/requests/MQ-20000101-9999.json', ip)).statusCode).toBe(404)
    expect((await get('/open311/v2/requests/MQ-20000101-9998.xml', ip)).statusCode).toBe(404)
    expect((await get('/api/public/reports/NOSUCH01', ip)).statusCode).toBe(404)
    expect((await get('/api/public/reports/NOSUCH02', ip)).statusCode).toBe(429)
    expect((await get(`/open311/v2/requests/${requestId}.json`, ip)).statusCode).toBe(429)
  })
})
