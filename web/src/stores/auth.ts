import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { FailedAttempts, Role, SessionUser } from '@minqing/common'
import { authApi } from '../api/auth.ts'
import { ApiError } from '../api/client.ts'
import { useScopeStore } from './scope.ts'

/**
 * Who is signed in. The session itself is the httpOnly cookie `mq_session` (set by the server on login);
 * this store only mirrors `GET /api/auth/me`.
 */
export const useAuthStore = defineStore('auth', () => {
  const user = ref<SessionUser | null>(null)
  /** True once the first `fetchMe()` has finished (whatever its outcome). */
  const loaded = ref(false)
  /** Set when `fetchMe()` failed for a reason other than "not signed in" (server down...). */
  const loadError = ref<ApiError | null>(null)
  let pending: Promise<SessionUser | null> | null = null
  /** Failed logins on this account since its previous login, as the last login answered (shown once, then cleared). */
  const failedAttempts = ref<FailedAttempts | null>(null)

  const isAuthenticated = computed(() => user.value !== null)
  const roles = computed<Role[]>(() => user.value?.roles ?? [])
  const isAdmin = computed(() => roles.value.includes('admin'))
  const canSeeCockpit = computed(() => roles.value.includes('admin') || roles.value.includes('leader'))
  /**
   * Settings without a region (visit rules, the category tree with its limits and default units, tags) apply to every
   * town: the server lets only county-level (or higher) users change them, so the console offers the edit only to them.
   */
  const canEditCountySettings = computed(() => user.value?.regionLevel === 'county' || user.value?.regionLevel === 'city')

  function hasRole(...wanted: Role[]): boolean {
    return wanted.some((r) => roles.value.includes(r))
  }

  async function fetchMe(): Promise<SessionUser | null> {
    try {
      user.value = await authApi.me()
      loadError.value = null
    } catch (err) {
      user.value = null
      if (err instanceof ApiError) loadError.value = err.status === 401 ? null : err
      else loadError.value = new ApiError(0, 'UNKNOWN', String(err))
    } finally {
      loaded.value = true
    }
    return user.value
  }

  /** Runs `fetchMe()` once; later calls share that result (the router guard awaits this before every navigation). */
  function ensureLoaded(): Promise<SessionUser | null> {
    if (loaded.value) return Promise.resolve(user.value)
    if (!pending) pending = fetchMe().finally(() => (pending = null))
    return pending
  }

  async function login(phone: string, password: string): Promise<SessionUser> {
    const res = await authApi.login(phone.trim(), password)
    if (user.value?.id !== res.user.id) useScopeStore().reset()
    user.value = res.user
    failedAttempts.value = res.failedAttemptsSinceLastLogin ?? null
    loaded.value = true
    loadError.value = null
    return res.user
  }

  /** Ends the session on the server (best effort) and forgets the user locally. */
  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } catch {
      /* already signed out / offline: clear locally anyway */
    }
    clear()
  }

  /** Forget the user (and their picked region) without calling the server (after a 401). */
  function clear(): void {
    user.value = null
    loaded.value = true
    useScopeStore().reset()
  }

  /** The failed-attempts notice of the last login, once (the login page shows it right after signing in). */
  function takeFailedAttempts(): FailedAttempts | null {
    const f = failedAttempts.value
    failedAttempts.value = null
    return f
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await authApi.changePassword(currentPassword, newPassword)
  }

  return {
    user,
    loaded,
    loadError,
    isAuthenticated,
    roles,
    isAdmin,
    canSeeCockpit,
    canEditCountySettings,
    hasRole,
    fetchMe,
    ensureLoaded,
    login,
    logout,
    clear,
    changePassword,
    takeFailedAttempts,
  }
})
