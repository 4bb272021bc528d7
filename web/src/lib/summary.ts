import type { RegionSummary } from '@minqing/common'

export interface SummaryTotals {
  /** Towns (镇街) in the subtree. */
  towns: number
  villages: number
  grids: number
  /** Login accounts (账号). */
  users: number
  units: number
  /** Persons in the archive (在册居民); 0 from a server that does not count them. */
  residents: number
}

/** Totals for the whole subtree of a summary's region (people and units attached to it included). */
export function summaryTotals(summary: RegionSummary | null | undefined): SummaryTotals {
  if (!summary) return { towns: 0, villages: 0, grids: 0, users: 0, units: 0, residents: 0 }
  const { towns, villages, grids, users, units } = summary.totals
  return { towns, villages, grids, users, units, residents: summary.totals.residents ?? 0 }
}

/** usersByRole with empty entries removed, largest first. */
export function roleCounts(summary: RegionSummary | null | undefined): { role: string; count: number }[] {
  if (!summary) return []
  return summary.usersByRole.filter((r) => r.count > 0).sort((a, b) => b.count - a.count)
}
