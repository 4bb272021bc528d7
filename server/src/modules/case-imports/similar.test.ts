import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { textSimilarity } from './similar.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let town: MadeUser // town handler of 石璜镇: raises and dispatches
let stationed: MadeUser // stationed cadre of 雅璜村
let other: MadeUser // stationed cadre of 王院村
const ids: Record<string, string> = {}

const YAHUANG = '330683105212'
const XIAWANG = '330683105213' // another village of the same town
const WANGYUAN = '330683106220'

async function intake(key: string, regionCode: string, title: string, description: string, externalState: 'closed' | null = null) {
  const region = await t.db.selectFrom('regions').select('id').where('code', '=', regionCode).executeTakeFirstOrThrow()
  const r = await t.app.services.cases.intakeExternal({
    channel: 'import',
    regionId: region.id,
    title,
    description,
    source: 'similar-test',
    externalId: key,
    externalState,
    quiet: true,
  })
  ids[key] = r.id
}

beforeAll(async () => {
  t = await createTestApp()
  for (const code of [`${YAHUANG}001`, `${YAHUANG}002`, `${XIAWANG}001`, `${WANGYUAN}001`]) await makeRegion(t.db, code)
  town = await makeUser(t.db, { roles: ['town_handler'], regionCode: '330683105' })
  stationed = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: YAHUANG })
  other = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: WANGYUAN })
  await intake('open', `${YAHUANG}001`, '下宅路口路灯不亮', '雅璜村下宅路口的路灯坏了一个多星期,晚上一片漆黑,老人出门不方便。')
  await intake('closed', `${YAHUANG}001`, '下宅路口路灯不亮', '雅璜村下宅路口的路灯坏了一个多星期,晚上一片漆黑,老人出门不方便。', 'closed')
  await intake('elsewhere', `${WANGYUAN}001`, '下宅路口路灯不亮', '路口的路灯坏了一个多星期,晚上一片漆黑。')
  await intake('neighbour-village', `${XIAWANG}001`, '下宅路口路灯不亮', '路口的路灯坏了一个多星期,晚上一片漆黑。')
  await intake('unrelated', `${YAHUANG}002`, '垃圾桶满了没人清运', '村口的垃圾桶已经满了三天,没有人来清运,气味很大。')
  await intake('village-level', YAHUANG, '村里路灯坏了', '下宅那边路口的路灯晚上不亮,好几天了。')
})
afterAll(() => t.close())

const similar = (user: MadeUser, q: Record<string, string>) => t.app.inject({ method: 'GET', url: `/api/cases/similar?${new URLSearchParams(q)}`, headers: user.auth })

describe('GET /api/cases/similar', () => {
  it('finds the open similar cases of the same village (any grid), best first — not a closed one, not another village’s', async () => {
    const res = await similar(town, { regionCode: `${YAHUANG}002`, text: '下宅路口的路灯坏了,晚上不亮' })
    expect(res.statusCode, res.body).toBe(200)
    const items = res.json().items as { id: string; score: number; state: string; allowedActions: string[] }[]
    expect(items.map((i) => i.id).sort()).toEqual([ids.open, ids['village-level']].sort())
    expect(items[0].score).toBeGreaterThanOrEqual(items[1].score)
    expect(items[1].score).toBeGreaterThan(0.3)
    expect(items.find((i) => i.id === ids.open)).toMatchObject({ state: 'new', regionCode: `${YAHUANG}001` })
    // The town handler dispatches at these cases' levels: they may merge.
    for (const i of items) expect(i.allowedActions).toContain('merge')
    const ids_ = items.map((i) => i.id)
    for (const k of ['closed', 'elsewhere', 'neighbour-village', 'unrelated']) expect(ids_).not.toContain(ids[k])
  })

  it('leaves out the case itself (excludeId), and finds nothing for an unrelated text', async () => {
    const res = await similar(town, { regionCode: `${YAHUANG}001`, text: '下宅路口路灯不亮', excludeId: ids.open })
    expect(res.json().items.map((i: { id: string }) => i.id)).toEqual([ids['village-level']])
    const none = await similar(town, { regionCode: `${YAHUANG}001`, text: '申请低保需要什么材料' })
    expect(none.json().items).toEqual([])
  })

  it('a cadre sees only their own area: another village’s region is 404; a stationed cadre may not merge', async () => {
    expect((await similar(other, { regionCode: `${YAHUANG}001`, text: '路灯不亮' })).statusCode).toBe(404)
    const mine = await similar(stationed, { regionCode: `${YAHUANG}001`, text: '下宅路口路灯不亮' })
    expect(mine.statusCode).toBe(200)
    expect(mine.json().items[0].allowedActions).not.toContain('merge')
    expect((await similar(town, { regionCode: '330683105999', text: 'x' })).statusCode).toBe(404)
    expect((await similar(town, { regionCode: YAHUANG, text: '' })).statusCode).toBe(400)
  })

  it('the newer case can be merged into the older one through the merge action', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/api/cases/${ids['village-level']}/actions/merge`, headers: town.auth, payload: { intoCaseId: ids.open } })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ state: 'merged', mergedInto: ids.open })
    // A merged case is no longer open: not offered again.
    const again = await similar(town, { regionCode: `${YAHUANG}001`, text: '下宅路口路灯不亮', excludeId: ids.open })
    expect(again.json().items).toEqual([])
  })
})

describe('textSimilarity', () => {
  it('scores shared character pairs, ignoring punctuation and case', () => {
    expect(textSimilarity('路灯不亮', '路灯不亮', '')).toBeCloseTo(1)
    expect(textSimilarity('ABC，路灯', 'abc路灯', '')).toBeCloseTo(1)
    expect(textSimilarity('路灯不亮', '垃圾清运', '村口垃圾')).toBe(0)
    expect(textSimilarity('', '路灯', '')).toBe(0)
  })
})
