import { randomBytes, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUnit, makeUser, randomPhone, type MadeUser } from '../../../test/factories.ts'
import { TINY_PNG } from '../../../test/multipart.ts'
import { FormTokens } from './formtoken.ts'

// 民情码 reports by residents, with no account: the page's data and form token, the report (JSON and multipart
// with photos), every refusal storing nothing, tracking in plain words at each stage, and rating.
const SECRET = 'test-secret-0123456789abcdef0123456789'
const YAHUANG = '330683105212'
const WANGYUAN = '330683106220'
const XSS = `<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'"&amp;`
const SHORT_XSS = `<script>alert('x')</script>&lt;` // fits a name (40)

let t: Awaited<ReturnType<typeof createTestApp>>
let town: MadeUser // 石璜镇 town handler whose unit handles what it dispatches
let placeId: string
const PLACE_QR = 'P' + 'K7M2Q9XA'

// The app runs with the default minimum fill time (3 s); tests sign tokens "issued" earlier with the same secret.
const tokens = new FormTokens(SECRET, { minFillMs: 3000, ttlMs: 2 * 3600_000 })
const tokenFor = (code: string, ageMs = 5000) => tokens.issue(code, Date.now() - ageMs).token

let ipSeq = 0
/** Each test reports from its own address, so the per-IP limits of one never touch another. */
const newIp = () => `10.77.${Math.floor(++ipSeq / 200)}.${(ipSeq % 200) + 1}`

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, YAHUANG, { '330683105': '石璜镇', [YAHUANG]: '雅璜村', '330683': '嵊州市' })
  await makeRegion(t.db, YAHUANG + '001', { [YAHUANG + '001']: '雅璜村第一网格' })
  await makeRegion(t.db, WANGYUAN)
  const office = await makeUnit(t.db, '330683105', { name: '石璜镇人民政府', kind: 'town_office' })
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105', unitId: office.id, name: '王办理' })
  const regionId = (await t.db.selectFrom('regions').select('id').where('code', '=', YAHUANG).executeTakeFirstOrThrow()).id
  placeId = (
    await t.db.insertInto('places').values({ region_id: regionId, name: '雅璜村民情角', kind: '民情角', address: '雅璜村文化礼堂东侧', qr_code: PLACE_QR }).returning('id').executeTakeFirstOrThrow()
  ).id
})
afterAll(() => t.close())

const post = (payload: object | string, opts: { ip?: string; headers?: Record<string, string> } = {}) =>
  t.app.inject({ method: 'POST', url: '/api/public/reports', payload, remoteAddress: opts.ip ?? newIp(), headers: opts.headers })
const valid = (extra: Record<string, unknown> = {}) => ({ code: YAHUANG, token: tokenFor(YAHUANG), description: '村口路灯坏了一周,晚上出行不便', ...extra })
const countCases = async () => Number((await sql<{ n: number }>`select count(*)::int as n from cases`.execute(t.db)).rows[0].n)
const countFiles = async () => Number((await sql<{ n: number }>`select count(*)::int as n from files`.execute(t.db)).rows[0].n)
// The 民情大脑 classifies a report without a category just after intake (brain/triage.service.ts): wait for it.
const caseByTracking = async (code: string) => {
  await t.app.services.triage.idle()
  return t.db.selectFrom('cases').selectAll().where('tracking_code', '=', code).executeTakeFirstOrThrow()
}
const track = (code: string, ip = newIp()) => t.app.inject({ method: 'GET', url: `/api/public/reports/${code}`, remoteAddress: ip })
const rate = (code: string, body: object, ip = newIp()) => t.app.inject({ method: 'POST', url: `/api/public/reports/${code}/rating`, payload: body, remoteAddress: ip })
const act = async (id: string, action: string, body: object = {}) => {
  const res = await t.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/${action}`, headers: town.auth, payload: body })
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200)
  return res.json()
}
async function reported(extra: Record<string, unknown> = {}, ip?: string) {
  const res = await post(valid(extra), { ip })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { trackingCode: string; trackingUrl: string }
}

/** A multipart body with text fields and any number of files. */
function form(fields: Record<string, string>, files: { filename: string; data: Buffer; contentType?: string }[] = []) {
  const boundary = '----mq' + randomBytes(8).toString('hex')
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  for (const f of files) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="${f.filename}"\r\nContent-Type: ${f.contentType ?? 'image/png'}\r\n\r\n`),
      f.data,
      Buffer.from('\r\n'),
    )
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}
const postForm = (fields: Record<string, string>, files: Parameters<typeof form>[1] = [], ip = newIp()) => {
  const f = form(fields, files)
  return t.app.inject({ method: 'POST', url: '/api/public/reports', payload: f.payload, headers: f.headers, remoteAddress: ip })
}

