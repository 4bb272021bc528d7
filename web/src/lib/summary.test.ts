// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { RegionSummary } from '@minqing/common'
import { roleCounts, summaryTotals } from './summary.ts'

const region = { code: '330683', name: '嵊州市', level: 'county' as const, parentCode: '330600', path: ['330600', '330683'], childCount: 2 }

describe('summaryTotals', () => {
  it('reads the subtree totals, not a sum over children (which would miss what sits on the region itself)', () => {
    const s: RegionSummary = {
      region,
      totals: { towns: 2, villages: 30, grids: 55, users: 14, units: 20, residents: 900 },
      children: [
        { code: '330683001', name: '剡湖街道', level: 'town', villages: 10, grids: 30, users: 5, units: 2, residents: 400 },
        { code: '330683105', name: '石璜镇', level: 'town', villages: 20, grids: 25, users: 7, units: 3, residents: 500 },
      ],
      usersByRole: [],
    }
    expect(summaryTotals(s)).toEqual({ towns: 2, villages: 30, grids: 55, users: 14, units: 20, residents: 900 })
  })
  it('is all zero without data', () => {
    expect(summaryTotals(null)).toEqual({ towns: 0, villages: 0, grids: 0, users: 0, units: 0, residents: 0 })
  })
})

describe('roleCounts', () => {
  it('drops zeros and sorts by count', () => {
    const s = {
      region,
      totals: { towns: 0, villages: 0, grids: 0, users: 10, units: 0, residents: 0 },
      children: [],
      usersByRole: [
        { role: 'admin', count: 1 },
        { role: 'volunteer', count: 9 },
        { role: 'leader', count: 0 },
      ],
    }
    expect(roleCounts(s)).toEqual([
      { role: 'volunteer', count: 9 },
      { role: 'admin', count: 1 },
    ])
  })
})
