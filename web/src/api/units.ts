import type { Unit, UnitKind } from '@minqing/common'
import { api } from './client.ts'

export interface UnitQuery {
  regionCode?: string
  kind?: UnitKind | ''
  q?: string
  limit?: number
  offset?: number
}
export interface UnitList {
  items: Unit[]
  total: number
}
export interface UnitInput {
  name: string
  kind: UnitKind
  regionCode: string
}

export const unitsApi = {
  list: (query: UnitQuery = {}) => api.get<UnitList>('/units', { ...query }),
  get: (id: string) => api.get<Unit>(`/units/${encodeURIComponent(id)}`),
  create: (body: UnitInput) => api.post<Unit>('/units', body),
  update: (id: string, body: Partial<UnitInput>) => api.patch<Unit>(`/units/${encodeURIComponent(id)}`, body),
}