describe('the report page’s data (GET /api/public/qr/:code)', () => {
  it('names the village and town, lists the categories with their children, and signs a form token', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/public/qr/${YAHUANG}`, remoteAddress: newIp() })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const info = res.json()
    expect(info).toMatchObject({ code: YAHUANG, kind: 'region', name: '雅璜村', region: { code: YAHUANG, level: 'village' }, town: '石璜镇', village: '雅璜村', place: null, minFillSeconds: 3 })
    expect(info.token).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/)
    expect(new Date(info.tokenExpiresAt).getTime()).toBeGreaterThan(Date.now() + 3600_000)
    const traffic = info.categories.find((c: { code: string }) => c.code === 'traffic')
    expect(traffic.children).toContainEqual({ code: 'traffic.streetlight', name: '路灯故障', keywords: ['路灯', '不亮'] })
  })

  it('works for a grid and for a place’s own code (lower case too), naming the place', async () => {
    const grid = (await t.app.inject({ method: 'GET', url: `/api/public/qr/${YAHUANG}001`, remoteAddress: newIp() })).json()
    expect(grid).toMatchObject({ kind: 'region', name: '雅璜村第一网格', village: '雅璜村', town: '石璜镇' })
    const place = await t.app.inject({ method: 'GET', url: `/api/public/qr/${PLACE_QR.toLowerCase()}`, remoteAddress: newIp() })
    expect(place.statusCode, place.body).toBe(200)
    expect(place.json()).toMatchObject({ code: PLACE_QR, kind: 'place', name: '雅璜村民情角', village: '雅璜村', place: { name: '雅璜村民情角', kind: '民情角', address: '雅璜村文化礼堂东侧' } })
  })

  it('answers 404 for an unknown code, the city (no case can be raised there) and an unknown place code; 400 for a malformed one', async () => {
    for (const code of ['330683999999', '330600', 'PZZZZZZZZ']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/public/qr/${code}`, remoteAddress: newIp() })
      expect(res.statusCode, code).toBe(404)
      expect(res.json().error.code).toBe('NOT_FOUND')
    }
    const bad = await t.app.inject({ method: 'GET', url: `/api/public/qr/${encodeURIComponent('<script>')}`, remoteAddress: newIp() })
    expect(bad.statusCode).toBe(400)
  })
})

