/** 驻企服务员: an enterprise's own timeline (企情日记) in the console, and the way to write one about it. */
import type { RouteLocationRaw } from 'vue-router'
import type { Params } from '../archive/query.ts'

export const ENTERPRISE_TIMELINE_PAGE = 20

/** `GET /api/diary` parameters for one enterprise's entries, newest first, paged by cursor. */
export function enterpriseDiaryParams(enterpriseId: string, before: string | null, limit = ENTERPRISE_TIMELINE_PAGE): Params {
  return { enterpriseId, before: before || undefined, limit }
}

/** 写企情日记 about this enterprise: the phone's write page, preset by `?enterpriseId=`. */
export function writeEnterpriseDiaryRoute(enterpriseId: string): RouteLocationRaw {
  return { path: '/m/diary/new', query: { enterpriseId } }
}
