import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../test/app.ts'
import { makeUser } from '../../test/factories.ts'
import { routerErrorHandler } from './errors.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: Awaited<ReturnType<typeof makeUser>>

beforeAll(async () => {
  t = await createTestApp({ BODY_LIMIT_BYTES: '4096' })
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
})
afterAll(() => t.close())

describe('bad input always answers a JSON 4xx with a stable code', () => {
  it('malformed JSON → 400 INVALID_JSON', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"phone": "1380' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('INVALID_JSON')
  })

  it('empty JSON body → 400 INVALID_JSON', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '' })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('INVALID_JSON')
  })

  it('wrong types are refused, not coerced → 400 VALIDATION_FAILED with the field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: 13800000000, password: true } })
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(body.error.code).toBe('VALIDATION_FAILED')
    expect(body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['phone', 'password']))
  })

  it('unknown fields → 400 VALIDATION_FAILED naming them', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: '13800000000', password: 'x', isAdmin: true } })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('VALIDATION_FAILED')
    expect(res.json().error.message).toContain('isAdmin')
  })

  it('missing fields → 400 VALIDATION_FAILED', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: admin.auth, payload: { name: '张三' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('VALIDATION_FAILED')
    expect(res.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['phone', 'password', 'roles', 'regionCode']))
  })

  it('oversize body → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: '1'.repeat(10_000), password: 'x' } })
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('a body of another content type → 415', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<a/>' })
    expect(res.statusCode).toBe(415)
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  it('bad query parameters → 400', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/users?limit=abc', headers: admin.auth })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('VALIDATION_FAILED')
  })

  it('a malformed id in the path → 400, not 500', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/users/not-a-uuid', headers: admin.auth })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('VALIDATION_FAILED')
  })

  it('an unknown API route → 404 ROUTE_NOT_FOUND in JSON', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nothing-here' })
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('ROUTE_NOT_FOUND')
  })

  it('a protected route without a session → 401 UNAUTHENTICATED', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/users' })
    expect(res.statusCode).toBe(401)
    expect(res.json().error.code).toBe('UNAUTHENTICATED')
  })

  it('serves the OpenAPI document at /api/docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' })
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toMatch(/^3\./)
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/regions/{code}', '/api/users']))
  })

  it('health reports the database kind', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', db: t.ctx.database.kind, version: expect.any(String) })
  })
})

describe('router errors (frameworkErrors) answer JSON 4xx, never an unhandled failure', () => {
  it('a malformed percent-encoding in the path → 400 VALIDATION_FAILED in JSON, with the security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/users/%E0%A4%A', headers: admin.auth })
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { in: 'url', rule: 'FST_ERR_BAD_URL' } })
    expect(res.headers['x-content-type-options']).toBe('nosniff')
  })

  it('a path parameter over the router’s limit → 414 in JSON', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/users/${'a'.repeat(500)}`, headers: admin.auth })
    expect(res.statusCode).toBe(414)
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { rule: 'FST_ERR_MAX_PARAM_LENGTH' } })
  })

  it('a malformed or unknown content type → 4xx in JSON', async () => {
    for (const type of ['application/json; charset', ';;;', 'text/x-nonsense', 'application/json; charset=klingon']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': type }, payload: '{"phone":"13800000000","password":"x"}' })
      expect(res.statusCode, type).toBeGreaterThanOrEqual(400)
      expect(res.statusCode, type).toBeLessThan(500)
      expect(res.json().error.code, type).toEqual(expect.any(String))
    }
  })

  it('the handler is synchronous and, when answering fails, still sends a JSON 400 on the raw response', () => {
    const written: { status?: number; headers?: Record<string, unknown>; body?: string } = {}
    const raw = {
      headersSent: false,
      writeHead: (status: number, headers: Record<string, unknown>) => Object.assign(written, { status, headers }),
      end: (body?: string) => Object.assign(written, { body }),
    }
    const logged: unknown[] = []
    const reply = {
      raw,
      headers: () => {
        throw new TypeError('Invalid character in header content')
      },
    }
    const request = { url: '/api/x/%zz', log: { error: (o: unknown) => logged.push(o) } }
    const err = Object.assign(new Error('bad url'), { code: 'FST_ERR_BAD_URL' })
    const out = routerErrorHandler(err as never, request as never, reply as never)
    expect(out).toBeUndefined() // nothing for Fastify to (not) await
    expect(written.status).toBe(400)
    expect(written.headers?.['content-type']).toMatch(/^application\/json/)
    expect(JSON.parse(written.body!)).toEqual({ error: { code: 'VALIDATION_FAILED', message: '网址编码不正确' } })
    expect(logged).toHaveLength(1)
  })
})
