import { can, type Permission, type RegionLevel, type Role, type Station } from '@minqing/common'
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely'
import { forbidden, notFound } from './errors.ts'

/** The actor id of work the command line does on no user's behalf (audit rows record no user for it). */
export const SYSTEM_ACTOR_ID = '00000000-0000-0000-0000-000000000000'

/** Who is acting: the signed-in user as every service sees it. */
export interface Actor {
  userId: string
  sessionId: string
  name: string
  phone: string
  roles: Role[]
  regionId: number
  regionCode: string
  regionName: string
  regionLevel: RegionLevel
  /** Materialized path of the user's region; everything under it is in scope. */
  regionPath: string
  unitId: string | null
  /** Set only for a resident acting on their own case through its tracking code (no account, no area). */
  reporterOf?: string
  station: Station | null
}

/**
 * Area-scoped access, the platform rule every module uses (ARCHITECTURE.md §5): a user sees rows whose
 * region lies in the subtree of their own region, plus rows dispatched to their unit. Reads out of scope
 * answer 404 (as if the row did not exist); writes the user may not make answer 403.
 */
export interface Scope {
  regionPath: string
  unitId: string | null
}

export const scopeOf = (actor: Actor): Scope => ({ regionPath: actor.regionPath, unitId: actor.unitId })

/** True when a region path lies in the actor's subtree. */
export function pathInScope(scope: Scope, regionPath: string): boolean {
  return regionPath.startsWith(scope.regionPath)
}

/** True when `regionPath` is the actor's own region or one of its ancestors (shown as context only). */
export function isAncestorPath(scope: Scope, regionPath: string): boolean {
  return scope.regionPath.startsWith(regionPath)
}

/**
 * SQL form of the rule for repositories: `<pathColumn> LIKE '<scope path>%'`, OR the row's unit column is the
 * actor's unit when the caller names one. Paths hold only digits and '/', so no LIKE escaping is needed.
 */
export function whereInScope<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, scope: Scope, pathColumn: string, unitColumn?: string): Expression<SqlBool> {
  const inTree = sql<SqlBool>`${sql.ref(pathColumn)} like ${scope.regionPath + '%'}`
  if (unitColumn && scope.unitId) return eb.or([inTree, sql<SqlBool>`${sql.ref(unitColumn)} = ${scope.unitId}`])
  return inTree
}

/** Throws the 404 of an out-of-scope read unless the row is visible. */
export function assertVisible(scope: Scope, row: { path: string; unitId?: string | null } | undefined, what: string) {
  if (!row) throw notFound(what)
  if (pathInScope(scope, row.path)) return
  if (row.unitId && scope.unitId && row.unitId === scope.unitId) return
  throw notFound(what)
}

/** The row, when the actor may see it (its region lies in their subtree); otherwise the 404 of a row that does not exist. */
export function visibleRow<T extends { region_path: string }>(actor: Actor, row: T | undefined, what: string): T {
  assertVisible(scopeOf(actor), row && { path: row.region_path }, what)
  return row!
}

/** The row, when the actor may also change it: 404 as `visibleRow`, 403 outside the area they may write. */
export function writableRow<T extends { region_path: string }>(actor: Actor, row: T | undefined, what: string): T {
  const visible = visibleRow(actor, row, what)
  assertWritableRegion(scopeOf(actor), visible.region_path)
  return visible
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.roles.some((r) => roles.includes(r))
}

/** Throws 403 unless the actor holds one of the roles. */
export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!hasRole(actor, ...roles)) throw forbidden('没有权限执行此操作', { requiredRoles: roles })
}

/** Throws 403 when a write would reach outside the actor's subtree. */
export function assertWritableRegion(scope: Scope, regionPath: string): void {
  if (!pathInScope(scope, regionPath)) throw forbidden('不能修改本人辖区以外的数据')
}

export const hasPermission = (actor: Actor, permission: Permission) => can(actor.roles, permission)

/** Throws 403 unless one of the actor's roles grants the permission (common/src/permissions.ts). */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor.roles, permission)) throw forbidden('没有权限执行此操作', { requiredPermission: permission })
}

/** Region levels whose admins may change settings that apply to every town (county-wide settings). */
const COUNTY_LEVELS: readonly RegionLevel[] = ['city', 'county']

/** True when the actor sits at county level or above (their area is the whole county). */
export const isCountyLevel = (actor: Pick<Actor, 'regionLevel'>) => COUNTY_LEVELS.includes(actor.regionLevel)

/**
 * Throws 403 unless the actor holds the permission AND sits at county level or above: settings without a region
 * (visit rules, the category tree with its time limits and default units, tags) apply to every town, so a town's
 * admin may read them but not change them.
 */
export function requireCountyAdmin(actor: Actor, permission: Permission): void {
  requirePermission(actor, permission)
  if (!isCountyLevel(actor)) throw forbidden('全县通用的设置只能由县级(及以上)管理员修改', { requiredPermission: permission, requiredLevel: 'county' })
}

/**
 * `<regionIdColumn>` lies in the subtree under `path` (and under each of `alsoUnder`: one id list for the
 * intersection of an asked region and the caller's area), written so PostgreSQL resolves the (small) set of
 * region ids first and then uses the big table's region index: at a million rows this is several times faster
 * than joining regions and filtering on its path.
 */
export function regionIdUnder(regionIdColumn: string, path: string, ...alsoUnder: string[]): Expression<SqlBool> {
  const paths = [path, ...alsoUnder].map((p) => sql<SqlBool>`path like ${p + '%'}`)
  return sql<SqlBool>`${sql.ref(regionIdColumn)} = any(array(select id from regions where ${sql.join(paths, sql` and `)}))`
}
