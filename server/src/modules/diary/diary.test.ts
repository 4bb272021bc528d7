import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { multipart, TINY_PNG } from '../../../test/multipart.ts'
import { monthWindow, weeksIn } from './periods.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser
let other: MadeUser
let town: MadeUser
let admin: MadeUser
let households: string[] = []
let foreignHousehold: string
const YAHUANG = '330683105212'

beforeAll(async () => {
  t = await createTestApp()
  const village = await makeRegion(t.db, YAHUANG)
  const wangyuan = await makeRegion(t.db, '330683106220')
  cadre = await makeUser(t.db, { roles: ['stationed_cadre'], station: 'village', regionCode: YAHUANG, name: '俞建明' })
  other = await makeUser(t.db, { roles: ['stationed_cadre'], station: 'village', regionCode: '330683106220' })
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
  admin = await makeUser(t.db, { roles: ['admin'], regionCode: '330683' })
  // 25 households in 雅璜村: the 8 % monthly minimum is ceil(2) = 2.
  const rows = await t.db
    .insertInto('households')
    .values(Array.from({ length: 25 }, (_, i) => ({ region_id: village, address: `雅璜村${i + 1}号`, lat: 29.5 + i / 1000, lng: 120.8 })))
    .returning('id')
    .execute()
  households = rows.map((r) => r.id)
  foreignHousehold = (await t.db.insertInto('households').values({ region_id: wangyuan, address: '王院村1号' }).returning('id').executeTakeFirstOrThrow()).id
})
afterAll(() => t.close())

let n = 0
const clientId = () => `c${Date.now().toString(36)}${(n++).toString(36)}xyz`
const write = (who: MadeUser, body: object) => t.app.inject({ method: 'POST', url: '/api/diary', headers: who.auth, payload: body as any })

describe('writing entries', () => {
  it('stores an entry about a household, with the household’s position when the phone had none', async () => {
    const res = await write(cadre, { clientId: clientId(), kind: 'village', householdId: households[0], text: '走访俞大爷,反映村口路灯坏了', mood: 'concerned', concerns: ['村口路灯不亮'] })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({
      kind: 'village',
      author: { id: cadre.id, name: '俞建明' },
      regionCode: YAHUANG,
      household: { id: households[0], address: '雅璜村1号' },
      locationSource: 'household',
      lat: 29.5,
      concerns: [{ text: '村口路灯不亮', caseId: null }],
      review: 'none',
    })
  })

  it('is idempotent by clientId: a resend answers 200 with the same entry and stores nothing new', async () => {
    const body = { clientId: clientId(), kind: 'village', householdId: households[1], text: '同一篇日记' }
    const first = await write(cadre, body)
    const again = await write(cadre, body)
    expect(first.statusCode).toBe(201)
    expect(again.statusCode).toBe(200)
    expect(again.json().id).toBe(first.json().id)
    const stored = await sql<{ n: number }>`select count(*)::int as n from diary_entries where client_id = ${body.clientId}`.execute(t.db)
    expect(stored.rows[0].n).toBe(1)
    const changed = await write(cadre, { ...body, text: '不同的内容' })
    expect(changed.statusCode).toBe(409)
    expect(changed.json().error.code).toBe('CLIENT_ID_REUSED')
  })

  it('concurrent resends of one entry store it once', async () => {
    const body = { clientId: clientId(), kind: 'village', householdId: households[2], text: '网络抖动时重复发送' }
    const results = await Promise.all([write(cadre, body), write(cadre, body), write(cadre, body)])
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1)
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 201])
  })

  it('refuses bad input: empty text, a future date, a household outside the area, an enterprise entry without an enterprise', async () => {
    expect((await write(cadre, { clientId: clientId(), kind: 'village', text: '' })).json().error.code).toBe('VALIDATION_FAILED')
    const future = await write(cadre, { clientId: clientId(), kind: 'village', text: 'x', occurredAt: new Date(Date.now() + 3600_000).toISOString() })
    expect(future.statusCode).toBe(400)
    expect(future.json().error.code).toBe('FUTURE_DATE')
    expect((await write(cadre, { clientId: clientId(), kind: 'village', text: 'x', householdId: foreignHousehold })).statusCode).toBe(404)
    expect((await write(cadre, { clientId: clientId(), kind: 'enterprise', text: 'x' })).statusCode).toBe(400)
    expect((await write(cadre, { clientId: 'bad id!', kind: 'village', text: 'x' })).statusCode).toBe(400)
    const volunteer = await makeUser(t.db, { roles: ['volunteer'], regionCode: YAHUANG })
    expect((await write(volunteer, { clientId: clientId(), kind: 'village', text: 'x' })).statusCode).toBe(403)
  })
})

