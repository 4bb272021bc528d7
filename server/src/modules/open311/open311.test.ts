import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import AjvModule from 'ajv'
import addFormatsModule from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'
import { multipart, TINY_PNG } from '../../../test/multipart.ts'
import { parseXml, xmlToJson } from '../../../test/xml.ts'
import { issueApiKey } from '../../platform/api-keys.ts'

// Open311 GeoReport v2 + mySociety's servicerequestupdates, as a client sees them: every answer is checked
// against the spec's JSON Schemas (the XML is read back into the same shape first).
const Ajv = (AjvModule as any).default ?? AjvModule
const addFormats = (addFormatsModule as any).default ?? addFormatsModule
const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'georeport-v2')
const ajv = new Ajv({ allErrors: true, strict: false })
addFormats(ajv)
for (const name of ['request', 'service']) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIR, `${name}.json`), 'utf8')), `${name}.json`)
const schema = (name: string) => ajv.compile(JSON.parse(readFileSync(join(SCHEMA_DIR, `${name}.json`), 'utf8')))
const validators = { services: schema('services'), requests: schema('requests'), request: ajv.getSchema('request.json')!, definition: schema('service-definition') }
function valid(which: keyof typeof validators, data: unknown) {
  const v = validators[which]
  expect(v(data), `${which}: ${JSON.stringify(v.errors)}\n${JSON.stringify(data)}`).toBe(true)
}

const LISTS = ['services', 'service_requests', 'errors', 'attributes', 'values', 'endpoints', 'formats', 'service_request_updates']
const TYPES = { lat: 'number', long: 'number', order: 'number', code: 'number', metadata: 'boolean', variable: 'boolean', required: 'boolean' } as const
/** An XML answer: well-formed (or this throws), its root, and its JSON shape. */
function xml(body: string) {
  const root = parseXml(body)
  return { root: root.name, json: xmlToJson(root, LISTS, TYPES) as any }
}

const YAHUANG = '330683105212'
const GRID = YAHUANG + '001'
const WANGYUAN = '330683106220'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: MadeUser
let town: MadeUser
let handler: MadeUser
let unitId: string
let countyKey: string
let townKey: string
let placeQr: string

const get = (url: string) => t.app.inject({ method: 'GET', url })
const form = (fields: Record<string, string | undefined>) => new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString()
const post = (url: string, fields: Record<string, string | undefined>) => t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields) })
const report = (extra: Record<string, string | undefined> = {}, url = '/open311/v2/requests.json') =>
  post(url, { api_key: countyKey, service_code: 'traffic.streetlight', lat: '29.59', long: '120.82', description: '村口路灯不亮\n已经一周了', ...extra })
