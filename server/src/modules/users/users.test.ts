import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUnit, makeUser, randomPhone } from '../../../test/factories.ts'
import { createUserAsSystem } from './users.service.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let admin: Awaited<ReturnType<typeof makeUser>>

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, '330683105212')
  await makeRegion(t.db, '330683106220')
  await makeRegion(t.db, '330683003006')
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
})
afterAll(() => t.close())

const post = (payload: object, headers = admin.auth) => t.app.inject({ method: 'POST', url: '/api/users', headers, payload })
const patch = (id: string, payload: object, headers = admin.auth) => t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers, payload })

describe('POST /api/users', () => {
  it('creates a stationed cadre who can then log in', async () => {
    const unit = await makeUnit(t.db, '330683105', { kind: 'town_office' })
    const phone = randomPhone()
    const res = await post({ phone, name: '王小明', password: 'quiet-lantern-42', roles: ['stationed_cadre'], station: 'village', regionCode: '330683105212', unitId: unit.id })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ phone, name: '王小明', roles: ['stationed_cadre'], station: 'village', regionCode: '330683105212', unitId: unit.id, unitName: unit.name, active: true })
    expect(res.json()).not.toHaveProperty('password')
    expect(res.json()).not.toHaveProperty('passwordHash')
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone, password: 'quiet-lantern-42' } })
    expect(login.statusCode).toBe(200)
    const trail = await t.db.selectFrom('audit_log').selectAll().where('entity_id', '=', res.json().id).execute()
    expect(trail[0].action).toBe('user.create')
    expect(JSON.stringify(trail[0].details)).not.toContain('quiet-lantern-42')
  })

  it('creates a volunteer with party/youth flags and a residence region (defaulting to the region)', async () => {
    const res = await post({ phone: randomPhone(), name: '青年', password: 'quiet-lantern-42', roles: ['volunteer'], isPartyMember: true, isYouthLeague: true, regionCode: '330683003006' })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ isPartyMember: true, isYouthLeague: true, residenceRegionCode: '330683003006' })
  })

  it('refuses a phone already taken → 409 PHONE_TAKEN', async () => {
    const u = await makeUser(t.db, { regionCode: '330683105' })
    const res = await post({ phone: u.phone, name: 'x', password: 'quiet-lantern-42', roles: ['grid_worker'], regionCode: '330683105' })
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('PHONE_TAKEN')
  })

  it('refuses bad input: phone format, unknown role, short password, unknown region, inconsistent role setup', async () => {
    const base = { phone: randomPhone(), name: 'x', password: 'quiet-lantern-42', roles: ['grid_worker'], regionCode: '330683105' }
    expect((await post({ ...base, phone: '12345' })).json().error.code).toBe('VALIDATION_FAILED')
    expect((await post({ ...base, roles: ['emperor'] })).json().error.code).toBe('VALIDATION_FAILED')
    expect((await post({ ...base, roles: [] })).json().error.code).toBe('VALIDATION_FAILED')
    expect((await post({ ...base, password: 'short' })).json().error.code).toBe('VALIDATION_FAILED')
    const unknown = await post({ ...base, regionCode: '330683105999' })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().error.code).toBe('UNKNOWN_REGION')
    const noStation = await post({ ...base, roles: ['stationed_cadre'] })
    expect(noStation.statusCode).toBe(400)
    expect(noStation.json().error.code).toBe('INVALID_ROLE_SETUP')
    const stationWithoutRole = await post({ ...base, station: 'enterprise' })
    expect(stationWithoutRole.json().error.code).toBe('INVALID_ROLE_SETUP')
    const flagsWithoutVolunteer = await post({ ...base, isPartyMember: true })
    expect(flagsWithoutVolunteer.json().error.code).toBe('INVALID_ROLE_SETUP')
    const badUnit = await post({ ...base, unitId: '00000000-0000-4000-8000-000000000000' })
    expect(badUnit.statusCode).toBe(400)
    expect(badUnit.json().error.code).toBe('UNKNOWN_UNIT')
  })

  it('only admins create users (403), and only inside their own area (403)', async () => {
    const leader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683' })
    const base = { phone: randomPhone(), name: 'x', password: 'quiet-lantern-42', roles: ['grid_worker'], regionCode: '330683105' }
    expect((await post(base, leader.auth)).statusCode).toBe(403)
    const townAdmin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683106' })
    const res = await post(base, townAdmin.auth)
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('FORBIDDEN')
    expect((await post({ ...base, regionCode: '330683106220' }, townAdmin.auth)).statusCode).toBe(201)
  })
})