describe('photos', () => {
  let entryId: string
  beforeAll(async () => {
    entryId = (await write(cadre, { clientId: clientId(), kind: 'village', householdId: households[3], text: '拍照记录' })).json().id
  })
  const upload = (who: MadeUser, data: Buffer, fields: Record<string, string> = {}) => {
    const m = multipart(fields, { filename: 'p.png', contentType: 'image/png', data })
    return t.app.inject({ method: 'POST', url: `/api/diary/${entryId}/photos`, headers: { ...who.auth, ...m.headers }, payload: m.payload })
  }

  it('adds a photo once per clientId, and serves it', async () => {
    const first = await upload(cadre, TINY_PNG, { clientId: 'photo-1' })
    expect(first.statusCode, first.body).toBe(201)
    expect(first.json().photos).toHaveLength(1)
    const again = await upload(cadre, TINY_PNG, { clientId: 'photo-1' })
    expect(again.statusCode).toBe(200)
    expect(again.json().photos).toHaveLength(1)
    const img = await t.app.inject({ method: 'GET', url: first.json().photos[0].url, headers: town.auth })
    expect(img.statusCode).toBe(200)
    expect(img.headers['content-type']).toBe('image/png')
    expect((await t.app.inject({ method: 'GET', url: first.json().photos[0].url, headers: other.auth })).statusCode).toBe(404)
  })

  it('refuses what is not an image (400), a 50 MB photo (413), and photos by someone else (403)', async () => {
    const pdf = await upload(cadre, Buffer.from('%PDF-1.4 not a photo'))
    expect(pdf.statusCode).toBe(400)
    expect(pdf.json().error.code).toBe('UNSUPPORTED_FILE')
    const big = await upload(cadre, Buffer.concat([TINY_PNG, Buffer.alloc(50 * 1024 * 1024)]))
    expect(big.statusCode).toBe(413)
    expect((await upload(town, TINY_PNG)).statusCode).toBe(403)
  })
})

describe('feed, comments, review, timeline', () => {
  it('shows entries in the area, newest first, with cursor paging; never another village’s', async () => {
    const mine = await write(cadre, { clientId: clientId(), kind: 'village', text: '最新一篇' })
    const theirs = await write(other, { clientId: clientId(), kind: 'village', text: '王院村的日记' })
    const feed = (await t.app.inject({ method: 'GET', url: '/api/diary?limit=2', headers: cadre.auth })).json()
    expect(feed.items[0].id).toBe(mine.json().id)
    expect(feed.items.map((e: { id: string }) => e.id)).not.toContain(theirs.json().id)
    const page2 = (await t.app.inject({ method: 'GET', url: `/api/diary?limit=2&before=${feed.nextBefore}`, headers: cadre.auth })).json()
    expect(page2.items.map((e: { id: string }) => e.id)).not.toContain(feed.items[0].id)
    expect((await t.app.inject({ method: 'GET', url: `/api/diary/${theirs.json().id}`, headers: cadre.auth })).statusCode).toBe(404)
    const byAuthor = (await t.app.inject({ method: 'GET', url: `/api/diary?authorId=${cadre.id}&kind=village&regionCode=${YAHUANG}`, headers: town.auth })).json()
    expect(byAuthor.items.every((e: { author: { id: string } }) => e.author.id === cadre.id)).toBe(true)
  })

  it('colleagues comment; a supervisor marks reviewed / good example, not on their own entries', async () => {
    const e = (await write(cadre, { clientId: clientId(), kind: 'village', text: '值得推广的做法' })).json()
    const c = await t.app.inject({ method: 'POST', url: `/api/diary/${e.id}/comments`, headers: town.auth, payload: { text: '写得好' } })
    expect(c.statusCode).toBe(201)
    expect(c.json().comments[0]).toMatchObject({ text: '写得好', authorId: town.id })
    expect((await t.app.inject({ method: 'POST', url: `/api/diary/${e.id}/review`, headers: cadre.auth, payload: { review: 'good_example' } })).statusCode).toBe(403)
    const r = await t.app.inject({ method: 'POST', url: `/api/diary/${e.id}/review`, headers: town.auth, payload: { review: 'good_example' } })
    expect(r.json()).toMatchObject({ review: 'good_example', reviewedBy: { id: town.id } })
    const own = (await write(town, { clientId: clientId(), kind: 'village', text: '镇干部自己的日记' })).json()
    expect((await t.app.inject({ method: 'POST', url: `/api/diary/${own.id}/review`, headers: town.auth, payload: { review: 'reviewed' } })).statusCode).toBe(403)
  })

  it('an entry about a household shows on the household’s timeline', async () => {
    const e = (await write(cadre, { clientId: clientId(), kind: 'village', householdId: households[4], text: '了解到老人独居,子女在外地' })).json()
    const tl = (await t.app.inject({ method: 'GET', url: `/api/households/${households[4]}/timeline`, headers: cadre.auth })).json()
    expect(tl).toContainEqual(expect.objectContaining({ kind: 'diary', ref: { type: 'diary', id: e.id }, actorName: '俞建明' }))
  })
})

