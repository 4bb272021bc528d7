import { describe, expect, it } from 'vitest'
import { isOccurrence, lastOccurrence } from './week.ts'

const weekly = { recurrence: 'weekly' as const, date: '2026-10-07', until: null, weekdays: [3], monthDay: null }

describe('a ledger opens on the latest session date', () => {
  it('weekly: the last Wednesday up to today, never before the first date', () => {
    expect(lastOccurrence(weekly, '2026-12-07')).toBe('2026-12-02') // a Monday
    expect(lastOccurrence(weekly, '2026-12-09')).toBe('2026-12-09')
    expect(lastOccurrence({ ...weekly, date: '2026-12-05' }, '2026-12-07')).toBeNull()
  })
  it('monthly, once, and the end date', () => {
    expect(lastOccurrence({ recurrence: 'monthly', date: '2026-10-01', until: null, weekdays: [], monthDay: 15 }, '2026-12-07')).toBe('2026-11-15')
    expect(lastOccurrence({ recurrence: 'once', date: '2026-12-14', until: null, weekdays: [], monthDay: null }, '2026-12-07')).toBeNull()
    expect(lastOccurrence({ recurrence: 'once', date: '2026-12-01', until: null, weekdays: [], monthDay: null }, '2026-12-07')).toBe('2026-12-01')
    expect(isOccurrence({ ...weekly, until: '2026-11-30' }, '2026-12-02')).toBe(false)
  })
})
