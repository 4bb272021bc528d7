import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makePerson, makeRegion, makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'
import { multipart, TINY_PNG } from '../../../test/multipart.ts'

// The task core (issue 15): finish reports with photos (own only), the claimers for the publisher, notices that
// open the task, cancel, a case replied with the task's photos, and 微心愿 (a wish for a person of the archive).
const V = '330683105212'
const G = V + '001'
const OV = '330683105213'
const hour = 3600_000

let t: Awaited<ReturnType<typeof createTestApp>>
let publisher: MadeUser
let outsider: MadeUser // a cadre of another village
let vol: MadeUser
let other: MadeUser // a second volunteer of the village
let far: MadeUser // a volunteer of another village

async function volunteer(residence: string) {
  const u = await makeUser(t.db, { roles: ['volunteer'], regionCode: residence })
  await t.db
    .updateTable('users')
    .set({ residence_region_id: await makeRegion(t.db, residence) })
    .where('id', '=', u.id)
    .execute()
  return u
}

beforeAll(async () => {
  t = await createTestApp()
  publisher = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V })
  outsider = await makeUser(t.db, { roles: ['village_cadre'], regionCode: OV })
  vol = await volunteer(G)
  other = await volunteer(V)
  far = await volunteer(OV)
})
afterAll(() => t.close())

const body = (o: Record<string, unknown> = {}) => ({
  title: '帮独居老人搬运杂物',
  regionCode: V,
  slots: 2,
  audience: 'any',
  startsAt: new Date(Date.now() + 24 * hour).toISOString(),
  endsAt: new Date(Date.now() + 26 * hour).toISOString(),
  hours: 2,
  points: 10,
  ...o,
})
const post = (who: MadeUser, url: string, payload?: unknown) => t.app.inject({ method: 'POST', url, headers: who.auth, ...(payload !== undefined ? { payload: payload as object } : {}) })
const get = (who: MadeUser, url: string) => t.app.inject({ method: 'GET', url, headers: who.auth })
async function publish(o: Record<string, unknown> = {}, who = publisher) {
  const res = await post(who, '/api/tasks', body(o))
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: string; kind: string; beneficiary: { name: string; tags: string[] } | null; title: string; description: string; state: string }
}
async function upload(who: MadeUser, taskId: string, data = TINY_PNG) {
  const form = multipart({}, { filename: 'done.png', contentType: 'image/png', data })
  return t.app.inject({ method: 'POST', url: `/api/tasks/${taskId}/photos`, headers: { ...who.auth, ...form.headers }, payload: form.payload })
}
/** Claims for everyone first (the first check-in starts the task: no claims after it), then checks them in. */
async function claimAndCheckin(who: MadeUser | MadeUser[], id: string) {
  const all = Array.isArray(who) ? who : [who]
  for (const w of all) {
    const c = await post(w, `/api/tasks/${id}/claim`)
    expect(c.statusCode, c.body).toBe(201)
  }
  for (const w of all) {
    const ci = await post(w, `/api/tasks/${id}/checkin`, { lat: 29.6, lng: 120.8 })
    expect(ci.statusCode, ci.body).toBe(200)
  }
}

