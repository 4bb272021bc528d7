/** 考核评价 over the API (contract: common/src/evaluation.ts). Scores, awards and formulas are computed on the server. */
import type { Awards, AwardsBodyT, CadreScores, CreateFormula, FormulaVersion, UnitScores } from '@minqing/common'
import { api, request } from './client.ts'
import { withQuery, type Params } from '../lib/archive/query.ts'

export interface FormulaListItem extends FormulaVersion {
  note: string | null
  createdAt: string
}
const q = (p: object): Params => p as Params

export const evaluationApi = {
  units: (period: string, regionCode?: string | null) => api.get<UnitScores>(withQuery('/evaluation/units', q({ period, regionCode: regionCode || undefined }))),
  cadres: (period: string, regionCode?: string | null) => api.get<CadreScores>(withQuery('/evaluation/cadres', q({ period, regionCode: regionCode || undefined }))),
  awards: (period: string, regionCode?: string | null) => api.get<Awards>(withQuery('/evaluation/awards', q({ period, regionCode: regionCode || undefined }))),
  latestAwards: (regionCode?: string | null) => api.get<{ awards: Awards | null }>(withQuery('/evaluation/awards/latest', q({ regionCode: regionCode || undefined }))),
  annotate: (body: AwardsBodyT) => request<Awards>('/evaluation/awards', { method: 'PUT', body }),
  publish: (body: AwardsBodyT) => api.post<Awards>('/evaluation/awards/publish', body),
  formulas: () => api.get<{ items: FormulaListItem[] }>('/evaluation/formulas'),
  createFormula: (body: CreateFormula) => api.post<FormulaListItem>('/evaluation/formulas', body),
}
