import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makeRegion, makeUnit, makeUser, type MadeUser, randomPhone } from '../../../test/factories.ts'
import { hashToken, newToken } from '../../platform/auth.ts'

// 先锋任务 (issue 15): publish and notify, exact grabbing under contention, withdraw, doing it, confirm and the
// record, access (audience 403, other area 404), bad input, and a case that becomes a task and is replied by it.
const TOWN = '330683105'
const V = '330683105212' // the home village
const G = V + '001' // its grid
const OV = '330683105213' // another village of the same town
const OTHER_TOWN = '330683106'

let t: Awaited<ReturnType<typeof createTestApp>>
let publisher: MadeUser // the home village's cadre
let townHandler: MadeUser
let outsider: MadeUser // a cadre of another village
let vol: MadeUser // volunteer residing in the home grid, party and league member
let plain: MadeUser // volunteer residing in the home village, neither
let elsewhere: MadeUser // volunteer residing in another village

async function setVolunteer(u: MadeUser, o: { residence: string; party?: boolean; youth?: boolean }) {
  const rid = await makeRegion(t.db, o.residence)
  await t.db.updateTable('users').set({ residence_region_id: rid, is_party_member: !!o.party, is_youth_league: !!o.youth }).where('id', '=', u.id).execute()
}

/** Many volunteers at once: one insert of users, one of sessions (makeUser one by one costs seconds at 200). */
async function manyVolunteers(n: number, regionCode: string): Promise<MadeUser[]> {
  const rid = await makeRegion(t.db, regionCode)
  const users = await t.db
    .insertInto('users')
    .values(Array.from({ length: n }, (_, i) => ({ phone: randomPhone(), name: `志愿者${i}`, password_hash: 'x', roles: ['volunteer'], region_id: rid, residence_region_id: rid })))
    .returning(['id', 'phone'])
    .execute()
  const tokens = users.map(() => newToken())
  await t.db
    .insertInto('sessions')
    .values(users.map((u, i) => ({ token_hash: hashToken(tokens[i]!), user_id: u.id, expires_at: new Date(Date.now() + 3600_000) })))
    .execute()
  return users.map((u, i) => ({ id: u.id, phone: u.phone, password: '', token: tokens[i]!, auth: { authorization: `Bearer ${tokens[i]}` } }))
}

beforeAll(async () => {
  t = await createTestApp()
  publisher = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V })
  townHandler = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
  outsider = await makeUser(t.db, { roles: ['village_cadre'], regionCode: OV })
  vol = await makeUser(t.db, { roles: ['volunteer'], regionCode: V })
  await setVolunteer(vol, { residence: G, party: true, youth: true })
  plain = await makeUser(t.db, { roles: ['volunteer'], regionCode: V })
  await setVolunteer(plain, { residence: V })
  elsewhere = await makeUser(t.db, { roles: ['volunteer'], regionCode: OTHER_TOWN })
  await setVolunteer(elsewhere, { residence: OTHER_TOWN + '220' })
})
afterAll(() => t.close())

const hour = 3600_000
const body = (o: Record<string, unknown> = {}) => ({
  title: '帮独居老人搬运杂物',
  description: '周六上午,雅璜村',
  regionCode: V,
  slots: 2,
  audience: 'any',
  startsAt: new Date(Date.now() + 24 * hour).toISOString(),
  endsAt: new Date(Date.now() + 26 * hour).toISOString(),
  points: 10,
  hours: 2,
  ...o,
})
async function publish(o: Record<string, unknown> = {}, who = publisher) {
  const res = await t.app.inject({ method: 'POST', url: '/api/tasks', headers: who.auth, payload: body(o) })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; slots: number; remaining: number; state: string }
}
const post = (who: MadeUser, url: string, payload?: unknown) => t.app.inject({ method: 'POST', url, headers: who.auth, ...(payload !== undefined ? { payload: payload as object } : {}) })
const claim = (who: MadeUser, id: string) => post(who, `/api/tasks/${id}/claim`)
const events = async (id: string) => (await sql<{ action: string }>`select action from task_events where task_id = ${id} order by at, action`.execute(t.db)).rows.map((r) => r.action)

