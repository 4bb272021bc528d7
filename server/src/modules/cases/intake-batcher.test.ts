import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../../test/app.ts'
import { makeRegion, makeUser, type MadeUser } from '../../../test/factories.ts'
import type { NewCase, NewCaseResult } from './cases.repository.ts'
import { IntakeBatcher } from './intake-batcher.ts'

// Group commit of case intake: many cases raised at once go in together, each keeps its own answer.
let t: Awaited<ReturnType<typeof createTestApp>>
let cadre: MadeUser
let colleague: MadeUser

const YAHUANG = '330683105212'

beforeAll(async () => {
  t = await createTestApp()
  await makeRegion(t.db, YAHUANG + '001')
  await makeRegion(t.db, '330683106220')
  cadre = await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })
  colleague = await makeUser(t.db, { roles: ['village_cadre'], regionCode: YAHUANG })
})
afterAll(() => t.close())

const raise = (body: object, who = cadre) => t.app.inject({ method: 'POST', url: '/api/cases', headers: who.auth, payload: body })

describe('case intake under concurrency (IntakeBatcher)', () => {
  it('40 cases raised at once: 40 cases with their own numbers, answers, events and notices', async () => {
    const bodies = Array.from({ length: 40 }, (_, i) => ({
      regionCode: i % 2 ? `${YAHUANG}001` : YAHUANG,
      categoryCode: i % 3 ? 'traffic.streetlight' : undefined,
      title: `并发事项${i}`,
      description: `第${i}件`,
    }))
    const answers = await Promise.all(bodies.map((b) => raise(b)))
    for (const [i, res] of answers.entries()) {
      expect(res.statusCode, res.body).toBe(201)
      expect(res.json()).toMatchObject({ title: `并发事项${i}`, description: `第${i}件`, state: 'new', regionCode: bodies[i].regionCode })
      expect(res.json().events).toEqual([expect.objectContaining({ action: 'create', toState: 'new' })])
    }
    const ids = answers.map((r) => r.json().id)
    expect(new Set(answers.map((r) => r.json().number)).size).toBe(40)
    const rows = await t.db.selectFrom('cases').select(['id', 'title', 'category_id']).where('id', 'in', ids).execute()
    expect(rows).toHaveLength(40)
    for (const [i, id] of ids.entries()) {
      const row = rows.find((r) => r.id === id)!
      expect(row.title).toBe(`并发事项${i}`)
      if (bodies[i].categoryCode) expect(row.category_id).not.toBeNull()
    }
    // One create row each; the 民情大脑 adds one triage row to each case raised without a category, and no other.
    await t.app.services.triage.idle()
    const events = await t.db.selectFrom('case_events').select(['case_id', 'action']).where('case_id', 'in', ids).execute()
    expect(
      events
        .filter((e) => e.action === 'create')
        .map((e) => e.case_id)
        .sort(),
    ).toEqual([...ids].sort())
    expect(
      events
        .filter((e) => e.action === 'triage')
        .map((e) => e.case_id)
        .sort(),
    ).toEqual(ids.filter((_, i) => !bodies[i].categoryCode).sort())
    expect(events).toHaveLength(40 + bodies.filter((b) => !b.categoryCode).length)
    // The village's other dispatcher is told of each one once; the cadre raising them is not told of their own.
    const notices = await t.db.selectFrom('notifications').select(['user_id', 'case_id']).where('case_id', 'in', ids).execute()
    expect(
      notices
        .filter((n) => n.user_id === colleague.id)
        .map((n) => n.case_id)
        .sort(),
    ).toEqual([...ids].sort())
    expect(notices.filter((n) => n.user_id === cadre.id)).toHaveLength(0)
  })

  it('bad ones in a crowd get their own errors and the rest go in; a clientId sent twice at once makes one case', async () => {
    const good = Array.from({ length: 10 }, (_, i) => ({ regionCode: YAHUANG, title: `好事项${i}`, description: '正常' }))
    const bad = [
      { body: { regionCode: '330683106220', title: '辖区外', description: 'x' }, status: 403, code: 'FORBIDDEN' },
      { body: { regionCode: '330683999999', title: '不存在', description: 'x' }, status: 400, code: 'UNKNOWN_REGION' },
      { body: { regionCode: YAHUANG, categoryCode: 'no.such', title: '分类不存在', description: 'x' }, status: 400, code: 'UNKNOWN_CATEGORY' },
      { body: { regionCode: '330600', title: '县级以上', description: 'x' }, status: 400, code: 'INVALID_REGION_LEVEL' },
    ]
    const twice = { regionCode: YAHUANG, title: '重复提交', description: '同一个 clientId', clientId: `c-${Date.now()}` }
    const answers = await Promise.all([...good, ...bad.map((b) => b.body), twice, twice].map((b) => raise(b)))
    for (const res of answers.slice(0, 10)) expect(res.statusCode, res.body).toBe(201)
    for (const [i, b] of bad.entries()) {
      const res = answers[10 + i]
      expect(res.statusCode, res.body).toBe(b.status)
      expect(res.json().error.code).toBe(b.code)
    }
    const [a, b] = answers.slice(-2)
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201])
    expect(a.json().id).toBe(b.json().id)
    const made = await t.db.selectFrom('cases').select('title').where('title', 'in', ['辖区外', '不存在', '分类不存在', '县级以上', '重复提交']).execute()
    expect(made.map((m) => m.title)).toEqual(['重复提交'])
  })
})