async function reportOk(extra: Record<string, string | undefined> = {}) {
  const res = await report(extra)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()[0] as { service_request_id: string; token: string; service_notice: string }
}
const caseOf = (number: string) => t.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow()
const act = async (who: MadeUser, id: string, action: string, body: object = {}) => {
  const res = await t.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/${action}`, headers: who.auth, payload: body })
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200)
  return res.json()
}
const newKey = async (who: MadeUser, body: object) => {
  const res = await t.app.inject({ method: 'POST', url: '/api/open311/keys', headers: who.auth, payload: body })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; apiKey: string; prefix: string }
}
function expectErrors(res: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, format: 'json' | 'xml' = 'json') {
  expect(res.statusCode, res.body).toBe(status)
  if (format === 'json') {
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const body = JSON.parse(res.body)
    expect(body).toEqual([{ code: status, description: expect.any(String) }])
    return body[0].description as string
  }
  expect(res.headers['content-type']).toMatch(/^text\/xml/)
  const x = xml(res.body)
  expect(x.root).toBe('errors')
  expect(x.json).toEqual([{ code: status, description: expect.any(String) }])
  return x.json[0].description as string
}

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, GRID, { '330683': '嵊州市', '330683105': '石璜镇', [YAHUANG]: '雅璜村' })
  await makeRegion(t.db, WANGYUAN)
  const unit = await makeUnit(t.db, '330683105', { name: '石璜镇综合执法中队', kind: 'town_office' })
  unitId = unit.id
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
  handler = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105', unitId })
  countyKey = (await newKey(admin, { name: 'FixMyStreet 嵊州' })).apiKey
  townKey = (await newKey(admin, { name: '石璜镇小程序', regionCode: '330683105' })).apiKey
  const yahuang = await t.db.selectFrom('regions').select('id').where('code', '=', YAHUANG).executeTakeFirstOrThrow()
  placeQr = 'YHMQJ01'
  await t.db.insertInto('places').values({ region_id: yahuang.id, name: '雅璜村民情角', kind: 'corner', address: '雅璜村文化礼堂', lat: 29.6, lng: 120.8, qr_code: placeQr }).execute()
})
afterAll(() => t.close())

describe('a GeoReport v2 client, JSON and XML', () => {
  it('discovery names our endpoint (from the request) and both formats', async () => {
    const res = await get('/open311/v2/discovery.json')
    expect(res.statusCode).toBe(200)
    const d = res.json()
    expect(d.endpoints).toEqual([
      expect.objectContaining({ specification: 'http://wiki.open311.org/GeoReport_v2', url: 'http://localhost:80/open311/v2', type: 'production', formats: ['application/json', 'text/xml'] }),
    ])
    expect(d).toMatchObject({ changeset: expect.any(String), contact: expect.any(String), key_service: expect.any(String) })
    expect((await get('/open311/v2/discovery')).json()).toEqual(d)
    const x = await get('/open311/v2/discovery.xml')
    expect(x.headers['content-type']).toMatch(/^text\/xml; charset=utf-8/)
    expect(x.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true)
    expect(xml(x.body)).toEqual({ root: 'discovery', json: d })
  })

  it('services are our categories, with the top-level category as group', async () => {
    const res = await get('/open311/v2/services.json')
    expect(res.statusCode).toBe(200)
    const services = res.json()
    valid('services', services)
    expect(services.find((s: { service_code: string }) => s.service_code === 'traffic.streetlight')).toEqual({
      service_code: 'traffic.streetlight',
      service_name: '路灯故障',
      description: '道路交通 · 路灯故障',
      metadata: true,
      type: 'realtime',
      keywords: '路灯,不亮',
      group: '道路交通',
    })
    const x = xml((await get('/open311/v2/services.xml')).body)
    expect(x.root).toBe('services')
    valid('services', x.json)
    expect(x.json).toEqual(services)
  })

  it('a service’s definition carries our one optional attribute; unknown services are 404 in the spec’s form', async () => {
    const res = await get('/open311/v2/services/traffic.streetlight.json')
    expect(res.statusCode).toBe(200)
    valid('definition', res.json())
    expect(res.json()).toMatchObject({ service_code: 'traffic.streetlight', attributes: [{ code: 'region_code', datatype: 'string', required: false, variable: true, order: 1 }] })
    expect((await get('/open311/v2/services/traffic.streetlight')).json()).toEqual(res.json())
    const x = xml((await get('/open311/v2/services/traffic.streetlight.xml')).body)
    expect(x.root).toBe('service_definition')
    valid('definition', x.json)
    expect(x.json).toEqual(res.json())
    expectErrors(await get('/open311/v2/services/no.such.json'), 404)
    expectErrors(await get('/open311/v2/services/no.such.xml'), 404, 'xml')
  })

  it('POST requests → GET requests/{id} in JSON: a case of channel open311 in the key’s region, no personal data out', async () => {
    const created = await report({ first_name: '三', last_name: '张', phone: '13912345678', email: 'zhang@example.com', address_string: '雅璜村村口' })
    expect(created.statusCode, created.body).toBe(200)
    const [r] = created.json()
    expect(r).toEqual({ service_request_id: expect.stringMatching(/^MQ-\d{8}-\d{4,}$/), token: expect.any(String), service_notice: expect.stringContaining('5 个工作日') })
    // The resident's receipt: our tracking page, where they follow the case and rate the answer.
    expect(r.service_notice).toContain(`http://localhost:80/t/${r.token}`)

    const row = await caseOf(r.service_request_id)
    const county = await t.db.selectFrom('regions').select('id').where('code', '=', '330683').executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      channel: 'open311',
      state: 'new',
      level: 'county',
      region_id: county.id,
      title: '村口路灯不亮',
      description: '村口路灯不亮\n已经一周了',
      reporter_kind: 'named',
      reporter_name: '张三',
      reporter_email: 'zhang@example.com',
      reporter_phone_masked: '139****5678',
      address: '雅璜村村口',
      lat: 29.59,
      lng: 120.82,
      tracking_code: r.token,
    })
    const client = await t.db.selectFrom('api_clients').select('name').where('id', '=', row.api_client_id!).executeTakeFirstOrThrow()
    expect(client.name).toBe('FixMyStreet 嵊州')

    const one = await get(`/open311/v2/requests/${r.service_request_id}.json`)
    expect(one.statusCode).toBe(200)
    const list = one.json()
    valid('requests', list)
    expect(list).toEqual([
      {
        service_request_id: r.service_request_id,
        status: 'open',
        status_notes: '已受理,正在研判交办',
        service_name: '路灯故障',
        service_code: 'traffic.streetlight',
        description: '村口路灯不亮\n已经一周了',
        agency_responsible: null,
        service_notice: null,
        requested_datetime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/),
        updated_datetime: expect.stringMatching(/\+08:00$/),
        expected_datetime: null,
        address: '雅璜村村口',
        address_id: null,
        zipcode: null,
        lat: 29.59,
        long: 120.82,
        media_url: null,
      },
    ])
    for (const secret of ['13912345678', '5678', '张三', 'zhang@example.com', r.token]) expect(one.body).not.toContain(secret)
    expect((await get(`/open311/v2/requests/${r.service_request_id}`)).json()).toEqual(list)
  })

  it('POST requests.xml → GET requests/{id}.xml and tokens/{token}.xml: the same flow in XML', async () => {
    const created = await report({ description: 'XML 客户端的报告' }, '/open311/v2/requests.xml')
    expect(created.statusCode, created.body).toBe(200)
    const c = xml(created.body)
    expect(c.root).toBe('service_requests')
    expect(c.json).toEqual([{ service_request_id: expect.any(String), token: expect.any(String), service_notice: expect.any(String) }])
    const { service_request_id: id, token } = c.json[0]

    const one = await get(`/open311/v2/requests/${id}.xml`)
    expect(one.headers['content-type']).toMatch(/^text\/xml/)
    const r = xml(one.body)
    expect(r.root).toBe('service_requests')
    valid('requests', r.json)
    expect(r.json[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: 'traffic.streetlight', description: 'XML 客户端的报告', lat: 29.59, long: 120.82 })
    expect(r.json).toEqual((await get(`/open311/v2/requests/${id}.json`)).json())

    const tok = xml((await get(`/open311/v2/tokens/${token}.xml`)).body)
    expect(tok).toEqual({ root: 'service_requests', json: [{ service_request_id: id, token }] })
    expect((await get(`/open311/v2/tokens/${token}.json`)).json()).toEqual([{ service_request_id: id, token }])
    expectErrors(await get('/open311/v2/tokens/NOSUCHTOKEN.json'), 404)
    expectErrors(await get('/open311/v2/tokens/NOSUCHTOKEN.xml'), 404, 'xml')
  })

  it('also takes multipart with a `media` photo, served back at media_url to anyone', async () => {
    const body = multipart(
      { api_key: countyKey, service_code: 'traffic.road', address_string: '石璜镇大桥', description: '桥面坑洼' },
      { name: 'media', filename: 'road.png', contentType: 'image/png', data: TINY_PNG },
    )
    const res = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: body.headers, payload: body.payload })
    expect(res.statusCode, res.body).toBe(200)
    const [r] = res.json()
    const [req] = (await get(`/open311/v2/requests/${r.service_request_id}.json`)).json()
    valid('request', req)
    expect(req.media_url).toMatch(new RegExp(`^http://localhost:80/open311/v2/media/${r.service_request_id}/[0-9a-f-]{36}$`))
    const img = await get(new URL(req.media_url).pathname)
    expect(img.statusCode).toBe(200)
    expect(img.headers['content-type']).toBe('image/png')
    expect(img.headers['x-content-type-options']).toBe('nosniff')
    expect(img.rawPayload.equals(TINY_PNG)).toBe(true)
    expectErrors(await get(`/open311/v2/media/${r.service_request_id}/00000000-0000-0000-0000-000000000000`), 404)
    const notImage = multipart({ api_key: countyKey, service_code: 'traffic.road', address_string: 'x' }, { name: 'media', filename: 'a.txt', data: Buffer.from('hello') })
    const bad = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: notImage.headers, payload: notImage.payload })
    expectErrors(bad, 400)
    const huge = multipart(
      { api_key: countyKey, service_code: 'traffic.road', address_string: 'x' },
      { name: 'media', filename: 'big.png', data: Buffer.concat([TINY_PNG, Buffer.alloc(8 * 1024 * 1024)]) },
    )
    expectErrors(await t.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', headers: huge.headers, payload: huge.payload }), 413, 'xml')
  })

  it('keeps a client’s media_url as a link on the timeline (never fetched) and answers it back', async () => {
    const r = await reportOk({ media_url: 'https://fms.example.org/photo/1.jpeg' })
    const [req] = (await get(`/open311/v2/requests/${r.service_request_id}.json`)).json()
    expect(req.media_url).toBe('https://fms.example.org/photo/1.jpeg')
    valid('request', req)
    const row = await caseOf(r.service_request_id)
    const link = await t.db.selectFrom('case_events').select(['action', 'note']).where('case_id', '=', row.id).where('action', '=', 'media_link').executeTakeFirstOrThrow()
    expect(link.note).toBe('https://fms.example.org/photo/1.jpeg')
    expectErrors(await report({ media_url: 'file:///etc/passwd' }), 400)
  })

  it('stores HTML and script as text: JSON gives it back as it came, XML escaped and well-formed', async () => {
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)> & \u0001'
    const r = await reportOk({ description: evil, address_string: '<b>村口</b>' })
    const row = await caseOf(r.service_request_id)
    expect(row.description).toBe(evil)
    expect(row.address).toBe('<b>村口</b>')
    const [json] = (await get(`/open311/v2/requests/${r.service_request_id}.json`)).json()
    expect(json.description).toBe(evil)
    const raw = (await get(`/open311/v2/requests/${r.service_request_id}.xml`)).body
    expect(raw).not.toContain('<script>')
    expect(raw).not.toContain('<b>')
    expect(raw).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
    const [back] = xml(raw).json
    expect(back.description).toBe(evil.replace('\u0001', ''))
    expect(back.address).toBe('<b>村口</b>')
  })
})

