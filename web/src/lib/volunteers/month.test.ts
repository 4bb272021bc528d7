import { describe, expect, it } from 'vitest'
import { currentMonth, shiftMonth } from './month.ts'

describe('leaderboard months', () => {
  it('is the Shanghai calendar month: 16:00 UTC on the last day is already the next month', () => {
    expect(currentMonth(new Date('2026-11-30T15:59:00Z'))).toBe('2026-11')
    expect(currentMonth(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12')
  })
  it('steps across years both ways', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01')
    expect(shiftMonth('2026-01', -1)).toBe('2025-12')
    expect(shiftMonth('2026-05', 0)).toBe('2026-05')
  })
})
