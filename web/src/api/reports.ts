/** 民情分析会 weekly reports (GET /api/reports/weekly): the JSON for the page, the XLSX and the printable A4 page. */
import type { WeeklyReport } from '@minqing/common'
import { API_BASE, api } from './client.ts'
import { downloadFile } from './transfer.ts'
import { withQuery, type Params } from '../lib/archive/query.ts'

export interface WeeklyReportParams {
  regionCode?: string | null
  week?: string | null
}
const params = (p: WeeklyReportParams): Params => ({ regionCode: p.regionCode ?? undefined, week: p.week ?? undefined }) as Params

export const reportsApi = {
  weekly: (p: WeeklyReportParams, signal?: AbortSignal) => api.get<WeeklyReport>(withQuery('/reports/weekly', params(p)), undefined, { signal }),
  weeklyXlsx: (p: WeeklyReportParams) => downloadFile(withQuery('/reports/weekly', { ...params(p), format: 'xlsx' } as Params), 'weekly-report.xlsx'),
  /** The server-rendered A4 page (opens in a new tab; the session cookie goes along). */
  weeklyHtmlUrl: (p: WeeklyReportParams) => `${API_BASE}${withQuery('/reports/weekly', { ...params(p), format: 'html' } as Params)}`,
}
