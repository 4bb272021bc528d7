import { withIdCheck } from '@minqing/common'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import { remaskStored } from '../../db/migrations/20261207030000_id_masks.ts'

// Issue 11, defects 3–5: what a cadre WITHOUT archive.reveal can read must not rebuild an ID number or phone;
// writing an ID number must not tell whether it exists in another area; the phone lookup is limited and audited.

let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser // stationed cadre of 雅璜村: archive read + write, NO reveal
let writer: MadeUser // village cadre of 雅璜村 (has reveal): writes the data the cadre then reads
let away: MadeUser // village cadre of 王院村, another town (石璜镇 vs 长乐镇)

const YAHUANG = '330683105212'
const WANGYUAN = '330683106220'
const ID_CHECK = '10X98765432'
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

beforeAll(async () => {
  t = await createTestApp({ LOOKUP_LIMIT_USER: '20/300', LOOKUP_LIMIT_IP: '30/300' })
  await makeRegion(t.db, `${YAHUANG}001`)
  await makeRegion(t.db, `${WANGYUAN}001`)
  cadre = await makeUser(t.db, { roles: ['stationed_cadre'], regionCode: YAHUANG })
  writer = await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })
  away = await makeUser(t.db, { roles: ['village_cadre'], regionCode: WANGYUAN })
})
afterAll(() => t.close())

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, who: MadeUser, payload?: object, remoteAddress?: string) =>
  t.app.inject({ method, url, headers: who.auth, payload: payload as any, ...(remoteAddress ? { remoteAddress } : {}) })

async function ok<T = any>(res: Awaited<ReturnType<typeof api>>, status = 200): Promise<T> {
  expect(res.statusCode, res.body).toBe(status)
  return res.json()
}

// ---- the attacker's side: every full ID number consistent with what was read --------------------------------
interface Seen {
  masks: string[] // 18-character strings with * where hidden (or full numbers), of the person's current number
  /** Masks quoted by history (numbers the person had before, or has): each is attacked on its own. */
  quoted: string[]
  birthDates: Set<string>
  ages: Set<number>
  genders: Set<string>
}
const emptySeen = (): Seen => ({ masks: [], quoted: [], birthDates: new Set(), ages: new Set(), genders: new Set() })
const GENDER_OF: Record<string, string> = { male: 'male', female: 'female', 男: 'male', 女: 'female' }

/** Everything a record says about its person's identity, whatever its shape (API object or sheet row). */
function take(seen: Seen, rec: Record<string, unknown>) {
  for (const [k, v] of Object.entries(rec)) {
    if (typeof v === 'string' && /^[0-9X*]{18}$/.test(v)) seen.masks.push(v)
    if ((k === 'birthDate' || k === '出生日期') && v) {
      const d = v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10)
      if (/^\d{4}-\d{2}-\d{2}$/.test(d)) seen.birthDates.add(d)
    }
    if ((k === 'age' || k === '年龄') && v !== null && v !== '' && v !== undefined) seen.ages.add(Number(v))
    if ((k === 'gender' || k === '性别') && typeof v === 'string' && GENDER_OF[v]) seen.genders.add(GENDER_OF[v])
  }
}

/** A history change's values are evidence too (a birth date set or changed, an ID number old → new). */
function takeChanges(seen: Seen, changes: { field: string; from: unknown; to: unknown }[]) {
  for (const c of changes)
    for (const v of [c.from, c.to]) {
      if (v === null || v === undefined) continue
      if (c.field === 'idNumber' && typeof v === 'string') seen.quoted.push(v)
      else take(seen, { [c.field]: v })
    }
}

/** The fewest candidates left for any number of the person: the current one, or one quoted by history. */
function fewest(seen: Seen, regionCode: string): number {
  // A quoted number may be an old one, of another gender digit: attacked without the gender.
  const quoted = [...new Set(seen.quoted)].map((m) => candidates({ ...seen, masks: [m], genders: new Set() }, regionCode))
  return Math.min(candidates(seen, regionCode), ...quoted)
}

const ageOn = (birth: Date, today: Date) => today.getUTCFullYear() - birth.getUTCFullYear() - (today.getUTCMonth() * 100 + today.getUTCDate() < birth.getUTCMonth() * 100 + birth.getUTCDate() ? 1 : 0)

