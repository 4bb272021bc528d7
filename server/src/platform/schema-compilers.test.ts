import Fastify from 'fastify'
import AjvModule from 'ajv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../test/app.ts'
import { compileAllSchemas, installLazySchemas, warmSchemas } from './schema-compilers.ts'

const Ajv = (AjvModule as any).default ?? AjvModule

let t: Awaited<ReturnType<typeof createTestApp>>
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

describe('route schemas compiled on first use', () => {
  it('every route’s validators and serializers compile (a broken schema fails here, not on a user’s request)', async () => {
    await t.app.ready()
    expect(compileAllSchemas(t.app)).toBeGreaterThan(300)
  })

  it('a lazily compiled validator still answers 400 with the failing field, and the serializer drops unknown fields', async () => {
    const app = Fastify()
    const ajv = new Ajv({ allErrors: true, coerceTypes: false })
    installLazySchemas(app, ({ schema }) => ajv.compile(schema))
    app.post(
      '/x',
      {
        schema: {
          body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
          response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } },
        },
      },
      async (req) => ({ ...(req.body as object), secret: 'not in the schema' }),
    )
    const bad = await app.inject({ method: 'POST', url: '/x', payload: { n: 'one' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toMatch(/body\/n must be integer/)
    const good = await app.inject({ method: 'POST', url: '/x', payload: { n: 1 } })
    expect(good.json()).toEqual({ n: 1 })
    await app.close()
  })

  it('compileAllSchemas throws on a schema Ajv cannot compile', async () => {
    const app = Fastify()
    const ajv = new Ajv()
    installLazySchemas(app, ({ schema }) => ajv.compile(schema))
    app.post('/broken', { schema: { body: { type: 'not-a-type' } } }, async () => ({}))
    app.post('/fine', { schema: { body: { type: 'object' } } }, async () => ({}))
    await app.ready()
    // The background warm-up counts it and goes on; compileAllSchemas (the tests' check) throws.
    expect(await warmSchemas(app)).toMatchObject({ compiled: 1, failed: 1 })
    expect(() => compileAllSchemas(app)).toThrow()
    await app.close()
  })
})
