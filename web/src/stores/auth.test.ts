// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { SessionUser } from '@minqing/common'
import { useAuthStore } from './auth.ts'
import { useScopeStore } from './scope.ts'
import { ApiError } from '../api/client.ts'

const admin: SessionUser = {
  id: '00000000-0000-4000-8000-000000000001',
  name: '管理员',
  phone: '13800000000',
  roles: ['admin'],
  regionCode: '330683',
  regionName: '嵊州市',
  regionLevel: 'county',
  unitId: null,
  station: null,
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

describe('auth store', () => {
  const fetchMock = vi.fn()
  beforeEach(() => {
    setActivePinia(createPinia())
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('fetchMe stores the session user', async () => {
    fetchMock.mockResolvedValue(json(200, admin))
    const auth = useAuthStore()
    expect(auth.loaded).toBe(false)
    await auth.fetchMe()
    expect(fetchMock.mock.calls[0][0]).toBe('/api/auth/me')
    expect(auth.user).toEqual(admin)
    expect(auth.loaded).toBe(true)
    expect(auth.isAuthenticated).toBe(true)
    expect(auth.isAdmin).toBe(true)
    expect(auth.canSeeCockpit).toBe(true)
    expect(auth.hasRole('leader', 'admin')).toBe(true)
    expect(auth.hasRole('volunteer')).toBe(false)
  })

  it('fetchMe on 401 means signed out, without an error', async () => {
    fetchMock.mockResolvedValue(json(401, { error: { code: 'UNAUTHENTICATED', message: 'no session' } }))
    const auth = useAuthStore()
    await auth.fetchMe()
    expect(auth.user).toBeNull()
    expect(auth.loaded).toBe(true)
    expect(auth.loadError).toBeNull()
  })

  it('fetchMe keeps other failures in loadError', async () => {
    fetchMock.mockResolvedValue(json(500, { error: { code: 'INTERNAL', message: 'db down' } }))
    const auth = useAuthStore()
    await auth.fetchMe()
    expect(auth.user).toBeNull()
    expect(auth.loadError).toBeInstanceOf(ApiError)
    expect(auth.loadError?.code).toBe('INTERNAL')
  })

  it('ensureLoaded asks the server only once', async () => {
    fetchMock.mockResolvedValue(json(200, admin))
    const auth = useAuthStore()
    const [a, b] = await Promise.all([auth.ensureLoaded(), auth.ensureLoaded()])
    await auth.ensureLoaded()
    expect(a).toEqual(admin)
    expect(b).toEqual(admin)
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })

  it('login posts the credentials and stores the user', async () => {
    fetchMock.mockResolvedValue(json(200, { token: 't', expiresAt: '2030-01-01T00:00:00Z', user: admin }))
    const auth = useAuthStore()
    const user = await auth.login(' 13800000000 ', 'minqing-demo')
    expect(user).toEqual(admin)
    expect(auth.user).toEqual(admin)
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/auth/login')
    expect(JSON.parse(init.body)).toEqual({ phone: '13800000000', password: 'minqing-demo' })
  })

  it('offers county-wide settings only to county-level (or higher) users', async () => {
    fetchMock.mockResolvedValue(json(200, { token: 't', expiresAt: '2030-01-01T00:00:00Z', user: admin }))
    const auth = useAuthStore()
    await auth.login('13800000000', 'minqing-demo')
    expect(auth.canEditCountySettings).toBe(true)
    fetchMock.mockResolvedValue(json(200, { token: 't', expiresAt: '2030-01-01T00:00:00Z', user: { ...admin, regionCode: '330683105', regionLevel: 'town' } }))
    await auth.login('13800000000', 'minqing-demo')
    expect(auth.canEditCountySettings).toBe(false)
  })

  it('login keeps the failed-attempts notice for the page to show once', async () => {
    const failed = { count: 5, addresses: 1, lastAt: '2026-12-07T01:00:00.000Z' }
    fetchMock.mockResolvedValue(json(200, { token: 't', expiresAt: '2030-01-01T00:00:00Z', user: admin, failedAttemptsSinceLastLogin: failed }))
    const auth = useAuthStore()
    await auth.login('13800000000', 'minqing-demo')
    expect(auth.takeFailedAttempts()).toEqual(failed)
    expect(auth.takeFailedAttempts()).toBeNull()
    fetchMock.mockResolvedValue(json(200, { token: 't', expiresAt: '2030-01-01T00:00:00Z', user: admin }))
    await auth.login('13800000000', 'minqing-demo')
    expect(auth.takeFailedAttempts()).toBeNull()
  })

  it('login failure throws the ApiError and leaves the user signed out', async () => {
    fetchMock.mockResolvedValue(json(401, { error: { code: 'INVALID_CREDENTIALS', message: 'bad' } }))
    const auth = useAuthStore()
    const err = (await auth.login('13800000000', 'nope').catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('INVALID_CREDENTIALS')
    expect(auth.user).toBeNull()
  })

  it('logout calls the server and clears the user, even when the server call fails', async () => {
    fetchMock.mockResolvedValueOnce(json(200, admin))
    const auth = useAuthStore()
    await auth.fetchMe()
    fetchMock.mockRejectedValueOnce(new TypeError('offline'))
    await auth.logout()
    expect(fetchMock.mock.calls[1][0]).toBe('/api/auth/logout')
    expect(fetchMock.mock.calls[1][1].method).toBe('POST')
    expect(auth.user).toBeNull()
    expect(auth.isAuthenticated).toBe(false)
  })

  it('forgets the picked region on logout/clear', async () => {
    fetchMock.mockResolvedValue(json(200, { ok: true }))
    const auth = useAuthStore()
    const scope = useScopeStore()
    scope.set({ code: '330683105', name: '石璜镇' })
    await auth.logout()
    expect(scope.region).toBeNull()
    scope.set({ code: '330683105', name: '石璜镇' })
    auth.clear()
    expect(scope.region).toBeNull()
  })

  it('clear forgets the user without a request', async () => {
    fetchMock.mockResolvedValueOnce(json(200, admin))
    const auth = useAuthStore()
    await auth.fetchMe()
    auth.clear()
    expect(auth.user).toBeNull()
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })

  it('changePassword posts both passwords', async () => {
    fetchMock.mockResolvedValue(json(200, { ok: true }))
    const auth = useAuthStore()
    await auth.changePassword('old-password', 'new-password')
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/auth/password')
    expect(JSON.parse(init.body)).toEqual({ currentPassword: 'old-password', newPassword: 'new-password' })
  })
})