describe('visits and compliance', () => {
  it('shows the 8 % monthly figure against the village’s real household count', async () => {
    const period = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7)
    const res = await t.app.inject({ method: 'GET', url: `/api/visits/compliance?regionCode=${YAHUANG}&period=${period}`, headers: town.auth })
    expect(res.statusCode, res.body).toBe(200)
    const c = res.json()
    const village = c.villages.find((v: { regionCode: string }) => v.regionCode === YAHUANG)
    expect(village).toMatchObject({ households: 25, requiredThisPeriod: 2 })
    expect(village.visitedThisPeriod).toBeGreaterThanOrEqual(4)
    expect(village.neverVisitedThisYear).toBe(25 - village.visitedThisYear)
    const me = c.cadres.find((x: { userId: string }) => x.userId === cadre.id)
    const share = me.rules.find((r: { measure: string }) => r.measure === 'household_share')
    expect(share).toMatchObject({ required: 2, met: true })
    const yearly = me.rules.find((r: { measure: string; period: string }) => r.measure === 'all_households')
    expect(yearly).toMatchObject({ required: 25, met: false })
    expect(me.behind).toBe(true)
    const townWide = (await t.app.inject({ method: 'GET', url: `/api/visits/compliance?regionCode=330683105&period=${period}`, headers: town.auth })).json()
    const townRule = townWide.cadres.find((x: { userId: string }) => x.userId === town.id)
    expect(townRule.rules[0]).toMatchObject({ measure: 'visits', required: weeksIn(period) })
  })

  it('out-of-area compliance is 404; a malformed period is 400', async () => {
    expect((await t.app.inject({ method: 'GET', url: `/api/visits/compliance?regionCode=${YAHUANG}`, headers: other.auth })).statusCode).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: '/api/visits/compliance?period=2026-13', headers: town.auth })).statusCode).toBe(400)
  })

  it('rules are configurable by admins only', async () => {
    const rules = (await t.app.inject({ method: 'GET', url: '/api/visits/rules', headers: town.auth })).json()
    const share = rules.find((r: { measure: string }) => r.measure === 'household_share')
    expect(share.target).toBe(8)
    expect((await t.app.inject({ method: 'PATCH', url: `/api/visits/rules/${share.id}`, headers: town.auth, payload: { target: 10 } })).statusCode).toBe(403)
    const res = await t.app.inject({ method: 'PATCH', url: `/api/visits/rules/${share.id}`, headers: admin.auth, payload: { target: 10 } })
    expect(res.json().target).toBe(10)
    await t.app.inject({ method: 'PATCH', url: `/api/visits/rules/${share.id}`, headers: admin.auth, payload: { target: 8 } })
  })

  it('an admin schedules a 民情日 for a town; everyone in the town sees it', async () => {
    const date = new Date(Date.now() + 7 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10)
    const res = await t.app.inject({ method: 'POST', url: '/api/visit-days', headers: admin.auth, payload: { regionCode: '330683105', date } })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().title).toContain('民情日')
    const seen = (await t.app.inject({ method: 'GET', url: '/api/visit-days', headers: cadre.auth })).json()
    expect(seen.map((d: { id: string }) => d.id)).toContain(res.json().id)
    expect((await t.app.inject({ method: 'GET', url: '/api/visit-days', headers: other.auth })).json().map((d: { id: string }) => d.id)).not.toContain(res.json().id)
    expect((await t.app.inject({ method: 'POST', url: '/api/visit-days', headers: admin.auth, payload: { regionCode: '330683105', date } })).statusCode).toBe(409)
    expect((await t.app.inject({ method: 'POST', url: '/api/visit-days', headers: admin.auth, payload: { regionCode: YAHUANG, date } })).statusCode).toBe(400)
    expect((await t.app.inject({ method: 'POST', url: '/api/visit-days', headers: town.auth, payload: { regionCode: '330683105', date } })).statusCode).toBe(403)
  })

  it('cadres falling behind are reminded through the notifications list', async () => {
    const period = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7)
    const { DiaryService } = await import('./diary.service.ts')
    const { RegionsService } = await import('../regions/regions.service.ts')
    const service = new DiaryService(t.db, new RegionsService(t.db), t.ctx.storage, t.ctx.bus)
    const reminded = await service.remindBehind('330683', period)
    expect(reminded).toBeGreaterThan(0)
    await new Promise((r) => setTimeout(r, 50))
    const notes = (await t.app.inject({ method: 'GET', url: '/api/notifications', headers: cadre.auth })).json()
    expect(notes).toContainEqual(expect.objectContaining({ kind: 'visits.behind', title: expect.stringContaining('走访') }))
  })

  it('month windows are in China time', () => {
    const w = monthWindow('2026-11')
    expect(w.from.toISOString()).toBe('2026-10-31T16:00:00.000Z')
    expect(w.end).toBe('2026-11-30')
  })
})
