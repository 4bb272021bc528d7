/**
 * Route-guard decisions as pure functions (no router, no store), so they can be unit-tested.
 * `router.ts` feeds them the target route and the signed-in user.
 */
import type { Role } from '@minqing/common'

export type Area = 'mobile' | 'console' | 'cockpit' | 'public'

export interface GuardMeta {
  area?: Area
  /** Needs a signed-in user. */
  requiresAuth?: boolean
  /** Needs at least one of these roles (implies requiresAuth). */
  roles?: readonly Role[]
  /** Login pages: a signed-in user is sent on (to `?redirect=` or the area home). */
  guestOnly?: boolean
}

export interface GuardTarget {
  path: string
  fullPath: string
  query: Record<string, unknown>
  meta: GuardMeta
}

export interface GuardUser {
  roles: readonly Role[]
}

/** `true` = go ahead; a string = redirect there. */
export type GuardDecision = true | string

const MOBILE_BREAKPOINT = 768
export const DESKTOP_LOGIN = '/login'
export const MOBILE_LOGIN = '/m/login'
export const CONSOLE_HOME = '/console'
export const MOBILE_HOME = '/m'
const CONSOLE_FORBIDDEN = '/console/403'

/** Where `/` goes: phones to the mobile app, everything else to the console. */
export function homeFor(viewportWidth: number): string {
  return viewportWidth < MOBILE_BREAKPOINT ? MOBILE_HOME : CONSOLE_HOME
}

export function areaOf(path: string, meta?: GuardMeta): Area {
  if (meta?.area) return meta.area
  if (path === '/m' || path.startsWith('/m/')) return 'mobile'
  if (path === '/cockpit' || path.startsWith('/cockpit/')) return 'cockpit'
  if (path === '/console' || path.startsWith('/console/') || path === DESKTOP_LOGIN) return 'console'
  return 'public'
}

export function isLoginPath(path: string): boolean {
  const bare = path.split(/[?#]/)[0].replace(/\/+$/, '') || '/'
  return bare === DESKTOP_LOGIN || bare === MOBILE_LOGIN
}

/**
 * A `?redirect=` value we are willing to follow: a same-origin absolute path that is not a login page
 * (so no open redirects to other sites and no login→login loops). Anything else gives `fallback`.
 */
export function safeRedirect(raw: unknown, fallback: string): string {
  const value = Array.isArray(raw) ? raw[0] : raw
  if (typeof value !== 'string' || value === '') return fallback
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback
  if (/[\u0000-\u001f]/.test(value)) return fallback
  if (isLoginPath(value)) return fallback
  return value
}

/**
 * The login page for an area, remembering where the user wanted to go (`?redirect=`), and with
 * `expired=1` when the session ran out under the user's feet (the login page says so).
 */
export function loginLocation(area: Area, fullPath: string, opts: { expired?: boolean } = {}): string {
  const login = area === 'mobile' ? MOBILE_LOGIN : DESKTOP_LOGIN
  const home = area === 'mobile' ? MOBILE_HOME : CONSOLE_HOME
  const params: string[] = []
  if (fullPath && !isLoginPath(fullPath) && fullPath !== home && fullPath !== '/') {
    params.push(`redirect=${encodeURIComponent(fullPath)}`)
  }
  if (opts.expired) params.push('expired=1')
  return params.length ? `${login}?${params.join('&')}` : login
}

function homeOfArea(area: Area): string {
  return area === 'mobile' ? MOBILE_HOME : CONSOLE_HOME
}

function hasAnyRole(user: GuardUser | null, roles: readonly Role[] | undefined): boolean {
  if (!roles || roles.length === 0) return true
  if (!user) return false
  return roles.some((r) => user.roles.includes(r))
}

/** The decision for one navigation. */
export function decideNavigation(to: GuardTarget, user: GuardUser | null): GuardDecision {
  const meta = to.meta ?? {}
  const area = areaOf(to.path, meta)

  if (meta.guestOnly) {
    if (!user) return true
    return safeRedirect(to.query.redirect, homeOfArea(area))
  }

  const needsAuth = meta.requiresAuth || (meta.roles && meta.roles.length > 0)
  if (!needsAuth) return true
  if (!user) return loginLocation(area, to.fullPath)

  if (!hasAnyRole(user, meta.roles)) {
    return area === 'mobile' ? MOBILE_HOME : CONSOLE_FORBIDDEN
  }
  return true
}
