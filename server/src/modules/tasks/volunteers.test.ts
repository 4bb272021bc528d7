import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { maskName } from '@minqing/common'
import { monthRange } from './volunteers.service.ts'

// Issue 15, the volunteer's side: 随手报 under their own identity and what they may read (only their own reports;
// a claimed task's case as a summary), and the monthly leaderboard of an area with its access rules.
const TOWN = '330683105'
const V = '330683105212' // the home village
const G = V + '001' // its grid
const OV = '330683105213' // another village of the same town
const OTHER_TOWN = '330683106'

let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser // village cadre of V
let townHandler: MadeUser
let outsider: MadeUser // cadre of another village
let gridWorker: MadeUser // staff without tasks.read
let vol: MadeUser // volunteer registered in V, residing in its grid
let vol2: MadeUser // volunteer residing in V
let vol3: MadeUser // volunteer residing in V
let far: MadeUser // volunteer residing in another town

async function reside(u: MadeUser, code: string) {
  const rid = await makeRegion(t.db, code)
  await t.db.updateTable('users').set({ residence_region_id: rid }).where('id', '=', u.id).execute()
}

beforeAll(async () => {
  t = await createTestApp()
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V })
  townHandler = await makeUser(t.db, { roles: ['town_handler'], regionCode: TOWN })
  outsider = await makeUser(t.db, { roles: ['village_cadre'], regionCode: OV })
  gridWorker = await makeUser(t.db, { roles: ['grid_worker'], regionCode: G })
  vol = await makeUser(t.db, { roles: ['volunteer'], regionCode: V, name: '金雨婷', phone: '13912345678' })
  await reside(vol, G)
  vol2 = await makeUser(t.db, { roles: ['volunteer'], regionCode: V, name: '李明' })
  await reside(vol2, V)
  vol3 = await makeUser(t.db, { roles: ['volunteer'], regionCode: V, name: '王小红' })
  await reside(vol3, V)
  far = await makeUser(t.db, { roles: ['volunteer'], regionCode: OTHER_TOWN, name: '赵远' })
  await reside(far, OTHER_TOWN + '220')
})
afterAll(() => t.close())

const get = (who: MadeUser, url: string) => t.app.inject({ method: 'GET', url, headers: who.auth })
const post = (who: MadeUser, url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers: who.auth, ...(payload ? { payload } : {}) })
const report = (o: Record<string, unknown> = {}) => ({ regionCode: G, title: '路灯不亮', description: '长宁路口的路灯坏了三天', ...o })

