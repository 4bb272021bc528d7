import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { withAfterCommit } from '../../platform/after-commit.ts'
import { makeCase, makeDiaryEntry, makeUser, type MadeUser } from '../../../test/factories.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let countyLeader: MadeUser
let townLeader: MadeUser
let handler: MadeUser
let gridWorker: MadeUser
let otherTown: MadeUser
const TOWN = '330683105'
const V1 = '330683105212'
const DAY = 86_400_000

const regionId = async (code: string) => (await t.db.selectFrom('regions').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id
const call = async (u: MadeUser, method: 'GET' | 'POST', url: string, payload?: object) => {
  const r = await t.app.inject({ method, url, headers: u.auth, payload })
  return { status: r.statusCode, body: r.json() }
}
const noticesOf = async (userId: string) => (await sql<{ title: string }>`select title from notifications where user_id = ${userId} and kind = 'alert'`.execute(t.db)).rows.map((r) => r.title)

beforeAll(async () => {
  t = await createTestApp()
  countyLeader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683' })
  townLeader = await makeUser(t.db, { roles: ['leader'], regionCode: TOWN })
  handler = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
  gridWorker = await makeUser(t.db, { roles: ['grid_worker'], regionCode: V1 })
  otherTown = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683106' })
}, 300_000)
afterAll(() => t?.close())

describe('alerts', () => {
  it('raise is idempotent by kind and key: links add up, last_seen moves; a new one reaches the duty officer and the leader', async () => {
    const c1 = await makeCase(t.db, { regionCode: V1 })
    const c2 = await makeCase(t.db, { regionCode: V1 })
    const e = await makeDiaryEntry(t.db, { author: gridWorker.id, regionCode: V1 })
    const region = await regionId(V1)
    const a = await t.app.services.alerts.raise(t.db, { kind: 'common_issue', key: 'cluster:roads', title: '多村反映道路狭窄', regionId: region, caseIds: [c1.id], details: { size: 1 } })
    expect(a.created).toBe(true)
    await new Promise((r) => setTimeout(r, 20))
    const b = await t.app.services.alerts.raise(t.db, {
      kind: 'common_issue',
      key: 'cluster:roads',
      title: '多村反映道路狭窄',
      regionId: region,
      caseIds: [c1.id, c2.id],
      diaryIds: [e.id],
      details: { size: 3 },
    })
    expect(b).toEqual({ id: a.id, created: false })
    await t.app.services.alerts.idle()

    const got = await call(countyLeader, 'GET', `/api/brain/alerts/${a.id}`)
    expect(got.status).toBe(200)
    expect(got.body).toMatchObject({ kind: 'common_issue', state: 'new', linkCount: 3, details: { size: 3 } })
    expect(new Date(got.body.lastSeen).getTime()).toBeGreaterThan(new Date(got.body.firstSeen).getTime())
    // Nobody rostered: the county's leaders stand duty — the county leader owns it; the town leader is told too.
    expect(got.body.owner?.userId).toBe(countyLeader.id)
    expect(await noticesOf(countyLeader.id)).toHaveLength(1)
    expect(await noticesOf(townLeader.id)).toHaveLength(1)
    expect(got.body.links.map((l: { kind: string }) => l.kind).sort()).toEqual(['case', 'case', 'diary'])
  })

  it('an alert raised in a transaction that rolls back leaves nothing and notifies nobody; a committed one is pushed after commit', async () => {
    const before = (await noticesOf(countyLeader.id)).length
    const pushed: string[] = []
    const v1 = await regionId(V1) // read before the transactions: PGlite has one connection
    const off = t.ctx.bus.subscribe('notification.created', (e) => void pushed.push((e.payload as { notification: { title: string } }).notification.title))
    await expect(
      withAfterCommit(() =>
        t.db.transaction().execute(async (trx) => {
          await t.app.services.alerts.raise(trx, { kind: 'spike', key: 'rolled-back', title: '不应出现', regionId: v1 })
          throw new Error('boom')
        }),
      ),
    ).rejects.toThrow('boom')
    await t.app.services.alerts.idle()
    const n = await sql<{ n: number }>`select count(*)::int as n from alerts where key = 'rolled-back'`.execute(t.db)
    expect(n.rows[0].n).toBe(0)
    expect(await noticesOf(countyLeader.id)).toHaveLength(before)

    let pushedInside = -1
    await withAfterCommit(() =>
      t.db.transaction().execute(async (trx) => {
        await t.app.services.alerts.raise(trx, { kind: 'spike', key: 'committed', title: '提交后推送', regionId: v1 })
        pushedInside = pushed.length
      }),
    )
    off()
    expect(pushedInside).toBe(0)
    expect(pushed.some((title) => title.includes('提交后推送'))).toBe(true)
    // Raising in a transaction without a scope is a programming error, refused before anything is written.
    await expect(t.db.transaction().execute((trx) => t.app.services.alerts.raise(trx, { kind: 'spike', key: 'no-scope', title: 'x', regionId: 1 }))).rejects.toThrow(/withAfterCommit/)
  })

  it('steps new → acknowledged → handled; a wrong step is 409; after handling the key opens a new alert', async () => {
    const a = await t.app.services.alerts.raise(t.db, { kind: 'spike', key: 'spike:states', title: '状态', regionId: await regionId(V1) })
    expect((await call(handler, 'POST', `/api/brain/alerts/${a.id}/handle`, { note: '' })).status).toBe(400)
    const ack = await call(handler, 'POST', `/api/brain/alerts/${a.id}/ack`)
    expect(ack.status).toBe(200)
    expect(ack.body).toMatchObject({ state: 'acknowledged', acknowledged: { userId: handler.id } })
    const again = await call(handler, 'POST', `/api/brain/alerts/${a.id}/ack`)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('invalid_transition')
    const done = await call(handler, 'POST', `/api/brain/alerts/${a.id}/handle`, { note: '已安排排查' })
    expect(done.body).toMatchObject({ state: 'handled', handled: { userId: handler.id, note: '已安排排查' } })
    expect((await call(handler, 'POST', `/api/brain/alerts/${a.id}/handle`, { note: 'x' })).status).toBe(409)
    expect((await call(handler, 'POST', `/api/brain/alerts/${a.id}/assign`, { userId: handler.id })).status).toBe(409)
    const fresh = await t.app.services.alerts.raise(t.db, { kind: 'spike', key: 'spike:states', title: '状态', regionId: await regionId(V1) })
    expect(fresh.created).toBe(true)
    expect(fresh.id).not.toBe(a.id)
    await t.app.services.alerts.idle()
  })

  it('lists the caller’s area, new first, filtered by state and kind', async () => {
    const inTown = await t.app.services.alerts.raise(t.db, { kind: 'spike', key: 'spike:list', title: '列表', regionId: await regionId(V1) })
    // Its own handled alert (no test leans on another's leftovers).
    const done = await t.app.services.alerts.raise(t.db, { kind: 'spike', key: 'spike:list-done', title: '已处置', regionId: await regionId(V1) })
    expect((await call(countyLeader, 'POST', `/api/brain/alerts/${done.id}/handle`, { note: '已核实处置' })).status).toBe(200)
    await t.app.services.alerts.idle()
    const mine = await call(handler, 'GET', '/api/brain/alerts?state=new&kind=spike')
    expect(mine.status).toBe(200)
    expect(mine.body.items.map((a: { id: string }) => a.id)).toContain(inTown.id)
    expect(mine.body.items.every((a: { state: string; kind: string }) => a.state === 'new' && a.kind === 'spike')).toBe(true)
    expect(mine.body.newCount).toBeGreaterThanOrEqual(1)
    const all = await call(countyLeader, 'GET', '/api/brain/alerts')
    const states = all.body.items.map((a: { state: string }) => a.state)
    expect(states.indexOf('handled')).toBeGreaterThan(states.lastIndexOf('new'))
    const other = await call(otherTown, 'GET', '/api/brain/alerts')
    expect(other.body.items.map((a: { id: string }) => a.id)).not.toContain(inTown.id)
    expect((await call(otherTown, 'GET', `/api/brain/alerts?regionCode=${TOWN}`)).status).toBe(404)
    expect((await call(handler, 'GET', '/api/brain/alerts?state=closed')).status).toBe(400)
  })

  it('refuses outsiders (404), callers who may not act (403) and assignees who cannot see it (400)', async () => {
    const a = await t.app.services.alerts.raise(t.db, { kind: 'spike', key: 'spike:access', title: '权限', regionId: await regionId(V1) })
    await t.app.services.alerts.idle()
    expect((await call(otherTown, 'GET', `/api/brain/alerts/${a.id}`)).status).toBe(404)
    expect((await call(otherTown, 'POST', `/api/brain/alerts/${a.id}/ack`)).status).toBe(404)
    const denied = await call(gridWorker, 'POST', `/api/brain/alerts/${a.id}/ack`)
    expect(denied.status).toBe(403)
    expect(denied.body.error.code).toBe('FORBIDDEN')
    expect((await call(handler, 'GET', '/api/brain/alerts/not-a-uuid')).status).toBe(400)
    expect((await call(handler, 'POST', `/api/brain/alerts/${a.id}/assign`, { userId: otherTown.id })).status).toBe(400)
    // Given to the grid worker, they may act on it.
    const given = await call(handler, 'POST', `/api/brain/alerts/${a.id}/assign`, { userId: gridWorker.id })
    expect(given.status).toBe(200)
    expect(given.body.owner.userId).toBe(gridWorker.id)
    await t.app.services.alerts.idle()
    expect(await noticesOf(gridWorker.id)).toHaveLength(1)
    expect((await call(gridWorker, 'POST', `/api/brain/alerts/${a.id}/ack`)).status).toBe(200)
  })
})

describe('early warning (苗头隐患)', () => {
  it('raises a spike for a village and its town against their own 28-day baseline; a busy baseline does not', { timeout: 300_000 }, async () => {
    const now = new Date()
    const QUIET = '330683106201'
    const BUSY = '330683107201'
    // BUSY: 0 and 2 cases on alternate days for 28 days (μ 1, σ 1 → needs more than 4); today 3.
    for (let d = 1; d <= 28; d++) for (let i = 0; i < (d % 2 ? 0 : 2); i++) await makeCase(t.db, { regionCode: BUSY, category: 'traffic.road', now: new Date(now.getTime() - d * DAY) })
    for (let i = 0; i < 3; i++) await makeCase(t.db, { regionCode: BUSY, category: 'traffic.road' })
    // QUIET: nothing for 28 days; today 3 of one kind.
    const quiet = await Promise.all([0, 1, 2].map(() => makeCase(t.db, { regionCode: QUIET, category: 'traffic.road' })))
    await t.app.services.statsFolder.fold()
    const spikes = await t.app.services.earlyWarning.check(now)
    await t.app.services.alerts.idle()
    const where = spikes.map((s) => s.regionName)
    const quietName = (await t.db.selectFrom('regions').select('name').where('code', '=', QUIET).executeTakeFirstOrThrow()).name
    const busyName = (await t.db.selectFrom('regions').select('name').where('code', '=', BUSY).executeTakeFirstOrThrow()).name
    expect(where).toContain(quietName)
    expect(where).not.toContain(busyName)
    const q = spikes.find((s) => s.regionName === quietName)!
    expect(q).toMatchObject({ count: 3, mean: 0, sd: 0 })
    const list = await call(countyLeader, 'GET', '/api/brain/alerts?kind=spike&regionCode=330683106201')
    expect(list.body.items).toHaveLength(1)
    expect(list.body.items[0].links.map((l: { id: string }) => l.id).sort()).toEqual(quiet.map((c) => c.id).sort())
    // Checking again the same day updates that alert, never a second one.
    await t.app.services.earlyWarning.check(now)
    expect((await call(countyLeader, 'GET', '/api/brain/alerts?kind=spike&regionCode=330683106201')).body.items).toHaveLength(1)
  })
})
