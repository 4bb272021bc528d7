import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makeDiaryEntry, makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { addDays, windowParts } from './hotwords.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let leader: MadeUser
let cadre: MadeUser
const TOWN = '330683105'
const V1 = '330683105281'
const V2 = '330683105282'
/** A village of the hot-word filter's texts, named like a word (its name's stem is a place, not a matter). */
const V3 = '330683106289'
const DAY = 86_400_000
type Word = { word: string; count: number; rise: number; previous: number; isNew: boolean; trend: number }

const get = async (u: MadeUser | null, url: string) => {
  const r = await t.app.inject({ method: 'GET', url, headers: u?.auth ?? {} })
  return { status: r.statusCode, body: r.json() }
}
const words = async (u: MadeUser, qs: string) => {
  const r = await get(u, `/api/brain/hotwords?${qs}`)
  expect(r.status).toBe(200)
  return new Map((r.body as Word[]).map((w) => [w.word, w]))
}

beforeAll(async () => {
  t = await createTestApp()
  leader = await makeUser(t.db, { roles: ['leader'], regionCode: '330683' })
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: V2 })
  // A known corpus (hot words per text, distinct: text.ts hotwords()):
  //   V1 today   hotline  村道太窄…            村道 太窄 坑坑洼洼
  //   V1 today   qr       村道需要拓宽…        村道 拓宽
  //   V1 today   diary    …村道晚上没有路灯    村道 路灯                (走访: a visit-note word; 晚上: a time word)
  //   V1 -10 d   hotline  路灯不亮…            路灯 路灯不亮            (不亮: only in the problem phrase)
  //   V2 today   hotline  路灯不亮…            路灯 路灯不亮
  await makeCase(t.db, { regionCode: V1, channel: 'hotline', title: '村道太窄', description: '村里的村道坑坑洼洼,村道需要修' })
  await makeCase(t.db, { regionCode: V1, channel: 'qr', title: '村道需要拓宽', description: '村道拓宽' })
  await makeDiaryEntry(t.db, { author: cadre.id, regionCode: V1, text: '走访时村民说村道晚上没有路灯' })
  await makeCase(t.db, { regionCode: V1, channel: 'hotline', title: '路灯不亮', description: '路灯坏了好几天', now: new Date(Date.now() - 10 * DAY) })
  await makeCase(t.db, { regionCode: V2, channel: 'hotline', title: '路灯不亮', description: '路灯坏了好几天' })
  // V3 (another town): the filter's texts.
  await makeRegion(t.db, V3, { [V3]: '青山村' })
  await makeDiaryEntry(t.db, {
    author: cadre.id,
    regionCode: V3,
    text: '走访青山村下宅3号,了解到今年香榧收成不好;户主说屋顶漏水,门口路灯不亮,已提醒按时缴费,已记录',
  })
  await makeCase(t.db, { regionCode: V3, channel: 'hotline', title: '青山村上宅屋顶漏水', description: '青山下宅12号屋顶漏水,老人住着不安全' })
  await t.app.services.brainIndexer.fold()
}, 300_000)
afterAll(() => t?.close())

