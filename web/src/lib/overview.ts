import type { RegionSummary } from '@minqing/common'
import { regionsApi } from '../api/regions.ts'
import { summaryTotals, type SummaryTotals } from './summary.ts'

export interface RegionOverview {
  summary: RegionSummary
  totals: SummaryTotals
}

/** The summary of a region and the totals for its whole subtree (as the server counts them). */
export async function loadRegionOverview(code: string): Promise<RegionOverview> {
  const summary = await regionsApi.summary(code)
  return { summary, totals: summaryTotals(summary) }
}