describe('publish', () => {
  it('answers the task with its slots and notifies every eligible volunteer residing in the area, once, in one statement', async () => {
    const task = await publish({ audience: 'party', title: `党员任务${randomUUID().slice(0, 6)}` })
    expect(task).toMatchObject({ slots: 2, remaining: 2, state: 'open' })
    const notes = await t.db
      .selectFrom('notifications')
      .select(['user_id', 'title', 'body'])
      .where('kind', '=', 'task.published')
      .where('body', 'like', `%${(task as { title?: string }).title ?? ''}%`)
      .execute()
    const to = notes.map((n) => n.user_id)
    expect(to).toContain(vol.id) // party member residing in the grid under the village
    expect(to).not.toContain(plain.id) // not a party member
    expect(to).not.toContain(elsewhere.id) // another town
    expect(to).not.toContain(publisher.id)
    expect(notes.find((n) => n.user_id === vol.id)!.body).toMatch(/^您收到一条.*认领任务/)
    expect(await events(task.id)).toEqual(['publish'])
  })

  it('refuses bad input with 400: slots 0, endsAt before startsAt, unknown audience, a team without teamId, NUL bytes, unknown region', async () => {
    const bad = [
      { slots: 0 },
      { endsAt: new Date(Date.now() + hour).toISOString() },
      { audience: 'everyone' },
      { audience: 'team' },
      { title: 'a\u0000b' },
      { description: 'x\u0000' },
      { regionCode: '330683105299' },
    ]
    for (const o of bad) {
      const res = await t.app.inject({ method: 'POST', url: '/api/tasks', headers: publisher.auth, payload: body(o) })
      expect(res.statusCode, JSON.stringify(o) + res.body).toBe(400)
      expect(res.json().error.code).toBeTruthy()
    }
    const team = await t.app.inject({ method: 'POST', url: '/api/tasks', headers: publisher.auth, payload: body({ audience: 'team' }) })
    // audience team needs its teamId (the team rule itself: volunteer-teams/team-tasks.test.ts).
    expect([team.statusCode, team.json().error.code]).toEqual([400, 'VALIDATION_FAILED'])
  })

  it('403 for a volunteer, and for a cadre publishing outside their area', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/tasks', headers: vol.auth, payload: body() })).statusCode).toBe(403)
    expect((await t.app.inject({ method: 'POST', url: '/api/tasks', headers: outsider.auth, payload: body() })).statusCode).toBe(403)
  })
})

describe('publish at scale', () => {
  it('10,000 eligible volunteers: one notice each, pushed live per user on the bus, and the publish answers fast', async () => {
    const town = '330683105214' // a village of its own, so no other test's volunteers count
    await makeRegion(t.db, town)
    const rid = (await t.db.selectFrom('regions').select('id').where('code', '=', town).executeTakeFirstOrThrow()).id
    // Phones of their own range (166…): ten thousand random 139… numbers would collide.
    for (let i = 0; i < 10; i++)
      await t.db
        .insertInto('users')
        .values(
          Array.from({ length: 1000 }, (_, j) => ({
            phone: `166${String(i * 1000 + j).padStart(8, '0')}`,
            name: `青年${i}-${j}`,
            password_hash: 'x',
            roles: ['volunteer'],
            region_id: rid,
            residence_region_id: rid,
            is_youth_league: true,
          })),
        )
        .execute()
    const cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: town })
    const pushed = new Set<string>()
    const off = t.ctx.bus.subscribe('notification.created', (e) => void pushed.add((e.payload as { userId: string }).userId))
    const started = Date.now()
    const task = await publish({ regionCode: town, audience: 'youth', slots: 5 }, cadre)
    const ms = Date.now() - started
    off()
    const n = await sql<{ n: number }>`select count(*)::int as n from notifications n join users u on u.id = n.user_id where u.region_id = ${rid} and n.kind = 'task.published'`.execute(t.db)
    expect(n.rows[0]!.n).toBe(10_000)
    expect(pushed.size).toBe(10_000)
    console.log(`publish to 10,000 volunteers: ${ms} ms (notices written and pushed)`)
    expect(ms).toBeLessThan(10_000) // the 2 s is the bench's figure on an idle machine
    expect(task.slots).toBe(5)
  }, 120_000)
})

describe('reads', () => {
  it('a volunteer sees the tasks of the area they reside in with live remaining slots; another area 404s', async () => {
    const task = await publish({ slots: 3 })
    const list = await t.app.inject({ method: 'GET', url: `/api/tasks?regionCode=${V}&state=open&limit=200`, headers: vol.auth })
    expect(list.statusCode, list.body).toBe(200)
    expect(list.json().items.map((x: { id: string }) => x.id)).toContain(task.id)
    expect((await claim(plain, task.id)).statusCode).toBe(201)
    const one = await t.app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: vol.auth })
    expect(one.json()).toMatchObject({ remaining: 2, claimed: 1, myClaim: null })
    for (const who of [elsewhere, outsider]) {
      expect((await t.app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: who.auth })).statusCode).toBe(404)
      const l = await t.app.inject({ method: 'GET', url: '/api/tasks?limit=200', headers: who.auth })
      expect(l.json().items.map((x: { id: string }) => x.id)).not.toContain(task.id)
      expect((await claim(who, task.id)).statusCode).toBe(who === outsider ? 403 : 404)
    }
    expect((await t.app.inject({ method: 'GET', url: `/api/tasks/${randomUUID()}`, headers: vol.auth })).statusCode).toBe(404)
    // the town sees it
    expect((await t.app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: townHandler.auth })).statusCode).toBe(200)
  })
})