describe('POST requests: keys and bad input, answered in the spec’s error form', () => {
  it('refuses a missing, wrong, revoked or other-kind key with 403 and stores nothing', async () => {
    const before = await t.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(expectErrors(await report({ api_key: undefined }), 403)).toMatch(/api_key/)
    expectErrors(await report({ api_key: 'mq_' + 'x'.repeat(32) }), 403)
    expectErrors(await report({ api_key: 'not even a key' }, '/open311/v2/requests.xml'), 403, 'xml')
    const doomed = await newKey(admin, { name: '将被吊销' })
    expect((await report({ api_key: doomed.apiKey })).statusCode).toBe(200)
    const del = await t.app.inject({ method: 'DELETE', url: `/api/open311/keys/${doomed.id}`, headers: admin.auth })
    expect(del.statusCode, del.body).toBe(200)
    expect(del.json().revokedAt).not.toBeNull()
    const afterRevoke = await t.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expectErrors(await report({ api_key: doomed.apiKey }), 403)
    const push = await issueApiKey(t.db, { kind: 'push', name: '推送平台', regionId: null, createdBy: null })
    expectErrors(await report({ api_key: push.apiKey }), 403)
    const after = await t.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(afterRevoke.n))
    expect(Number(afterRevoke.n)).toBe(Number(before.n) + 1)
  })

  it('400 for a missing or unknown service_code, a missing or half location, bad numbers and bad fields', async () => {
    expect(expectErrors(await report({ service_code: undefined }), 400)).toBe('service_code is required')
    expectErrors(await report({ service_code: undefined }, '/open311/v2/requests.xml'), 400, 'xml')
    expect(expectErrors(await report({ service_code: 'no.such' }), 400)).toMatch(/service_code not found/)
    expect(expectErrors(await report({ lat: undefined, long: undefined }), 400)).toMatch(/location is required/)
    expectErrors(await report({ lat: undefined, long: undefined }, '/open311/v2/requests.xml'), 400, 'xml')
    expectErrors(await report({ long: undefined }), 400)
    expectErrors(await report({ lat: '91' }), 400)
    expectErrors(await report({ lat: 'north' }), 400)
    expectErrors(await report({ email: 'not-an-email' }), 400)
    expect(expectErrors(await report({ phone: '12345' }), 400)).toMatch(/电话|手机|phone/)
    expectErrors(await report({ description: 'x'.repeat(4001) }), 400)
    expectErrors(await report({ address_id: 'NO-SUCH-PLACE', lat: undefined, long: undefined }), 400)
    // Neither JSON arrays nor a body that is no form at all take the server down.
    const junk = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/json' }, payload: '[1,2' })
    expectErrors(junk, 400)
    const plain = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/xml' }, payload: '<request/>' })
    expect(plain.statusCode).toBe(415)
    expect(plain.json()).toEqual([{ code: 415, description: expect.any(String) }])
  })

  it('a report lands where it says, inside the key’s area: address_id (place or region), attribute[region_code], jurisdiction_id', async () => {
    const regionOf = async (number: string) =>
      await t.db
        .selectFrom('cases as c')
        .innerJoin('regions as r', 'r.id', 'c.region_id')
        .select(['r.code', 'c.level', 'c.place_id', 'c.address', 'c.lat'])
        .where('c.number', '=', number)
        .executeTakeFirstOrThrow()
    const atPlace = await reportOk({ address_id: placeQr, lat: undefined, long: undefined })
    expect(await regionOf(atPlace.service_request_id)).toMatchObject({ code: YAHUANG, level: 'village', address: '雅璜村文化礼堂', lat: 29.6, place_id: expect.any(String) })
    const [out] = (await get(`/open311/v2/requests/${atPlace.service_request_id}.json`)).json()
    expect(out).toMatchObject({ address_id: placeQr, address: '雅璜村文化礼堂' })
    const atGrid = await reportOk({ address_id: GRID })
    expect(await regionOf(atGrid.service_request_id)).toMatchObject({ code: GRID, level: 'grid' })
    const byAttribute = await reportOk({ 'attribute[region_code]': YAHUANG })
    expect(await regionOf(byAttribute.service_request_id)).toMatchObject({ code: YAHUANG })
    const byJurisdiction = await reportOk({ jurisdiction_id: '330683105' })
    expect(await regionOf(byJurisdiction.service_request_id)).toMatchObject({ code: '330683105', level: 'town' })
    const county = await reportOk({ jurisdiction_id: '330683' })
    expect(await regionOf(county.service_request_id)).toMatchObject({ code: '330683' })

    // The town's key reports in its town and nowhere else.
    const townReport = await reportOk({ api_key: townKey })
    expect(await regionOf(townReport.service_request_id)).toMatchObject({ code: '330683105' })
    expectErrors(await report({ api_key: townKey, address_id: WANGYUAN }), 403)
    expectErrors(await report({ api_key: townKey, 'attribute[region_code]': '330683' }), 403)
    expectErrors(await report({ api_key: townKey, jurisdiction_id: '330683106' }), 403)
    expectErrors(await report({ jurisdiction_id: '999999' }), 404)
    expectErrors(await report({ 'attribute[region_code]': '000000000000' }), 400)
  })
})

