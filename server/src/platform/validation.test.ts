// Issue 11, defects 7 and 17: bad input answered 500, and names of nothing but invisible or bidi-control
// characters. Each example the probe found is here.
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../test/app.ts'
import { makeRegion, makeUser } from '../../test/factories.ts'
import { multipart, TINY_PNG } from '../../test/multipart.ts'
import { dbInputError, installErrorHandling } from './errors.ts'
import { boundIntegers, findBadText } from './validation.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: Awaited<ReturnType<typeof makeUser>>
const VILLAGE = '330683105212'

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, `${VILLAGE}001`)
  admin = await makeUser(t.db, { roles: ['admin', 'leader'], regionCode: '330683' })
})
afterAll(() => t?.close())

const expectValidation400 = (res: { statusCode: number; json(): any }) => {
  expect(res.statusCode).toBe(400)
  expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String) })
}

describe('NUL and unpaired surrogates: 400, never 500 (defect 7)', () => {
  it('in a login body, without a session', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: '\u0000', password: 'whatever1' } })
    expectValidation400(res)
    expect(res.json().error.details).toEqual([expect.objectContaining({ in: 'body', path: 'phone' })])
  })

  it('in JSON text, as an escaped lone surrogate or NUL in a key', async () => {
    const json = { 'content-type': 'application/json' }
    expectValidation400(await t.app.inject({ method: 'POST', url: '/api/units', headers: { ...admin.auth, ...json }, payload: `{"name":"x\\udfffy","kind":"department","regionCode":"${VILLAGE}"}` }))
    expectValidation400(await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: json, payload: '{"phone\\u0000":"1","password":"12345678"}' }))
  })

  it('in Open311 queries and paths (no login)', async () => {
    for (const url of ['/open311/v2/requests.json?service_code=a%00b', '/open311/v2/requests/%00.json', '/open311/v2/requests.json?service_request_id=%00', '/open311/v2/services/a%00b.json']) {
      const res = await t.app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(400)
      expect(res.json()[0]).toMatchObject({ code: 400, description: expect.any(String) })
    }
  })

  it('in list queries and in an update body', async () => {
    for (const url of ['/api/regions?q=a%00b', '/api/units?q=%00', '/api/enterprises?creditCode=%00', '/api/places?kind=a%00b', '/api/cases?categoryCode=%00', '/api/households/export?tag=%00']) {
      const res = await t.app.inject({ method: 'GET', url, headers: admin.auth })
      expect(res.statusCode, url).toBe(400)
      expect(res.json().error.code).toBe('VALIDATION_FAILED')
    }
    expectValidation400(await t.app.inject({ method: 'PATCH', url: `/api/regions/${VILLAGE}001`, headers: admin.auth, payload: { name: 'a\u0000' } }))
  })

  it('findBadText finds NUL and lone surrogates anywhere, and passes paired ones', () => {
    expect(findBadText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toBe('a.1.c')
    expect(findBadText({ a: '\ud800' })).toBe('a')
    expect(findBadText({ a: 'x\udc00' })).toBe('a')
    expect(findBadText({ a: '😀 王', b: ['\ud83d\ude00'] })).toBeUndefined()
  })
})

describe('NUL and unpaired surrogates in multipart uploads: 400, never 500 (defect 7)', () => {
  it("in a photo's file name and in a form field", async () => {
    const cadre = await makeUser(t.db, { roles: ['grid_worker'], regionCode: `${VILLAGE}001` })
    const made = await t.app.inject({ method: 'POST', url: '/api/cases', headers: cadre.auth, payload: { regionCode: `${VILLAGE}001`, title: '路灯不亮', description: '村口路灯坏了' } })
    expect(made.statusCode).toBe(201)
    const url = `/api/cases/${made.json().id}/files`
    for (const [fields, filename] of [
      [{ note: 'x\u0000' }, 'ok.png'],
      [{}, 'a\u0000b.png'],
    ] as const) {
      const body = multipart(fields, { filename, contentType: 'image/png', data: TINY_PNG })
      const res = await t.app.inject({ method: 'POST', url, headers: { ...cadre.auth, ...body.headers }, payload: body.payload })
      expect(res.statusCode, `${JSON.stringify({ fields, filename })}: ${res.body}`).toBe(400)
      expect(res.json().error.code).toBe('VALIDATION_FAILED')
    }
    const fine = multipart({}, { filename: '路灯.png', contentType: 'image/png', data: TINY_PNG })
    expect((await t.app.inject({ method: 'POST', url, headers: { ...cadre.auth, ...fine.headers }, payload: fine.payload })).statusCode).toBe(201)
  })
})

describe('found by the OpenAPI fuzz', () => {
  it('POST /api/cases with an empty categoryCode → 400, not 500', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/cases', headers: admin.auth, payload: { regionCode: VILLAGE, categoryCode: '', title: '路灯', description: '坏了' } })
    expectValidation400(res)
  })
})

