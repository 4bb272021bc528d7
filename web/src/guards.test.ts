// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { decideNavigation, homeFor, isLoginPath, loginLocation, safeRedirect, type GuardMeta, type GuardUser } from './guards.ts'

const admin: GuardUser = { roles: ['admin'] }
const leader: GuardUser = { roles: ['leader'] }
const cadre: GuardUser = { roles: ['stationed_cadre'] }

function to(fullPath: string, meta: GuardMeta, query: Record<string, unknown> = {}) {
  const path = fullPath.split('?')[0]
  return { path, fullPath, meta, query }
}

describe('homeFor', () => {
  it('sends narrow screens to the mobile app and others to the console', () => {
    expect(homeFor(375)).toBe('/m')
    expect(homeFor(767)).toBe('/m')
    expect(homeFor(768)).toBe('/console')
    expect(homeFor(1920)).toBe('/console')
  })
})

describe('safeRedirect', () => {
  it('accepts same-site absolute paths', () => {
    expect(safeRedirect('/console/users?role=admin', '/console')).toBe('/console/users?role=admin')
    expect(safeRedirect(['/cockpit'], '/console')).toBe('/cockpit')
  })
  it('rejects other sites, odd values and login pages', () => {
    for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', 'console', '', undefined, 42, '/login', '/m/login?redirect=/m', '/login/']) {
      expect(safeRedirect(bad, '/console')).toBe('/console')
    }
  })
})

describe('loginLocation', () => {
  it('picks the login page of the area and remembers the target', () => {
    expect(loginLocation('console', '/console/users?q=1')).toBe('/login?redirect=%2Fconsole%2Fusers%3Fq%3D1')
    expect(loginLocation('cockpit', '/cockpit')).toBe('/login?redirect=%2Fcockpit')
    expect(loginLocation('mobile', '/m/me')).toBe('/m/login?redirect=%2Fm%2Fme')
  })
  it('leaves out a redirect to the area home', () => {
    expect(loginLocation('console', '/console')).toBe('/login')
    expect(loginLocation('mobile', '/m')).toBe('/m/login')
  })
  it('marks an expired session', () => {
    expect(loginLocation('mobile', '/m', { expired: true })).toBe('/m/login?expired=1')
    expect(loginLocation('console', '/console/units', { expired: true })).toBe('/login?redirect=%2Fconsole%2Funits&expired=1')
  })
  it('knows login paths', () => {
    expect(isLoginPath('/login?redirect=/x')).toBe(true)
    expect(isLoginPath('/m/login')).toBe(true)
    expect(isLoginPath('/m/loginx')).toBe(false)
  })
})

describe('decideNavigation', () => {
  const consolePage: GuardMeta = { area: 'console', requiresAuth: true }
  const adminPage: GuardMeta = { area: 'console', requiresAuth: true, roles: ['admin'] }
  const cockpit: GuardMeta = { area: 'cockpit', requiresAuth: true, roles: ['leader', 'admin'] }
  const mobilePage: GuardMeta = { area: 'mobile', requiresAuth: true }
  const desktopLogin: GuardMeta = { area: 'console', guestOnly: true }
  const mobileLogin: GuardMeta = { area: 'mobile', guestOnly: true }

  it('lets public pages through', () => {
    expect(decideNavigation(to('/nope', { area: 'public' }), null)).toBe(true)
  })

  it('sends anonymous users to the right login page with a redirect', () => {
    expect(decideNavigation(to('/console/regions', consolePage), null)).toBe('/login?redirect=%2Fconsole%2Fregions')
    expect(decideNavigation(to('/cockpit', cockpit), null)).toBe('/login?redirect=%2Fcockpit')
    expect(decideNavigation(to('/m/me', mobilePage), null)).toBe('/m/login?redirect=%2Fm%2Fme')
    expect(decideNavigation(to('/m', mobilePage), null)).toBe('/m/login')
  })

  it('treats a page with roles as needing sign-in even without requiresAuth', () => {
    expect(decideNavigation(to('/console/users', { area: 'console', roles: ['admin'] }), null)).toBe('/login?redirect=%2Fconsole%2Fusers')
  })

  it('lets signed-in users in', () => {
    expect(decideNavigation(to('/console/regions', consolePage), cadre)).toBe(true)
    expect(decideNavigation(to('/m', mobilePage), cadre)).toBe(true)
  })

  it('shows 403 for console pages the roles do not allow', () => {
    expect(decideNavigation(to('/console/users', adminPage), cadre)).toBe('/console/403')
    expect(decideNavigation(to('/console/users', adminPage), leader)).toBe('/console/403')
    expect(decideNavigation(to('/console/users', adminPage), admin)).toBe(true)
  })

  it('lets leaders and admins (only) into the cockpit', () => {
    expect(decideNavigation(to('/cockpit', cockpit), leader)).toBe(true)
    expect(decideNavigation(to('/cockpit', cockpit), admin)).toBe(true)
    expect(decideNavigation(to('/cockpit', cockpit), cadre)).toBe('/console/403')
  })

  it('sends signed-in users away from login pages, to ?redirect= when it is safe', () => {
    expect(decideNavigation(to('/login', desktopLogin), admin)).toBe('/console')
    expect(decideNavigation(to('/m/login', mobileLogin), cadre)).toBe('/m')
    expect(decideNavigation(to('/login?redirect=/cockpit', desktopLogin, { redirect: '/cockpit' }), leader)).toBe('/cockpit')
    expect(decideNavigation(to('/login?redirect=https://evil', desktopLogin, { redirect: 'https://evil' }), leader)).toBe('/console')
    expect(decideNavigation(to('/m/login?redirect=/m/login', mobileLogin, { redirect: '/m/login' }), cadre)).toBe('/m')
  })

  it('lets anonymous users see login pages', () => {
    expect(decideNavigation(to('/login', desktopLogin), null)).toBe(true)
    expect(decideNavigation(to('/m/login', mobileLogin), null)).toBe(true)
  })

  it('derives the area from the path when meta has none', () => {
    expect(decideNavigation(to('/m/me', { requiresAuth: true }), null)).toBe('/m/login?redirect=%2Fm%2Fme')
    expect(decideNavigation(to('/cockpit', { requiresAuth: true }), null)).toBe('/login?redirect=%2Fcockpit')
  })
})