describe('GET requests', () => {
  it('filters by ids (overriding the rest), service_code and status; unknown ids answer nothing, a missing one is 404', async () => {
    const a = await reportOk({ service_code: 'traffic.parking', description: '乱停车' })
    const b = await reportOk({ service_code: 'traffic.parking', description: '又乱停车' })
    const both = (await get(`/open311/v2/requests.json?service_request_id=${a.service_request_id},${b.service_request_id},MQ-NOPE&status=closed`)).json()
    valid('requests', both)
    expect(both.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([a.service_request_id, b.service_request_id].sort())

    const parking = (await get('/open311/v2/requests.json?service_code=traffic.parking')).json()
    expect(parking.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([b.service_request_id, a.service_request_id])
    const multi = (await get('/open311/v2/requests.json?service_code=traffic.parking,traffic.road')).json()
    expect(multi.length).toBeGreaterThan(parking.length)
    expect((await get('/open311/v2/requests.json?service_code=traffic.parking&status=closed')).json()).toEqual([])
    expect((await get('/open311/v2/requests.json?service_code=traffic.parking&status=open')).json()).toHaveLength(2)
    expect((await get('/open311/v2/requests.json?service_code=traffic.parking&status=open,closed')).json()).toHaveLength(2)
    // Lists may also repeat the parameter.
    expect((await get('/open311/v2/requests.json?service_code=traffic.parking&status=open&status=closed')).json()).toHaveLength(2)
    expect((await get(`/open311/v2/requests.json?service_request_id=${a.service_request_id}&service_request_id=${b.service_request_id}`)).json()).toHaveLength(2)
    expect((await get('/open311/v2/requests.json?service_code=traffic.parking&service_code=traffic.road')).json()).toEqual(multi)
    const x = xml((await get('/open311/v2/requests.xml?service_code=traffic.parking')).body)
    valid('requests', x.json)
    expect(x.json).toEqual(parking)

    expectErrors(await get('/open311/v2/requests.json?service_code=no.such'), 400)
    expectErrors(await get('/open311/v2/requests.json?status=pending'), 400)
    expectErrors(await get('/open311/v2/requests.json?start_date=last-week'), 400)
    expectErrors(await get('/open311/v2/requests.xml?end_date=2026-02-30'), 400, 'xml')
    expectErrors(await get('/open311/v2/requests/MQ-20000101-9999.json'), 404)
    expectErrors(await get('/open311/v2/requests/MQ-20000101-9999.xml'), 404, 'xml')
    expectErrors(await get('/open311/v2/requests.json?jurisdiction_id=999999'), 404)
  })

  it('publishes only cases that came in through Open311', async () => {
    const grid = await t.db.selectFrom('regions').select('id').where('code', '=', GRID).executeTakeFirstOrThrow()
    const qr = await t.app.services.cases.intakeExternal({ channel: 'qr', regionId: grid.id, categoryCode: 'traffic.parking', title: '扫码反映', description: '居民扫码反映的事' })
    expectErrors(await get(`/open311/v2/requests/${qr.number}.json`), 404)
    expect((await get(`/open311/v2/requests.json?service_request_id=${qr.number}`)).json()).toEqual([])
    expectErrors(await get(`/open311/v2/tokens/${qr.trackingCode}.json`), 404)
  })

  it('maps our states to open/closed with the answer as status_notes, the unit as agency and the due time', async () => {
    const r = await reportOk({ 'attribute[region_code]': YAHUANG, service_code: 'environment' })
    const row = await caseOf(r.service_request_id)
    const one = async () => {
      const [req] = (await get(`/open311/v2/requests/${r.service_request_id}.json`)).json()
      valid('request', req)
      return req
    }
    await act(town, row.id, 'dispatch', { unitId })
    expect(await one()).toMatchObject({ status: 'open', status_notes: '已交办承办单位', agency_responsible: '石璜镇综合执法中队', expected_datetime: expect.stringMatching(/\+08:00$/) })
    await act(handler, row.id, 'accept')
    await act(handler, row.id, 'reply', { result: '已清理垃圾堆' })
    expect(await one()).toMatchObject({ status: 'open', status_notes: '已清理垃圾堆' })
    await t.app.services.cases.rateByTracking(r.token, { rating: 'satisfied' })
    const closed = await one()
    expect(closed).toMatchObject({ status: 'closed', status_notes: '已清理垃圾堆' })
    const done = await caseOf(r.service_request_id)
    expect(closed.updated_datetime).toBe(new Date(done.closed_at!.getTime() + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00')

    const rejected = await reportOk({ 'attribute[region_code]': YAHUANG })
    await act(town, (await caseOf(rejected.service_request_id)).id, 'reject', { reason: '不属于政府职责范围', kind: 'not_government' })
    expect((await get(`/open311/v2/requests/${rejected.service_request_id}.json`)).json()[0]).toMatchObject({ status: 'closed', status_notes: '不属于政府职责范围' })

    const target = await reportOk({ 'attribute[region_code]': YAHUANG })
    const dup = await reportOk({ 'attribute[region_code]': YAHUANG })
    await act(town, (await caseOf(dup.service_request_id)).id, 'merge', { intoCaseId: (await caseOf(target.service_request_id)).id })
    expect((await get(`/open311/v2/requests/${dup.service_request_id}.json`)).json()[0]).toMatchObject({ status: 'closed', status_notes: `已并入事项 ${target.service_request_id} 办理` })
  })
})

describe('servicerequestupdates (mySociety)', () => {
  it('GET lists what a resident should see, oldest first, in JSON and XML; a wrong key is 403', async () => {
    const since = new Date(Date.now() - 1000).toISOString()
    const r = await reportOk({ 'attribute[region_code]': YAHUANG })
    const row = await caseOf(r.service_request_id)
    await act(town, row.id, 'dispatch', { unitId, note: '内部备注:请尽快' })
    await act(town, row.id, 'urge', { note: '催办' })
    await act(handler, row.id, 'accept')
    await act(handler, row.id, 'reply', { result: '路灯已修好' })
    await t.app.services.cases.rateByTracking(r.token, { rating: 'satisfied' })

    const res = await get(`/open311/v2/servicerequestupdates.json?start_date=${encodeURIComponent(since)}`)
    expect(res.statusCode, res.body).toBe(200)
    const mine = res.json().filter((u: { service_request_id: string }) => u.service_request_id === r.service_request_id)
    expect(mine.map((u: { status: string; description: string }) => [u.status, u.description])).toEqual([
      ['action_scheduled', '已交办 石璜镇综合执法中队 办理'],
      ['in_progress', '承办单位已签收,正在办理'],
      ['fixed', '路灯已修好'],
      ['closed', '反映人评价:满意,已办结'],
    ])
    for (const u of mine)
      expect(u).toEqual({
        update_id: expect.stringMatching(/^\d+$/),
        service_request_id: r.service_request_id,
        status: expect.any(String),
        description: expect.any(String),
        updated_datetime: expect.stringMatching(/\+08:00$/),
        media_url: '',
      })
    expect(res.body).not.toContain('内部备注')
    expect(res.body).not.toContain('催办')

    const x = xml((await get(`/open311/v2/servicerequestupdates.xml?start_date=${encodeURIComponent(since)}&api_key=${countyKey}`)).body)
    expect(x.root).toBe('service_request_updates')
    expect(x.json.map((u: { media_url: string | null }) => ({ ...u, media_url: u.media_url ?? '' }))).toEqual(res.json())
    expectErrors(await get('/open311/v2/servicerequestupdates.json?api_key=wrong'), 403)
    // FixMyStreet sends `api_key=` empty when it has none: that is no key, as on the other reads (issue 12, defect 14).
    const empty = await get(`/open311/v2/servicerequestupdates.json?start_date=${encodeURIComponent(since)}&api_key=`)
    expect(empty.statusCode, empty.body).toBe(200)
    expect(empty.json()).toEqual(res.json())
    expectErrors(await get('/open311/v2/servicerequestupdates.xml?start_date=soon'), 400, 'xml')
  })

  it('POST keeps a client’s update on the timeline without changing the state, once per update_id', async () => {
    const r = await reportOk({ 'attribute[region_code]': YAHUANG })
    const row = await caseOf(r.service_request_id)
    const update = (extra: Record<string, string | undefined> = {}, url = '/open311/v2/servicerequestupdates.json') =>
      post(url, {
        api_key: countyKey,
        service_request_id: r.service_request_id,
        update_id: 'fms-77',
        updated_datetime: '2026-11-21T10:00:00+08:00',
        status: 'FIXED',
        description: '居民说<b>已经修好</b>',
        first_name: '三',
        last_name: '张',
        ...extra,
      })
    const res = await update()
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toEqual([{ update_id: expect.stringMatching(/^\d+$/) }])
    const again = await update({ description: '重发' })
    expect(again.json()).toEqual(res.json())
    const x = xml((await update({}, '/open311/v2/servicerequestupdates.xml')).body)
    expect(x).toEqual({ root: 'service_request_updates', json: res.json() })

    const events = await t.db.selectFrom('case_events').select(['id', 'action', 'from_state', 'to_state', 'note', 'data']).where('case_id', '=', row.id).where('action', '=', 'comment').execute()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      from_state: 'new',
      to_state: 'new',
      note: '居民说<b>已经修好</b>',
      data: { via: 'FixMyStreet 嵊州', updateId: 'fms-77', status: 'fixed', author: '张三', clientUpdatedAt: '2026-11-21T02:00:00.000Z' },
    })
    expect(String(events[0].id)).toBe(res.json()[0].update_id)
    expect((await caseOf(r.service_request_id)).state).toBe('new')
    // Clients' own words are not updates of ours.
    const listed = (await get('/open311/v2/servicerequestupdates.json')).json()
    expect(listed.find((u: { update_id: string }) => u.update_id === res.json()[0].update_id)).toBeUndefined()
    // The handlers see it on the case's timeline.
    const detail = (await t.app.inject({ method: 'GET', url: `/api/cases/${row.id}`, headers: admin.auth })).json()
    expect(detail.events.map((e: { action: string }) => e.action)).toContain('comment')
  })

  it('POST refuses bad keys (403), missing or bad fields (400) and requests it may not touch (404)', async () => {
    const r = await reportOk({ 'attribute[region_code]': YAHUANG })
    const elsewhere = await reportOk({ 'attribute[region_code]': WANGYUAN })
    const ok = { api_key: countyKey, service_request_id: r.service_request_id, update_id: 'u-1', updated_datetime: '2026-11-21T10:00:00Z', status: 'OPEN', description: '补充' }
    const update = (extra: Record<string, string | undefined>) => post('/open311/v2/servicerequestupdates.json', { ...ok, ...extra })
    expectErrors(await update({ api_key: undefined }), 403)
    expectErrors(await update({ api_key: 'mq_' + 'y'.repeat(32) }), 403)
    for (const field of ['service_request_id', 'update_id', 'status', 'updated_datetime', 'description']) expect(expectErrors(await update({ [field]: undefined }), 400)).toBe(`${field} is required`)
    expectErrors(await update({ status: 'DONE' }), 400)
    expectErrors(await update({ updated_datetime: 'now' }), 400)
    expectErrors(await update({ service_request_id: 'MQ-20000101-0001' }), 404)
    expectErrors(await update({ api_key: townKey, service_request_id: elsewhere.service_request_id }), 404)
    expect((await update({})).statusCode).toBe(200)
  })
})

describe('documentation', () => {
  it('the Open311 routes and the key routes are in the OpenAPI document', async () => {
    const doc = (await get('/api/docs/json')).json()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/open311/v2/requests.json', '/open311/v2/requests/{id}', '/open311/v2/servicerequestupdates.xml', '/api/open311/keys', '/api/open311/keys/{id}']),
    )
  })
})

describe('routes the spec does not have', () => {
  it('answer 404 in the spec’s form, as JSON or XML by extension', async () => {
    expectErrors(await get('/open311/v2/nothing.json'), 404)
    expectErrors(await get('/open311/v2/nothing.xml'), 404, 'xml')
    expectErrors(await get('/open311/v2/services.csv'), 404)
    expectErrors(await t.app.inject({ method: 'DELETE', url: '/open311/v2/requests.json' }), 404)
    // The rest of the app keeps its own 404.
    expect((await get('/api/nothing')).json()).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } })
  })
})