describe('numbers beyond what the database holds: 400 (defect 7)', () => {
  it('offset of 99999999999999999999 or 1e308 on every paged list', async () => {
    for (const list of ['users', 'units', 'households', 'persons', 'enterprises', 'places', 'cases']) {
      for (const offset of ['99999999999999999999', '1e308']) {
        const res = await t.app.inject({ method: 'GET', url: `/api/${list}?offset=${offset}`, headers: admin.auth })
        expect(res.statusCode, `${list} offset=${offset}`).toBe(400)
        expect(res.json().error.code).toBe('VALIDATION_FAILED')
      }
    }
    // A large but sane offset is still an empty page.
    const far = await t.app.inject({ method: 'GET', url: '/api/units?offset=1000000', headers: admin.auth })
    expect(far.statusCode).toBe(200)
  })

  it('an integer id of 1e308 or 10^20 in a path', async () => {
    for (const id of ['1e308', '99999999999999999999']) {
      expectValidation400(await t.app.inject({ method: 'PATCH', url: `/api/visits/rules/${id}`, headers: admin.auth, payload: { target: 3 } }))
    }
  })

  it('boundIntegers bounds unbounded integers in a copy and keeps explicit bounds', () => {
    const schema = { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'integer', minimum: 1, maximum: 5 } } }
    const bounded = boundIntegers(schema) as any
    expect(bounded.properties.a).toMatchObject({ maximum: Number.MAX_SAFE_INTEGER, minimum: -Number.MAX_SAFE_INTEGER })
    expect(bounded.properties.b).toMatchObject({ minimum: 1, maximum: 5 })
    expect(schema.properties.a).toEqual({ type: 'integer' })
  })
})

describe('dates are real dates (defect 7)', () => {
  it('POST /api/visit-days {"date":"2026-13-45"} and 2026-02-30 → 400', async () => {
    for (const date of ['2026-13-45', '2026-02-30']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/visit-days', headers: admin.auth, payload: { regionCode: VILLAGE, date } })
      expectValidation400(res)
      expect(res.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'date' })]))
    }
  })
})

describe('errors before routing and from the database: 4xx in the error shape (defect 7)', () => {
  it('a bad percent-encoding or an over-long path parameter', async () => {
    for (const url of ['/api/units/%ff', '/api/regions/%', `/api/units/${'x'.repeat(3000)}`]) {
      const res = await t.app.inject({ method: 'GET', url, headers: admin.auth })
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400)
      expect(res.statusCode, url).toBeLessThan(500)
      expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.any(String) })
    }
  })

  it('database errors that only bad input causes are 400/409, others stay 500', async () => {
    const app = Fastify({ logger: false })
    installErrorHandling(app)
    app.get('/:sqlState', async (req) => {
      throw Object.assign(new Error('from the database'), { code: (req.params as { sqlState: string }).sqlState })
    })
    const statusOf = async (state: string) => (await app.inject({ method: 'GET', url: `/${state}` })).statusCode
    for (const state of ['22P02', '22003', '22007', '22008', '22021', '22001']) expect(await statusOf(state), state).toBe(400)
    expect(await statusOf('23505')).toBe(409)
    expect(await statusOf('40P01')).toBe(500)
    expect(dbInputError({ code: '22003' })?.code).toBe('VALIDATION_FAILED')
    await app.close()
  })
})

describe('names need a visible character and no bidi controls (defect 17)', () => {
  const BAD_NAMES = ['\u202e\u200b\ufeff', '   ', '\u200b', '\u3000\u00a0', 'abc\u202edef', '\u2066王\u2069', '王\t明']
  const namePathsOf = (res: { json(): any }) => (res.json().error?.details ?? []).filter((d: any) => d.rule === 'name').map((d: any) => d.path)

  it('units, regions, users, tags, persons, enterprises, places, categories and case titles refuse each bad form', async () => {
    const routes: { method: 'POST' | 'PATCH'; url: string; body: (name: string) => Record<string, unknown>; field: string }[] = [
      { method: 'POST', url: '/api/units', body: (name) => ({ name, kind: 'department', regionCode: VILLAGE }), field: 'name' },
      { method: 'PATCH', url: `/api/regions/${VILLAGE}001`, body: (name) => ({ name }), field: 'name' },
      { method: 'POST', url: '/api/regions', body: (name) => ({ parentCode: VILLAGE, name }), field: 'name' },
      { method: 'POST', url: '/api/users', body: (name) => ({ phone: '13912345678', name, password: 'Xq7!long-enough', roles: ['grid_worker'], regionCode: VILLAGE }), field: 'name' },
      { method: 'POST', url: '/api/tags', body: (name) => ({ code: 'fuzz_tag', name, appliesTo: 'person' }), field: 'name' },
      { method: 'POST', url: '/api/persons', body: (name) => ({ name, regionCode: VILLAGE }), field: 'name' },
      { method: 'POST', url: '/api/enterprises', body: (name) => ({ name, regionCode: VILLAGE, creditCode: '91330683MA2D123456' }), field: 'name' },
      { method: 'POST', url: '/api/places', body: (name) => ({ name, regionCode: VILLAGE, kind: '民情角' }), field: 'name' },
      { method: 'POST', url: '/api/categories', body: (name) => ({ code: 'fuzz.cat', name, defaultLevel: 'village', limits: { normalDays: 5, urgentDays: 2, emergencyHours: 24 } }), field: 'name' },
      { method: 'POST', url: '/api/cases', body: (title) => ({ regionCode: VILLAGE, title, description: '路灯坏了' }), field: 'title' },
    ]
    for (const route of routes) {
      for (const bad of BAD_NAMES) {
        const res = await t.app.inject({ method: route.method, url: route.url, headers: admin.auth, payload: route.body(bad) })
        expect(res.statusCode, `${route.method} ${route.url} ${JSON.stringify(bad)}`).toBe(400)
        expect(namePathsOf(res), `${route.method} ${route.url} ${JSON.stringify(bad)}`).toContain(route.field)
      }
    }
  })

  it('ordinary names still pass, with inner spaces and emoji', async () => {
    for (const name of ['东片网格', 'Team A 二组', '王 小明😀']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/units', headers: admin.auth, payload: { name, kind: 'department', regionCode: VILLAGE } })
      expect(res.statusCode, name).toBe(201)
    }
  })
})
