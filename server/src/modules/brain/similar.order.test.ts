import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeDiaryEntry, makeRegion, makeUser } from '../../../test/factories.ts'

// Issue 14: whether a text joins its 一类事 must not depend on the order a batch reads its texts in. Diary
// entries are read in the order they were written; here the one least like the others comes first, when no
// cluster exists yet, and the two that start the cluster come after it in the same batch.

let t: Awaited<ReturnType<typeof createTestApp>>
const NAMES = { '330683': '嵊州市', '330683105': '石璜镇', '330683101': '长乐镇', '330683106': '谷来镇', '330683105212': '雅璜村', '330683101201': '长乐一村', '330683106220': '王院村' }

beforeAll(async () => {
  t = await createTestApp()
  for (const code of ['330683105212', '330683101201', '330683106220']) await makeRegion(t.db, code, NAMES)
})
afterAll(() => t?.close())

const clusterOf = async (refId: string) => {
  const r = await sql<{ cluster_id: string }>`select cluster_id from brain_cluster_members where doc_kind = 'diary' and ref_id = ${refId}`.execute(t.db)
  return r.rows[0]?.cluster_id ?? null
}

describe('一类事 within one batch', () => {
  it('a text read before the two that start its cluster still joins it', async () => {
    const author = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: '330683', station: 'village' })
    // Other matters, so the words' rarity means something.
    for (const text of ['村里路灯坏了好几天，晚上很黑', '垃圾桶满了没人清运，气味很大', '小区加装电梯意见不统一', '自来水水压太低，楼上经常没水', '村口小河里有人倒垃圾'])
      await makeDiaryEntry(t.db, { author: author.id, regionCode: '330683105212', text })
    await t.app.services.brainIndexer.fold()
    // Alike to each of the others below the pairing threshold, close enough to the two together.
    const late = await makeDiaryEntry(t.db, { author: author.id, regionCode: '330683106220', text: '村道狭窄，农用车经常刮擦，希望拓宽', concerns: ['村道需要拓宽'] })
    const a = await makeDiaryEntry(t.db, { author: author.id, regionCode: '330683105212', text: '村里道路太窄，两车交会困难', concerns: ['道路太窄会车难'] })
    const b = await makeDiaryEntry(t.db, { author: author.id, regionCode: '330683101201', text: '进村的路很窄，大车开不进来，会车要倒很远', concerns: ['进村道路窄'] })
    await t.app.services.brainIndexer.fold()
    const c = await clusterOf(a.id)
    expect(c).not.toBeNull()
    expect(await clusterOf(b.id)).toBe(c)
    expect(await clusterOf(late.id)).toBe(c)
    const size = await sql<{ size: number }>`select size from brain_clusters where id = ${c}`.execute(t.db)
    expect(size.rows[0].size).toBe(3)
  })
})
