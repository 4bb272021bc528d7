import { describe, expect, it } from 'vitest'
import { COUNTERS, factOf, type FactCase, type FactEvent } from './facts.ts'

const base: FactCase = {
  id: '00000000-0000-4000-8000-000000000001',
  state: 'closed',
  level: 'town',
  region_id: 7,
  category_id: 3,
  unit_id: null,
  handler_id: null,
  claimed_by: null,
  warned_at: null,
  overdue_at: null,
  closed_at: new Date('2026-03-16T09:00:00+08:00'),
  created_at: new Date('2026-03-13T09:00:00+08:00'), // a Friday: Monday the 16th is one working day later
}
const ev = (action: string, to: string | null, data: Record<string, unknown> = {}): FactEvent => ({ action, to_state: to, data })
const counters = (c: FactCase, events: FactEvent[]) => {
  const f = factOf(c, events)
  return { ...f, n: Object.fromEntries(COUNTERS.map((k, i) => [k, f.counters[i]])) }
}

describe('a case’s fact', () => {
  it('raised at the grid, unsatisfied twice and sent up to the village and the town: not resolved at its level', () => {
    const f = counters(base, [
      ev('create', 'new'),
      ev('dispatch', 'dispatched', { unitId: 'u1', level: 'grid', fromLevel: 'grid' }),
      ev('accept', 'accepted'),
      ev('reply', 'replied'),
      ev('rate', 'reopened', { rating: 'unsatisfied', reopenCount: 1, level: 'grid', escalated: false }),
      ev('dispatch', 'dispatched', { unitId: 'u2', level: 'grid', fromLevel: 'grid' }),
      ev('reopen', 'reopened', { level: 'village', escalated: true }),
      ev('escalate', 'escalated', { fromLevel: 'village', toLevel: 'town' }),
      ev('dispatch', 'dispatched', { unitId: 'u3', level: 'town', fromLevel: 'town' }),
      ev('accept', 'accepted'),
      ev('reply', 'replied'),
      ev('rate', 'closed', { rating: 'basically_satisfied' }),
    ])
    expect(f.raisedLevel).toBe('grid')
    expect(f.unitId).toBe('u3') // the column is empty: the last dispatch's unit
    expect(f.period).toBe('2026-03-13')
    expect(f.n).toMatchObject({ received: 1, closed: 1, open: 0, rated: 2, satisfied: 1, unsatisfied: 1, reopened: 1, answered: 1, dispatched: 1, responded: 1 })
    expect(f.n).toMatchObject({ resolved: 0, grid_closed: 1, grid_resolved: 0, on_time: 1, close_days: 1 })
  })

  it('dispatched down from the town to a village and closed there: resolved at (below) its level', () => {
    const f = counters({ ...base, level: 'village', unit_id: 'u9' }, [
      ev('create', 'new'),
      ev('dispatch', 'dispatched', { unitId: 'u9', level: 'village', fromLevel: 'town' }),
      ev('rate', 'closed', { rating: 'satisfied' }),
    ])
    expect(f.raisedLevel).toBe('town')
    expect(f.n).toMatchObject({ resolved: 1, town_closed: 1, town_resolved: 1, responded: 0 })
  })

  it('an accept after the accept-overdue mark is no response in time; overdue now while it runs', () => {
    const f = counters({ ...base, state: 'accepted', closed_at: null, overdue_at: new Date(), warned_at: new Date() }, [
      ev('create', 'new'),
      ev('dispatch', 'dispatched', { unitId: 'u1', level: 'town' }),
      ev('accept_overdue', 'dispatched'),
      ev('accept', 'accepted'),
      ev('supervise', 'accepted', { level: 'red' }),
      ev('overdue', 'accepted'),
    ])
    expect(f.n).toMatchObject({ dispatched: 1, responded: 0, overdue: 1, warned: 1, red: 1, open: 1, closed: 0, now_overdue: 1, now_due_soon: 0 })
  })
})