describe('随手报: a volunteer reports like a resident, under their own name', () => {
  it('raises a case on channel volunteer with the account’s name and masked phone, and sees it in 我反映的', async () => {
    const res = await post(vol, '/api/cases', report())
    expect(res.statusCode, res.body).toBe(201)
    const c = res.json()
    expect(c.channel).toBe('volunteer')
    expect(c.reporter).toMatchObject({ kind: 'named', name: '金雨婷', phone: '139****5678' })
    expect(c.state).toBe('new')
    const row = await t.db.selectFrom('cases').select(['reporter_user_id', 'created_by', 'reporter_phone_enc']).where('id', '=', c.id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ reporter_user_id: vol.id, created_by: vol.id })
    expect(row.reporter_phone_enc).not.toContain('13912345678')
    const mine = await get(vol, '/api/cases?queue=mine')
    expect(mine.json().items.map((x: { id: string }) => x.id)).toContain(c.id)
    // Staff of the area read it as from volunteer 金雨婷, with the full timeline.
    const staff = await get(cadre, `/api/cases/${c.id}`)
    expect(staff.statusCode).toBe(200)
    expect(staff.json()).toMatchObject({ channel: 'volunteer', reporter: { name: '金雨婷' } })
  })

  it('refuses a volunteer who names another reporter, a channel or a diary concern (403), and a place outside their area (403)', async () => {
    for (const extra of [{ reporter: { name: '别人', phone: '13800001111' } }, { reporter: { anonymous: true } }, { channel: 'hotline' }, { diaryConcernId: '00000000-0000-4000-8000-000000000001' }]) {
      const res = await post(vol, '/api/cases', report(extra))
      expect(res.statusCode, JSON.stringify(extra)).toBe(403)
      expect(res.json().error.code).toBe('FORBIDDEN')
    }
    const away = await post(vol, '/api/cases', report({ regionCode: OTHER_TOWN + '220' }))
    expect(away.statusCode).toBe(403)
    // Bad input stays 400 for volunteers too.
    const bad = await post(vol, '/api/cases', report({ title: '' }))
    expect(bad.statusCode).toBe(400)
  })

  it('a volunteer reads only the cases they reported: others of their area are 404, in lists too, whatever the queue', async () => {
    const own = (await post(vol, '/api/cases', report({ title: '井盖松动' }))).json()
    const residents = await makeCase(t.db, { regionCode: G, state: 'accepted', title: '邻居纠纷(他人反映)' })
    const byOther = (await post(vol2, '/api/cases', report({ title: '他人随手报' }))).json()
    for (const id of [residents.id, byOther.id]) {
      const res = await get(vol, `/api/cases/${id}`)
      expect(res.statusCode).toBe(404)
      expect(res.json().error.code).toBe('NOT_FOUND')
      expect((await post(vol, `/api/cases/${id}/actions/urge`, { note: 'x' })).statusCode).toBe(404)
      expect((await get(vol, `/api/cases/${id}/files/00000000-0000-4000-8000-000000000001`)).statusCode).toBe(404)
    }
    expect((await get(vol, `/api/cases/${own.id}`)).statusCode).toBe(200)
    for (const q of ['', '?queue=in_progress', '?queue=to_accept', '?queue=mine', `?regionCode=${G}`, '?state=accepted']) {
      const list = (await get(vol, `/api/cases${q}`)).json() as { items: { id: string }[]; total: number }
      const ids = list.items.map((x) => x.id)
      expect(ids, q).not.toContain(residents.id)
      expect(ids, q).not.toContain(byOther.id)
      if (q === '' || q.includes('mine')) expect(ids).toContain(own.id)
    }
    // The same village's cadre still reads every case of the area.
    expect((await get(cadre, `/api/cases/${residents.id}`)).statusCode).toBe(200)
    // Nor do volunteers search similar cases or read the archive.
    expect((await get(vol, `/api/cases/similar?regionCode=${G}&title=%E8%B7%AF%E7%81%AF`)).statusCode).toBeGreaterThanOrEqual(400)
  })

  it('reads their answered report like the tracking page (no staff names, no internal notes) and rates it', async () => {
    const c = await makeCase(t.db, { regionCode: G, state: 'replied', reporter: { user: vol.id }, title: '垃圾桶满溢' })
    await t.db.updateTable('cases').set({ channel: 'volunteer', reporter_kind: 'named', reporter_name: '金雨婷' }).where('id', '=', c.id).execute()
    const res = await get(vol, `/api/cases/${c.id}`)
    expect(res.statusCode).toBe(200)
    const d = res.json()
    expect(d.allowedActions).toEqual(['rate'])
    expect(d.handler).toBeNull()
    const staffIds = (await t.db.selectFrom('case_events').select('actor_id').where('case_id', '=', c.id).execute()).map((e) => e.actor_id).filter((x) => x && x !== vol.id)
    expect(staffIds.length).toBeGreaterThan(0)
    for (const e of d.events) expect(e.actor === null || e.actor.id === vol.id, JSON.stringify(e)).toBe(true)
    expect(d.events.map((e: { action: string }) => e.action)).toContain('reply')
    const rated = await post(vol, `/api/cases/${c.id}/actions/rate`, { rating: 'satisfied' })
    expect(rated.statusCode, rated.body).toBe(200)
    expect(rated.json().state).toBe('closed')
  })
})

// ---- leaderboard ----------------------------------------------------------------------------------------------
let seq = 0
/** A task in `regionCode` with confirmed claims: [user, hours, points, confirmedAt]. */
async function confirmed(regionCode: string, claims: [MadeUser, number, number, Date][]) {
  const rid = await makeRegion(t.db, regionCode)
  const task = await sql<{ id: string }>`
    insert into tasks (title, region_id, starts_at, ends_at, slots, claimed, audience, points, hours, state, published_by)
    values (${'排行任务' + ++seq}, ${rid}, now() - interval '3 days', now() - interval '2 days', ${claims.length}, ${claims.length}, 'any', 0, 0, 'done', ${cadre.id})
    returning id`.execute(t.db)
  const id = task.rows[0]!.id
  for (const [u, hours, points, at] of claims)
    await sql`insert into task_claims (task_id, user_id, state, claimed_at, confirmed_at, confirmed_by, hours, points) values (${id}, ${u.id}, 'confirmed', ${at}, ${at}, ${cadre.id}, ${hours}, ${points})`.execute(
      t.db,
    )
  return id
}
const board = (who: MadeUser, q = '') => get(who, `/api/volunteers/leaderboard${q}`)

