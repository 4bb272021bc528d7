import { describe, expect, it } from 'vitest'
import { canDrill, chartKindFor, formatFigure, formatRate, periodOf, rankTopBottom, thisMonth, timeGroupFor, timeOrdered, todayShanghai } from './stats.ts'
import type { CaseStatsRow } from '@minqing/common'

describe('periods', () => {
  it('day, ISO week (Monday to Sunday), month and year around an anchor', () => {
    expect(periodOf('day', '2026-03-18', '2026-12-07')).toEqual({ from: '2026-03-18', to: '2026-03-18' })
    // 2026-03-18 is a Wednesday; its week runs Monday 16th to Sunday 22nd.
    expect(periodOf('week', '2026-03-18', '2026-12-07')).toEqual({ from: '2026-03-16', to: '2026-03-22' })
    expect(periodOf('week', '2026-03-22', '2026-12-07')).toEqual({ from: '2026-03-16', to: '2026-03-22' })
    expect(periodOf('month', '2026-02-10', '2026-12-07')).toEqual({ from: '2026-02-01', to: '2026-02-28' })
    expect(periodOf('month', '2024-02-10', '2026-12-07')).toEqual({ from: '2024-02-01', to: '2024-02-29' })
    expect(periodOf('year', '2025-06-01', '2026-12-07')).toEqual({ from: '2025-01-01', to: '2025-12-31' })
  })
  it('never runs past today', () => {
    expect(periodOf('month', '2026-12-07', '2026-12-07')).toEqual({ from: '2026-12-01', to: '2026-12-07' })
    expect(periodOf('year', '2026-12-07', '2026-12-07')).toEqual({ from: '2026-01-01', to: '2026-12-07' })
    expect(thisMonth('2026-12-01')).toEqual({ from: '2026-12-01', to: '2026-12-01' })
  })
  it('today is a Shanghai day (UTC+8)', () => {
    expect(todayShanghai(new Date('2026-12-06T16:30:00Z'))).toBe('2026-12-07')
    expect(todayShanghai(new Date('2026-12-06T15:30:00Z'))).toBe('2026-12-06')
  })
  it('suggests a time grouping by the period’s length', () => {
    expect(timeGroupFor('year', { from: '2026-01-01', to: '2026-12-31' })).toBe('month')
    expect(timeGroupFor('month', { from: '2026-03-01', to: '2026-03-31' })).toBe('day')
    expect(timeGroupFor('range', { from: '2026-01-01', to: '2026-02-20' })).toBe('day')
    expect(timeGroupFor('range', { from: '2026-01-01', to: '2026-09-30' })).toBe('week')
    expect(timeGroupFor('range', { from: '2024-01-01', to: '2026-09-30' })).toBe('month')
  })
})

describe('charts and formats', () => {
  it('draws a line over time and a ranking for the rest', () => {
    for (const g of ['day', 'week', 'month', 'year'] as const) expect(chartKindFor(g)).toBe('line')
    for (const g of ['region', 'unit', 'category', 'level'] as const) expect(chartKindFor(g)).toBe('bar')
  })
  it('formats rates (null: no denominator) and counts', () => {
    expect(formatRate(0.8765)).toBe('87.7%')
    expect(formatRate(1)).toBe('100.0%')
    expect(formatRate(0)).toBe('0.0%')
    expect(formatRate(null)).toBe('—')
    expect(formatFigure('closeRate', 0.5)).toBe('50.0%')
    expect(formatFigure('received', 12345)).toBe('12,345')
    expect(formatFigure('avgDaysToClose', 3.25)).toBe('3.3')
    expect(formatFigure('avgDaysToClose', null)).toBe('—')
  })
  it('orders time rows by key', () => {
    const rows = [{ key: '2026-03' }, { key: '2026-01' }, { key: '2026-02' }] as CaseStatsRow[]
    expect(timeOrdered(rows).map((r) => r.key)).toEqual(['2026-01', '2026-02', '2026-03'])
  })
  it('drills into regions above grid level only', () => {
    expect(canDrill('region', '330683105')).toBe(true)
    expect(canDrill('region', '330683105212')).toBe(true)
    expect(canDrill('region', '330683105212001')).toBe(false)
    expect(canDrill('category', '330683105')).toBe(false)
  })
})

describe('rankTopBottom (304 villages stay readable)', () => {
  const villages = Array.from({ length: 304 }, (_, i) => ({ name: `村${String(i).padStart(3, '0')}`, v: i % 7 === 0 ? null : i / 304 }))
  it('keeps the top n and bottom n, best first, and says how many are hidden', () => {
    const r = rankTopBottom(villages, (x) => x.v, 10)
    expect(r.rows).toHaveLength(20)
    expect(r.hidden).toBe(284)
    expect(r.rows[0].name).toBe('村303')
    // nulls (no denominator) rank last
    expect(r.rows.at(-1)!.v).toBeNull()
    const values = r.rows.slice(0, 10).map((x) => x.v as number)
    expect([...values].sort((a, b) => b - a)).toEqual(values)
  })
  it('shows everything when it fits', () => {
    const r = rankTopBottom(villages.slice(0, 15), (x) => x.v, 10)
    expect(r.rows).toHaveLength(15)
    expect(r.hidden).toBe(0)
  })
  it('breaks ties by name', () => {
    const r = rankTopBottom(
      [
        { name: '乙', v: 1 },
        { name: '甲', v: 1 },
      ],
      (x) => x.v,
      5,
    )
    expect(r.rows.map((x) => x.name)).toEqual(['甲', '乙'])
  })
})
