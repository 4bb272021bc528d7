import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makeUnit, makeUser, type MadeUser } from '../../../test/factories.ts'
import { multipart, TINY_PNG } from '../../../test/multipart.ts'

// Result photos on the answer (issue 12, defect 4): uploaded first, named in the reply's photoIds, shown to the
// resident on /t/<code> through a public URL that serves only the answer's photos.
const V = '330683105212'
const G = V + '001'
let t: Awaited<ReturnType<typeof createTestApp>>
let member: MadeUser
let colleague: MadeUser
let cadre: MadeUser
let unitId: string

beforeAll(async () => {
  t = await createTestApp()
  unitId = (await makeUnit(t.db, V, { kind: 'village_committee' })).id
  member = await makeUser(t.db, { roles: ['dept_handler'], regionCode: V, unitId })
  colleague = await makeUser(t.db, { roles: ['dept_handler'], regionCode: V, unitId })
  cadre = await makeUser(t.db, { roles: ['grid_worker'], regionCode: G })
})
afterAll(() => t.close())

/** Uploads one photo as `who`; answers the new photo's id. */
async function upload(who: MadeUser, caseId: string) {
  const before = new Set(((await t.app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: who.auth })).json().files as { id: string }[]).map((f) => f.id))
  const form = multipart({}, { filename: 'after.png', contentType: 'image/png', data: TINY_PNG })
  const res = await t.app.inject({ method: 'POST', url: `/api/cases/${caseId}/files`, headers: { ...who.auth, ...form.headers }, payload: form.payload })
  expect(res.statusCode, res.body).toBe(201)
  return (res.json().files as { id: string }[]).find((f) => !before.has(f.id))!.id
}
const act = (who: MadeUser, id: string, action: string, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/${action}`, headers: who.auth, payload })
const accepted = () => makeCase(t.db, { state: 'accepted', regionCode: G, unit: unitId, handler: member.id, reporter: { name: '陈', phone: '13900006666' } })

describe('result photos on a reply', () => {
  it('move to the reply’s timeline row, and the resident sees them (and only them) on the tracking page', async () => {
    const c = await accepted()
    const [p1, p2] = [await upload(member, c.id), await upload(member, c.id)]
    const other = await upload(colleague, c.id) // a photo on the case that is not part of the answer
    const res = await act(member, c.id, 'reply', { result: '已更换路灯', photoIds: [p1, p2] })
    expect(res.statusCode, res.body).toBe(200)
    const detail = res.json()
    const reply = detail.events.find((e: { action: string }) => e.action === 'reply')
    expect(
      detail.files
        .filter((f: { eventId: string }) => f.eventId === reply.id)
        .map((f: { id: string }) => f.id)
        .sort(),
    ).toEqual([p1, p2].sort())

    const view = (await t.app.inject({ method: 'GET', url: `/api/public/reports/${c.trackingCode}` })).json()
    expect(view.reply.text).toBe('已更换路灯')
    expect(view.reply.photos.map((p: { id: string }) => p.id).sort()).toEqual([p1, p2].sort())
    const img = await t.app.inject({ method: 'GET', url: view.reply.photos[0].url })
    expect(img.statusCode).toBe(200)
    expect(img.headers['content-type']).toBe('image/png')
    expect(img.rawPayload.equals(TINY_PNG)).toBe(true)
    // the case's other photo, a photo under another case's code, an unknown code: 404 alike
    for (const url of [
      `/api/public/reports/${c.trackingCode}/photos/${other}`,
      `/api/public/reports/${(await accepted()).trackingCode}/photos/${p1}`,
      `/api/public/reports/ZZZZZZZZZZ/photos/${p1}`,
      `/api/public/reports/${c.trackingCode}/photos/${randomUUID()}`,
    ]) {
      const r = await t.app.inject({ method: 'GET', url })
      expect(r.statusCode, url).toBe(404)
      expect(r.json().error.code).toBe('NOT_FOUND')
    }
  })

  it('a reply without photos shows none', async () => {
    const c = await accepted()
    expect((await act(member, c.id, 'reply', { result: '已处理' })).statusCode).toBe(200)
    const view = (await t.app.inject({ method: 'GET', url: `/api/public/reports/${c.trackingCode}` })).json()
    expect(view.reply.photos).toEqual([])
  })

  it('refuses bad photo ids with 400 and leaves the case unanswered', async () => {
    const c = await accepted()
    const elsewhere = await accepted()
    const foreign = await upload(member, elsewhere.id)
    const colleagues = await upload(colleague, c.id)
    const mine = await upload(member, c.id)
    const cases: [unknown, string][] = [
      [[randomUUID()], 'UNKNOWN_PHOTO'],
      [[foreign], 'UNKNOWN_PHOTO'], // another case's photo reads as none
      [[colleagues], 'NOT_OWN_PHOTO'],
      [['not-a-uuid'], 'VALIDATION_FAILED'],
      [Array.from({ length: 10 }, () => randomUUID()), 'VALIDATION_FAILED'], // more than 9
      [[mine, mine], 'VALIDATION_FAILED'], // twice the same
    ]
    for (const [photoIds, code] of cases) {
      const res = await act(member, c.id, 'reply', { result: '已处理', photoIds })
      expect(res.statusCode, JSON.stringify(photoIds)).toBe(400)
      expect(res.json().error.code).toBe(code)
    }
    const detail = (await t.app.inject({ method: 'GET', url: `/api/cases/${c.id}`, headers: member.auth })).json()
    expect(detail.state).toBe('accepted')
    expect(detail.events.some((e: { action: string }) => e.action === 'reply')).toBe(false)
  })

  it('a photo already part of an answer cannot be named again', async () => {
    const c = await accepted()
    const p = await upload(member, c.id)
    expect((await act(member, c.id, 'reply', { result: '第一次答复', photoIds: [p] })).statusCode).toBe(200)
    // reopened by a dispatcher and answered again: the first answer's photo stays with the first answer
    await t.db.updateTable('cases').set({ state: 'accepted' }).where('id', '=', c.id).execute()
    const res = await act(member, c.id, 'reply', { result: '第二次答复', photoIds: [p] })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('PHOTO_NOT_ATTACHABLE')
  })

  it('resolve_on_spot carries result photos too', async () => {
    const c = await makeCase(t.db, { state: 'new', regionCode: G, createdBy: cadre.id, reporter: { name: '褚', phone: '13900007777' } })
    const p = await upload(cadre, c.id)
    const res = await act(cadre, c.id, 'resolve_on_spot', { result: '当场清理了垃圾', photoIds: [p] })
    expect(res.statusCode, res.body).toBe(200)
    const view = (await t.app.inject({ method: 'GET', url: `/api/public/reports/${c.trackingCode}` })).json()
    expect(view.reply.photos.map((x: { id: string }) => x.id)).toEqual([p])
  })
})
