import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'

// The hotline form's caller lookup: GET /api/persons/lookup?phone=

let t: Awaited<ReturnType<typeof createTestApp>>
let yahuang: MadeUser // village cadre of 雅璜村
let wangyuan: MadeUser // village cadre of 王院村
let town: MadeUser // town handler of 石璜镇 (雅璜村 lies in it, 王院村 does not)
let volunteer: MadeUser

const YAHUANG = '330683105212'
const WANGYUAN = '330683106220'
const SHARED = '13712345678' // one phone, two people in two villages (a family's phone)
const HOUSEHOLD_PHONE = '0575-83012345'
const ids: Record<string, string> = {}

async function person(user: MadeUser, body: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/api/persons', headers: user.auth, payload: body })
  expect(res.statusCode, res.body).toBe(201)
  return res.json().id as string
}

beforeAll(async () => {
  t = await createTestApp()
  for (const code of [`${YAHUANG}001`, `${WANGYUAN}001`]) await makeRegion(t.db, code, { [YAHUANG]: '雅璜村', [WANGYUAN]: '王院村' })
  yahuang = await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })
  wangyuan = await makeUser(t.db, { roles: ['village_cadre'], regionCode: WANGYUAN })
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
  volunteer = await makeUser(t.db, { roles: ['volunteer'], regionCode: YAHUANG })
  const hh = await t.app.inject({ method: 'POST', url: '/api/households', headers: yahuang.auth, payload: { regionCode: `${YAHUANG}001`, address: '雅璜村下宅8号', phone: HOUSEHOLD_PHONE } })
  expect(hh.statusCode, hh.body).toBe(201)
  ids.household = hh.json().id
  ids.head = await person(yahuang, { householdId: ids.household, name: '俞国良', relation: '户主', phone: SHARED, gender: 'male', birthDate: '1958-03-12' })
  ids.wife = await person(yahuang, { householdId: ids.household, name: '钱美娟', relation: '配偶' })
  ids.away = await person(wangyuan, { regionCode: `${WANGYUAN}001`, name: '王某某', phone: SHARED })
})
afterAll(() => t.close())

const lookup = (user: MadeUser, phone: string) => t.app.inject({ method: 'GET', url: `/api/persons/lookup?phone=${encodeURIComponent(phone)}`, headers: user.auth })

describe('GET /api/persons/lookup', () => {
  it('finds the person with this phone in the caller’s area, masked; the namesake of another village stays out', async () => {
    const res = await lookup(yahuang, SHARED)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().items).toEqual([
      expect.objectContaining({
        id: ids.head,
        name: '俞国良',
        phone: '137****5678',
        householdId: ids.household,
        address: '雅璜村下宅8号',
        regionCode: `${YAHUANG}001`,
        matchedBy: 'person',
        relation: '户主',
      }),
    ])
    expect(res.body).not.toContain(SHARED)
    const theirs = await lookup(wangyuan, SHARED)
    expect(theirs.json().items.map((i: { id: string }) => i.id)).toEqual([ids.away])
    // The town sees 雅璜村's, not 王院村's.
    expect((await lookup(town, SHARED)).json().items.map((i: { id: string }) => i.id)).toEqual([ids.head])
  })

  it('accepts the phone as people say it (+86, spaces) and finds a household by its contact phone (its head)', async () => {
    expect((await lookup(yahuang, '+86 137 1234 5678')).json().items.map((i: { id: string }) => i.id)).toEqual([ids.head])
    for (const form of ['0575-83012345', '057583012345']) {
      const res = await lookup(yahuang, form)
      expect(res.json().items, form).toEqual([expect.objectContaining({ id: ids.head, matchedBy: 'household', phone: '057******2345' })])
    }
    expect((await lookup(wangyuan, HOUSEHOLD_PHONE)).json().items).toEqual([])
  })

  it('refuses a malformed phone (400) and a user who may not read the archive (403)', async () => {
    const bad = await lookup(yahuang, '1234567')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('INVALID_PHONE')
    expect((await lookup(yahuang, '1')).statusCode).toBe(400)
    expect((await lookup(volunteer, SHARED)).statusCode).toBe(403)
    expect((await lookup(yahuang, '13900000000')).json().items).toEqual([])
  })
})