describe('monthly leaderboard', () => {
  const MONTH = '2026-10'
  beforeAll(async () => {
    const { from, to } = monthRange(MONTH)
    const mid = new Date(from.getTime() + 10 * 86400_000)
    // vol 6 h, vol2 4 h 30 pts, vol3 4 h 30 pts (tie), far 9 h elsewhere; vol3's September and November do not count.
    await confirmed(G, [
      [vol, 2, 10, mid],
      [vol2, 4, 30, mid],
    ])
    await confirmed(V, [
      [vol, 4, 5, new Date(from.getTime() + 60_000)],
      [vol3, 4, 30, new Date(to.getTime() - 60_000)],
    ])
    await confirmed(V, [[vol3, 50, 50, new Date(from.getTime() - 60_000)]])
    await confirmed(V, [[vol3, 50, 50, to]])
    await confirmed(OTHER_TOWN + '220', [[far, 9, 1, mid]])
  })

  it('ranks the area’s volunteers by confirmed hours, then points, in the Asia/Shanghai month; ties share a rank', async () => {
    const res = await board(cadre, `?month=${MONTH}`)
    expect(res.statusCode, res.body).toBe(200)
    const b = res.json()
    expect(b.region.code).toBe(V)
    expect(b.month).toBe(MONTH)
    expect(b.total).toBe(3)
    expect(b.items.map((i: { name: string; rank: number; hours: number; points: number; tasks: number }) => [i.name, i.rank, i.hours, i.points, i.tasks])).toEqual([
      ['金雨婷', 1, 6, 15, 2],
      ['李明', 2, 4, 30, 1],
      ['王小红', 2, 4, 30, 1],
    ])
    // Staff read names and ids in full; they are not on the board themselves.
    expect(b.items[0].userId).toBe(vol.id)
    expect(b.mine).toBeNull()
    // The month boundary: 16:00 UTC of the last day before is already the next month in Shanghai.
    expect(monthRange('2026-12').from.toISOString()).toBe('2026-11-30T16:00:00.000Z')
    const nov = (await board(cadre, '?month=2026-11')).json()
    expect(nov.items.map((i: { name: string }) => i.name)).toEqual(['王小红'])
    expect((await board(cadre, '?month=2020-01')).json()).toMatchObject({ items: [], total: 0 })
  })

  it('a volunteer reads their residence area’s board: others’ names masked and without ids, their own line and rank', async () => {
    const res = await board(vol2, `?month=${MONTH}`)
    expect(res.statusCode, res.body).toBe(200)
    const b = res.json()
    expect(b.region.code).toBe(V) // vol2 resides in V
    const names = b.items.map((i: { name: string }) => i.name)
    expect(names).toEqual([maskName('金雨婷'), '李明', maskName('王小红')])
    expect(names[0]).toBe('金*婷')
    expect(b.items[0].userId).toBeNull()
    expect(b.items[1]).toMatchObject({ me: true, userId: vol2.id, rank: 2 })
    expect(b.mine).toEqual({ rank: 2, hours: 4, points: 30, tasks: 1 })
    // Their own region code named explicitly is the same board.
    expect((await board(vol2, `?month=${MONTH}&regionCode=${V}`)).statusCode).toBe(200)
    // vol resides in the grid: their board is the grid's, where only their G task counts for them… and vol2's G task.
    const g = (await board(vol, `?month=${MONTH}`)).json()
    expect(g.region.code).toBe(G)
    expect(g.items.map((i: { name: string; me: boolean }) => [i.name, i.me])).toEqual([['金雨婷', true]])
    expect(g.mine).toMatchObject({ rank: 1, hours: 6 })
  })

  it('a volunteer with nothing confirmed has a line without a rank', async () => {
    const quiet = await makeUser(t.db, { roles: ['volunteer'], regionCode: V, name: '新来的' })
    const b = (await board(quiet, `?month=${MONTH}`)).json()
    expect(b.mine).toEqual({ rank: null, hours: 0, points: 0, tasks: 0 })
    expect(b.items).toHaveLength(3)
  })

  it('access: another area’s board is 404 for volunteers and staff; staff read any region of their own area; no tasks.read is 403', async () => {
    for (const code of [TOWN, OV, OTHER_TOWN]) expect((await board(vol2, `?regionCode=${code}`)).statusCode, code).toBe(404)
    expect((await board(far, `?regionCode=${V}`)).statusCode).toBe(404)
    expect((await board(outsider, `?regionCode=${V}`)).statusCode).toBe(404)
    expect((await board(cadre, `?regionCode=${OTHER_TOWN}`)).statusCode).toBe(404)
    const town = (await board(townHandler, `?regionCode=${TOWN}&month=${MONTH}`)).json()
    expect(town.items.map((i: { name: string }) => i.name)).toEqual(['金雨婷', '李明', '王小红']) // far lives in another town
    const farBoard = (await board(far, `?month=${MONTH}`)).json()
    expect(farBoard.items.map((i: { name: string }) => i.name)).toEqual(['赵远'])
    const denied = await board(gridWorker)
    expect(denied.statusCode).toBe(403)
    expect(denied.json().error.code).toBe('FORBIDDEN')
    expect((await t.app.inject({ method: 'GET', url: '/api/volunteers/leaderboard' })).statusCode).toBe(401)
  })

  it('bad input is 400, never 500: month format, region code format, unknown parameters; an unknown region is 404', async () => {
    for (const q of ['?month=2026-13', '?month=2026-1', '?month=abc', '?regionCode=12', '?regionCode=abc', '?foo=1']) {
      const res = await board(cadre, q)
      expect(res.statusCode, q).toBe(400)
      expect(res.json().error.code).toBe('VALIDATION_FAILED')
    }
    expect((await board(cadre, '?regionCode=330683105299')).statusCode).toBe(404)
  })
})

