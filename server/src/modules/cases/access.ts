import { CASE_LEVELS, type CaseLevel, type CaseRole } from '@minqing/common'
import { type Actor, hasPermission, pathInScope, scopeOf, SYSTEM_ACTOR_ID } from '../../platform/policy.ts'
import type { CaseRow } from './cases.repository.ts'

// Who is who on a case: the roles of the lifecycle table (common/case-lifecycle.ts) as checks on an actor.

export const LEVEL_DEPTH: Record<CaseLevel, number> = { county: 1, town: 2, village: 3, grid: 4 }
export const levelIndex = (l: string) => CASE_LEVELS.indexOf(l as CaseLevel)
export const nextLevel = (l: CaseLevel): CaseLevel | undefined => CASE_LEVELS[levelIndex(l) + 1]

/** The region that handles a case at a level: the case region's ancestor at that depth. */
export function levelRegionPath(casePath: string, level: CaseLevel): string {
  const codes = casePath.split('/').filter(Boolean)
  return '/' + codes.slice(0, Math.min(codes.length, LEVEL_DEPTH[level] + 1)).join('/') + '/'
}

export const villagePath = (path: string) => levelRegionPath(path, 'village')

/** At or above the region that handles the case at its current level, with a dispatching role. */
export function isDispatcher(actor: Actor, c: CaseRow) {
  return hasPermission(actor, 'cases.dispatch') && levelRegionPath(c.region_path, c.level).startsWith(actor.regionPath)
}

export function isHandler(actor: Actor, c: CaseRow) {
  return c.handler_id === actor.userId || c.claimed_by === actor.userId || (!!actor.unitId && c.unit_id === actor.unitId)
}

/**
 * 随手报 without area reads (volunteers: `cases.report` but not `cases.raise`): such a user reads the cases they
 * reported and nothing else of their area — residents' matters are not theirs to read.
 */
export const readsOwnReportsOnly = (actor: Actor) => hasPermission(actor, 'cases.report') && !hasPermission(actor, 'cases.raise')

/** In the actor's area, or dispatched to them or their unit; for reporters only (above) their own reports. Anything else is answered 404. */
export function isVisible(actor: Actor, c: CaseRow | undefined): c is CaseRow {
  if (!c) return false
  if (readsOwnReportsOnly(actor)) return c.reporter_user_id === actor.userId
  return pathInScope(scopeOf(actor), c.region_path) || isHandler(actor, c)
}

/** Timeline actions that make their actor one who handled the case (and so may not rate it). */
export const HANDLING_ACTIONS = ['accept', 'reply', 'resolve_on_spot', 'claim'] as const

/** What a role check needs beyond the row: who has handled the case (actors of HANDLING_ACTIONS). */
export interface CaseFacts {
  handledBy: ReadonlySet<string>
  /** The action comes through a 回访 call (the callbacks module), where staff record the reporter's answer. */
  viaCall?: boolean
}

/** Whether this user worked on the case (handler, claimant, or accepted, answered or resolved it). */
const handled = (userId: string, c: CaseRow, facts: CaseFacts) => c.handler_id === userId || c.claimed_by === userId || facts.handledBy.has(userId)

/** The server itself: jobs, other platforms' updates, side effects on another case. */
export function systemActor(name = 'system'): Actor {
  return {
    userId: SYSTEM_ACTOR_ID,
    sessionId: '',
    name,
    phone: '',
    roles: [],
    regionId: 0,
    regionCode: '',
    regionName: '',
    regionLevel: 'grid',
    regionPath: '/-/',
    unitId: null,
    station: null,
  }
}

/** The resident behind a tracking code: may rate that one case, nothing else, sees no area. */
export function residentActor(caseId: string): Actor {
  return { ...systemActor('tracking_code'), reporterOf: caseId }
}

export const isSystem = (a: Actor) => a.userId === SYSTEM_ACTOR_ID && !a.reporterOf

/** Whether the actor holds a role of the lifecycle table on this case. */
export function holdsRole(role: CaseRole, actor: Actor, c: CaseRow, facts: CaseFacts): boolean {
  switch (role) {
    case 'dispatcher':
      return isDispatcher(actor, c)
    case 'handler':
      return isHandler(actor, c)
    case 'leader':
      return hasPermission(actor, 'cases.claim')
    case 'supervisor':
      return hasPermission(actor, 'cases.supervise')
    case 'reporter':
      // The resident by the tracking code, or the signed-in reporter — never staff rating their own handling.
      if (actor.reporterOf) return actor.reporterOf === c.id
      return c.reporter_user_id === actor.userId && actor.userId !== SYSTEM_ACTOR_ID && !handled(actor.userId, c, facts)
    case 'raiser':
      return c.created_by === actor.userId && hasPermission(actor, 'cases.raise')
    case 'caller':
      // 回访: staff recording the rating a reporter gave on the phone — only through the call-back's own door,
      // and never someone who worked on the case.
      return !!facts.viaCall && hasPermission(actor, 'cases.callback') && !handled(actor.userId, c, facts)
    case 'system':
      return isSystem(actor)
  }
}
