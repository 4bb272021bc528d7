import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../test/app.ts'
import { parseSeedArgs, seedActivity } from './activity-seed.ts'
import { DEMO_PASSWORD, seedDemo } from './demo.ts'

// The generated year as the screens read it: every generated case opens through the API (its rows map and its
// timeline validates against the response schema), the demo logins see work in their queues, residents track.
let t: Awaited<ReturnType<typeof createTestApp>>
const NOW = new Date('2026-12-07T10:00:00+08:00')

beforeAll(async () => {
  t = await createTestApp()
  await seedDemo(t.db)
  await seedActivity(t.db, { year: 2026, cases: 120, now: NOW, from: new Date('2026-11-25T00:00:00+08:00'), secret: t.ctx.config.secret })
}, 120_000)
afterAll(() => t.close())

const login = async (phone: string) => {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone, password: DEMO_PASSWORD } })
  expect(res.statusCode, res.body).toBe(200)
  return { authorization: `Bearer ${res.json().token}` }
}

describe('the generated year through the API', () => {
  it('the county leader lists every case and opens each with its timeline', async () => {
    const auth = await login('13800000001')
    const list = await t.app.inject({ method: 'GET', url: '/api/cases?limit=200', headers: auth })
    expect(list.statusCode, list.body).toBe(200)
    const items = list.json().items as { id: string; trackingCode?: string }[]
    expect(items.length).toBe(120)
    for (const c of items.slice(0, 40)) {
      const res = await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: auth })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().events.length).toBeGreaterThan(0)
    }
  })

  it('a generated staff account signs in with the demo password and sees its area', async () => {
    const auth = await login('17706830100')
    const res = await t.app.inject({ method: 'GET', url: '/api/cases?limit=5', headers: auth })
    expect(res.statusCode, res.body).toBe(200)
  })

  it('a resident follows a generated case by its tracking code', async () => {
    const row = await t.db.selectFrom('cases').select('tracking_code').where('reporter_kind', '=', 'named').limit(1).executeTakeFirstOrThrow()
    const res = await t.app.inject({ method: 'GET', url: `/api/public/reports/${row.tracking_code}` })
    expect(res.statusCode, res.body).toBe(200)
  })
})

describe('seed options', () => {
  it('takes --year and --cases, in either spelling', () => {
    expect(parseSeedArgs([])).toEqual({})
    expect(parseSeedArgs(['--year', '2026', '--cases', '500'])).toEqual({ year: 2026, cases: 500 })
    expect(parseSeedArgs(['--cases=20000'])).toEqual({ cases: 20000 })
  })

  it('refuses unknown options, missing and bad numbers', () => {
    expect(() => parseSeedArgs(['--county', '330683'])).toThrow(/unknown option/)
    expect(() => parseSeedArgs(['--cases'])).toThrow(/got nothing/)
    expect(() => parseSeedArgs(['--cases', '-5'])).toThrow(/whole number/)
    expect(() => parseSeedArgs(['--cases', '2.5'])).toThrow(/whole number/)
    expect(() => parseSeedArgs(['--year', '26'])).toThrow(/a year/)
    expect(() => parseSeedArgs(['--year=abc'])).toThrow(/a year/)
  })
})
