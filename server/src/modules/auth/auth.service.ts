import type { LoginResponse, RegionLevel, Role, SessionUser, Station } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { Config } from '../../config.ts'
import type { DB } from '../../db/types.ts'
import { hashToken, newToken } from '../../platform/auth.ts'
import { audit } from '../../platform/audit.ts'
import { AppError, badRequest } from '../../platform/errors.ts'
import type { EventBus } from '../../platform/events.ts'
import { assertStrongPassword, burnVerifyTime, hashPassword, verifyPassword } from '../../platform/passwords.ts'
import type { Actor } from '../../platform/policy.ts'
import { revokeSessions } from '../../platform/session-cache.ts'
import { deleteSession, deleteUserSessions, insertSession } from '../../platform/sessions.repository.ts'
import * as repo from './auth.repository.ts'

/** Per client address the limit is higher: several cadres may share one office connection. */
const IP_FACTOR = 4
/**
 * The phone as a whole is never locked (anyone could lock a cadre out by failing on purpose), only slowed down:
 * past PHONE_SLOWDOWN_FACTOR × LOGIN_MAX_FAILURES failures since its last login, from any addresses, each next
 * attempt waits 1, 2, 4 … up to PHONE_MAX_DELAY_S seconds after the previous failure. A distributed guesser gets
 * about one guess a minute per phone; the owner waits at most that long.
 */
const PHONE_SLOWDOWN_FACTOR = 2
const PHONE_MAX_DELAY_S = 60

export function actorToSessionUser(actor: Actor): SessionUser {
  return {
    id: actor.userId,
    name: actor.name,
    phone: actor.phone,
    roles: actor.roles,
    regionCode: actor.regionCode,
    regionName: actor.regionName,
    regionLevel: actor.regionLevel,
    unitId: actor.unitId,
    station: actor.station,
  }
}

export class AuthService {
  constructor(
    private db: Kysely<DB>,
    private config: Config,
    private bus: EventBus,
  ) {}

  private async throttle(phone: string, ip: string) {
    const windowMs = this.config.loginLockMinutes * 60_000
    const now = Date.now()
    const f = await repo.recentFailures(this.db, phone, ip, new Date(now - windowMs))
    const max = this.config.loginMaxFailures
    const untilWindowEnds = (oldest: Date | null) => Math.ceil((new Date(oldest ?? now).getTime() + windowMs - now) / 1000)
    let retryAfter = 0
    // This phone from this address, and this address on any phone: refused until the window has passed.
    if (f.byPair >= max) retryAfter = untilWindowEnds(f.oldestByPair)
    else if (f.byIp >= max * IP_FACTOR) retryAfter = untilWindowEnds(f.oldestByIp)
    // This phone from anywhere: slowed down, never locked.
    else if (f.byPhone >= max * PHONE_SLOWDOWN_FACTOR && f.lastByPhone) {
      const delayS = Math.min(PHONE_MAX_DELAY_S, 2 ** Math.min(10, f.byPhone - max * PHONE_SLOWDOWN_FACTOR))
      retryAfter = Math.ceil((new Date(f.lastByPhone).getTime() + delayS * 1000 - now) / 1000)
    }
    if (retryAfter > 0) {
      throw new AppError(
        429,
        'TOO_MANY_ATTEMPTS',
        retryAfter >= 60 ? `登录失败次数过多,请 ${Math.ceil(retryAfter / 60)} 分钟后再试` : `登录失败次数过多,请 ${retryAfter} 秒后再试`,
        { retryAfterSeconds: retryAfter },
        { 'retry-after': String(retryAfter) },
      )
    }
  }

  async login(phone: string, password: string, ip: string, userAgent: string | null): Promise<LoginResponse> {
    await this.throttle(phone, ip)
    const user = await repo.findCredentials(this.db, phone)
    const ok = user ? await verifyPassword(user.password_hash, password) : (await burnVerifyTime(password), false)
    if (!user || !ok) {
      await repo.recordAttempt(this.db, phone, ip, false)
      throw new AppError(401, 'INVALID_CREDENTIALS', '手机号或密码不正确')
    }
    if (!user.active) {
      await repo.recordAttempt(this.db, phone, ip, false)
      throw new AppError(401, 'ACCOUNT_DISABLED', '账号已停用,请联系管理员')
    }
    const token = newToken()
    const expiresAt = new Date(Date.now() + this.config.sessionTtlHours * 3600_000)
    const failed = await this.db.transaction().execute(async (trx) => {
      // What the user is told: failures on their phone since their previous login (someone may be guessing).
      const failed = await repo.failuresSinceLastSuccess(trx, phone)
      await insertSession(trx, { tokenHash: hashToken(token), userId: user.id, expiresAt, ip, userAgent })
      await repo.clearFailures(trx, phone, ip)
      await repo.recordAttempt(trx, phone, ip, true)
      await audit(trx, { actor: { userId: user.id }, action: 'auth.login', entityType: 'user', entityId: user.id, ip })
      return failed
    })
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      ...(failed.count > 0 && failed.lastAt ? { failedAttemptsSinceLastLogin: { count: failed.count, addresses: failed.addresses, lastAt: new Date(failed.lastAt).toISOString() } } : {}),
      user: {
        id: user.id,
        name: user.name,
        phone: user.phone,
        roles: user.roles as Role[],
        regionCode: user.region_code,
        regionName: user.region_name,
        regionLevel: user.region_level as RegionLevel,
        unitId: user.unit_id,
        station: user.station as Station | null,
      },
    }
  }

  async logout(actor: Actor | null) {
    if (!actor) return
    await deleteSession(this.db, actor.sessionId)
    await revokeSessions(this.bus, { sessionId: actor.sessionId })
  }

  /** Changing one's password ends every other session of that user. */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string, ip?: string) {
    const row = await repo.findPasswordHash(this.db, actor.userId)
    if (!row || !(await verifyPassword(row.password_hash, currentPassword))) throw badRequest('WRONG_PASSWORD', '当前密码不正确')
    if (currentPassword === newPassword) throw badRequest('WEAK_PASSWORD', '新密码不能与当前密码相同', { reason: 'unchanged' })
    await assertStrongPassword(newPassword, { phone: actor.phone, name: actor.name })
    const hash = await hashPassword(newPassword)
    await this.db.transaction().execute(async (trx) => {
      await repo.setPassword(trx, actor.userId, hash)
      await deleteUserSessions(trx, actor.userId, actor.sessionId)
      await audit(trx, { actor, action: 'auth.password_change', entityType: 'user', entityId: actor.userId, ip })
    })
    // The ended sessions leave every server process's cache (this one is only read again).
    await revokeSessions(this.bus, { userId: actor.userId })
  }
}
