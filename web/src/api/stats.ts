/**
 * Statistics over the API (the contract is common/src/stats.ts; every figure comes from the server's stats
 * module with its formula), and the case list export. Types only from @minqing/common.
 */
import type { CaseListParams } from './cases.ts'
import type { CaseStats, CockpitSummary, StatsGroupBy, VisitStats } from '@minqing/common'
import { api } from './client.ts'
import { downloadFile } from './transfer.ts'
import { withQuery, type Params } from '../lib/archive/query.ts'

export interface CaseStatsParams {
  regionCode?: string | null
  from?: string
  to?: string
  groupBy?: StatsGroupBy
  categoryCode?: string | null
  unitId?: string | null
}
export interface VisitStatsParams {
  regionCode?: string | null
  from?: string
  to?: string
}

const params = (p: object): Params => p as Params

export const statsApi = {
  cases: (p: CaseStatsParams, signal?: AbortSignal) => api.get<CaseStats>(withQuery('/stats/cases', params(p)), undefined, { signal }),
  visits: (p: VisitStatsParams, signal?: AbortSignal) => api.get<VisitStats>(withQuery('/stats/visits', params(p)), undefined, { signal }),
  casesXlsx: (p: CaseStatsParams) => downloadFile(withQuery('/stats/cases.xlsx', params(p)), 'stats.xlsx'),
  cockpit: (regionCode?: string | null) => api.get<CockpitSummary>(withQuery('/cockpit/summary', params({ regionCode }))),
}

/** 事项清单 (GET /api/cases.xlsx): the case list's filters and queue, without the page. */
export function exportCases(p: CaseListParams): Promise<string> {
  const { limit: _limit, offset: _offset, ...rest } = p
  return downloadFile(withQuery('/cases.xlsx', params(rest)), 'cases.xlsx')
}