describe('IntakeBatcher', () => {
  const item = (n: number): NewCase => ({
    place: { region: { code: YAHUANG }, categoryCode: null },
    scopePath: null,
    row: { title: `t${n}`, tracking_code: `T${n}` } as NewCase['row'],
    event: { action: 'create', actorId: null, data: {}, at: new Date() },
    notify: null,
  })
  const answer = (c: NewCase) => ({ lookup: {} as NewCaseResult['lookup'], made: { id: c.row.tracking_code } }) as unknown as NewCaseResult

  it('a lone case goes straight in; those arriving while the statements are busy go in together', async () => {
    const statements: string[][] = []
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const batcher = new IntakeBatcher(t.db, [], { maxBatch: 3, maxInFlight: 1 }, async (_db, _day, _levels, cases) => {
      statements.push(cases.map((c) => c.row.tracking_code))
      if (statements.length === 1) await gate
      return cases.map(answer)
    })
    const all = [1, 2, 3, 4, 5, 6].map((n) => batcher.submit('20261122', item(n)))
    expect(statements).toEqual([['T1']])
    release()
    const results = await Promise.all(all)
    expect(statements).toEqual([['T1'], ['T2', 'T3', 'T4'], ['T5', 'T6']])
    expect(results.map((r) => r.made?.id)).toEqual(['T1', 'T2', 'T3', 'T4', 'T5', 'T6'])
  })

  it('a statement that fails is retried one case at a time, so only the failing case fails', async () => {
    const statements: string[][] = []
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const batcher = new IntakeBatcher(t.db, [], { maxBatch: 10, maxInFlight: 1 }, async (_db, _day, _levels, cases) => {
      statements.push(cases.map((c) => c.row.tracking_code))
      if (statements.length === 1) await gate
      if (cases.some((c) => c.row.tracking_code === 'T3')) throw Object.assign(new Error('duplicate key'), { code: '23505' })
      return cases.map(answer)
    })
    const all = [1, 2, 3, 4].map((n) =>
      batcher.submit('20261122', item(n)).then(
        (r) => r.made?.id,
        (e: Error) => e.message,
      ),
    )
    release()
    expect(await Promise.all(all)).toEqual(['T1', 'T2', 'duplicate key', 'T4'])
    expect(statements).toEqual([['T1'], ['T2', 'T3', 'T4'], ['T2'], ['T3'], ['T4']])
  })

  it('cases of different days or column sets never share a statement', async () => {
    const statements: string[][] = []
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const batcher = new IntakeBatcher(t.db, [], { maxBatch: 10, maxInFlight: 1 }, async (_db, day, _levels, cases) => {
      statements.push(cases.map((c) => `${day}:${c.row.tracking_code}`))
      if (statements.length === 1) await gate
      return cases.map(answer)
    })
    const odd = { ...item(4), row: { ...item(4).row, address: '村口' } }
    const all = [batcher.submit('20261122', item(1)), batcher.submit('20261122', item(2)), batcher.submit('20261123', item(3)), batcher.submit('20261122', odd), batcher.submit('20261122', item(5))]
    release()
    await Promise.all(all)
    expect(statements).toEqual([['20261122:T1'], ['20261122:T2', '20261122:T5'], ['20261123:T3'], ['20261122:T4']])
  })
})
