import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeCase, makeDiaryEntry, makeUser, type MadeUser } from '../../../test/factories.ts'
import type { DocChange } from './indexer.ts'
import { BrainIndexer } from './indexer.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser
const seen: DocChange[] = []

beforeAll(async () => {
  t = await createTestApp()
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: '330683105212' })
  t.app.services.brainIndexer.use('test', async (_trx, changes) => {
    seen.push(...changes)
  })
})
afterAll(() => t?.close())

const docOf = async (refId: string) => {
  const r = await sql<{ kind: string; tokens: string[]; source: string; region_path: string; category_id: number | null; ref_version: string }>`
    select kind, tokens, source, region_path, category_id, ref_version from brain_docs where ref_id = ${refId}`.execute(t.db)
  return r.rows
}

describe('brain indexer', () => {
  it('segments a new case and a new diary entry once, with place, source and time', async () => {
    const c = await makeCase(t.db, { title: '村道太窄', description: '村里道路太窄，会车困难，希望拓宽', channel: 'hotline', category: 'traffic.road' })
    const e = await makeDiaryEntry(t.db, { author: cadre.id, text: '走访时村民反映香榧销售难', concerns: ['加装电梯意见不统一'] })
    seen.length = 0
    const r = await t.app.services.brainIndexer.fold()
    expect(r.docs).toBeGreaterThanOrEqual(2)

    const [cd] = await docOf(c.id)
    expect(cd).toMatchObject({ kind: 'case', source: 'hotline' })
    expect(cd.tokens).toEqual(expect.arrayContaining(['村道', '太窄', '道路', '会车', '拓宽']))
    expect(cd.region_path).toContain('330683105212')
    expect(cd.category_id).not.toBeNull()
    const [dd] = await docOf(e.id)
    expect(dd).toMatchObject({ kind: 'diary', source: 'diary' })
    expect(dd.tokens).toEqual(expect.arrayContaining(['香榧', '加装电梯']))

    expect(seen.find((s) => s.doc.refId === c.id)).toMatchObject({ old: null })
    expect(seen.find((s) => s.doc.refId === e.id)).toMatchObject({ old: null })
  })

  it('a second fold with nothing new changes nothing and hands nothing on', async () => {
    await t.app.services.brainIndexer.fold()
    seen.length = 0
    const r = await t.app.services.brainIndexer.fold()
    expect(r.docs).toBe(0)
    expect(seen).toEqual([])
  })

  it('a case whose text changes is indexed again, and consumers get the old words beside the new', async () => {
    const c = await makeCase(t.db, { title: '路灯不亮', description: '路灯坏了' })
    await t.app.services.brainIndexer.fold()
    await sql`update cases set title = '垃圾桶满了', description = '垃圾清运不及时', version = version + 1 where id = ${c.id}`.execute(t.db)
    await sql`insert into case_events (case_id, action, actor_id, from_state, to_state, data) values (${c.id}, 'note', null, 'new', 'new', '{}')`.execute(t.db)
    seen.length = 0
    await t.app.services.brainIndexer.fold()
    const change = seen.find((s) => s.doc.refId === c.id)
    expect(change?.old?.tokens).toEqual(expect.arrayContaining(['路灯']))
    expect(change?.doc.tokens).toEqual(expect.arrayContaining(['垃圾桶', '垃圾清运']))
    expect(await docOf(c.id)).toHaveLength(1)
  })

  it('two indexers (two server processes) take turns and index every text exactly once', async () => {
    const other = new BrainIndexer(t.db, null)
    const made = await Promise.all(Array.from({ length: 30 }, (_, i) => makeCase(t.db, { title: `第${i}件 排水沟堵塞`, description: '下雨积水' })))
    const entries = await Promise.all(Array.from({ length: 10 }, () => makeDiaryEntry(t.db, { author: cadre.id, text: '老旧小区停车位不够' })))
    seen.length = 0
    await Promise.all([t.app.services.brainIndexer.fold(), other.fold()])
    const ids = [...made.map((m) => m.id), ...entries.map((e) => e.id)]
    const rows = await sql<{ n: number }>`select count(*)::int as n from brain_docs where ref_id = any(${ids}::uuid[])`.execute(t.db)
    expect(rows.rows[0].n).toBe(40)
    // Every text reached the consumer of this process or was indexed by the other — never twice here.
    const here = seen.filter((s) => ids.includes(s.doc.refId)).map((s) => s.doc.refId)
    expect(new Set(here).size).toBe(here.length)
    await other.close()
  })

  it('a case written while a long diary backfill runs is indexed within a batch, not after the backfill', async () => {
    await t.app.services.brainIndexer.fold()
    for (let i = 0; i < 8; i++) await makeDiaryEntry(t.db, { author: cadre.id, text: `走访第${i}户，了解香榧收成` })
    const ix = new BrainIndexer(t.db, null, undefined, { batch: 2, overlap: 0 })
    const order: string[] = []
    let written: string | null = null
    ix.use('order', async (trx, changes) => {
      for (const c of changes) order.push(c.doc.kind === 'case' ? `case:${c.doc.refId}` : 'diary')
      // During the backfill's first batch a resident reports (committed with that batch), and the case's event
      // calls for a fold as the bus would (the call joins the fold in flight).
      if (!written && changes.some((c) => c.doc.kind === 'diary')) {
        written = (await makeCase(trx, { title: '桥面开裂', description: '村口石桥桥面开裂' })).id
        void ix.fold()
      }
    })
    await ix.fold()
    const at = order.indexOf(`case:${written}`)
    expect(at).toBeGreaterThan(0)
    // Entries of the backfill were still to come when the case was indexed.
    expect(order.slice(at + 1).filter((k) => k === 'diary').length).toBeGreaterThanOrEqual(4)
    await ix.close()
  })

  it('a diary entry committed late (a lower number than the watermark) is not passed over', async () => {
    await t.app.services.brainIndexer.fold()
    const e = await makeDiaryEntry(t.db, { author: cadre.id, text: '山体滑坡隐患需要排查' })
    // As if its transaction had taken its number before the last fold read past it.
    await sql`update brain_watermarks set last_id = (select seq from diary_entries where id = ${e.id}) + 5 where name = 'diary'`.execute(t.db)
    await t.app.services.brainIndexer.fold()
    expect((await docOf(e.id))[0]?.tokens).toEqual(expect.arrayContaining(['山体滑坡', '隐患']))
  })
})
