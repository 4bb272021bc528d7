import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { mentionsAddress, villagePathOf } from './household-timeline.ts'

// 一事一表 (issue 12, defect 6): a household's timeline lists the cases of its members, the cases raised from
// visits to it and the cases at its address in its village — only those the viewer may see.
let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser // 村社干部 of 雅璜村
let other: MadeUser // 村社干部 of 王院村 (another town)
let county: MadeUser // 领导 of the county: sees every case

const YAHUANG = '330683105212'
const WANGYUAN = '330683106220'
const GRID = YAHUANG + '001'

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, GRID)
  await makeRegion(t.db, WANGYUAN + '001')
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })
  other = await makeUser(t.db, { roles: ['village_cadre'], regionCode: WANGYUAN })
  county = await makeUser(t.db, { roles: ['leader'], regionCode: '330683' })
})
afterAll(() => t.close())

const api = async (method: 'GET' | 'POST', url: string, who: MadeUser, payload?: object) => t.app.inject({ method, url, headers: who.auth, payload: payload as any })
async function made(method: 'POST', url: string, who: MadeUser, payload: object) {
  const res = await api(method, url, who, payload)
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}
const raise = (who: MadeUser, body: object) => made('POST', '/api/cases', who, { title: '事项', description: '群众反映的情况', ...body })
const timeline = async (who: MadeUser, id: string) => {
  const res = await api('GET', `/api/households/${id}/timeline`, who)
  return { status: res.statusCode, body: res.body, items: res.statusCode === 200 ? (res.json() as { kind: string; ref: { id: string } | null; detail: string | null; state?: string }[]) : [] }
}
const caseIds = (items: { kind: string; ref: { id: string } | null }[]) => items.filter((i) => i.kind === 'case').map((i) => i.ref!.id)

let seq = 1
async function household(regionCode: string, who: MadeUser, address = `下宅${seq++}号`) {
  const h = await made('POST', '/api/households', who, { regionCode, address })
  const p = await made('POST', '/api/persons', who, { householdId: h.id, name: '俞阿大', phone: `1391234${String(1000 + seq++)}` })
  return { h, p }
}

describe('household timeline: cases', () => {
  it('shows a member’s case, a case raised on a visit and a case at its address; not another village’s', async () => {
    const { h, p } = await household(GRID, cadre, '雅璜村下宅12号')
    const byMember = await raise(cadre, { regionCode: YAHUANG, channel: 'hotline', title: '路灯不亮', reporter: { personId: p.id, phone: '13955550000' } })
    const atAddress = await raise(cadre, { regionCode: GRID, channel: 'walk_in', title: '门口污水', address: '雅璜村下宅12号门口', reporter: { name: '路人' } })
    const entry = await made('POST', '/api/diary', cadre, { clientId: randomUUID(), kind: 'village', householdId: h.id, text: '走访俞家', concerns: ['屋后排水沟堵了'] })
    const fromVisit = await raise(cadre, { regionCode: YAHUANG, title: '排水沟堵', diaryConcernId: entry.concerns[0].id })

    // Not this household's: the same address text in another village, and a neighbour's case in the same village.
    const { p: stranger } = await household(WANGYUAN + '001', other, '雅璜村下宅12号')
    const elsewhere = await raise(other, { regionCode: WANGYUAN, title: '同名地址', address: '雅璜村下宅12号', reporter: { personId: stranger.id } })
    const neighbour = await raise(cadre, { regionCode: YAHUANG, title: '隔壁的事', address: '雅璜村下宅14号', reporter: { name: '邻居' } })

    const tl = await timeline(cadre, h.id)
    expect(tl.status, tl.body).toBe(200)
    const ids = caseIds(tl.items)
    expect(ids).toEqual(expect.arrayContaining([byMember.id, atAddress.id, fromVisit.id]))
    expect(ids).not.toContain(elsewhere.id)
    expect(ids).not.toContain(neighbour.id)
    expect(ids.length).toBe(3)
    const item = (id: string) => tl.items.find((i) => i.ref?.id === id)!
    expect(item(byMember.id)).toMatchObject({ state: 'new' })
    expect(item(byMember.id).detail).toContain('本户成员俞阿大反映')
    expect(item(atAddress.id).detail).toContain('地点 雅璜村下宅12号门口')
    expect(item(fromVisit.id).detail).toContain('走访中提出')
    // Masked as usual: the caller's phone never shows on the timeline, not even its middle digits — looked for in
    // what the timeline says, not in its ids and times (a UUID may well hold 5555).
    expect(tl.body).not.toContain('13955550000')
    const said = JSON.stringify(tl.items.map(({ ref: _ref, at: _at, ...rest }: { ref: unknown; at?: unknown }) => rest))
    expect(said).toContain('俞阿大')
    expect(said).not.toContain('5555')
    // The diary entry itself is there too (the diary's source), beside its case.
    expect(tl.items.some((i) => i.kind === 'diary' && i.ref?.id === entry.id)).toBe(true)
  })

  it('leaves out the cases the viewer may not see; a cadre outside the area gets 404', async () => {
    const { h, p } = await household(GRID, cadre)
    // A member's case filed in another town by a county leader: outside the village cadre's area.
    const away = await raise(county, { regionCode: WANGYUAN, title: '在外反映', reporter: { personId: p.id } })
    const home = await raise(cadre, { regionCode: YAHUANG, title: '村里反映', reporter: { personId: p.id } })
    expect(caseIds((await timeline(cadre, h.id)).items)).toEqual([home.id])
    expect(caseIds((await timeline(county, h.id)).items).sort()).toEqual([away.id, home.id].sort())
    // The other village's cadre sees neither the household nor anything of its timeline.
    const outside = await timeline(other, h.id)
    expect(outside.status).toBe(404)
    expect(outside.body).not.toContain(home.id)
  })
})

describe('address rule', () => {
  it('matches the whole address, not part of a longer house number, and not too short an address', () => {
    expect(mentionsAddress('雅璜村下宅12号门口', '雅璜村下宅12号')).toBe(true)
    expect(mentionsAddress('112号旁', '12号旁')).toBe(false)
    expect(mentionsAddress('下宅路12', '下宅路1')).toBe(false)
    expect(mentionsAddress('下宅路1、下宅路12', '下宅路1')).toBe(true)
    expect(mentionsAddress('1号', '1号')).toBe(false)
    expect(mentionsAddress(null, '雅璜村下宅12号')).toBe(false)
  })
  it('takes the village of a grid’s household', () => {
    expect(villagePathOf('/330600/330683/330683105/330683105212/330683105212001/')).toBe('/330600/330683/330683105/330683105212/')
    expect(villagePathOf('/330600/330683/330683105/330683105212/')).toBe('/330600/330683/330683105/330683105212/')
  })
})