describe('a report (POST /api/public/reports)', () => {
  it('creates a qr case in the region with a tracking code and link, a derived title and a suggested category', async () => {
    const res = await post(valid({ description: '村口路灯不亮了。已经一周了,晚上很黑', name: '张大爷', phone: '139 1234 5678', lat: 29.58, lng: 120.82 }))
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(['trackingCode', 'trackingUrl'])
    expect(body.trackingUrl).toBe(`http://localhost:80/t/${body.trackingCode}`)
    const c = await caseByTracking(body.trackingCode)
    const cat = await t.db.selectFrom('categories').select('code').where('id', '=', c.category_id!).executeTakeFirstOrThrow()
    const region = await t.db.selectFrom('regions').select('code').where('id', '=', c.region_id).executeTakeFirstOrThrow()
    expect({ channel: c.channel, state: c.state, level: c.level, region: region.code, title: c.title, category: cat.code, lat: c.lat, lng: c.lng }).toEqual({
      channel: 'qr',
      state: 'new',
      level: 'village',
      region: YAHUANG,
      title: '村口路灯不亮了',
      category: 'traffic.streetlight',
      lat: 29.58,
      lng: 120.82,
    })
    expect({ kind: c.reporter_kind, name: c.reporter_name, masked: c.reporter_phone_masked, user: c.reporter_user_id, createdBy: c.created_by }).toEqual({
      kind: 'named',
      name: '张大爷',
      masked: '139****5678',
      user: null,
      createdBy: null,
    })
    expect(c.reporter_phone_enc).not.toContain('13912345678')
  })

  it('takes the resident’s own title and category; a place’s code files the case under the place and its region', async () => {
    const res = await post(valid({ code: PLACE_QR, token: tokenFor(PLACE_QR), title: '民情角门口积水', categoryCode: 'environment.sewage' }))
    expect(res.statusCode, res.body).toBe(201)
    const c = await caseByTracking(res.json().trackingCode)
    const region = await t.db.selectFrom('regions').select('code').where('id', '=', c.region_id).executeTakeFirstOrThrow()
    expect({ title: c.title, place: c.place_id, region: region.code, address: c.address }).toEqual({ title: '民情角门口积水', place: placeId, region: YAHUANG, address: '雅璜村文化礼堂东侧' })
  })

  it('PUBLIC_URL decides the tracking link', async () => {
    const other = await createTestApp({ PUBLIC_URL: 'https://mq.example.cn/' })
    try {
      await makeRegion(other.db, YAHUANG)
      const res = await other.app.inject({ method: 'POST', url: '/api/public/reports', payload: valid(), remoteAddress: newIp() })
      expect(res.statusCode, res.body).toBe(201)
      expect(res.json().trackingUrl).toBe(`https://mq.example.cn/t/${res.json().trackingCode}`)
    } finally {
      await other.close()
    }
  })

  it('keeps HTML and script in every text field as the text it is', async () => {
    const res = await post(valid({ title: XSS, description: `${XSS}\n第二行`, name: SHORT_XSS }))
    expect(res.statusCode, res.body).toBe(201)
    const c = await caseByTracking(res.json().trackingCode)
    expect({ title: c.title, description: c.description, name: c.reporter_name }).toEqual({ title: XSS, description: `${XSS}\n第二行`, name: SHORT_XSS })
    const view = (await track(res.json().trackingCode)).json()
    expect(view.title).toBe(XSS)
    expect(view.description).toBe(`${XSS}\n第二行`)
  })

  it('an anonymous report stores no name or phone, even when they were typed', async () => {
    const { trackingCode } = await reported({ anonymous: true, name: '李四', phone: '13912345678' })
    const c = await caseByTracking(trackingCode)
    expect({ kind: c.reporter_kind, name: c.reporter_name, phone: c.reporter_phone_enc, hash: c.reporter_phone_hash }).toEqual({ kind: 'anonymous', name: null, phone: null, hash: null })
    // Nothing typed at all is anonymous too.
    const bare = await caseByTracking((await reported()).trackingCode)
    expect(bare.reporter_kind).toBe('anonymous')
  })

  it('a resend with the same clientId answers the first tracking code and stores nothing more, even past the IP limit', async () => {
    const ip = newIp()
    const clientId = randomUUID()
    const first = await post(valid({ clientId }), { ip })
    expect(first.statusCode, first.body).toBe(201)
    const before = await countCases()
    const again = await post(valid({ clientId }), { ip })
    expect(again.statusCode, again.body).toBe(200)
    expect(again.json().trackingCode).toBe(first.json().trackingCode)
    for (let i = 0; i < 4; i++) expect((await post(valid(), { ip })).statusCode).toBe(201)
    expect((await post(valid(), { ip })).statusCode).toBe(429)
    const third = await post(valid({ clientId }), { ip })
    expect(third.statusCode).toBe(200)
    expect(third.json().trackingCode).toBe(first.json().trackingCode)
    expect(await countCases()).toBe(before + 4)
  })

  it('refuses bad input with 400 and stores nothing', async () => {
    const before = await countCases()
    const cases: [Record<string, unknown>, string][] = [
      [{ description: '' }, 'VALIDATION_FAILED'],
      [{ description: '   \n ' }, 'VALIDATION_FAILED'],
      [{ description: 'x'.repeat(2001) }, 'VALIDATION_FAILED'],
      [{ description: '有\u0000空字符' }, 'VALIDATION_FAILED'],
      [{ title: 't'.repeat(101) }, 'VALIDATION_FAILED'],
      [{ lat: 91 }, 'VALIDATION_FAILED'],
      [{ lat: '29.5' }, 'VALIDATION_FAILED'],
      [{ anonymous: 'yes' }, 'VALIDATION_FAILED'],
      [{ clientId: 'short' }, 'VALIDATION_FAILED'],
      [{ role: 'admin' }, 'VALIDATION_FAILED'],
      [{ phone: '12345' }, 'INVALID_PHONE'],
      [{ phone: '0575-83012345' }, 'INVALID_PHONE'],
      [{ categoryCode: 'no.such' }, 'UNKNOWN_CATEGORY'],
    ]
    for (const [extra, code] of cases) {
      const res = await post(valid(extra))
      expect(res.statusCode, JSON.stringify(extra)).toBe(400)
      expect(res.json().error.code, JSON.stringify(extra)).toBe(code)
    }
    const noCode = await post({ token: tokenFor(YAHUANG), description: '缺少民情码' })
    expect(noCode.statusCode).toBe(400)
    expect(await countCases()).toBe(before)
  })

  it('answers 404 for an unknown QR code and 415 for a body that is neither JSON nor a form, storing nothing', async () => {
    const before = await countCases()
    const unknown = await post(valid({ code: '330683999999', token: tokenFor('330683999999') }))
    expect(unknown.statusCode).toBe(404)
    const text = await t.app.inject({ method: 'POST', url: '/api/public/reports', payload: 'description=hi', headers: { 'content-type': 'text/plain' }, remoteAddress: newIp() })
    expect(text.statusCode).toBe(415)
    expect(text.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
    const big = await post(JSON.stringify(valid({ description: 'x'.repeat(70_000) })), { headers: { 'content-type': 'application/json' } })
    expect(big.statusCode).toBe(413)
    expect(await countCases()).toBe(before)
  })
})

describe('the form token', () => {
  it('missing → 400 FORM_TOKEN_MISSING; forged, for another code or from the future → 403 FORM_TOKEN_INVALID; stale → 403 FORM_TOKEN_EXPIRED; too fast → 400 FORM_TOO_FAST; nothing stored', async () => {
    const before = await countCases()
    const good = tokenFor(YAHUANG)
    const [issued, nonce, sig] = good.split('.')
    const forgedSig = sig.slice(0, -2) + (sig.endsWith('AA') ? 'BB' : 'AA')
    const otherSecret = new FormTokens('another-secret-0123456789abcdef', { minFillMs: 0, ttlMs: 7200_000 }).issue(YAHUANG, Date.now() - 5000).token
    const checks: [string | undefined, number, string][] = [
      [undefined, 400, 'FORM_TOKEN_MISSING'],
      ['', 400, 'FORM_TOKEN_MISSING'],
      ['garbage', 403, 'FORM_TOKEN_INVALID'],
      [`${issued}.${nonce}.${forgedSig}`, 403, 'FORM_TOKEN_INVALID'],
      [`${(Date.now() - 60_000).toString(36)}.${nonce}.${sig}`, 403, 'FORM_TOKEN_INVALID'],
      [otherSecret, 403, 'FORM_TOKEN_INVALID'],
      [tokenFor(WANGYUAN), 403, 'FORM_TOKEN_INVALID'],
      [tokenFor(YAHUANG, -5 * 60_000), 403, 'FORM_TOKEN_INVALID'],
      [tokenFor(YAHUANG, 2 * 3600_000 + 1000), 403, 'FORM_TOKEN_EXPIRED'],
      [tokenFor(YAHUANG, 1000), 400, 'FORM_TOO_FAST'],
    ]
    for (const [token, status, code] of checks) {
      const payload: Record<string, unknown> = valid()
      if (token === undefined) delete payload.token
      else payload.token = token
      const res = await post(payload)
      expect(res.statusCode, `${token}: ${res.body}`).toBe(status)
      expect(res.json().error.code, String(token)).toBe(code)
    }
    expect(await countCases()).toBe(before)
  })

  it('the token the page gets is refused until the minimum fill time has passed', async () => {
    const ip = newIp()
    const info = (await t.app.inject({ method: 'GET', url: `/api/public/qr/${YAHUANG}`, remoteAddress: ip })).json()
    const res = await post({ code: YAHUANG, token: info.token, description: '我刚打开页面就提交' }, { ip })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'FORM_TOO_FAST', details: { retryAfterMs: expect.any(Number) } })
    expect(res.json().error.details.retryAfterMs).toBeGreaterThan(2000)
  })

  it('is good for one report: a second use answers 403 FORM_TOKEN_USED', async () => {
    const token = tokenFor(YAHUANG)
    expect((await post(valid({ token }))).statusCode).toBe(201)
    const before = await countCases()
    const again = await post(valid({ token, description: '用同一个令牌再报一条' }))
    expect(again.statusCode).toBe(403)
    expect(again.json().error.code).toBe('FORM_TOKEN_USED')
    expect(await countCases()).toBe(before)
  })
})

