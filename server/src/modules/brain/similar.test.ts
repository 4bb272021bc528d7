import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makeDiaryEntry, makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { features } from './features.ts'
import { tokenize } from './text.ts'

// Issue 14: similar cases and 一类事 across villages, towns and sources, on both databases.

let t: Awaited<ReturnType<typeof createTestApp>>
let leader: MadeUser // county leader: sees everything
let shihuang: MadeUser // town handler of 石璜镇
let yahuangCadre: MadeUser // stationed cadre of 雅璜村
let volunteer: MadeUser

const SHIHUANG = '330683105'
const CHANGLE = '330683101'
const GULAI = '330683106'
const YAHUANG = `${SHIHUANG}212`
const CL_VILLAGE = `${CHANGLE}201`
const GL_VILLAGE = `${GULAI}220`
const NAMES = { '330683': '嵊州市', [SHIHUANG]: '石璜镇', [CHANGLE]: '长乐镇', [GULAI]: '谷来镇', [YAHUANG]: '雅璜村', [CL_VILLAGE]: '长乐一村', [GL_VILLAGE]: '王院村' }

const ROADS = ['村里道路太窄，两车交会困难', '进村的路很窄，大车开不进来，会车要倒很远', '村道狭窄，农用车经常刮擦，希望拓宽']
// What each cadre recorded as the concern (反映问题) of that visit: diary entries that report a problem form 一类事.
const ROAD_CONCERNS = ['道路太窄会车难', '进村道路窄', '村道需要拓宽']
// A routine visit note, written alike in every village: searchable, but no 一类事 and no 共性问题.
const ROUTINE = '走访下宅12号，了解家庭医保缴纳情况，已提醒按时缴费。'
const UNRELATED = [
  '村里路灯坏了好几天，晚上很黑，老人出门不方便',
  '垃圾桶满了没人清运，气味很大',
  '小区加装电梯意见不统一，低层住户反对',
  '申请低保需要准备什么材料',
  '家里煤气泄漏了闻到很大味道',
  '农用车乱停占道，影响通行',
  '自来水水压太低，楼上经常没水',
  '村口小河里有人倒垃圾，河水发臭',
]
const diaries: Record<string, string> = {}
const cases: Record<string, string> = {}

const get = (user: MadeUser, url: string) => t.app.inject({ method: 'GET', url, headers: user.auth })

beforeAll(async () => {
  t = await createTestApp()
  for (const code of [YAHUANG, CL_VILLAGE, GL_VILLAGE]) await makeRegion(t.db, code, NAMES)
  leader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683' })
  shihuang = await makeUser(t.db, { roles: ['town_handler'], regionCode: SHIHUANG })
  yahuangCadre = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: YAHUANG, station: 'village' })
  volunteer = await makeUser(t.db, { roles: ['volunteer'], regionCode: YAHUANG })
  const author = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: '330683', station: 'village' })
  // Unrelated matters first, spread over the same three towns, so the road texts meet them in the index.
  let i = 0
  for (const text of UNRELATED) {
    const region = [YAHUANG, CL_VILLAGE, GL_VILLAGE][i++ % 3]
    diaries[text] = (await makeDiaryEntry(t.db, { author: author.id, regionCode: region, text })).id
  }
  await t.app.services.brainIndexer.fold()
  diaries.road0 = (await makeDiaryEntry(t.db, { author: author.id, regionCode: YAHUANG, text: ROADS[0], concerns: [ROAD_CONCERNS[0]] })).id
  diaries.road1 = (await makeDiaryEntry(t.db, { author: author.id, regionCode: CL_VILLAGE, text: ROADS[1], concerns: [ROAD_CONCERNS[1]] })).id
  diaries.road2 = (await makeDiaryEntry(t.db, { author: author.id, regionCode: GL_VILLAGE, text: ROADS[2], concerns: [ROAD_CONCERNS[2]] })).id
  i = 0
  for (const region of [YAHUANG, CL_VILLAGE, GL_VILLAGE]) diaries[`routine${i++}`] = (await makeDiaryEntry(t.db, { author: author.id, regionCode: region, text: ROUTINE })).id
  // Cases: a street-light report in 雅璜村, its near-duplicate there, and one in 王院村 (谷来镇).
  cases.light = (await makeCase(t.db, { regionCode: YAHUANG, title: '下宅路口路灯不亮', description: '雅璜村下宅路口的路灯坏了一个多星期，晚上一片漆黑，老人出门不方便。' })).id
  cases.lightDup = (await makeCase(t.db, { regionCode: YAHUANG, title: '下宅路口的路灯坏了', description: '下宅路口路灯坏了一个多星期，晚上漆黑一片，老人出门很不方便。' })).id
  cases.lightFar = (await makeCase(t.db, { regionCode: GL_VILLAGE, title: '村口路灯不亮', description: '王院村村口的路灯晚上不亮，黑灯瞎火，存在安全隐患。' })).id
  cases.garbage = (await makeCase(t.db, { regionCode: YAHUANG, title: '垃圾清运不及时', description: '村口垃圾桶满了三天没人清运，气味很大。' })).id
  await t.app.services.brainIndexer.fold()
})
afterAll(() => t?.close())

