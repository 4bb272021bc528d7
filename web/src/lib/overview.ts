import type { RegionSummary, Role } from '@minqing/common'
import { regionsApi } from '../api/regions.ts'
import { usersApi } from '../api/users.ts'
import { unitsApi } from '../api/units.ts'
import { summaryTotals, type SummaryTotals } from './summary.ts'

/** Roles the server lets list users (others would get 403, so we do not ask). */
const USER_LISTERS: readonly Role[] = ['admin', 'leader', 'town_handler', 'dept_handler', 'village_cadre']

export interface RegionOverview {
  summary: RegionSummary
  totals: SummaryTotals
}

/**
 * The summary of a region plus totals for the whole subtree. RegionSummary only counts people/units per child,
 * which leaves out those attached to the region itself (e.g. city departments, the city admin), so the people
 * and unit totals come from the list endpoints' `total` (limit=1) when the user may call them; otherwise they
 * fall back to the sum over the children.
 */
export async function loadRegionOverview(code: string, roles: readonly Role[]): Promise<RegionOverview> {
  const canListUsers = roles.some((r) => USER_LISTERS.includes(r))
  const [summary, users, units] = await Promise.all([
    regionsApi.summary(code),
    canListUsers ? usersApi.list({ regionCode: code, limit: 1 }).catch(() => null) : Promise.resolve(null),
    unitsApi.list({ regionCode: code, limit: 1 }).catch(() => null),
  ])
  const totals = summaryTotals(summary)
  if (users && typeof users.total === 'number') totals.users = users.total
  if (units && typeof units.total === 'number') totals.units = units.total
  return { summary, totals }
}