describe('rate limits', () => {
  it('a scripted flood from one IP: the 6th report in 10 minutes answers 429 with Retry-After, and nothing of it is stored', async () => {
    const ip = newIp()
    const before = await countCases()
    for (let i = 0; i < 5; i++) expect((await post(valid({ description: `第 ${i} 条` }), { ip })).statusCode).toBe(201)
    const refused = await post(valid({ description: '第 6 条' }), { ip })
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.code).toBe('RATE_LIMITED')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(500)
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(600)
    // A form with photos is refused before they are read.
    const files = await countFiles()
    const withPhoto = await postForm({ code: YAHUANG, token: tokenFor(YAHUANG), description: '带照片的第 7 条' }, [{ filename: 'a.png', data: TINY_PNG }], ip)
    expect(withPhoto.statusCode).toBe(429)
    expect(await countCases()).toBe(before + 5)
    expect(await countFiles()).toBe(files)
    // Another address is not affected.
    expect((await post(valid())).statusCode).toBe(201)
  })

  it('one phone number: the 4th report in an hour answers 429, whatever address it comes from', async () => {
    const phone = randomPhone()
    for (let i = 0; i < 3; i++) expect((await post(valid({ phone }))).statusCode).toBe(201)
    const before = await countCases()
    const refused = await post(valid({ phone: phone.slice(0, 3) + ' ' + phone.slice(3) }))
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['retry-after']).toBeDefined()
    expect(await countCases()).toBe(before)
  })

  it('X-Forwarded-For is believed from a proxy on this host only: a client cannot dodge the per-IP limit with it', async () => {
    const peer = newIp()
    for (let i = 0; i < 5; i++) {
      const res = await post(valid(), { ip: peer, headers: { 'x-forwarded-for': `198.51.100.${i}` } })
      expect(res.statusCode).toBe(201)
    }
    expect((await post(valid(), { ip: peer, headers: { 'x-forwarded-for': '198.51.100.99' } })).statusCode).toBe(429)
    // Through the local proxy (the peer is loopback), each forwarded client has its own count.
    const client = newIp()
    for (let i = 0; i < 5; i++) expect((await post(valid(), { ip: '127.0.0.1', headers: { 'x-forwarded-for': client } })).statusCode).toBe(201)
    expect((await post(valid(), { ip: '127.0.0.1', headers: { 'x-forwarded-for': client } })).statusCode).toBe(429)
    expect((await post(valid(), { ip: '127.0.0.1', headers: { 'x-forwarded-for': newIp() } })).statusCode).toBe(201)
  })

  it('the limits come from configuration', async () => {
    const strict = await createTestApp({ PUBLIC_LIMIT_REPORTS_IP: '1/60' })
    try {
      await makeRegion(strict.db, YAHUANG)
      const ip = newIp()
      const send = () => strict.app.inject({ method: 'POST', url: '/api/public/reports', payload: valid(), remoteAddress: ip })
      expect((await send()).statusCode).toBe(201)
      const second = await send()
      expect(second.statusCode).toBe(429)
      expect(Number(second.headers['retry-after'])).toBeLessThanOrEqual(60)
    } finally {
      await strict.close()
    }
  })

  it('with Redis, one IP’s limit holds across server processes', { skip: !process.env.TEST_REDIS_URL }, async () => {
    const a = await createTestApp({ REDIS_URL: process.env.TEST_REDIS_URL!, PUBLIC_LIMIT_REPORTS_IP: '3/600' })
    const b = await createTestApp({ REDIS_URL: process.env.TEST_REDIS_URL!, PUBLIC_LIMIT_REPORTS_IP: '3/600' })
    try {
      await makeRegion(a.db, YAHUANG)
      await makeRegion(b.db, YAHUANG)
      const ip = `10.${randomBytes(3).join('.')}`
      const send = (app: typeof a) => app.app.inject({ method: 'POST', url: '/api/public/reports', payload: valid(), remoteAddress: ip })
      expect((await send(a)).statusCode).toBe(201)
      expect((await send(b)).statusCode).toBe(201)
      expect((await send(a)).statusCode).toBe(201)
      expect((await send(b)).statusCode).toBe(429)
      expect((await send(a)).statusCode).toBe(429)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('page loads per IP are limited too', async () => {
    const strict = await createTestApp({ PUBLIC_LIMIT_READS_IP: '2/600' })
    try {
      await makeRegion(strict.db, YAHUANG)
      const get = () => strict.app.inject({ method: 'GET', url: `/api/public/qr/${YAHUANG}`, remoteAddress: '10.1.1.1' })
      expect((await get()).statusCode).toBe(200)
      expect((await get()).statusCode).toBe(200)
      expect((await get()).statusCode).toBe(429)
    } finally {
      await strict.close()
    }
  })
})

describe('photos', () => {
  it('a multipart report with photos stores them on the case, with the text fields as in JSON', async () => {
    const clientId = randomUUID()
    const res = await postForm({ code: YAHUANG, token: tokenFor(YAHUANG), description: '垃圾堆在路边没人清运', anonymous: 'true', lat: '29.6', lng: '120.8', clientId }, [
      { filename: 'a.png', data: TINY_PNG },
      { filename: 'b.png', data: TINY_PNG, contentType: 'application/octet-stream' },
    ])
    expect(res.statusCode, res.body).toBe(201)
    const c = await caseByTracking(res.json().trackingCode)
    expect({ kind: c.reporter_kind, lat: c.lat, lng: c.lng }).toEqual({ kind: 'anonymous', lat: 29.6, lng: 120.8 })
    const cat = await t.db.selectFrom('categories').select('code').where('id', '=', c.category_id!).executeTakeFirstOrThrow()
    expect(cat.code).toBe('environment.garbage')
    const files = await t.db.selectFrom('case_files as cf').innerJoin('files as f', 'f.id', 'cf.file_id').select(['f.content_type', 'f.size']).where('cf.case_id', '=', c.id).execute()
    expect(files).toEqual([
      { content_type: 'image/png', size: TINY_PNG.length },
      { content_type: 'image/png', size: TINY_PNG.length },
    ])
  })

  it('a photo over 8 MB → 413, not an image → 400 UNSUPPORTED_FILE, a 10th photo → 400 TOO_MANY_PHOTOS; nothing stored', async () => {
    const cases = await countCases()
    const files = await countFiles()
    const fields = () => ({ code: YAHUANG, token: tokenFor(YAHUANG), description: '照片有问题的反映' })
    const huge = Buffer.concat([TINY_PNG, Buffer.alloc(8 * 1024 * 1024 + 1 - TINY_PNG.length)])
    const tooLarge = await postForm(fields(), [{ filename: 'huge.png', data: huge }])
    expect(tooLarge.statusCode).toBe(413)
    expect(tooLarge.json().error.code).toBe('PAYLOAD_TOO_LARGE')
    const html = await postForm(fields(), [{ filename: 'x.png', data: Buffer.from('<html><script>alert(1)</script></html>') }])
    expect(html.statusCode).toBe(400)
    expect(html.json().error.code).toBe('UNSUPPORTED_FILE')
    const pdf = await postForm(fields(), [{ filename: 'a.pdf', data: Buffer.from('%PDF-1.4 not a photo') }])
    expect(pdf.statusCode).toBe(400)
    const ten = await postForm(
      fields(),
      Array.from({ length: 10 }, (_, i) => ({ filename: `${i}.png`, data: TINY_PNG })),
    )
    expect(ten.statusCode).toBe(400)
    expect(ten.json().error.code).toBe('TOO_MANY_PHOTOS')
    const badField = await postForm({ ...fields(), lat: 'north' })
    expect(badField.statusCode).toBe(400)
    const noToken = await postForm({ code: YAHUANG, description: '没有令牌' }, [{ filename: 'a.png', data: TINY_PNG }])
    expect(noToken.json().error.code).toBe('FORM_TOKEN_MISSING')
    expect(await countCases()).toBe(cases)
    expect(await countFiles()).toBe(files)
  })

  it('nine photos are fine', async () => {
    const res = await postForm(
      { code: YAHUANG, token: tokenFor(YAHUANG), description: '九张照片' },
      Array.from({ length: 9 }, (_, i) => ({ filename: `${i}.png`, data: TINY_PNG })),
    )
    expect(res.statusCode, res.body).toBe(201)
    const c = await caseByTracking(res.json().trackingCode)
    const n = await t.db
      .selectFrom('case_files')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('case_id', '=', c.id)
      .executeTakeFirstOrThrow()
    expect(Number(n.n)).toBe(9)
  })
})

describe('tracking and rating by tracking code', () => {
  it('shows each stage in plain words, the answer once replied, no staff names; satisfied closes the case', async () => {
    const { trackingCode } = await reported({ description: '雅璜村二组的路灯坏了三盏', name: '赵六', phone: randomPhone() })
    const id = (await caseByTracking(trackingCode)).id
    const view = async () => {
      const res = await track(trackingCode)
      expect(res.statusCode, res.body).toBe(200)
      expect(res.headers['cache-control']).toBe('no-store')
      return res.json()
    }
    expect(await view()).toMatchObject({ trackingCode, stage: 'received', reply: null, canRate: false, rating: null, regionName: '雅璜村', category: '路灯故障' })
    expect((await view()).steps.map((s: { action: string }) => s.action)).toEqual(['create'])
    const early = await rate(trackingCode, { rating: 'satisfied' })
    expect(early.statusCode).toBe(409)

    const office = (await t.db.selectFrom('users').select('unit_id').where('id', '=', town.id).executeTakeFirstOrThrow()).unit_id!
    await act(id, 'dispatch', { unitId: office, note: '内部备注:请王办理尽快处理' })
    expect(await view()).toMatchObject({ stage: 'in_progress', canRate: false })
    await act(id, 'accept')
    expect((await view()).stage).toBe('in_progress')
    await act(id, 'reply', { result: '已更换三盏路灯 <b>谢谢</b>' })
    const replied = await view()
    expect(replied).toMatchObject({ stage: 'replied', canRate: true, reply: { text: '已更换三盏路灯 <b>谢谢</b>' } })
    expect(replied.steps.map((s: { action: string }) => s.action)).toEqual(['create', 'dispatch', 'accept', 'reply'])
    const text = JSON.stringify(replied)
    expect(text).not.toContain('王办理')
    expect(text).not.toContain('内部备注')
    expect(text).not.toContain('赵六')

    const rated = await rate(trackingCode, { rating: 'satisfied', comment: '修得很快 <i>赞</i>' })
    expect(rated.statusCode, rated.body).toBe(200)
    expect(rated.json()).toMatchObject({ stage: 'closed', rating: 'satisfied', ratingComment: '修得很快 <i>赞</i>', canRate: false })
    const c = await caseByTracking(trackingCode)
    expect({ state: c.state, rating: c.rating, comment: c.rating_comment }).toEqual({ state: 'closed', rating: 'satisfied', comment: '修得很快 <i>赞</i>' })
    const ev = await t.db.selectFrom('case_events').select(['action', 'from_state', 'to_state']).where('case_id', '=', id).where('action', '=', 'rate').execute()
    expect(ev).toEqual([{ action: 'rate', from_state: 'replied', to_state: 'closed' }])

    const twice = await rate(trackingCode, { rating: 'unsatisfied' })
    expect(twice.statusCode).toBe(409)
  })

  it('unsatisfied sends the case back to work at once (reopened, 已收到), and it cannot be rated twice', async () => {
    const { trackingCode } = await reported({ description: '门口污水横流' })
    const id = (await caseByTracking(trackingCode)).id
    const office = (await t.db.selectFrom('users').select('unit_id').where('id', '=', town.id).executeTakeFirstOrThrow()).unit_id!
    await act(id, 'dispatch', { unitId: office })
    await act(id, 'accept')
    await act(id, 'reply', { result: '已疏通' })
    const res = await rate(trackingCode, { rating: 'unsatisfied', comment: '还是臭' })
    expect(res.statusCode, res.body).toBe(200)
    // The rating is the current answer's, and there is none now: the page shows the last one as history, no form.
    expect(res.json()).toMatchObject({ stage: 'received', rating: null, ratingComment: null, previousRating: { rating: 'unsatisfied', comment: '还是臭' }, canRate: false })
    expect((await rate(trackingCode, { rating: 'satisfied' })).statusCode).toBe(409)
    expect(await caseByTracking(trackingCode)).toMatchObject({ state: 'reopened', rating: null, rating_comment: null, rated_at: null })
  })

  it('after 不满意 the next answer is rated afresh; every rating stays in the timeline (statistics read them there)', async () => {
    const { trackingCode } = await reported({ description: '楼道灯不亮' })
    const id = (await caseByTracking(trackingCode)).id
    const office = (await t.db.selectFrom('users').select('unit_id').where('id', '=', town.id).executeTakeFirstOrThrow()).unit_id!
    const answer = async (result: string) => {
      await act(id, 'dispatch', { unitId: office })
      await act(id, 'accept')
      await act(id, 'reply', { result })
    }
    await answer('已报修')
    expect((await rate(trackingCode, { rating: 'unsatisfied', comment: '还是不亮' })).statusCode).toBe(200)
    await answer('已更换灯具')
    const again = (await track(trackingCode)).json()
    expect(again).toMatchObject({ stage: 'replied', rating: null, canRate: true, previousRating: { rating: 'unsatisfied', comment: '还是不亮' } })
    const done = await rate(trackingCode, { rating: 'basically_satisfied' })
    expect(done.statusCode, done.body).toBe(200)
    expect(done.json()).toMatchObject({ stage: 'closed', rating: 'basically_satisfied', previousRating: null, canRate: false })
    const rates = await t.db.selectFrom('case_events').select(['to_state', 'data']).where('case_id', '=', id).where('action', '=', 'rate').orderBy('id').execute()
    expect(rates.map((e) => [e.to_state, (typeof e.data === 'string' ? JSON.parse(e.data) : e.data).rating])).toEqual([
      ['reopened', 'unsatisfied'],
      ['closed', 'basically_satisfied'],
    ])
  })

  it('refuses a bad rating body (400) and unknown codes (404)', async () => {
    const { trackingCode } = await reported()
    expect((await rate(trackingCode, { rating: 'great' })).statusCode).toBe(400)
    expect((await rate(trackingCode, { rating: 'satisfied', comment: 'x'.repeat(1001) })).statusCode).toBe(400)
    expect((await rate(trackingCode, { rating: 'satisfied', extra: 1 })).statusCode).toBe(400)
    expect((await rate('ABCDEFGHJK', { rating: 'satisfied' })).statusCode).toBe(404)
    const unknown = await track('ABCDEFGHJK')
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error.code).toBe('NOT_FOUND')
    expect((await track('<script>')).statusCode).toBe(400)
    // Typed in lower case, it is the same code.
    expect((await track(trackingCode.toLowerCase())).statusCode).toBe(200)
  })

  it('guessing tracking codes: after 20 misses from one IP every lookup from it answers 429, real codes included', async () => {
    const { trackingCode } = await reported()
    const ip = newIp()
    for (let i = 0; i < 20; i++) expect((await track(`NOSUCH${String(i).padStart(4, '0')}`, ip)).statusCode).toBe(404)
    const blocked = await track(trackingCode, ip)
    expect(blocked.statusCode).toBe(429)
    expect(blocked.headers['retry-after']).toBeDefined()
    expect((await rate(trackingCode, { rating: 'satisfied' }, ip)).statusCode).toBe(429)
    expect((await track(trackingCode)).statusCode).toBe(200)
  })

  it('ratings per IP are limited', async () => {
    const ip = newIp()
    const { trackingCode } = await reported()
    for (let i = 0; i < 10; i++) expect((await rate(trackingCode, { rating: 'satisfied' }, ip)).statusCode).toBe(409)
    expect((await rate(trackingCode, { rating: 'satisfied' }, ip)).statusCode).toBe(429)
  })
})