/**
 * How many valid ID numbers (GB 11643: date, MOD 11-2 check) fit everything seen. The attacker is given the
 * region's 6-digit prefix (the person's regionCode says it) whatever the mask shows.
 */
function candidates(seen: Seen, regionCode: string): number {
  const fixed = [...new Set(seen.masks)].flatMap((m) => [...m].flatMap((c, i) => (c === '*' ? [] : [[i, c] as const])))
  const fits = (s: string) => fixed.every(([i, c]) => s[i] === c)
  const prefix = regionCode.slice(0, 6)
  if (!seen.masks.every((m) => [...m.slice(0, 6)].every((c, i) => c === '*' || c === prefix[i]))) return 0
  const today = new Date()
  let dates: string[]
  if (seen.birthDates.size) dates = [...seen.birthDates]
  else {
    dates = []
    const ages = [...seen.ages]
    const from = new Date(Date.UTC(today.getUTCFullYear() - (ages.length ? Math.max(...ages) + 1 : 125), today.getUTCMonth(), today.getUTCDate()))
    for (let d = from; d <= today; d = new Date(d.getTime() + 86_400_000)) if (ages.every((a) => ageOn(d, today) === a)) dates.push(d.toISOString().slice(0, 10))
  }
  let n = 0
  for (const date of dates) {
    const ymd = date.replaceAll('-', '')
    const head = prefix + ymd
    if (!seen.masks.every((m) => [...m.slice(0, 14)].every((c, i) => c === '*' || c === head[i]))) continue
    let base = 0
    for (let i = 0; i < 14; i++) base += Number(head[i]) * ID_WEIGHTS[i]
    for (let s = 0; s < 1000; s++) {
      if (seen.genders.size && [...seen.genders].some((g) => (s % 2 === 1 ? 'male' : 'female') !== g)) continue
      const seq = String(s).padStart(3, '0')
      const sum = base + Number(seq[0]) * ID_WEIGHTS[14] + Number(seq[1]) * ID_WEIGHTS[15] + Number(seq[2]) * ID_WEIGHTS[16]
      if (fits(head + seq + ID_CHECK[sum % 11])) n++
    }
  }
  return n
}