// ---- a claimed task's case ---------------------------------------------------------------------------------
describe('the case behind a task', () => {
  it('a volunteer holding a claim reads a summary (no reporter, handler or timeline); without a claim, withdrawn or elsewhere 404; staff read it', async () => {
    const c = await makeCase(t.db, { regionCode: V, state: 'accepted', title: '独居老人需要照料', reporter: { name: '张大爷', phone: '13800002222' } })
    const rid = await makeRegion(t.db, V)
    const mk = async (caseId: string | null) =>
      (
        await sql<{ id: string }>`insert into tasks (title, region_id, starts_at, ends_at, slots, audience, case_id, published_by)
        values ('上门照料', ${rid}, now() + interval '1 day', now() + interval '2 days', 3, 'any', ${caseId}, ${cadre.id}) returning id`.execute(t.db)
      ).rows[0]!.id
    const task = await mk(c.id)
    const bare = await mk(null)
    const claim = (u: MadeUser, id: string, state = 'claimed') => sql`insert into task_claims (task_id, user_id, state) values (${id}, ${u.id}, ${state})`.execute(t.db)
    await claim(vol, task)
    await claim(vol3, task, 'withdrawn')
    await claim(vol, bare)

    const res = await get(vol, `/api/tasks/${task}/case`)
    expect(res.statusCode, res.body).toBe(200)
    const s = res.json()
    expect(s).toMatchObject({ id: c.id, title: '独居老人需要照料', state: 'accepted', stage: 'in_progress' })
    expect(JSON.stringify(s)).not.toMatch(/张大爷|13800002222|2222|handler|events|reporter/)
    // The case itself stays out of sight for the volunteer.
    expect((await get(vol, `/api/cases/${c.id}`)).statusCode).toBe(404)

    expect((await get(vol2, `/api/tasks/${task}/case`)).statusCode).toBe(404) // no claim
    expect((await get(vol3, `/api/tasks/${task}/case`)).statusCode).toBe(404) // withdrawn
    expect((await get(far, `/api/tasks/${task}/case`)).statusCode).toBe(404) // another town
    expect((await get(outsider, `/api/tasks/${task}/case`)).statusCode).toBe(404) // staff of another village
    expect((await get(vol, `/api/tasks/${bare}/case`)).statusCode).toBe(404) // no case behind it
    expect((await get(vol, `/api/tasks/00000000-0000-4000-8000-000000000009/case`)).statusCode).toBe(404)
    expect((await get(vol, `/api/tasks/not-a-uuid/case`)).statusCode).toBe(400)
    expect((await get(gridWorker, `/api/tasks/${task}/case`)).statusCode).toBe(403)
    const staff = await get(cadre, `/api/tasks/${task}/case`)
    expect(staff.statusCode).toBe(200)
    expect(staff.json().id).toBe(c.id)
  })
})
