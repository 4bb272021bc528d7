import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'

// 先锋任务 for one team (audience 'team', teamId): only its members are notified, see it in the hall and may claim (403 otherwise);
// the team must lie in the task's area; teamId only with audience team.
const V = '330683105212'
const OV = '330683105213'

let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser
let outsider: MadeUser
let member: MadeUser
let other: MadeUser // same village, not in the team
let teamId: string
let otherTeamId: string // a team of another village

async function volunteer(residence: string) {
  const u = await makeUser(t.db, { roles: ['volunteer'], regionCode: residence })
  const rid = await makeRegion(t.db, residence)
  await t.db.updateTable('users').set({ residence_region_id: rid }).where('id', '=', u.id).execute()
  return u
}
const post = (who: MadeUser, url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers: who.auth, ...(payload ? { payload } : {}) })

beforeAll(async () => {
  t = await createTestApp()
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V })
  outsider = await makeUser(t.db, { roles: ['village_cadre'], regionCode: OV })
  member = await volunteer(V)
  other = await volunteer(V)
  const far = await volunteer(OV)
  teamId = (await post(cadre, '/api/teams', { name: '维修能手队', kind: 'repair', regionCode: V, memberIds: [member.id] })).json().id
  otherTeamId = (await post(outsider, '/api/teams', { name: '别村队', kind: 'repair', regionCode: OV, memberIds: [far.id] })).json().id
})
afterAll(() => t.close())

const task = (o: Record<string, unknown> = {}) => ({
  title: '修水管',
  regionCode: V,
  slots: 2,
  audience: 'team',
  teamId,
  startsAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
  endsAt: new Date(Date.now() + 26 * 3600_000).toISOString(),
  ...o,
})

describe('team tasks', () => {
  it('notifies only the team’s members; only they may claim (403 otherwise)', async () => {
    const title = `队伍任务${Math.random().toString(36).slice(2, 8)}`
    const res = await post(cadre, '/api/tasks', task({ title }))
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ audience: 'team', teamId })
    const id = res.json().id
    const notes = (
      await sql<{ user_id: string; title: string; body: string }>`select user_id, title, body from notifications where kind = 'task.published' and body like ${'%' + title + '%'}`.execute(t.db)
    ).rows
    expect(notes.map((r) => r.user_id)).toEqual([member.id])
    // The notice names the team: its member reads that it is theirs.
    expect(notes[0]).toMatchObject({ title: '您收到一条维修能手队先锋任务认领邀请', body: expect.stringMatching(/^您收到一条维修能手队的先锋任务「.*」的认领任务/) })
    // The hall: the team's members see it, another volunteer of the village does not (staff do).
    const hall = async (who: MadeUser) => ((await t.app.inject({ method: 'GET', url: '/api/tasks', headers: who.auth })).json().items as { id: string }[]).map((x) => x.id)
    expect(await hall(member)).toContain(id)
    expect(await hall(other)).not.toContain(id)
    expect(await hall(cadre)).toContain(id)
    const refused = await post(other, `/api/tasks/${id}/claim`)
    expect([refused.statusCode, refused.json().error.details?.reason]).toEqual([403, 'audience'])
    expect((await post(member, `/api/tasks/${id}/claim`)).statusCode).toBe(201)
  })

  it('refuses a team task without a team, a team outside the task’s area or unknown, and teamId with another audience', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ teamId: undefined }, 'VALIDATION_FAILED'],
      [{ teamId: otherTeamId }, 'UNKNOWN_TEAM'],
      [{ teamId: '00000000-0000-4000-8000-000000000000' }, 'UNKNOWN_TEAM'],
      [{ audience: 'any' }, 'VALIDATION_FAILED'],
      [{ teamId: 'nope' }, 'VALIDATION_FAILED'],
    ]
    for (const [o, code] of cases) {
      const res = await post(cadre, '/api/tasks', task(o))
      expect([res.statusCode, res.json().error.code], JSON.stringify(o)).toEqual([400, code])
    }
    // A disbanded team takes no new tasks.
    await t.app.inject({ method: 'DELETE', url: `/api/teams/${teamId}`, headers: cadre.auth })
    expect((await post(cadre, '/api/tasks', task())).json().error.code).toBe('UNKNOWN_TEAM')
  })
})
