// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { VisitRule } from '@minqing/common'
import { coverageChartOption, doneOfRequired, monthlyRequired, periodOf, shareTarget, todayCN, villageBehind } from './visits.ts'

const rule = (over: Partial<VisitRule>): VisitRule => ({
  id: 1,
  role: 'stationed_cadre',
  station: 'village',
  measure: 'household_share',
  period: 'month',
  target: 8,
  description: '',
  active: true,
  ...over,
})

describe('visits helpers', () => {
  it('the month and the day are China’s', () => {
    expect(periodOf(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11')
    expect(periodOf(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12')
    expect(todayCN(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01')
  })
  it('the 8 % figure: ceil(8 % of the households)', () => {
    expect(monthlyRequired(400)).toBe(32)
    expect(monthlyRequired(401)).toBe(33)
    expect(monthlyRequired(12)).toBe(1)
    expect(monthlyRequired(0)).toBe(0)
    expect(monthlyRequired(100, 10)).toBe(10)
  })
  it('the share comes from the active household-share rule', () => {
    expect(shareTarget([])).toBe(8)
    expect(shareTarget(null)).toBe(8)
    expect(shareTarget([rule({ target: 10 })])).toBe(10)
    expect(shareTarget([rule({ target: 10, active: false })])).toBe(8)
    expect(shareTarget([rule({ measure: 'visits', target: 3 })])).toBe(8)
  })
  it('behind: fewer visited than required (an empty village is not behind)', () => {
    const v = { regionCode: 'x', regionName: '雅璜村', households: 400, visitedThisPeriod: 31, requiredThisPeriod: 32, sharePercent: 7.8, visitedThisYear: 100, neverVisitedThisYear: 300 }
    expect(villageBehind(v)).toBe(true)
    expect(villageBehind({ ...v, visitedThisPeriod: 32 })).toBe(false)
    expect(villageBehind({ ...v, households: 0, requiredThisPeriod: 0, visitedThisPeriod: 0 })).toBe(false)
    expect(doneOfRequired({ done: 3, required: 32 })).toBe('3 / 32')
    expect(doneOfRequired({ done: 1, required: 4.5 })).toBe('1 / 4.5')
  })
  it('the chart: a bar per village, red under the line, and the target line', () => {
    const villages = [
      { regionCode: 'a', regionName: '雅璜村', households: 400, visitedThisPeriod: 40, requiredThisPeriod: 32, sharePercent: 10, visitedThisYear: 0, neverVisitedThisYear: 0 },
      { regionCode: 'b', regionName: '王院村', households: 100, visitedThisPeriod: 1, requiredThisPeriod: 8, sharePercent: 1, visitedThisYear: 0, neverVisitedThisYear: 0 },
    ]
    const o = coverageChartOption(villages, 8, { series: '覆盖率', target: '要求' }) as {
      xAxis: { data: string[] }
      series: { data: { value: number; itemStyle: { color: string } }[]; markLine: { data: { yAxis: number }[]; label: { formatter: string } } }[]
    }
    expect(o.xAxis.data).toEqual(['雅璜村', '王院村'])
    expect(o.series[0].data.map((d) => d.value)).toEqual([10, 1])
    expect(o.series[0].data[0].itemStyle.color).not.toBe(o.series[0].data[1].itemStyle.color)
    expect(o.series[0].markLine.data).toEqual([{ yAxis: 8 }])
    expect(o.series[0].markLine.label.formatter).toBe('要求 8%')
  })
})