const clusterOf = async (kind: string, refId: string) => {
  const r = await sql<{ cluster_id: string }>`select cluster_id from brain_cluster_members where doc_kind = ${kind} and ref_id = ${refId}`.execute(t.db)
  return r.rows[0]?.cluster_id ?? null
}

describe('一类事: clusters across towns and sources', () => {
  it('three differently worded diary entries about narrow roads from 石璜镇, 长乐镇 and 谷来镇 form one cluster; unrelated texts do not join', async () => {
    const c0 = await clusterOf('diary', diaries.road0)
    expect(c0).not.toBeNull()
    expect(await clusterOf('diary', diaries.road1)).toBe(c0)
    expect(await clusterOf('diary', diaries.road2)).toBe(c0)
    // Routine visit notes (no concern, normal urgency) join no cluster, however alike across towns.
    for (const text of UNRELATED) expect(await clusterOf('diary', diaries[text]), text).toBeNull()
    for (let i = 0; i < 3; i++) expect(await clusterOf('diary', diaries[`routine${i}`])).toBeNull()
    for (const id of Object.values(cases)) expect(await clusterOf('case', id)).not.toBe(c0)

    const list = await get(leader, '/api/brain/clusters?days=30')
    expect(list.statusCode, list.body).toBe(200)
    const road = (list.json() as { id: string; size: number; towns: number; villages: number; sources: { source: string }[]; keywords: string[]; label: string }[]).find((c) => c.id === c0)
    expect(road).toMatchObject({ size: 3, towns: 3, villages: 3 })
    expect(road!.sources).toEqual([{ source: 'diary', count: 3 }])
    expect(road!.keywords.join(' ')).toMatch(/窄|道路/)
  })

  it('a cluster seen in 3 towns within 30 days raises one 共性问题 alert linking its diary entries (idempotent on re-index)', async () => {
    const c0 = (await clusterOf('diary', diaries.road0))!
    const alerts = await sql<{ id: string; state: string; region_id: number }>`select id, state, region_id from alerts where kind = 'common_issue' and key = ${c0}`.execute(t.db)
    expect(alerts.rows).toHaveLength(1)
    const county = await t.db.selectFrom('regions').select('id').where('code', '=', '330683').executeTakeFirstOrThrow()
    expect(alerts.rows[0].region_id).toBe(county.id)
    const links = await sql<{ ref_id: string }>`select ref_id from alert_links where alert_id = ${alerts.rows[0].id} and kind = 'diary'`.execute(t.db)
    expect(links.rows.map((r) => r.ref_id).sort()).toEqual([diaries.road0, diaries.road1, diaries.road2].sort())
    // No other cluster reached three places.
    const all = await sql<{ n: number }>`select count(*)::int as n from alerts where kind = 'common_issue'`.execute(t.db)
    expect(all.rows[0].n).toBe(1)
    // Indexing again changes nothing (the consumer skips texts whose words did not move).
    const before = await sql<{ n: number }>`select count(*)::int as n from brain_cluster_members`.execute(t.db)
    await t.app.services.brainIndexer.fold()
    const after = await sql<{ n: number }>`select count(*)::int as n from brain_cluster_members`.execute(t.db)
    expect(after.rows[0].n).toBe(before.rows[0].n)
    const terms = await sql<{ df: string }>`select df from brain_terms where feature = ''`.execute(t.db)
    expect(Number(terms.rows[0].df)).toBe(UNRELATED.length + 3 + 3 + Object.keys(cases).length)
  })

  it('a cluster’s page: regions, timeline and the members the caller may see; outside one’s area it is 404', async () => {
    const c0 = (await clusterOf('diary', diaries.road0))!
    const res = await get(leader, `/api/brain/clusters/${c0}`)
    expect(res.statusCode, res.body).toBe(200)
    const d = res.json()
    expect(d.members).toHaveLength(3)
    expect(d.hidden).toBe(0)
    expect(d.regions.map((r: { name: string }) => r.name).sort()).toEqual(['王院村', '长乐一村', '雅璜村'].sort())
    expect(d.perDay.reduce((s: number, p: { count: number }) => s + p.count, 0)).toBe(3)
    // 石璜镇's handler sees the cluster (it touches 石璜镇) but only its own town's entry.
    const town = await get(shihuang, `/api/brain/clusters/${c0}`)
    expect(town.statusCode).toBe(200)
    expect(town.json().members.map((m: { id: string }) => m.id)).toEqual([diaries.road0])
    expect(town.json().hidden).toBe(2)
    // A cluster not touching the caller's area: 404, like an unknown one; bad ids 400; no stats.read 403.
    const elsewhere = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: `${SHIHUANG}213` })
    expect((await get(elsewhere, `/api/brain/clusters/${c0}`)).statusCode).toBe(404)
    expect((await get(elsewhere, '/api/brain/clusters')).json().map((c: { id: string }) => c.id)).not.toContain(c0)
    expect((await get(leader, '/api/brain/clusters/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404)
    expect((await get(leader, '/api/brain/clusters/nope')).statusCode).toBe(400)
    expect((await get(leader, '/api/brain/clusters?days=0')).statusCode).toBe(400)
    expect((await get(volunteer, '/api/brain/clusters')).statusCode).toBe(403)
    expect((await get(shihuang, `/api/brain/clusters?regionCode=${GULAI}`)).statusCode).toBe(404)
  })
})

describe('GET /api/cases/:id/similar', () => {
  it('finds the near-duplicate at the same village first (merge suggested), then the same matter elsewhere; not unrelated texts', async () => {
    const res = await get(leader, `/api/cases/${cases.light}/similar`)
    expect(res.statusCode, res.body).toBe(200)
    const items = res.json() as { id: string; kind: string; score: number; mergeSuggested: boolean; state: string | null; regionName: string }[]
    expect(items[0]).toMatchObject({ id: cases.lightDup, kind: 'case', mergeSuggested: true, state: 'new', regionName: '雅璜村' })
    expect(items[0].score).toBeGreaterThan(0.55)
    const far = items.find((i) => i.id === cases.lightFar)
    expect(far).toMatchObject({ mergeSuggested: false })
    // The diary entry about a street light comes too (another source).
    expect(items.map((i) => i.id)).toContain(diaries[UNRELATED[0]])
    for (let i = 1; i < items.length; i++) expect(items[i].score).toBeLessThanOrEqual(items[i - 1].score)
    expect(items.map((i) => i.id)).not.toContain(cases.light)
    const garbage = items.find((i) => i.id === cases.garbage)
    if (garbage) expect(garbage.score).toBeLessThan(far!.score)
  })

  it('only what the caller may see: a village cadre gets nothing from another town; a case out of area is 404', async () => {
    const mine = await get(yahuangCadre, `/api/cases/${cases.light}/similar`)
    expect(mine.statusCode).toBe(200)
    const ids = mine.json().map((i: { id: string }) => i.id)
    expect(ids).toContain(cases.lightDup)
    expect(ids).not.toContain(cases.lightFar)
    expect(ids).not.toContain(diaries.road1)
    expect((await get(yahuangCadre, `/api/cases/${cases.lightFar}/similar`)).statusCode).toBe(404)
    expect((await get(leader, '/api/cases/00000000-0000-4000-8000-000000000000/similar')).statusCode).toBe(404)
    expect((await get(leader, '/api/cases/x/similar')).statusCode).toBe(400)
    expect((await get(leader, `/api/cases/${cases.light}/similar?limit=0`)).statusCode).toBe(400)
    // A volunteer reads only what they reported: not this case.
    expect((await get(volunteer, `/api/cases/${cases.light}/similar`)).statusCode).toBe(404)
  })
})

describe('一类事 later: batch after batch', () => {
  it('a text of a later batch joins the existing cluster through its centroid features; an urgent entry without a concern is a problem text', async () => {
    const c0 = (await clusterOf('diary', diaries.road0))!
    // The cluster's heaviest centroid features are indexed, among them what the road texts share.
    const indexed = await sql<{ feature: string }>`select feature from brain_cluster_features where cluster_id = ${c0}`.execute(t.db)
    expect(indexed.rows.map((r) => r.feature)).toEqual(expect.arrayContaining(['=窄']))
    const author = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: '330683', station: 'village' })
    const alert = async () => (await sql<{ last_seen: Date; title: string }>`select last_seen, title from alerts where kind = 'common_issue' and key = ${c0}`.execute(t.db)).rows[0]
    const raised = await alert()
    const later = await makeDiaryEntry(t.db, { author: author.id, regionCode: CL_VILLAGE, text: '村道太窄了，两辆车交会不过去', concerns: ['村道太窄'] })
    const urgent = await makeDiaryEntry(t.db, { author: author.id, regionCode: GL_VILLAGE, text: '走访时看到山塘堤坝有裂缝' })
    await sql`update diary_entries set urgency = 'urgent' where id = ${urgent.id}`.execute(t.db)
    await t.app.services.brainIndexer.fold()
    expect(await clusterOf('diary', later.id)).toBe(c0)
    const size = await sql<{ size: number }>`select size from brain_clusters where id = ${c0}`.execute(t.db)
    expect(size.rows[0].size).toBe(4)
    // One more text from a village already counted is not news: the alert stays where it was.
    expect(await alert()).toEqual(raised)
    // A fourth place is: the alert is raised again, with the new count.
    const fourth = `${SHIHUANG}214`
    await makeRegion(t.db, fourth, NAMES)
    await makeDiaryEntry(t.db, { author: author.id, regionCode: fourth, text: '村里道路窄，会车困难', concerns: ['道路太窄'] })
    await t.app.services.brainIndexer.fold()
    const again = await alert()
    expect(again.title).toMatch(/4 地/)
    expect(new Date(again.last_seen).getTime()).toBeGreaterThan(new Date(raised.last_seen).getTime())
    expect((await sql<{ size: number }>`select size from brain_clusters where id = ${c0}`.execute(t.db)).rows[0].size).toBe(5)
    const problem = await sql<{ ref_id: string; problem: boolean }>`
      select ref_id, problem from brain_docs where kind = 'diary' and ref_id = any(${[urgent.id, later.id, diaries.routine0]}::uuid[])`.execute(t.db)
    expect(Object.fromEntries(problem.rows.map((r) => [r.ref_id, r.problem]))).toEqual({ [urgent.id]: true, [later.id]: true, [diaries.routine0]: false })
  })
})

