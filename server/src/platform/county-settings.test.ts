import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../test/app.ts'
import { type MadeUser, makeUser } from '../../test/factories.ts'

// Issue 11 defect 8: settings without a region apply to every town, so only a county-level (or higher) admin may
// change them. Settings that are scoped to a region (routing rules for a subtree, a town's 民情日) stay with the
// area's own admin.
let t: Awaited<ReturnType<typeof createTestApp>>
let county: MadeUser
let town: MadeUser

beforeAll(async () => {
  t = await createTestApp()
  county = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
  town = await makeUser(t.db, { roles: ['admin'], regionCode: '330683105' })
})
afterAll(() => t.close())

const api = (method: 'POST' | 'PATCH', url: string, who: MadeUser, payload: unknown) => t.app.inject({ method, url, headers: who.auth, payload: payload as object })
const limits = { normalDays: 5, urgentDays: 2, emergencyHours: 24 }

describe('county-wide settings need a county-level admin', () => {
  it('visit rules: a town admin gets 403, a county admin changes them', async () => {
    const rules = (await t.app.inject({ method: 'GET', url: '/api/visits/rules', headers: town.auth })).json()
    const rule = rules[0]
    const denied = await api('PATCH', `/api/visits/rules/${rule.id}`, town, { target: rule.target + 1 })
    expect(denied.statusCode).toBe(403)
    expect(denied.json().error.code).toBe('FORBIDDEN')
    const ok = await api('PATCH', `/api/visits/rules/${rule.id}`, county, { target: rule.target + 1 })
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json().target).toBe(rule.target + 1)
  })

  it('categories: a town admin cannot add one nor change limits or default unit; a county admin can', async () => {
    expect((await api('POST', '/api/categories', town, { code: 'town_made', name: '镇里加的', defaultLevel: 'town', limits })).statusCode).toBe(403)
    const made = await api('POST', '/api/categories', county, { code: 'county_made', name: '县里加的', defaultLevel: 'town', limits })
    expect(made.statusCode, made.body).toBe(201)
    const patchLimits = await api('PATCH', '/api/categories/county_made', town, { limits: { ...limits, normalDays: 30 } })
    expect(patchLimits.statusCode).toBe(403)
    expect((await api('PATCH', '/api/categories/county_made', town, { defaultUnitId: null })).statusCode).toBe(403)
    const row = await t.db.selectFrom('categories').select('normal_days').where('code', '=', 'county_made').executeTakeFirstOrThrow()
    expect(row.normal_days).toBe(5)
    const ok = await api('PATCH', '/api/categories/county_made', county, { limits: { ...limits, normalDays: 7 } })
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json().limits.normalDays).toBe(7)
  })

  it('tags: a town admin gets 403, a county admin adds one', async () => {
    expect((await api('POST', '/api/tags', town, { code: 'town_tag', name: '镇标签', appliesTo: 'person' })).statusCode).toBe(403)
    expect((await api('POST', '/api/tags', county, { code: 'county_tag', name: '县标签', appliesTo: 'person' })).statusCode).toBe(201)
  })

  it('scoped settings stay with the area admin: a town admin sets a routing rule for the town', async () => {
    await api('POST', '/api/categories', county, { code: 'routed', name: '分派测试', defaultLevel: 'town', limits })
    const rule = await api('POST', '/api/routing-rules', town, { categoryCode: 'routed', regionCode: '330683105', level: 'town' })
    expect(rule.statusCode, rule.body).toBe(200)
  })
})
