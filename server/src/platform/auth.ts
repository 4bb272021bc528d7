import { createHash, randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../db/types.ts'
import { unauthenticated, AppError } from './errors.ts'
import type { Actor } from './policy.ts'
import { SessionCache } from './session-cache.ts'
import { deleteSession, findSessionWithUser, touchSession } from './sessions.repository.ts'

const SESSION_COOKIE = 'mq_session'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
  }
  interface FastifyContextConfig {
    /** Route needs no signed-in user. */
    public?: boolean
  }
}

export const newToken = () => randomBytes(32).toString('base64url')
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

function tokenFrom(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (m) return m[1]
  }
  return request.cookies?.[SESSION_COOKIE]
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, token: string, maxAgeSeconds: number) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: maxAgeSeconds,
  })
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' })
}

/** The signed-in user of a route that is not public (the hook has already refused anonymous calls). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated()
  return request.actor
}

/**
 * Resolves `request.actor` from the bearer token or the session cookie on every /api request, and refuses
 * routes that are not marked `config.public` when there is none. Sessions slide: each use (at most once a
 * minute) pushes the expiry `ttlHours` ahead; an idle session dies after that. `sessions` keeps recently read
 * sessions for a few seconds (platform/session-cache.ts); ended sessions leave it through the bus.
 */
export function installAuth(app: FastifyInstance, db: Kysely<DB>, ttlHours: number, sessions = new SessionCache(0)) {
  app.decorateRequest('actor', null)
  app.addHook('onRequest', async (request, reply) => {
    // Only API routes authenticate; the web app's files and unknown paths (answered 404 later) do not.
    const route = request.routeOptions.url
    if (!route || !route.startsWith('/api/') || request.is404) return
    // The API documentation is public, like the spec it describes.
    const isPublic = request.routeOptions.config?.public === true || request.url.startsWith('/api/docs')
    const token = tokenFrom(request)
    if (!token) {
      if (isPublic) return
      throw unauthenticated()
    }
    const hash = hashToken(token)
    let row = sessions.get(hash)
    // A cached session that looks expired or disabled is read again: another process may have extended it.
    if (row && (row.expiresAt.getTime() <= Date.now() || !row.active)) {
      sessions.delete(hash)
      row = undefined
    }
    if (!row) {
      row = await findSessionWithUser(db, hash)
      if (row) sessions.set(hash, row)
    }
    if (!row) {
      if (isPublic) return
      if (request.cookies?.[SESSION_COOKIE]) clearSessionCookie(reply)
      throw unauthenticated('登录已失效,请重新登录', 'SESSION_EXPIRED')
    }
    if (row.expiresAt.getTime() <= Date.now() || !row.active) {
      sessions.delete(hash)
      await deleteSession(db, row.sessionId)
      if (isPublic) return
      clearSessionCookie(reply)
      if (!row.active) throw new AppError(401, 'ACCOUNT_DISABLED', '账号已停用')
      throw unauthenticated('登录已过期,请重新登录', 'SESSION_EXPIRED')
    }
    if (Date.now() - row.lastSeenAt.getTime() > 60_000) {
      const expiresAt = new Date(Date.now() + ttlHours * 3600_000)
      await touchSession(db, row.sessionId, expiresAt)
      sessions.set(hash, { ...row, lastSeenAt: new Date(), expiresAt })
    }
    request.actor = {
      userId: row.userId,
      sessionId: row.sessionId,
      name: row.name,
      phone: row.phone,
      roles: row.roles as Actor['roles'],
      regionId: row.regionId,
      regionCode: row.regionCode,
      regionName: row.regionName,
      regionLevel: row.regionLevel,
      regionPath: row.regionPath,
      unitId: row.unitId,
      station: row.station,
    }
  })
}