describe('masked identifiers cannot be rebuilt (defect 3)', () => {
  it('a cadre without reveal reading lists, details, exports, history and timeline is left ≥ 1000 candidates for every ID number', async () => {
    // The writer builds a household of eight, each with an ID number and phone; two change their number later and
    // one has her birth date corrected, so the history quotes old and new values.
    const hh = await ok(await api('POST', '/api/households', writer, { regionCode: `${YAHUANG}001`, address: '雅璜村信任1号', phone: '13900001111' }), 201)
    const births = ['19380115', '19520229', '19601231', '19750701', '19880909', '19991111', '20050305', '20180620']
    const people: { id: string; name: string; idNumber: string; phone: string }[] = []
    for (const [i, birth] of births.entries()) {
      const idNumber = withIdCheck(`330683${birth}${String(200 + i * 37).padStart(3, '0')}`)
      const phone = `1385555${String(1000 + i).padStart(4, '0')}`
      const name = `信任${'甲乙丙丁戊己庚辛'[i]}`
      const body: Record<string, unknown> = { householdId: hh.id, name, idNumber, phone, relation: i === 0 ? '户主' : '其他' }
      const p = await ok(await api('POST', '/api/persons', writer, body), 201)
      people.push({ id: p.id, name, idNumber, phone })
    }
    for (const i of [2, 5]) {
      const next = withIdCheck(people[i].idNumber.slice(0, 14) + String(700 + i).padStart(3, '0'))
      await ok(await api('PATCH', `/api/persons/${people[i].id}`, writer, { idNumber: next }))
      people[i].idNumber = next
    }
    await ok(await api('PATCH', `/api/persons/${people[3].id}`, writer, { birthDate: '1975-07-02' }))
    await ok(await api('PATCH', `/api/persons/${people[3].id}`, writer, { birthDate: '1975-07-01' }))

    // The cadre reads everything they may.
    const seen = new Map(people.map((p) => [p.id, emptySeen()]))
    const bodies: string[] = []
    const read = async (url: string) => {
      const res = await api('GET', url, cadre)
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200)
      bodies.push(res.body)
      return res.json()
    }
    for (const p of (await read(`/api/persons?regionCode=${YAHUANG}&limit=500`)).items) seen.get(p.id) && take(seen.get(p.id)!, p)
    const found = await ok(await api('POST', '/api/persons/search', cadre, { idNumber: people[0].idNumber }))
    bodies.push(JSON.stringify(found))
    for (const p of found.items) take(seen.get(p.id)!, p)
    for (const p of people) take(seen.get(p.id)!, await read(`/api/persons/${p.id}`))
    const detail = await read(`/api/households/${hh.id}`)
    for (const m of detail.members) take(seen.get(m.id)!, m)
    for (const p of people) for (const h of await read(`/api/persons/${p.id}/history`)) takeChanges(seen.get(p.id)!, h.changes)
    for (const h of await read(`/api/households/${hh.id}/history`)) if (seen.has(h.entityId)) takeChanges(seen.get(h.entityId)!, h.changes)
    const timeline = await read(`/api/households/${hh.id}/timeline`)
    expect(timeline.length).toBeGreaterThan(0)
    for (const item of timeline) if (seen.has(item.ref?.id)) take(seen.get(item.ref.id)!, item)
    const lookup = await read(`/api/persons/lookup?phone=${people[4].phone}`)
    for (const p of lookup.items) take(seen.get(p.id)!, p)
    for (const url of [`/api/persons/export?regionCode=${YAHUANG}`, `/api/households/export?regionCode=${YAHUANG}`]) {
      const res = await api('GET', url, cadre)
      expect(res.statusCode, res.body).toBe(200)
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.load(res.rawPayload as any)
      const ws = wb.worksheets[0]
      const header = Array.from(ws.getRow(1).values as unknown[], (v) => String(v))
      ws.eachRow((row, n) => {
        if (n === 1) return
        const rec = Object.fromEntries(Array.from(row.values as unknown[], (v, i) => [header[i], v ?? null]))
        bodies.push(JSON.stringify(rec))
        const who = people.find((p) => p.name === rec['姓名'])
        if (who) take(seen.get(who.id)!, rec)
      })
    }

    // What was read says a lot (so the count below is not vacuous)…
    for (const p of people) {
      const s = seen.get(p.id)!
      expect(s.masks.length, p.name).toBeGreaterThanOrEqual(4)
      expect(s.quoted.length, p.name).toBeGreaterThanOrEqual(1)
      expect(s.ages.size, p.name).toBe(1)
      expect(s.genders.size, p.name).toBe(1)
    }
    // …yet no number is within reach: 0 rebuilt.
    const counts = people.map((p) => fewest(seen.get(p.id)!, `${YAHUANG}001`))
    const rebuilt = counts.filter((n) => n < 1000).length
    expect({ rebuilt, counts }).toMatchObject({ rebuilt: 0 })
    // The true number is among the candidates (the attacker's model is right), and never appears in clear.
    for (const p of people)
      expect(
        candidates(
          { ...seen.get(p.id)!, birthDates: new Set([`${p.idNumber.slice(6, 10)}-${p.idNumber.slice(10, 12)}-${p.idNumber.slice(12, 14)}`]), masks: [...seen.get(p.id)!.masks, p.idNumber] },
          `${YAHUANG}001`,
        ),
      ).toBe(1)
    const all = bodies.join('\n')
    for (const p of people) {
      expect(all).not.toContain(p.idNumber)
      expect(all).not.toContain(p.phone)
    }
  })

  it('someone with archive.reveal still sees the birth date; the migration brings stored old masks to the new form', async () => {
    const hh = await ok(await api('POST', '/api/households', writer, { regionCode: `${YAHUANG}001`, address: '雅璜村信任2号' }), 201)
    const idNumber = withIdCheck('33068319700808123')
    const p = await ok(await api('POST', '/api/persons', writer, { householdId: hh.id, name: '旧掩码', idNumber }), 201)
    expect(p).toMatchObject({ birthDate: '1970-08-08', idNumber: `3****************${idNumber.slice(-1)}` })
    expect((await ok(await api('GET', `/api/persons/${p.id}`, cadre))).birthDate).toBeNull()

    // Rows as the old code stored them.
    const old = idNumber.slice(0, 6) + '********' + idNumber.slice(-4)
    await t.db.updateTable('persons').set({ id_masked: old }).where('id', '=', p.id).execute()
    await t.db
      .insertInto('archive_history')
      .values({
        entity_type: 'person',
        entity_id: p.id,
        action: 'update',
        actor_id: null,
        changes: JSON.stringify([
          { field: 'idNumber', from: old, to: old },
          { field: 'name', from: 'a', to: 'b' },
        ]),
      })
      .execute()
    await remaskStored(t.db)
    expect((await t.db.selectFrom('persons').select('id_masked').where('id', '=', p.id).executeTakeFirstOrThrow()).id_masked).toBe(`3****************${idNumber.slice(-1)}`)
    const rows = await sql<{ changes: any }>`select changes from archive_history where entity_id = ${p.id} and action = 'update'`.execute(t.db)
    const changes = typeof rows.rows[0].changes === 'string' ? JSON.parse(rows.rows[0].changes) : rows.rows[0].changes
    expect(changes).toEqual([
      { field: 'idNumber', from: `3****************${idNumber.slice(-1)}`, to: `3****************${idNumber.slice(-1)}` },
      { field: 'name', from: 'a', to: 'b' },
    ])
  })
})

