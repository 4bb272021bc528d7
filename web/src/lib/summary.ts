import type { RegionSummary } from '@minqing/common'

export interface SummaryTotals {
  /** Direct children that are towns (镇街). */
  towns: number
  villages: number
  grids: number
  users: number
  units: number
}

/**
 * Totals for the region of a summary, added up from its children. A child that *is* a village/grid counts as
 * one (whether or not the server counts a region in its own `villages`/`grids`).
 *
 * Note: `users`/`units` are the sum over children, so people/units attached directly to the region itself
 * (e.g. a city-level admin, city departments) are not included; `loadRegionOverview` replaces them with the
 * list endpoints' totals when it can.
 */
export function summaryTotals(summary: RegionSummary | null | undefined): SummaryTotals {
  const totals: SummaryTotals = { towns: 0, villages: 0, grids: 0, users: 0, units: 0 }
  if (!summary) return totals
  for (const child of summary.children) {
    if (child.level === 'town') totals.towns += 1
    totals.villages += child.level === 'village' ? 1 : child.villages
    totals.grids += child.level === 'grid' ? 1 : child.grids
    totals.users += child.users
    totals.units += child.units
  }
  return totals
}

/** usersByRole with empty entries removed, largest first. */
export function roleCounts(summary: RegionSummary | null | undefined): { role: string; count: number }[] {
  if (!summary) return []
  return summary.usersByRole.filter((r) => r.count > 0).sort((a, b) => b.count - a.count)
}