describe('a diary concern made a case', () => {
  it('counts once: the case joins the 一类事 and the entry leaves it (unless it holds a concern no case carries)', async () => {
    const c0 = (await clusterOf('diary', diaries.road0))!
    const size = async () => (await sql<{ size: number }>`select size from brain_clusters where id = ${c0}`.execute(t.db)).rows[0].size
    const cadre = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: '330683', station: 'village' })
    const entry = await makeDiaryEntry(t.db, { author: cadre.id, regionCode: YAHUANG, text: '走访时村民说进村道路太窄', concerns: ['进村道路太窄会车难'] })
    const mixed = await makeDiaryEntry(t.db, { author: cadre.id, regionCode: GL_VILLAGE, text: '走访时村民说村道狭窄', concerns: ['村道狭窄需要拓宽', '村道狭窄会车难'] })
    await t.app.services.brainIndexer.fold()
    expect(await clusterOf('diary', entry.id)).toBe(c0)
    expect(await clusterOf('diary', mixed.id)).toBe(c0)
    const before = await size()

    const concernsOf = async (id: string) => (await sql<{ id: string }>`select id from diary_concerns where entry_id = ${id} order by position`.execute(t.db)).rows.map((r) => r.id)
    const raise = async (concernId: string, regionCode: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/cases',
        headers: cadre.auth,
        payload: { regionCode, title: '进村道路太窄', description: '进村道路太窄，两车会车困难，希望拓宽', diaryConcernId: concernId },
      })
      expect(res.statusCode, res.body).toBe(201)
      return res.json().id as string
    }
    const made = await raise((await concernsOf(entry.id))[0], YAHUANG)
    const half = await raise((await concernsOf(mixed.id))[0], GL_VILLAGE)
    await t.app.services.brainIndexer.fold()
    expect(await clusterOf('case', made)).toBe(c0)
    expect(await clusterOf('case', half)).toBe(c0)
    // The entry whose only concern is now a case is a searchable note, no longer a member; the one with a concern
    // still open stays. Net: one member more (the second case), not two.
    expect(await clusterOf('diary', entry.id)).toBeNull()
    expect(await clusterOf('diary', mixed.id)).toBe(c0)
    expect(await size()).toBe(before + 1)
    const docs = await sql<{ ref_id: string; problem: boolean }>`select ref_id, problem from brain_docs where kind = 'diary' and ref_id = any(${[entry.id, mixed.id]}::uuid[])`.execute(t.db)
    expect(Object.fromEntries(docs.rows.map((r) => [r.ref_id, r.problem]))).toEqual({ [entry.id]: false, [mixed.id]: true })
  })
})