describe('writing an ID number tells nothing about other areas (defect 4)', () => {
  it('an ID number held in another town and a fresh one get the same answer; the duplicate is audited for a county admin', async () => {
    // Same birth date and gender digit for both numbers, so age and gender agree too.
    const held = withIdCheck('33068319640412135')
    const fresh = withIdCheck('33068319640412157')
    const holder = await ok(await api('POST', '/api/persons', away, { regionCode: `${WANGYUAN}001`, name: '别镇的人', idNumber: held }), 201)
    const hh = await ok(await api('POST', '/api/households', cadre, { regionCode: `${YAHUANG}001`, address: '雅璜村信任3号' }), 201)
    const a = await ok(await api('POST', '/api/persons', cadre, { householdId: hh.id, name: '甲' }), 201)
    const b = await ok(await api('POST', '/api/persons', cadre, { householdId: hh.id, name: '甲' }), 201)

    const shape = (res: Awaited<ReturnType<typeof api>>) => {
      const body = res.json()
      const { id: _id, updatedAt: _u, idNumber, ...rest } = body
      return { status: res.statusCode, rest, idNumber: String(idNumber).replace(/[0-9X]/g, '#') }
    }
    const elsewhere = await api('PATCH', `/api/persons/${a.id}`, cadre, { idNumber: held })
    const nowhere = await api('PATCH', `/api/persons/${b.id}`, cadre, { idNumber: fresh })
    expect(elsewhere.statusCode, elsewhere.body).toBe(200)
    expect(shape(elsewhere)).toEqual(shape(nowhere))
    // Reading them back or searching for the number does not tell them apart either.
    expect(shape(await api('GET', `/api/persons/${a.id}`, cadre))).toEqual(shape(await api('GET', `/api/persons/${b.id}`, cadre)))
    const s1 = await ok(await api('POST', '/api/persons/search', cadre, { idNumber: held }))
    const s2 = await ok(await api('POST', '/api/persons/search', cadre, { idNumber: fresh }))
    expect([s1.total, s1.items[0].id, s2.total, s2.items[0].id]).toEqual([1, a.id, 1, b.id])
    // Creating with it: the same.
    const c1 = await api('POST', '/api/persons', cadre, { householdId: hh.id, name: '乙', idNumber: held })
    const c2 = await api('POST', '/api/persons', cadre, { householdId: hh.id, name: '乙', idNumber: withIdCheck('33068319640412179') })
    expect(shape(c1)).toEqual(shape(c2))
    expect(c1.statusCode).toBe(201)

    // The other town's record is untouched; a county admin learns of both attempts.
    const h = await t.db.selectFrom('persons').select(['id_hash', 'id_pending_hash']).where('id', '=', holder.id).executeTakeFirstOrThrow()
    expect(h.id_hash).not.toBeNull()
    const pending = await t.db.selectFrom('persons').select(['id', 'id_hash', 'id_pending_hash']).where('id', 'in', [a.id, c1.json().id]).execute()
    expect(pending.every((p) => p.id_hash === null && p.id_pending_hash === h.id_hash)).toBe(true)
    const audits = await t.db.selectFrom('audit_log').select(['entity_id', 'actor_id', 'region_id', 'details']).where('action', '=', 'archive.id_duplicate').execute()
    expect(audits.map((r) => r.entity_id).sort()).toEqual([a.id, c1.json().id].sort())
    for (const r of audits) {
      expect(r).toMatchObject({ actor_id: cadre.id, region_id: null })
      const d = typeof r.details === 'string' ? JSON.parse(r.details) : r.details
      expect(d).toMatchObject({ heldBy: holder.id, heldByRegion: `${WANGYUAN}001` })
      expect(JSON.stringify(d)).not.toContain(held)
    }
    // Inside the caller's own area a duplicate is still a 409 naming the record (no oracle: they can see it).
    const mine = await api('POST', '/api/persons', cadre, { householdId: hh.id, name: '丙', idNumber: fresh })
    expect(mine.statusCode).toBe(409)
    expect(mine.json().error).toMatchObject({ code: 'DUPLICATE_ID_NUMBER', details: { personId: b.id } })
  })
})

