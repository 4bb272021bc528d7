import type { Region, RegionDetail, RegionSummary } from '@minqing/common'
import { api } from './client.ts'

const enc = encodeURIComponent

export const regionsApi = {
  /** The user's own region: the root of everything they may see. */
  roots: () => api.get<Region[]>('/regions'),
  children: (parent: string) => api.get<Region[]>('/regions', { parent }),
  get: (code: string) => api.get<RegionDetail>(`/regions/${enc(code)}`),
  summary: (code: string) => api.get<RegionSummary>(`/regions/${enc(code)}/summary`),
  /** Admin: add a grid under a village. */
  createGrid: (parentCode: string, name: string, code?: string) => api.post<Region>('/regions', code ? { parentCode, name, code } : { parentCode, name }),
  rename: (code: string, name: string) => api.patch<Region>(`/regions/${enc(code)}`, { name }),
}

/** A region with no children is a leaf in every picker/tree. */
export function isLeafRegion(region: Pick<Region, 'childCount'>): boolean {
  return region.childCount === 0
}

/**
 * The codes from `rootCode` down to the region (inclusive), taken from `region.path` (which starts at the city).
 * Used to preselect a lazy cascader whose top level is the user's own region. Returns [] when the region is
 * not under the root.
 */
export function pathFromRoot(path: readonly string[], rootCodes: readonly string[]): string[] {
  for (let i = 0; i < path.length; i++) {
    if (rootCodes.includes(path[i])) return path.slice(i)
  }
  return []
}
