import { idNumberFacts, idNumberProblem, phoneProblem } from '@minqing/common'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../test/app.ts'
import { FieldCrypto } from '../platform/crypto.ts'
import { ARCHIVE_DEMO_VILLAGES, DEMO_HOUSEHOLDS_PER_VILLAGE, generateHouseholdRows, seedArchiveDemo } from './archive-demo.ts'
import { seedDemo } from './demo.ts'

let t: Awaited<ReturnType<typeof createTestApp>>
let first: Awaited<ReturnType<typeof seedArchiveDemo>>
let firstMs = 0

beforeAll(async () => {
  t = await createTestApp()
  await seedDemo(t.db) // regions, units, logins (no secret: no archive yet)
  const t0 = performance.now()
  first = await seedArchiveDemo(t.db, t.ctx.config.secret)
  firstMs = performance.now() - t0
})
afterAll(() => t.close())

const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(t.db)).rows[0]

describe('the demo archive', () => {
  it('has 400 households in each of 雅璜村 and 王院村, spread over both grids', async () => {
    console.log(`seedArchiveDemo: ${first.rows} rows in ${Math.round(firstMs)} ms (${t.ctx.database.kind})`)
    expect(firstMs).toBeLessThan(15_000) // goal < 5 s on PGlite; the bound leaves room for a busy machine
    for (const v of ARCHIVE_DEMO_VILLAGES) {
      const perGrid = await sql<{ code: string; n: number }>`
        select r.code, count(*)::int as n from households h join regions r on r.id = h.region_id
        where r.path like ${'%/' + v.code + '/%'} group by r.code order by r.code`.execute(t.db)
      expect(perGrid.rows.map((r) => r.code)).toEqual(v.grids)
      expect(perGrid.rows.reduce((n, r) => n + r.n, 0)).toBe(DEMO_HOUSEHOLDS_PER_VILLAGE)
      for (const g of perGrid.rows) expect(g.n).toBeGreaterThan(100)
    }
    expect(first.households).toEqual({ created: 800, updated: 0, unchanged: 0 })
    expect(first.persons.created).toBe(first.rows)
  })

  it('is made of plausible families: 1–6 members, one head each, members in the household’s region', async () => {
    const sizes = await sql<{ size: number; n: number }>`
      select m as size, count(*)::int as n from (select count(*)::int as m from persons group by household_id) s group by m order by m`.execute(t.db)
    expect(sizes.rows.map((r) => r.size)).toEqual([1, 2, 3, 4, 5, 6])
    const heads = await one(sql<{ without: number; wrong: number }>`
      select count(*) filter (where h.head_person_id is null)::int as without,
             count(*) filter (where hp.relation <> '户主' or hp.household_id <> h.id)::int as wrong
      from households h left join persons hp on hp.id = h.head_person_id`)
    expect(heads).toEqual({ without: 0, wrong: 0 })
    const misplaced = await one(sql<{ n: number }>`select count(*)::int as n from persons p join households h on h.id = p.household_id where p.region_id <> h.region_id`)
    expect(misplaced.n).toBe(0)
    const sample = await t.db.selectFrom('households').select('address').limit(5).execute()
    for (const h of sample) expect(h.address).toMatch(/^(雅璜村|王院村)\S{2}\d+号$/)
  })

  it('has tags in realistic proportions; the elderly living alone live alone, mostly with children elsewhere', async () => {
    const persons = (await one(sql<{ n: number }>`select count(*)::int as n from persons`)).n
    const tagged = await sql<{ code: string; n: number }>`
      select t.code, count(*)::int as n from tags t
      left join (select tag_id from person_tags union all select tag_id from household_tags) x on x.tag_id = t.id
      group by t.code`.execute(t.db)
    const n = Object.fromEntries(tagged.rows.map((r) => [r.code, r.n]))
    const party = (await one(sql<{ n: number }>`select count(*)::int as n from persons where political_status = '中共党员'`)).n
    expect(party / persons).toBeGreaterThan(0.05)
    expect(party / persons).toBeLessThan(0.11)
    expect(n.party_member).toBe(party)
    for (const code of ['alone_elderly', 'left_behind_child', 'student_away', 'talent', 'assistance', 'dibao', 'disabled', 'veteran', 'yilao_yixiao']) {
      expect(n[code], code).toBeGreaterThan(5)
      expect(n[code], code).toBeLessThan(persons * 0.06)
    }
    const alone = await one(sql<{ total: number; single: number; old: number; away: number }>`
      select count(*)::int as total,
             count(*) filter (where (select count(*) from persons m where m.household_id = p.household_id) = 1)::int as single,
             count(*) filter (where p.birth_date <= date '1955-12-31')::int as old,
             count(*) filter (where p.children_in_city = false)::int as away
      from persons p join person_tags pt on pt.person_id = p.id join tags t on t.id = pt.tag_id and t.code = 'alone_elderly'`)
    expect(alone.total).toBeGreaterThan(40)
    expect(alone.single).toBe(alone.total)
    expect(alone.old).toBe(alone.total)
    expect(alone.away / alone.total).toBeGreaterThan(0.6)
  })

  it('stores valid, encrypted ID numbers and phones whose facts match the person', async () => {
    const crypto = new FieldCrypto(t.ctx.config.secret)
    const rows = await t.db.selectFrom('persons').select(['id_enc', 'id_masked', 'phone_enc', 'birth_date', 'gender']).orderBy('id').limit(200).execute()
    for (const p of rows) {
      const id = crypto.decrypt(p.id_enc!)
      expect(idNumberProblem(id)).toBeNull()
      expect(id.startsWith('330683')).toBe(true)
      expect(p.id_masked).toBe(id.slice(0, 1) + '*'.repeat(16) + id.slice(-1))
      expect(idNumberFacts(id)).toEqual({ birthDate: p.birth_date, gender: p.gender })
      if (p.phone_enc) expect(phoneProblem(crypto.decrypt(p.phone_enc))).toBeNull()
    }
    const clear = await one(sql<{ n: number }>`select count(*)::int as n from persons where id_enc like '330683%'`)
    expect(clear.n).toBe(0)
  })

  it('is deterministic and idempotent: a second run (also through seedDemo) changes nothing', async () => {
    const a = generateHouseholdRows(ARCHIVE_DEMO_VILLAGES, 20)
    const b = generateHouseholdRows(ARCHIVE_DEMO_VILLAGES, 20)
    expect(a).toEqual(b)
    const before = await one(sql<{ p: number; h: number; hist: number; pt: number }>`
      select (select count(*)::int from persons) as p, (select count(*)::int from households) as h,
             (select count(*)::int from archive_history) as hist, (select count(*)::int from person_tags) as pt`)
    const again = await seedArchiveDemo(t.db, t.ctx.config.secret)
    expect(again.households).toEqual({ created: 0, updated: 0, unchanged: 800 })
    expect(again.persons).toEqual({ created: 0, updated: 0, unchanged: first.rows })
    await seedDemo(t.db, { secret: t.ctx.config.secret })
    const after = await one(sql<{ p: number; h: number; hist: number; pt: number }>`
      select (select count(*)::int from persons) as p, (select count(*)::int from households) as h,
             (select count(*)::int from archive_history) as hist, (select count(*)::int from person_tags) as pt`)
    expect(after).toEqual(before)
  })
})
