import type { EventBus } from './events.ts'
import type { findSessionWithUser } from './sessions.repository.ts'

export type SessionRow = NonNullable<Awaited<ReturnType<typeof findSessionWithUser>>>

/** Bus topic: sessions that ended (logout, password change, account disabled or narrowed). */
const SESSION_REVOKED = 'session.revoked'
export interface SessionRevocation {
  sessionId?: string
  userId?: string
}

/**
 * Sessions read by the auth hook, kept for `ttlMs` so a busy client does not cost a database round trip per
 * request (on the case-intake benchmark the lookup was a third of the work). Ending a session is announced on
 * the bus (`revokeSessions`), which reaches every server process when Redis carries it, so a logout, a reset
 * password or a disabled account takes effect at once. What changes behind the services' back (a row edited
 * by hand in the database) shows within `ttlMs`. Expiry is checked on every request against the cached row.
 */
export class SessionCache {
  private entries = new Map<string, { row: SessionRow; at: number }>()

  constructor(
    readonly ttlMs: number,
    private maxEntries = 20_000,
  ) {}

  get enabled() {
    return this.ttlMs > 0
  }

  get(tokenHash: string, now = Date.now()): SessionRow | undefined {
    const hit = this.entries.get(tokenHash)
    if (!hit) return undefined
    if (now - hit.at >= this.ttlMs) {
      this.entries.delete(tokenHash)
      return undefined
    }
    return hit.row
  }

  set(tokenHash: string, row: SessionRow, now = Date.now()) {
    if (!this.enabled) return
    this.entries.delete(tokenHash)
    // Oldest out first (a Map iterates in insertion order).
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    this.entries.set(tokenHash, { row, at: now })
  }

  delete(tokenHash: string) {
    this.entries.delete(tokenHash)
  }

  revoke(r: SessionRevocation) {
    for (const [key, { row }] of this.entries) {
      if ((r.sessionId && row.sessionId === r.sessionId) || (r.userId && row.userId === r.userId)) this.entries.delete(key)
    }
  }

  get size() {
    return this.entries.size
  }

  /** Follow revocations announced on the bus (this process's and, with Redis, every other's). */
  follow(bus: EventBus) {
    return bus.subscribe(SESSION_REVOKED, (e) => this.revoke(e.payload as SessionRevocation))
  }
}

/** Announce, after the deleting transaction committed, that sessions ended. */
export function revokeSessions(bus: EventBus, r: SessionRevocation) {
  return bus.publish(SESSION_REVOKED, r)
}