describe('phone lookups are limited and audited (defect 5)', () => {
  it('the 21st lookup of one user within the window answers 429 TOO_MANY_ATTEMPTS; every lookup is audited, masked', async () => {
    const user = await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })
    const ip = '10.0.5.1'
    for (let i = 0; i < 20; i++) {
      const res = await api('GET', `/api/persons/lookup?phone=1390000${String(4000 + i)}`, user, undefined, ip)
      expect(res.statusCode, `lookup ${i + 1}: ${res.body}`).toBe(200)
    }
    const refused = await api('GET', '/api/persons/lookup?phone=13900004444', user, undefined, ip)
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error.code).toBe('TOO_MANY_ATTEMPTS')
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    // Another user at another desk is not held up.
    const colleague = await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })
    expect((await api('GET', '/api/persons/lookup?phone=13900004444', colleague, undefined, '10.0.5.2')).statusCode).toBe(200)

    const rows = await t.db.selectFrom('audit_log').select(['action', 'details', 'ip']).where('actor_id', '=', user.id).where('action', 'like', 'archive.lookup%').execute()
    expect(rows.filter((r) => r.action === 'archive.lookup')).toHaveLength(20)
    expect(rows.filter((r) => r.action === 'archive.lookup_refused')).toHaveLength(1)
    const text = JSON.stringify(rows)
    expect(text).toContain('139****4000')
    expect(text).not.toMatch(/1390000\d{4}/)
    expect(rows.every((r) => r.ip === ip)).toBe(true)
  })

  it('one address is limited across users (LOOKUP_LIMIT_IP), and the hotline still finds its caller', async () => {
    const ip = '10.0.6.1'
    const users = [await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG }), await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })]
    const hh = await ok(await api('POST', '/api/households', writer, { regionCode: `${YAHUANG}001`, address: '雅璜村信任4号' }), 201)
    const caller = await ok(await api('POST', '/api/persons', writer, { householdId: hh.id, name: '来电人', phone: '13766667777' }), 201)
    const first = await ok(await api('GET', '/api/persons/lookup?phone=13766667777', users[0], undefined, ip))
    expect(first.items.map((i: { id: string }) => i.id)).toEqual([caller.id])
    let answered = 1
    for (let i = 0; i < 40; i++) {
      const res = await api('GET', '/api/persons/lookup?phone=13766667777', users[i % 2], undefined, ip)
      if (res.statusCode !== 200) {
        expect(res.statusCode).toBe(429)
        expect(res.json().error.code).toBe('TOO_MANY_ATTEMPTS')
        break
      }
      answered++
    }
    expect(answered).toBe(30)
  })
})