describe('finish report with photos', () => {
  it('a claimer uploads photos and names only their own in the report; the publisher sees them, others 404', async () => {
    const task = await publish()
    // not a claimer yet: no claim to upload for
    expect((await upload(vol, task.id)).statusCode).toBe(404)
    await claimAndCheckin([vol, other], task.id)
    const bad = await upload(vol, task.id, Buffer.from('not an image at all'))
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('UNSUPPORTED_FILE')
    const up = await upload(vol, task.id)
    expect(up.statusCode, up.body).toBe(201)
    const mine = up.json() as { id: string; url: string }
    expect(mine.url).toBe(`/api/tasks/${task.id}/photos/${mine.id}`)
    const theirs = (await upload(other, task.id)).json() as { id: string }
    const elsewhereTask = await publish()
    await claimAndCheckin(vol, elsewhereTask.id)
    const foreign = (await upload(vol, elsewhereTask.id)).json() as { id: string }

    const notOwn = await post(vol, `/api/tasks/${task.id}/finish`, { report: '完成', photoIds: [mine.id, theirs.id] })
    expect(notOwn.statusCode).toBe(400)
    expect(notOwn.json().error).toMatchObject({ code: 'NOT_OWN_PHOTO', details: { photoIds: [theirs.id] } })
    for (const id of [foreign.id, randomUUID()]) {
      const unknown = await post(vol, `/api/tasks/${task.id}/finish`, { report: '完成', photoIds: [id] })
      expect(unknown.statusCode).toBe(400)
      expect(unknown.json().error.code).toBe('UNKNOWN_PHOTO')
    }
    expect((await post(vol, `/api/tasks/${task.id}/finish`, { report: '完成', photoIds: ['x'] })).statusCode).toBe(400)
    // a refused report changed nothing
    expect((await sql<{ state: string }>`select state from task_claims where task_id = ${task.id} and user_id = ${vol.id}`.execute(t.db)).rows[0]!.state).toBe('checked_in')
    const fin = await post(vol, `/api/tasks/${task.id}/finish`, { report: '杂物已搬完', photoIds: [mine.id] })
    expect(fin.statusCode, fin.body).toBe(200)

    // the image: the uploader and the publisher's side; another claimer, a volunteer elsewhere, a cadre elsewhere 404
    const img = await get(publisher, mine.url)
    expect(img.statusCode).toBe(200)
    expect(img.headers['content-type']).toBe('image/png')
    expect(img.rawPayload.equals(TINY_PNG)).toBe(true)
    expect((await get(vol, mine.url)).statusCode).toBe(200)
    for (const who of [other, far, outsider]) expect((await get(who, mine.url)).statusCode).toBe(404)
    expect((await get(publisher, `/api/tasks/${task.id}/photos/${foreign.id}`)).statusCode).toBe(404)
  })
})

describe('claimants', () => {
  it('the publisher reads every claimer (phone masked, times, places, report, photos); a volunteer only their own; others 404', async () => {
    const task = await publish()
    expect((await post(other, `/api/tasks/${task.id}/claim`)).statusCode).toBe(201)
    await claimAndCheckin(vol, task.id)
    const p = (await upload(vol, task.id)).json() as { id: string }
    expect((await post(vol, `/api/tasks/${task.id}/finish`, { report: '已完成', photoIds: [p.id] })).statusCode).toBe(200)
    const res = await get(publisher, `/api/tasks/${task.id}/claims`)
    expect(res.statusCode, res.body).toBe(200)
    const items = res.json().items as { userId: string; phone: string; state: string; checkinPlace: unknown; report: string | null; photos: { id: string }[] }[]
    expect(items.map((i) => i.userId)).toEqual([other.id, vol.id])
    const me = items[1]!
    expect(me).toMatchObject({ state: 'finished', checkinPlace: { lat: 29.6, lng: 120.8 }, report: '已完成' })
    expect(me.photos.map((x) => x.id)).toEqual([p.id])
    expect(me.phone).not.toBe(vol.phone)
    expect(me.phone).toBe(vol.phone.slice(0, 3) + '****' + vol.phone.slice(-4))
    expect(items[0]).toMatchObject({ state: 'claimed', checkinAt: null, report: null, photos: [] })
    const own = (await get(other, `/api/tasks/${task.id}/claims`)).json().items as { userId: string }[]
    expect(own.map((i) => i.userId)).toEqual([other.id])
    expect((await get(outsider, `/api/tasks/${task.id}/claims`)).statusCode).toBe(404)
    expect((await get(far, `/api/tasks/${task.id}/claims`)).statusCode).toBe(404)
  })

  it('确认 one person: only they are credited, the other’s report waits', async () => {
    const task = await publish()
    await claimAndCheckin([vol, other], task.id)
    for (const who of [vol, other]) {
      expect((await post(who, `/api/tasks/${task.id}/finish`, { report: '好了' })).statusCode).toBe(200)
    }
    const one = await post(publisher, `/api/tasks/${task.id}/confirm`, { userIds: [other.id] })
    expect(one.statusCode, one.body).toBe(200)
    const items = (await get(publisher, `/api/tasks/${task.id}/claims`)).json().items as { userId: string; state: string; hours: number }[]
    expect(items.find((i) => i.userId === other.id)).toMatchObject({ state: 'confirmed', hours: 2 })
    expect(items.find((i) => i.userId === vol.id)).toMatchObject({ state: 'finished', hours: 0 })
  })
})

