import { describe, expect, it } from 'vitest'
import { isOpenState, mergePlan, scorePercent } from './merge.ts'

const older = { id: 'a', createdAt: '2026-11-01T00:00:00.000Z', allowedActions: ['merge', 'dispatch'] }
const newer = { id: 'b', createdAt: '2026-11-02T00:00:00.000Z', allowedActions: ['merge'] }

describe('merging a similar case', () => {
  it('merges the newer case into the older one, when the caller may merge the newer one', () => {
    expect(mergePlan(older, newer)).toEqual({ caseId: 'b', intoCaseId: 'a', direction: 'here' })
    expect(mergePlan(newer, older)).toEqual({ caseId: 'b', intoCaseId: 'a', direction: 'there' })
    expect(mergePlan(older, { ...newer, allowedActions: [] })).toBeNull()
    expect(mergePlan({ ...newer, allowedActions: ['dispatch'] }, older)).toBeNull()
  })

  it('shows scores as percentages and knows the open states', () => {
    expect(scorePercent(0.4567)).toBe('46%')
    expect(scorePercent(1.2)).toBe('100%')
    expect(isOpenState('reopened')).toBe(true)
    expect(isOpenState('closed')).toBe(false)
    expect(isOpenState('merged')).toBe(false)
  })
})