describe('hot words', () => {
  it('counts each word once per text, per region and each ancestor, per window', async () => {
    const v1 = await words(leader, `regionCode=${V1}&days=7`)
    expect(v1.get('村道')).toMatchObject({ count: 3, previous: 0, rise: 3, isNew: true })
    expect(v1.get('拓宽')?.count).toBe(1)
    // 路灯: today's diary entry; the case 10 days ago is in the previous 7-day window.
    expect(v1.get('路灯')).toMatchObject({ count: 1, previous: 1, rise: 0, isNew: false })
    expect(v1.has('路灯不亮')).toBe(false)
    const v1month = await words(leader, `regionCode=${V1}&days=30`)
    expect(v1month.get('路灯')?.count).toBe(2)
    expect(v1month.get('路灯不亮')?.count).toBe(1)
    // The town sums both villages; V2 only its own.
    const town = await words(leader, `regionCode=${TOWN}&days=7`)
    expect(town.get('路灯')?.count).toBe(2)
    expect(town.get('村道')?.count).toBe(3)
    const v2 = await words(leader, `regionCode=${V2}&days=7`)
    expect(v2.get('路灯')?.count).toBe(1)
    expect(v2.has('村道')).toBe(false)
    // Best first.
    const list = (await get(leader, `/api/brain/hotwords?regionCode=${V1}&days=7`)).body as { count: number }[]
    expect(list.map((w) => w.count)).toEqual([...list.map((w) => w.count)].sort((a, b) => b - a))
  })

  it('narrows to a source', async () => {
    const hotline = await words(leader, `regionCode=${V1}&days=7&source=hotline`)
    expect(hotline.get('村道')?.count).toBe(1)
    expect(hotline.has('拓宽')).toBe(false)
    const diary = await words(leader, `regionCode=${V1}&days=7&source=diary`)
    expect([...diary.keys()].sort()).toEqual(['村道', '路灯'].sort())
  })

  it('is idempotent: folding again changes nothing; an edited text moves its words', async () => {
    const before = await sql<{ s: string }>`select coalesce(sum(n), 0) as s from brain_hotwords`.execute(t.db)
    await sql`update brain_watermarks set last_id = 0`.execute(t.db)
    await t.app.services.brainIndexer.fold()
    await t.app.services.brainIndexer.fold()
    const after = await sql<{ s: string }>`select coalesce(sum(n), 0) as s from brain_hotwords`.execute(t.db)
    expect(after.rows[0].s).toBe(before.rows[0].s)

    const c = await makeCase(t.db, { regionCode: V2, channel: 'hotline', title: '垃圾桶满了', description: '垃圾清运不及时' })
    await t.app.services.brainIndexer.fold()
    expect((await words(leader, `regionCode=${V2}&days=7`)).get('垃圾桶')?.count).toBe(1)
    await sql`update cases set title = '村道太窄', description = '村道太窄', version = version + 1 where id = ${c.id}`.execute(t.db)
    await sql`insert into case_events (case_id, action, actor_id, from_state, to_state, data) values (${c.id}, 'note', null, 'new', 'new', '{}')`.execute(t.db)
    await t.app.services.brainIndexer.fold()
    const v2 = await words(leader, `regionCode=${V2}&days=7`)
    expect(v2.has('垃圾桶')).toBe(false)
    expect(v2.get('村道')?.count).toBe(1)
    // No zero rows left behind; the rollup equals a count over the texts themselves.
    const zeros = await sql<{ n: number }>`select count(*)::int as n from brain_hotwords where n <= 0`.execute(t.db)
    expect(zeros.rows[0].n).toBe(0)
    // The weekly grain is the daily one summed by ISO week for towns and up, row for row (no zero rows either).
    const diff = await sql<{ n: number }>`
      select count(*)::int as n from (
        select date_trunc('week', h.day)::date as week, h.region_id, h.source, h.word, sum(h.n)::int as n
        from brain_hotwords h join regions r on r.id = h.region_id where r.level in ('city', 'county', 'town') group by 1, 2, 3, 4
      ) d full join brain_hotwords_weekly w on w.week = d.week and w.region_id = d.region_id and w.source = d.source and w.word = d.word
      where d.n is distinct from w.n`.execute(t.db)
    expect(diff.rows[0].n).toBe(0)
    expect((await sql<{ n: number }>`select count(*)::int as n from brain_hotwords_weekly`.execute(t.db)).rows[0].n).toBeGreaterThan(0)
    const truth = await sql<{ n: number }>`
      select count(*)::int as n from brain_docs where region_path like ${'%/' + TOWN + '/%'} and ${'村道'} = any(tokens)`.execute(t.db)
    expect((await words(leader, `regionCode=${TOWN}&days=30`)).get('村道')?.count).toBe(truth.rows[0].n)
  })

  it('keeps the matters and leaves out places, visit-note words, time words and single characters', async () => {
    const v3 = await words(leader, `regionCode=${V3}&days=7&limit=200`)
    expect(v3.get('漏水')?.count).toBe(2)
    expect(v3.get('屋顶')?.count).toBe(2)
    expect(v3.get('屋顶漏水')?.count).toBe(2)
    for (const w of ['香榧', '路灯', '路灯不亮', '缴费']) expect(v3.get(w)?.count, w).toBe(1)
    // The village's name and its stem, hamlets (上宅, 下宅: places of the user dictionary), the visit (走访, 了解,
    // 提醒, 记录, 户主, 按时), time (今年), place words (门口), a problem word alone (不亮), people (老人), numbers.
    for (const w of ['青山村', '青山', '下宅', '上宅', '走访', '了解', '提醒', '记录', '户主', '按时', '今年', '门口', '不亮', '老人', '3号', '号']) expect(v3.has(w), w).toBe(false)
    // The phrase opens the texts with both of its words.
    const r = await get(leader, `/api/brain/hotwords/${encodeURIComponent('路灯不亮')}/docs?regionCode=${V3}&days=7`)
    expect(r.body.items.map((i: { kind: string }) => i.kind)).toEqual(['diary'])
  })

  it('ranks rising words by their trend against the previous window, not by count', async () => {
    const r = await get(leader, `/api/brain/hotwords?regionCode=${V1}&days=7&order=rising`)
    expect(r.status).toBe(200)
    const list = r.body as Word[]
    // 村道: 0 → 3 while the texts went 1 → 3; 路灯: 1 → 1 is a fall once the volume is counted (expected 3).
    expect(list[0]).toMatchObject({ word: '村道', count: 3, previous: 0, rise: 3, isNew: true })
    expect(list[0].trend).toBeCloseTo(3 / Math.sqrt(4), 2)
    expect(list.some((w) => w.word === '路灯')).toBe(false)
    expect(list.every((w) => w.trend > 0)).toBe(true)
    expect(list.map((w) => w.trend)).toEqual([...list.map((w) => w.trend)].sort((a, b) => b - a))
    // The count-ordered list carries the same trend.
    expect((await words(leader, `regionCode=${V1}&days=7`)).get('路灯')?.trend).toBeLessThan(0)
    expect((await get(leader, `/api/brain/hotwords?order=up`)).status).toBe(400)
  })

  it('re-folds the rollup when its filter changed: an upgrade, a renamed region', async () => {
    const snapshot = async () => (await sql<{ r: string }>`select day::text || region_id || source || word || ':' || n as r from brain_hotwords order by 1`.execute(t.db)).rows.map((x) => x.r)
    const hw = t.app.services.hotwords
    expect(await hw.refreshFilter()).toBe(false)
    const before = await snapshot()
    // A rollup folded by an older filter: its fingerprint differs and it counted a visit-note word.
    const v3 = await sql<{ id: number }>`select id from regions where code = ${V3}`.execute(t.db)
    await sql`update brain_hotword_filter set fingerprint = ''`.execute(t.db)
    await sql`insert into brain_hotwords (day, region_id, source, word, n) values (current_date, ${v3.rows[0].id}, '*', '走访', 5)`.execute(t.db)
    expect(await hw.refreshFilter()).toBe(true)
    expect(await snapshot()).toEqual(before)
    expect(await hw.refreshFilter()).toBe(false)
    // A region renamed after a word: the word becomes a place there and everywhere, and back.
    await sql`update regions set name = '香榧村' where code = ${V3}`.execute(t.db)
    expect(await hw.refreshFilter()).toBe(true)
    expect((await words(leader, `regionCode=${V3}&days=7`)).has('香榧')).toBe(false)
    await sql`update regions set name = '青山村' where code = ${V3}`.execute(t.db)
    expect(await hw.refreshFilter()).toBe(true)
    expect((await words(leader, `regionCode=${V3}&days=7`)).get('香榧')?.count).toBe(1)
    expect(await snapshot()).toEqual(before)
  })

  it('opens the cases and diary entries containing a word, in the caller’s area', async () => {
    const r = await get(leader, `/api/brain/hotwords/${encodeURIComponent('拓宽')}/docs?regionCode=${V1}&days=7`)
    expect(r.status).toBe(200)
    expect(r.body.items).toHaveLength(1)
    expect(r.body.items[0]).toMatchObject({ kind: 'case', title: '村道需要拓宽' })
    expect(r.body.items[0].link).toMatch(/^\/console\/cases\//)
    const lamp = await get(leader, `/api/brain/hotwords/${encodeURIComponent('路灯')}/docs?regionCode=${V1}&days=7`)
    expect(lamp.body.items.map((i: { kind: string }) => i.kind)).toEqual(['diary'])
    // The cadre of V2 sees V2's text only, and V1 not at all.
    const own = await get(cadre, `/api/brain/hotwords/${encodeURIComponent('路灯')}/docs?days=7`)
    expect(own.status).toBe(200)
    expect(own.body.items.every((i: { regionName: string }) => i.regionName === own.body.items[0].regionName)).toBe(true)
    expect((await get(cadre, `/api/brain/hotwords/${encodeURIComponent('路灯')}/docs?regionCode=${V1}`)).status).toBe(404)
  })

  it('refuses callers without stats.read (403), regions outside the area (404) and bad input (400)', async () => {
    const volunteer = await makeUser(t.db, { roles: ['volunteer'], regionCode: V1 })
    expect((await get(volunteer, '/api/brain/hotwords')).status).toBe(403)
    expect((await get(null, '/api/brain/hotwords')).status).toBe(401)
    const r = await get(cadre, `/api/brain/hotwords?regionCode=${V1}`)
    expect(r.status).toBe(404)
    expect(r.body.error.code).toBe('NOT_FOUND')
    expect((await get(leader, '/api/brain/hotwords?regionCode=999999999')).status).toBe(404)
    for (const qs of ['days=0', 'days=abc', 'regionCode=x', 'source=DROP%20TABLE', 'limit=1000', 'other=1']) {
      const bad = await get(leader, `/api/brain/hotwords?${qs}`)
      expect(bad.status, qs).toBe(400)
      expect(bad.body.error.code).toBeTruthy()
    }
    const ownOnly = await words(cadre, 'days=7')
    expect(ownOnly.has('拓宽')).toBe(false)
    expect(ownOnly.get('路灯')?.count).toBe(1)
  })
})

describe('a window of days as the rollup reads it', () => {
  it('is its whole ISO weeks (by week) and the days around them (by day), each day once', () => {
    const expand = (from: string, to: string) => {
      const p = windowParts(from, to)
      const out: string[] = []
      for (const [a, b] of p.days) for (let d = a; d <= b; d = addDays(d, 1)) out.push(d)
      if (p.weeks) for (let w = p.weeks[0]; w <= p.weeks[1]; w = addDays(w, 7)) for (let i = 0; i < 7; i++) out.push(addDays(w, i))
      return out.sort()
    }
    // 2026-12-07 is a Monday.
    expect(windowParts('2026-11-08', '2026-12-07')).toEqual({
      days: [
        ['2026-11-08', '2026-11-08'],
        ['2026-12-07', '2026-12-07'],
      ],
      weeks: ['2026-11-09', '2026-11-30'],
    })
    expect(windowParts('2026-12-07', '2026-12-13')).toEqual({ days: [], weeks: ['2026-12-07', '2026-12-07'] })
    expect(windowParts('2026-12-08', '2026-12-14')).toEqual({ days: [['2026-12-08', '2026-12-14']], weeks: null })
    for (let start = 0; start < 7; start++)
      for (let len = 1; len <= 40; len++) {
        const from = addDays('2026-12-07', start)
        const to = addDays(from, len - 1)
        const days: string[] = []
        for (let d = from; d <= to; d = addDays(d, 1)) days.push(d)
        expect(expand(from, to), `${from}..${to}`).toEqual(days)
      }
  })
})