describe('claim', () => {
  it('200 distinct volunteers at once on a 5-slot task: exactly 5 × 201, 195 × 409 task_full, 5 claims in the database', async () => {
    const crowd = await manyVolunteers(200, V)
    const task = await publish({ slots: 5 })
    const res = await Promise.all(crowd.map((u) => claim(u, task.id)))
    const ok = res.filter((r) => r.statusCode === 201)
    const full = res.filter((r) => r.statusCode === 409 && r.json().error.code === 'task_full')
    expect(ok.length).toBe(5)
    expect(full.length).toBe(195)
    const n = await sql<{
      n: number
      claimed: number
      state: string
    }>`select (select count(*)::int from task_claims where task_id = ${task.id} and state = 'claimed') as n, claimed, state from tasks where id = ${task.id}`.execute(t.db)
    expect(n.rows[0]).toEqual({ n: 5, claimed: 5, state: 'full' })
    expect((await events(task.id)).filter((a) => a === 'claim').length).toBe(5)
  }, 60_000)

  it('a second claim by the same person is 409 already_claimed, also when sent at once', async () => {
    const task = await publish({ slots: 5 })
    const [a, b] = await Promise.all([claim(vol, task.id), claim(vol, task.id)])
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409])
    expect([a, b].find((r) => r.statusCode === 409)!.json().error.code).toBe('already_claimed')
    const again = await claim(vol, task.id)
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('already_claimed')
    const n = await sql<{ claimed: number }>`select claimed from tasks where id = ${task.id}`.execute(t.db)
    expect(n.rows[0]!.claimed).toBe(1)
  })

  it('403 for a volunteer not of the audience (party, youth), 403 for staff', async () => {
    for (const audience of ['party', 'youth']) {
      const task = await publish({ audience })
      const res = await claim(plain, task.id)
      expect(res.statusCode).toBe(403)
      expect(res.json().error.details).toMatchObject({ reason: 'audience' })
      expect((await claim(vol, task.id)).statusCode).toBe(201)
    }
    const task = await publish()
    expect((await claim(publisher, task.id)).statusCode).toBe(403)
  })

  it('withdrawing before the start frees the slot (a full task opens again); after the start 409 task_started', async () => {
    const task = await publish({ slots: 1 })
    expect((await claim(vol, task.id)).statusCode).toBe(201)
    expect((await claim(plain, task.id)).json().error.code).toBe('task_full')
    const w = await t.app.inject({ method: 'DELETE', url: `/api/tasks/${task.id}/claim`, headers: vol.auth })
    expect(w.statusCode, w.body).toBe(200)
    expect(w.json()).toMatchObject({ state: 'withdrawn', remaining: 1 })
    expect((await t.app.inject({ method: 'GET', url: `/api/tasks/${task.id}`, headers: vol.auth })).json()).toMatchObject({ state: 'open', remaining: 1 })
    expect((await claim(plain, task.id)).statusCode).toBe(201)
    expect((await t.app.inject({ method: 'DELETE', url: `/api/tasks/${task.id}/claim`, headers: vol.auth })).statusCode).toBe(404)
    // a task already started
    await sql`update tasks set starts_at = now() - interval '1 hour' where id = ${task.id}`.execute(t.db)
    const late = await t.app.inject({ method: 'DELETE', url: `/api/tasks/${task.id}/claim`, headers: plain.auth })
    expect(late.statusCode).toBe(409)
    expect(late.json().error.code).toBe('task_started')
    expect(await events(task.id)).toEqual(expect.arrayContaining(['publish', 'claim', 'withdraw']))
  })
})