describe('PATCH /api/users/:id', () => {
  it('changes roles and station, and a removed role clears what belonged to it', async () => {
    const u = await makeUser(t.db, { roles: ['stationed_cadre'], station: 'enterprise', regionCode: '330683105212' })
    const res = await patch(u.id, { roles: ['grid_worker'] })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ roles: ['grid_worker'], station: null })
    expect((await patch(u.id, { roles: ['grid_worker'], station: 'village' })).json().error.code).toBe('INVALID_ROLE_SETUP')
  })

  it('a password reset or deactivation ends the user’s sessions', async () => {
    const u = await makeUser(t.db, { regionCode: '330683105212' })
    expect((await patch(u.id, { password: 'brand-new-pass' })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: u.auth })).statusCode).toBe(401)
    const v = await makeUser(t.db, { regionCode: '330683105212' })
    expect((await patch(v.id, { active: false })).json().active).toBe(false)
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: v.auth })).statusCode).toBe(401)
  })

  it('an admin cannot lock themselves out', async () => {
    const res = await patch(admin.id, { active: false })
    expect(res.statusCode).toBe(409)
    expect((await patch(admin.id, { roles: ['leader'] })).statusCode).toBe(409)
  })

  it('out of area: 404 for a user the admin cannot see, 403 when moving someone out of the area', async () => {
    const townAdmin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683106' })
    const elsewhere = await makeUser(t.db, { regionCode: '330683105212' })
    expect((await patch(elsewhere.id, { name: 'x' }, townAdmin.auth)).statusCode).toBe(404)
    const mine = await makeUser(t.db, { regionCode: '330683106220' })
    expect((await patch(mine.id, { regionCode: '330683105212' }, townAdmin.auth)).statusCode).toBe(403)
  })

  it('an empty patch or an unknown field → 400', async () => {
    const u = await makeUser(t.db, { regionCode: '330683105212' })
    expect((await patch(u.id, {})).statusCode).toBe(400)
    expect((await patch(u.id, { passwordHash: 'x' })).json().error.code).toBe('VALIDATION_FAILED')
  })

  it('a phone taken by someone else → 409', async () => {
    const a = await makeUser(t.db, { regionCode: '330683105212' })
    const b = await makeUser(t.db, { regionCode: '330683105212' })
    expect((await patch(a.id, { phone: b.phone })).json().error.code).toBe('PHONE_TAKEN')
  })
})

describe('GET /api/users', () => {
  it('lists users in scope with filters and paging', async () => {
    const town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
    await makeUser(t.db, { roles: ['grid_worker'], regionCode: '330683105212', name: '网格员甲' })
    await makeUser(t.db, { roles: ['grid_worker'], regionCode: '330683106220', name: '网格员乙' })
    const res = await t.app.inject({ method: 'GET', url: '/api/users?role=grid_worker&limit=200', headers: town.auth })
    const names = res.json().items.map((u: { name: string }) => u.name)
    expect(names).toContain('网格员甲')
    expect(names).not.toContain('网格员乙')
    const page = await t.app.inject({ method: 'GET', url: '/api/users?limit=1&offset=0', headers: admin.auth })
    expect(page.json().items).toHaveLength(1)
    expect(page.json().total).toBeGreaterThan(1)
    const q = await t.app.inject({ method: 'GET', url: `/api/users?q=${encodeURIComponent('网格员')}`, headers: admin.auth })
    expect(q.json().items.length).toBeGreaterThanOrEqual(2)
  })

  it('a volunteer cannot browse the directory (403) but can read themself', async () => {
    const v = await makeUser(t.db, { roles: ['volunteer'], regionCode: '330683003006' })
    expect((await t.app.inject({ method: 'GET', url: '/api/users', headers: v.auth })).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'GET', url: `/api/users/${v.id}`, headers: v.auth })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: `/api/users/${admin.id}`, headers: v.auth })).statusCode).toBe(404)
  })
})

