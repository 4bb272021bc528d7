import { CASE_STATES, TOP_CATEGORIES, type CaseState } from '@minqing/common'
import { CASE_ACTION_TABLE, SYSTEM_ACTION_TABLE, targetsOf } from '@minqing/common'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../db/index.ts'
import { createTestDatabase } from '../../test/db.ts'
import { buildWorld, seedActivity } from './activity-seed.ts'
import { generateCases } from './activity.ts'
import { seedDemo } from './demo.ts'
import { TOWN_CENTRES } from './places.ts'

// The generated year (activity.ts, written by activity-seed.ts): deterministic, and every case's timeline is a
// walk the lifecycle table allows — the statistics fold these rows, so they must be right.
let database: Database
const NOW = new Date('2026-12-07T10:00:00+08:00')
const N = 300
// A dense two and a half weeks, so 300 cases show every state (a whole year of 300 would have finished nearly all of them).
const FROM = new Date('2026-11-20T00:00:00+08:00')
let first: NonNullable<Awaited<ReturnType<typeof seedActivity>>>

beforeAll(async () => {
  database = await createTestDatabase()
  await seedDemo(database.db)
  first = (await seedActivity(database.db, { year: 2026, cases: N, now: NOW, from: FROM, secret: 'test-secret-0123456789abcdef0123456789' }))!
}, 120_000)
afterAll(() => database.close())

const q = async <T>(text: string) => (await sql.raw<T>(text).execute(database.db)).rows