describe('notices link to the task; cancel', () => {
  it('the publish notice carries the taskId; cancel notifies the claimers, ends their claims, and a claim then answers 409 task_cancelled', async () => {
    const task = await publish({ slots: 3 })
    const notes = (await get(vol, '/api/notifications')).json() as { kind: string; taskId: string | null }[]
    expect(notes.find((n) => n.kind === 'task.published' && n.taskId === task.id)).toBeTruthy()
    expect((await post(vol, `/api/tasks/${task.id}/claim`)).statusCode).toBe(201)
    // who may cancel: not a volunteer (403), not a cadre elsewhere (404); a reason is required (400)
    expect((await post(vol, `/api/tasks/${task.id}/cancel`, { reason: '下雨' })).statusCode).toBe(403)
    expect((await post(outsider, `/api/tasks/${task.id}/cancel`, { reason: '下雨' })).statusCode).toBe(404)
    for (const bad of [{}, { reason: '' }, { reason: '   ' }]) expect((await post(publisher, `/api/tasks/${task.id}/cancel`, bad)).statusCode).toBe(400)
    const res = await post(publisher, `/api/tasks/${task.id}/cancel`, { reason: '暴雨预警,改期' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ state: 'cancelled', cancelReason: '暴雨预警,改期' })
    const cancelled = ((await get(vol, '/api/notifications')).json() as { kind: string; taskId: string | null; body: string }[]).filter((n) => n.kind === 'task.cancelled')
    expect(cancelled).toHaveLength(1)
    expect(cancelled[0]).toMatchObject({ taskId: task.id })
    expect(cancelled[0]!.body).toContain('暴雨预警')
    expect(((await get(other, '/api/notifications')).json() as { kind: string; taskId: string }[]).some((n) => n.kind === 'task.cancelled' && n.taskId === task.id)).toBe(false)
    const late = await post(other, `/api/tasks/${task.id}/claim`)
    expect(late.statusCode).toBe(409)
    expect(late.json().error.code).toBe('task_cancelled')
    expect((await get(vol, `/api/tasks/${task.id}`)).json().myClaim).toBe('withdrawn')
    expect((await post(publisher, `/api/tasks/${task.id}/cancel`, { reason: '再取消' })).statusCode).toBe(409)
  })

  it('a started task (someone checked in) cannot be cancelled', async () => {
    const task = await publish()
    await claimAndCheckin(vol, task.id)
    const res = await post(publisher, `/api/tasks/${task.id}/cancel`, { reason: '不需要了' })
    expect(res.statusCode).toBe(409)
    expect((await get(publisher, `/api/tasks/${task.id}`)).json().state).toBe('in_progress')
  })
})

describe('a case becomes a task: the reply carries the photos', () => {
  it('the confirmed finish report replies the case with the report’s photos as result photos', async () => {
    const unit = await makeUnit(t.db, V, { kind: 'village_committee' })
    const handler = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V, unitId: unit.id })
    const c = await makeCase(t.db, { state: 'accepted', regionCode: G, unit: unit.id, handler: handler.id })
    const task = await publish({ caseId: c.id, slots: 1 }, handler)
    await claimAndCheckin(vol, task.id)
    const photos = [(await upload(vol, task.id)).json().id, (await upload(vol, task.id)).json().id]
    expect((await post(vol, `/api/tasks/${task.id}/finish`, { report: '路灯已修好', photoIds: photos })).statusCode).toBe(200)
    const conf = await post(handler, `/api/tasks/${task.id}/confirm`, {})
    expect(conf.statusCode, conf.body).toBe(200)
    const detail = (await get(handler, `/api/cases/${c.id}`)).json() as { state: string; events: { id: string; action: string }[]; files: { eventId: string | null }[] }
    expect(detail.state).toBe('replied')
    const reply = detail.events.find((e) => e.action === 'reply')!
    expect(detail.files.filter((f) => f.eventId === reply.id)).toHaveLength(2)
  })
})