describe('users add (command line)', () => {
  it('creates the first admin of an install under the same rules, audited with no acting user', async () => {
    const phone = randomPhone()
    const user = await createUserAsSystem(t.db, { phone, name: '首位管理员', password: 'first-admin-1', roles: ['admin'], regionCode: '330683' })
    expect(user).toMatchObject({ phone, roles: ['admin'], regionCode: '330683' })
    const trail = await t.db.selectFrom('audit_log').selectAll().where('entity_id', '=', user.id).executeTakeFirstOrThrow()
    expect(trail).toMatchObject({ action: 'user.create', actor_id: null })
    await expect(createUserAsSystem(t.db, { phone, name: 'x', password: 'first-admin-1', roles: ['admin'], regionCode: '330683' })).rejects.toMatchObject({ code: 'PHONE_TAKEN' })
    await expect(createUserAsSystem(t.db, { phone: randomPhone(), name: 'x', password: 'first-admin-1', roles: ['admin'], regionCode: '999999' })).rejects.toMatchObject({ code: 'UNKNOWN_REGION' })
  })
})

// Issue 11 defect 11: weak passwords were accepted on every way a password is set.
describe('weak passwords are refused (400 WEAK_PASSWORD with the reason)', () => {
  const phone = '13957462810'
  const weak: [string, string][] = [
    ['aaaaaaaa', 'too_guessable'],
    ['password', 'too_guessable'],
    ['12345678', 'too_guessable'],
    [phone, 'contains_phone'],
    [`pw${phone}!`, 'contains_phone'],
    ['minqing-demo', 'demo_password'],
    ['Minqing2026!', 'product_name'],
    ['zhangweiming-1990', 'contains_name'],
  ]

  it('an admin creating a user', async () => {
    for (const [password, reason] of weak) {
      const res = await post({ phone, name: 'zhangweiming', password, roles: ['grid_worker'], regionCode: '330683105' })
      expect(res.statusCode, password).toBe(400)
      expect(res.json().error, password).toMatchObject({ code: 'WEAK_PASSWORD', message: expect.stringMatching(/密码/), details: { reason } })
    }
    expect(await t.db.selectFrom('users').select('id').where('phone', '=', phone).executeTakeFirst()).toBeUndefined()
    expect((await post({ phone, name: 'zhangweiming', password: 'quiet-lantern-42', roles: ['grid_worker'], regionCode: '330683105' })).statusCode).toBe(201)
  })

  it('an admin resetting a password checks it against the user’s own phone and name', async () => {
    const u = await makeUser(t.db, { regionCode: '330683105212', name: '王建国' })
    for (const password of ['aaaaaaaa', 'password', u.phone, 'minqing-demo', '王建国王建国123']) {
      const res = await patch(u.id, { password })
      expect(res.statusCode, password).toBe(400)
      expect(res.json().error.code).toBe('WEAK_PASSWORD')
    }
    // the session survived the refused resets
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: u.auth })).statusCode).toBe(200)
  })

  it('a user changing their own password', async () => {
    const u = await makeUser(t.db, { regionCode: '330683105212' })
    for (const password of ['aaaaaaaa', 'password', u.phone, 'minqing-demo']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: u.auth, payload: { currentPassword: u.password, newPassword: password } })
      expect(res.statusCode, password).toBe(400)
      expect(res.json().error.code).toBe('WEAK_PASSWORD')
    }
    const ok = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: u.auth, payload: { currentPassword: u.password, newPassword: 'quiet-lantern-42' } })
    expect(ok.statusCode, ok.body).toBe(200)
  })

  it('users add (command line)', async () => {
    const p = randomPhone()
    for (const password of ['aaaaaaaa', 'password', p, 'minqing-demo'])
      await expect(createUserAsSystem(t.db, { phone: p, name: '管理员', password, roles: ['admin'], regionCode: '330683' }), password).rejects.toMatchObject({ code: 'WEAK_PASSWORD' })
  })
})
