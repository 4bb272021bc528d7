import type { RegionSummary } from '@minqing/common'

export interface SummaryTotals {
  /** Towns (镇街) in the subtree. */
  towns: number
  villages: number
  grids: number
  users: number
  units: number
}

/** Totals for the whole subtree of a summary's region (people and units attached to it included). */
export function summaryTotals(summary: RegionSummary | null | undefined): SummaryTotals {
  if (!summary) return { towns: 0, villages: 0, grids: 0, users: 0, units: 0 }
  const { towns, villages, grids, users, units } = summary.totals
  return { towns, villages, grids, users, units }
}

/** usersByRole with empty entries removed, largest first. */
export function roleCounts(summary: RegionSummary | null | undefined): { role: string; count: number }[] {
  if (!summary) return []
  return summary.usersByRole.filter((r) => r.count > 0).sort((a, b) => b.count - a.count)
}