describe('a text that changes', () => {
  it('moves its postings (none left under its old words) and is placed again', async () => {
    const id = cases.garbage
    const postings = async () => (await sql<{ feature: string }>`select feature from brain_postings where doc_kind = 'case' and ref_id = ${id}`.execute(t.db)).rows.map((r) => r.feature)
    expect(await postings()).toContain('垃圾桶')
    await sql`update cases set title = '进村道路太窄', description = '村道狭窄，两车交会困难，希望拓宽', version = version + 1 where id = ${id}`.execute(t.db)
    await sql`insert into case_events (case_id, action, actor_id, from_state, to_state, data) values (${id}, 'note', null, 'new', 'new', '{}')`.execute(t.db)
    await t.app.services.brainIndexer.fold()
    const now = await postings()
    const [doc] = (await sql<{ tokens: string[] }>`select tokens from brain_docs where kind = 'case' and ref_id = ${id}`.execute(t.db)).rows
    const feats = features(doc.tokens)
    expect(now.length).toBeGreaterThan(0)
    expect(now.length).toBeLessThanOrEqual(24)
    for (const f of now) expect(feats.has(f), f).toBe(true)
    expect(now).not.toContain('垃圾桶')
    // Now about narrow roads, it joins the road cluster.
    expect(await clusterOf('case', id)).toBe(await clusterOf('diary', diaries.road0))
    // Sizes and first/last seen, kept incrementally, agree with the members.
    const off = await sql<{ id: string }>`
      select c.id from brain_clusters c
      join (select cluster_id, count(*)::int as n, min(at) as f, max(at) as l from brain_cluster_members group by cluster_id) m on m.cluster_id = c.id
      where c.size <> m.n or c.first_at <> m.f or c.last_at <> m.l`.execute(t.db)
    expect(off.rows).toEqual([])
  })
})

describe('features', () => {
  it('different wordings of one matter share concepts and characters; an empty text has none', () => {
    const a = features(tokenize(ROADS[0]))
    const b = features(tokenize(ROADS[2]))
    const shared = [...a.keys()].filter((k) => b.has(k))
    expect(shared).toEqual(expect.arrayContaining(['=窄', '=道路', '#窄']))
    expect(features(tokenize('')).size).toBe(0)
  })
})