describe('the demo’s generated year', () => {
  it('writes the cases, their events and diary entries it reports', async () => {
    expect(first).toMatchObject({ year: 2026, run: 0, cases: N })
    const [c] = await q<{ n: number }>(`select count(*)::int as n from cases`)
    const [e] = await q<{ n: number }>(`select count(*)::int as n from case_events`)
    const [d] = await q<{ n: number }>(`select count(*)::int as n from diary_entries`)
    expect(c.n).toBe(N)
    expect(e.n).toBe(first.events)
    expect(d.n).toBe(first.diary)
    expect(first.events).toBeGreaterThan(N * 4)
    expect(first.diary).toBeGreaterThan(300)
    // Every village has households to visit (the archive demo fills two; the rest get a few each).
    const [empty] = await q<{ n: number }>(
      `select count(*)::int as n from regions v where v.level = 'village' and not exists (select 1 from households h join regions r on r.id = h.region_id where r.parent_id = v.id or r.id = v.id)`,
    )
    expect(empty.n).toBe(0)
    const [visited] = await q<{ n: number }>(`select count(distinct household_id)::int as n from diary_entries where household_id is not null`)
    expect(visited.n).toBeGreaterThan(100)
    // Diary-channel cases come from an entry of their raiser, whose concern they are.
    const [orphans] = await q<{ n: number }>(
      `select count(*)::int as n from cases c where c.channel = 'diary' and not exists (select 1 from diary_entries e join diary_concerns k on k.entry_id = e.id where e.id = c.diary_entry_id and k.case_id = c.id and e.author_id = c.created_by)`,
    )
    expect(orphans.n).toBe(0)
  })

  it('places located cases around their own town (places.ts), not in one square', async () => {
    const located = await q<{ code: string; lat: number; lng: number }>(`select r.code, c.lat, c.lng from cases c join regions r on r.id = c.region_id where c.lat is not null`)
    expect(located.length).toBeGreaterThan(N / 3)
    for (const c of located) {
      const town = TOWN_CENTRES[c.code.slice(0, 9)]
      // The village's offset (≤ 0.035° / 0.041°) and the case's jitter (≤ 0.005°).
      expect(Math.abs(c.lat - town.lat), c.code).toBeLessThanOrEqual(0.04)
      expect(Math.abs(c.lng - town.lng), c.code).toBeLessThanOrEqual(0.046)
    }
  })

  it('every state and every top category appears; some overdue, warned, carded, claimed, escalated to the county', async () => {
    const states = (await q<{ state: string }>(`select distinct state from cases`)).map((r) => r.state).sort()
    expect(states).toEqual([...CASE_STATES].sort())
    const tops = (await q<{ code: string }>(`select distinct p.code from cases c join categories s on s.id = c.category_id join categories p on p.id = s.parent_id`)).map((r) => r.code).sort()
    expect(tops).toEqual(TOP_CATEGORIES.map(([c]) => c).sort())
    const actions = new Set((await q<{ action: string }>(`select distinct action from case_events`)).map((r) => r.action))
    for (const a of [
      'create',
      'dispatch',
      'accept',
      'return',
      'extend',
      'approve_extension',
      'escalate',
      'claim',
      'urge',
      'supervise',
      'reply',
      'rate',
      'auto_close',
      'warn',
      'overdue',
      'resolve_on_spot',
      'reject',
      'merge',
      'merged_from',
    ])
      expect(actions, a).toContain(a)
    const [levels] = await q<{ county: number; cards: number; channels: number }>(
      `select count(*) filter (where level = 'county')::int as county, count(*) filter (where supervision in ('yellow', 'red'))::int as cards, count(distinct channel)::int as channels from cases`,
    )
    expect(levels.county).toBeGreaterThan(0)
    expect(levels.cards).toBeGreaterThan(0)
    expect(levels.channels).toBe(6)
  })

  it('over a whole year: ratings mostly satisfied with 3–8 % unsatisfied; some overdue, warned and carded', async () => {
    const { world } = await buildWorld(database.db)
    const { cases, events } = generateCases(world, { cases: 2000, from: new Date('2026-01-01T00:00:00+08:00'), to: NOW })
    const rates = events.filter((e) => e.action === 'rate')
    const unsatisfied = rates.filter((e) => e.data.rating === 'unsatisfied').length / rates.length
    expect(rates.length).toBeGreaterThan(1000)
    expect(unsatisfied).toBeGreaterThanOrEqual(0.03)
    expect(unsatisfied).toBeLessThanOrEqual(0.08)
    const share = (f: (c: (typeof cases)[number]) => boolean) => cases.filter(f).length / cases.length
    expect(share((c) => c.state === 'closed')).toBeGreaterThan(0.85)
    expect(share((c) => !!c.overdue_at)).toBeGreaterThan(0.03)
    expect(share((c) => !!c.warned_at)).toBeLessThan(0.35)
    expect(share((c) => !!c.supervision)).toBeGreaterThan(0.01)
    expect(events.filter((e) => e.action === 'auto_close').length).toBeGreaterThan(0)
  })

  it('each case’s events chain through allowed transitions, in time order, ending in the case’s state', async () => {
    const cases = new Map((await q<{ id: string; state: string; created_at: Date }>(`select id, state, created_at from cases`)).map((c) => [c.id, c]))
    const events = await q<{ case_id: string; action: string; from_state: string | null; to_state: string; at: Date; id: string }>(
      `select case_id, action, from_state, to_state, at, id from case_events order by case_id, at, id`,
    )
    const byCase = new Map<string, typeof events>()
    for (const e of events) byCase.set(e.case_id, [...(byCase.get(e.case_id) ?? []), e])
    expect(byCase.size).toBe(cases.size)
    const table = { ...CASE_ACTION_TABLE, ...SYSTEM_ACTION_TABLE } as Record<string, { from: readonly CaseState[]; to: Parameters<typeof targetsOf>[0] }>
    for (const [id, evs] of byCase) {
      const c = cases.get(id)!
      expect(evs[0], id).toMatchObject({ action: 'create', from_state: null, to_state: 'new' })
      expect(evs[0].at.getTime()).toBe(c.created_at.getTime())
      for (let i = 1; i < evs.length; i++) {
        const e = evs[i]
        const spec = table[e.action]
        expect(spec, e.action).toBeDefined()
        expect(e.from_state, `${id} #${i} ${e.action}`).toBe(evs[i - 1].to_state)
        expect(spec.from, `${id} ${e.action} from ${e.from_state}`).toContain(e.from_state)
        expect(targetsOf(spec.to, e.from_state as CaseState), `${id} ${e.action} → ${e.to_state}`).toContain(e.to_state)
        expect(e.at.getTime()).toBeGreaterThanOrEqual(evs[i - 1].at.getTime())
        expect(e.at.getTime()).toBeLessThanOrEqual(NOW.getTime())
      }
      expect(evs[evs.length - 1].to_state, id).toBe(c.state)
    }
    // Event ids follow time (the rollups fold past a watermark).
    const [disorder] = await q<{ n: number }>(`select count(*)::int as n from (select at, lag(at) over (order by id) as prev from case_events) x where at < prev`)
    expect(disorder.n).toBe(0)
  })

  it('nobody rates their own handling, and no extension is approved from the handler’s own unit', async () => {
    const unitOf = new Map((await q<{ id: string; unit_id: string | null }>(`select id, unit_id from users`)).map((u) => [u.id, u.unit_id]))
    const events = await q<{ case_id: string; action: string; actor_id: string | null; data: Record<string, unknown> }>(
      `select case_id, action, actor_id, data from case_events order by case_id, at, id`,
    )
    const handlers = new Map<string, Set<string>>()
    const unitNow = new Map<string, string | null>()
    let approvals = 0
    for (const e of events) {
      const hs = handlers.get(e.case_id) ?? new Set<string>()
      handlers.set(e.case_id, hs)
      if (['accept', 'reply', 'resolve_on_spot', 'claim', 'extend', 'return'].includes(e.action) && e.actor_id) hs.add(e.actor_id)
      if (e.action === 'dispatch' || e.action === 'transfer') unitNow.set(e.case_id, e.data.unitId as string)
      if (e.action === 'claim') unitNow.set(e.case_id, unitOf.get(e.actor_id!) ?? null)
      if (e.action === 'rate' && e.actor_id) expect(hs.has(e.actor_id), e.case_id).toBe(false)
      if (e.action === 'approve_extension') {
        approvals++
        expect(unitOf.get(e.actor_id!), e.case_id).not.toBe(unitNow.get(e.case_id))
      }
    }
    expect(approvals).toBeGreaterThan(0)
  })

  it('rate rows carry the rating; rated and closed cases agree with their last events', async () => {
    const [bad] = await q<{ n: number }>(`select count(*)::int as n from case_events where action = 'rate' and data->>'rating' is null`)
    expect(bad.n).toBe(0)
    const [mismatch] = await q<{ n: number }>(`select count(*)::int as n from cases c where (c.state in ('closed', 'rejected', 'merged')) <> (c.closed_at is not null)`)
    expect(mismatch.n).toBe(0)
    // Open cases near "now": the generated year ends with work in progress.
    const [open] = await q<{ n: number }>(`select count(*)::int as n from cases where state in ('new', 'dispatched', 'accepted', 'escalated', 'reopened', 'returned', 'extension_requested')`)
    expect(open.n).toBeGreaterThan(0)
  })

  it('is deterministic: the same seed gives the same counts and the same first case; a second run adds more', async () => {
    const other = await createTestDatabase()
    try {
      await seedDemo(other.db)
      const again = await seedActivity(other.db, { year: 2026, cases: N, now: NOW, from: FROM })
      expect({ ...again!, ms: 0, staff: 0, phases: {} }).toEqual({ ...first, ms: 0, staff: 0, phases: {} })
      const firstCase = async (db: Database['db']) =>
        (await sql<Record<string, unknown>>`select id, number, title, state, level, channel, created_at, tracking_code from cases order by created_at, number limit 1`.execute(db)).rows[0]
      expect(await firstCase(other.db)).toEqual(await firstCase(database.db))
    } finally {
      await other.close()
    }
    const more = await seedActivity(database.db, { year: 2026, cases: 50, now: NOW, from: FROM })
    expect(more).toMatchObject({ run: 1, cases: 50, households: 0, staff: 0, places: 0, enterprises: 0 })
    const [c] = await q<{ n: number; numbers: number }>(`select count(*)::int as n, count(distinct number)::int as numbers from cases`)
    expect(c).toEqual({ n: N + 50, numbers: N + 50 })
  })

  it('refuses a year that has not begun', async () => {
    await expect(seedActivity(database.db, { year: 2027, cases: 5, now: NOW })).rejects.toThrow(/not begun/)
  })
})