describe('微心愿', () => {
  async function tag(personId: string, name: string) {
    const code = 'wish_' + randomUUID().slice(0, 8)
    const row =
      (await t.db.selectFrom('tags').select('id').where('name', '=', name).executeTakeFirst()) ??
      (await t.db.insertInto('tags').values({ code, name, applies_to: 'person' }).returning('id').executeTakeFirstOrThrow())
    await t.db.insertInto('person_tags').values({ person_id: personId, tag_id: row.id }).execute()
  }
  const wish = (personId: string, o: Record<string, unknown> = {}) => ({ personId, wish: '想要一台收音机', reason: '独居,眼睛不好', ...o })

  it('a cadre records a wish for a person of their area: one slot, the name masked, no ID or phone; fulfilled with a photo and confirmed', async () => {
    const person = await makePerson(t.db, { regionCode: G, name: '王小明', phone: '13912345678' })
    await tag(person.id, '独居老人')
    const res = await post(publisher, '/api/wishes', wish(person.id, { reason: '王小明独居,眼睛不好' }))
    expect(res.statusCode, res.body).toBe(201)
    const w = res.json()
    expect(w).toMatchObject({ kind: 'wish', slots: 1, audience: 'any', regionCode: V, beneficiary: { name: '王**', tags: ['独居老人'] } })
    expect(w.description).toBe('王**独居,眼睛不好')
    const seen = await get(vol, `/api/tasks/${w.id}`)
    expect(seen.statusCode).toBe(200)
    const text = seen.body
    expect(text).not.toContain('王小明')
    expect(text).not.toContain('13912345678')
    expect(text).not.toContain(person.id)
    // the notice went to the village's volunteers and opens the wish
    expect(((await get(other, '/api/notifications')).json() as { taskId: string; title: string }[]).find((n) => n.taskId === w.id)?.title).toContain('微心愿')
    // the hall lists it as a wish
    const hall = (await get(vol, '/api/tasks?kind=wish')).json().items as { id: string; kind: string }[]
    expect(hall.map((x) => x.id)).toContain(w.id)
    expect(hall.every((x) => x.kind === 'wish')).toBe(true)
    expect((await post(vol, `/api/tasks/${w.id}/claim`)).statusCode).toBe(201)
    expect((await post(other, `/api/tasks/${w.id}/claim`)).json().error.code).toBe('task_full')
    expect((await post(vol, `/api/tasks/${w.id}/checkin`, {})).statusCode).toBe(200)
    const p = (await upload(vol, w.id)).json().id
    expect((await post(vol, `/api/tasks/${w.id}/finish`, { report: '收音机已送到', photoIds: [p] })).statusCode).toBe(200)
    expect((await post(publisher, `/api/tasks/${w.id}/confirm`, {})).json()).toEqual({ confirmed: 1, state: 'done' })
    const list = (await get(publisher, '/api/tasks?kind=wish&state=done')).json().items as { id: string }[]
    expect(list.map((x) => x.id)).toContain(w.id)
  })

  it('a person outside the cadre’s area is 404; ID or phone numbers in the text 400; bad input 400; volunteers 403', async () => {
    const away = await makePerson(t.db, { regionCode: OV + '001', name: '李四' })
    const res = await post(publisher, '/api/wishes', wish(away.id))
    expect(res.statusCode).toBe(404)
    expect((await post(publisher, '/api/wishes', wish(randomUUID()))).statusCode).toBe(404)
    const mine = await makePerson(t.db, { regionCode: G, name: '赵五' })
    for (const leak of [{ reason: '身份证 330683195001011234' }, { wish: '联系 13912345678 送米' }]) {
      const r = await post(publisher, '/api/wishes', wish(mine.id, leak))
      expect(r.statusCode).toBe(400)
      expect(r.json().error.code).toBe('personal_data')
    }
    for (const bad of [{ wish: '' }, { personId: 'x' }, { slots: 3 }, { startsAt: new Date(Date.now() + 5 * hour).toISOString(), endsAt: new Date(Date.now() + hour).toISOString() }]) {
      const r = await post(publisher, '/api/wishes', { ...wish(mine.id), ...bad })
      expect(r.statusCode, JSON.stringify(bad)).toBe(400)
    }
    expect((await post(vol, '/api/wishes', wish(mine.id))).statusCode).toBe(403)
    expect(await t.db.selectFrom('tasks').select('id').where('person_id', '=', mine.id).execute()).toHaveLength(0)
  })
})
