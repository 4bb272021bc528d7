/** 走访情况 (visit compliance) helpers: the month, the 8 % figure, the coverage chart. */
import type { Compliance, VisitRule } from '@minqing/common'

/** `YYYY-MM` of a moment in China time (the server's calendar). */
export function periodOf(now = new Date()): string {
  const cn = new Date(now.getTime() + 8 * 3600_000)
  return `${cn.getUTCFullYear()}-${String(cn.getUTCMonth() + 1).padStart(2, '0')}`
}
/** Today `YYYY-MM-DD` in China time. */
export function todayCN(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
}

const DEFAULT_SHARE = 8

/** The monthly share (%) the active household-share rule asks for (8 unless an admin changed it). */
export function shareTarget(rules: readonly VisitRule[] | null | undefined): number {
  const r = rules?.find((x) => x.measure === 'household_share' && x.active)
  return r ? r.target : DEFAULT_SHARE
}

/** Households to visit this month: ceil(share % of the village's households), as the server counts. */
export const monthlyRequired = (households: number, share = DEFAULT_SHARE) => Math.ceil((Math.max(0, households) * share) / 100)

export type Village = Compliance['villages'][number]
export type CadreLine = Compliance['cadres'][number]['rules'][number]

export const villageBehind = (v: Village) => v.households > 0 && v.visitedThisPeriod < v.requiredThisPeriod

/** `3 / 32`. */
export const doneOfRequired = (line: Pick<CadreLine, 'done' | 'required'>) => `${fmt(line.done)} / ${fmt(line.required)}`
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1))

/**
 * The bar chart: each village's share of households visited this month, red below the line, green at or
 * above it, with the share target as a dashed line.
 */
export function coverageChartOption(villages: readonly Village[], share: number, labels: { series: string; target: string }): Record<string, unknown> {
  return {
    grid: { left: 48, right: 24, top: 32, bottom: villages.length > 6 ? 72 : 40 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
    },
    xAxis: {
      type: 'category',
      data: villages.map((v) => v.regionName),
      axisLabel: { interval: 0, rotate: villages.length > 6 ? 35 : 0 },
    },
    yAxis: { type: 'value', name: '%', min: 0, max: (value: { max: number }) => Math.max(share * 1.5, Math.ceil(value.max / 5) * 5) },
    series: [
      {
        name: labels.series,
        type: 'bar',
        barMaxWidth: 36,
        data: villages.map((v) => ({ value: v.sharePercent, itemStyle: { color: v.sharePercent >= share ? '#2ba471' : '#d54941' } })),
        label: { show: villages.length <= 12, position: 'top', formatter: '{c}%' },
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { type: 'dashed', color: '#e37318', width: 2 },
          label: { formatter: `${labels.target} ${share}%`, position: 'insideEndTop' },
          data: [{ yAxis: share }],
        },
      },
    ],
  }
}