describe('API keys in the console', () => {
  it('lists keys without secrets; only intake.manage may issue, list or revoke', async () => {
    const made = await newKey(admin, { name: '列表测试' })
    expect(made).toMatchObject({ name: '列表测试', apiKey: expect.stringMatching(/^mq_[A-Za-z0-9_-]{32}$/), prefix: made.apiKey.slice(0, 10), regionCode: '330683', revokedAt: null, lastUsedAt: null })
    const list = await t.app.inject({ method: 'GET', url: '/api/open311/keys', headers: admin.auth })
    expect(list.statusCode).toBe(200)
    expect(list.json()).toContainEqual(expect.objectContaining({ id: made.id, prefix: made.prefix, name: '列表测试' }))
    expect(list.body).not.toContain(made.apiKey)
    const stored = await t.db.selectFrom('api_clients').select(['key_hash', 'kind']).where('id', '=', made.id).executeTakeFirstOrThrow()
    expect(stored.kind).toBe('open311')
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(stored.key_hash).not.toContain(made.apiKey)
    const audit = await t.db.selectFrom('audit_log').select('action').where('entity_id', '=', made.id).execute()
    expect(audit.map((a) => a.action)).toEqual(['intake.open311_key.create'])

    for (const who of [town, handler]) {
      expect((await t.app.inject({ method: 'POST', url: '/api/open311/keys', headers: who.auth, payload: { name: 'x' } })).statusCode).toBe(403)
      expect((await t.app.inject({ method: 'GET', url: '/api/open311/keys', headers: who.auth })).statusCode).toBe(403)
      expect((await t.app.inject({ method: 'DELETE', url: `/api/open311/keys/${made.id}`, headers: who.auth })).statusCode).toBe(403)
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/open311/keys', payload: { name: 'x' } })).statusCode).toBe(401)
  })

  it('checks the name and the region, revokes once, and knows no unknown key', async () => {
    const post = (payload: object) => t.app.inject({ method: 'POST', url: '/api/open311/keys', headers: admin.auth, payload })
    expect((await post({ name: '' })).statusCode).toBe(400)
    expect((await post({ name: 'x', secret: 'y' })).statusCode).toBe(400)
    expect((await post({ name: 'x', regionCode: '999999999' })).json().error.code).toBe('UNKNOWN_REGION')
    expect((await post({ name: 'x', regionCode: '330600' })).statusCode).toBe(403)
    const k = await newKey(admin, { name: '吊销两次', regionCode: YAHUANG })
    const first = await t.app.inject({ method: 'DELETE', url: `/api/open311/keys/${k.id}`, headers: admin.auth })
    const second = await t.app.inject({ method: 'DELETE', url: `/api/open311/keys/${k.id}`, headers: admin.auth })
    expect(second.json().revokedAt).toBe(first.json().revokedAt)
    const audit = await t.db.selectFrom('audit_log').select('action').where('entity_id', '=', k.id).execute()
    expect(audit.map((a) => a.action).sort()).toEqual(['intake.open311_key.create', 'intake.open311_key.revoke'])
    expect((await t.app.inject({ method: 'DELETE', url: '/api/open311/keys/00000000-0000-0000-0000-000000000000', headers: admin.auth })).statusCode).toBe(404)
    // A key of the other kind is not an Open311 key to this page.
    const push = await issueApiKey(t.db, { kind: 'push', name: '推送', regionId: null, createdBy: null })
    expect((await t.app.inject({ method: 'DELETE', url: `/api/open311/keys/${push.client.id}`, headers: admin.auth })).statusCode).toBe(404)
  })

  it('records when a key was last used', async () => {
    const k = await newKey(admin, { name: '用过的' })
    await reportOk({ api_key: k.apiKey })
    const list = (await t.app.inject({ method: 'GET', url: '/api/open311/keys', headers: admin.auth })).json()
    expect(list.find((x: { id: string }) => x.id === k.id).lastUsedAt).not.toBeNull()
  })
})