describe('doing it', () => {
  it('check in, check out, finish, confirm: hours and points on the record; the record is own or staff of the area, else 404', async () => {
    const crowd = await manyVolunteers(1, V)
    const me = crowd[0]!
    const task = await publish({ slots: 2, hours: 2.5, points: 15 })
    expect((await claim(me, task.id)).statusCode).toBe(201)
    expect((await post(me, `/api/tasks/${task.id}/finish`, { report: '完成' })).statusCode).toBe(409) // not checked in
    const ci = await post(me, `/api/tasks/${task.id}/checkin`, { lat: 29.6, lng: 120.8 })
    expect(ci.statusCode, ci.body).toBe(200)
    expect(ci.json().state).toBe('checked_in')
    expect((await post(me, `/api/tasks/${task.id}/checkin`, {})).statusCode).toBe(409)
    expect((await post(me, `/api/tasks/${task.id}/checkout`, { lat: 99 })).statusCode).toBe(400)
    expect((await post(me, `/api/tasks/${task.id}/checkout`, {})).statusCode).toBe(200)
    expect((await post(me, `/api/tasks/${task.id}/finish`, { report: '' })).statusCode).toBe(400)
    const fin = await post(me, `/api/tasks/${task.id}/finish`, { report: '杂物已搬完' })
    expect(fin.statusCode, fin.body).toBe(200)
    // only staff with tasks.confirm of the area confirm
    expect((await post(me, `/api/tasks/${task.id}/confirm`, {})).statusCode).toBe(403)
    expect((await post(outsider, `/api/tasks/${task.id}/confirm`, {})).statusCode).toBe(404)
    const conf = await post(publisher, `/api/tasks/${task.id}/confirm`, {})
    expect(conf.statusCode, conf.body).toBe(200)
    expect(conf.json()).toEqual({ confirmed: 1, state: 'done' })
    expect((await post(publisher, `/api/tasks/${task.id}/confirm`, {})).statusCode).toBe(409)
    const rec = await t.app.inject({ method: 'GET', url: `/api/volunteers/${me.id}/record`, headers: me.auth })
    expect(rec.statusCode, rec.body).toBe(200)
    expect(rec.json()).toMatchObject({ hours: 2.5, points: 15, tasks: 1 })
    expect((await t.app.inject({ method: 'GET', url: `/api/volunteers/${me.id}/record`, headers: publisher.auth })).statusCode).toBe(200)
    for (const who of [outsider, vol, elsewhere]) expect((await t.app.inject({ method: 'GET', url: `/api/volunteers/${me.id}/record`, headers: who.auth })).statusCode).toBe(404)
    expect(await events(task.id)).toEqual(expect.arrayContaining(['publish', 'claim', 'checkin', 'checkout', 'finish', 'confirm', 'done']))
  })
})

describe('a case becomes a task', () => {
  it('the case must be visible to the publisher; the confirmed finish report replies the case through the engine', async () => {
    const unit = await makeUnit(t.db, V, { kind: 'village_committee' })
    const handler = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V, unitId: unit.id })
    const c = await makeCase(t.db, { state: 'accepted', regionCode: G, unit: unit.id, handler: handler.id })
    const hidden = await makeCase(t.db, { state: 'accepted', regionCode: OTHER_TOWN + '220' })
    expect((await t.app.inject({ method: 'POST', url: '/api/tasks', headers: handler.auth, payload: body({ caseId: hidden.id }) })).statusCode).toBe(404)
    const task = await publish({ caseId: c.id, slots: 1 }, handler)
    const me = (await manyVolunteers(1, G))[0]!
    expect((await claim(me, task.id)).statusCode).toBe(201)
    expect((await post(me, `/api/tasks/${task.id}/checkin`, {})).statusCode).toBe(200)
    expect((await post(me, `/api/tasks/${task.id}/finish`, { report: '路灯已修好' })).statusCode).toBe(200)
    const conf = await post(handler, `/api/tasks/${task.id}/confirm`, {})
    expect(conf.statusCode, conf.body).toBe(200)
    const row = await t.db.selectFrom('cases').select(['state']).where('id', '=', c.id).executeTakeFirstOrThrow()
    expect(row.state).toBe('replied')
    const ev = await t.db.selectFrom('case_events').select(['action', 'note', 'data']).where('case_id', '=', c.id).where('action', '=', 'reply').execute()
    expect(ev.length).toBe(1)
    expect(JSON.stringify(ev[0])).toContain('路灯已修好')
  })

  it('a confirmer who may not answer the case is refused by the case engine, and the task stays as it was', async () => {
    const c = await makeCase(t.db, { state: 'accepted', regionCode: G })
    const task = await publish({ caseId: c.id, slots: 1 }) // the village cadre sees the case but does not handle it
    const me = (await manyVolunteers(1, G))[0]!
    expect((await claim(me, task.id)).statusCode).toBe(201)
    expect((await post(me, `/api/tasks/${task.id}/checkin`, {})).statusCode).toBe(200)
    expect((await post(me, `/api/tasks/${task.id}/finish`, { report: '已处理' })).statusCode).toBe(200)
    const conf = await post(publisher, `/api/tasks/${task.id}/confirm`, {})
    expect(conf.statusCode, conf.body).toBe(403)
    const claimRow = await sql<{ state: string }>`select state from task_claims where task_id = ${task.id}`.execute(t.db)
    expect(claimRow.rows[0]!.state).toBe('finished')
    expect((await t.db.selectFrom('cases').select('state').where('id', '=', c.id).executeTakeFirstOrThrow()).state).toBe('accepted')
  })
})
