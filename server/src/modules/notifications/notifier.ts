import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'
import type { EventBus } from '../../platform/events.ts'
import type { RawBuilder } from 'kysely'
import { activeUserPhone, insertNotifications, insertNotificationsFor, listNotifications, markRead } from './notifications.repository.ts'

export interface OutgoingNotification {
  userId: string
  kind: string
  title: string
  body: string | null
  caseId: string | null
  /** A notice about a 先锋任务 opens the task. */
  taskId?: string | null
}

/**
 * Where notifications go besides the in-app list and the live push: an SMS gateway, a DingTalk or WeChat
 * Work webhook… One interface; the default only logs.
 */
export interface OutboundChannel {
  name: string
  send(n: OutgoingNotification): Promise<void>
}

export class LogChannel implements OutboundChannel {
  name = 'log'
  constructor(private log: (msg: string) => void = () => {}) {}
  async send(n: OutgoingNotification) {
    this.log(`[notify:${n.kind}] → ${n.userId}: ${n.title}`)
  }
}

/**
 * Notifications are written in the transaction of the change that caused them (no change without its
 * notice, no notice without its change); the live push and outbound channels run after commit.
 */
export class Notifier {
  constructor(
    private bus: EventBus,
    private channels: OutboundChannel[] = [new LogChannel()],
    private onError: (message: string) => void = () => {},
  ) {}

  async record(trx: Kysely<DB> | Transaction<DB>, items: OutgoingNotification[]) {
    const unique = new Map<string, OutgoingNotification>()
    for (const n of items) unique.set(`${n.userId}:${n.kind}:${n.caseId}:${n.taskId ?? ''}`, n)
    const rows = await insertNotifications(trx, [...unique.values()])
    return rows
  }

  /** One notice for every user the query `recipients` selects (column `id`), in one statement; deliver after commit. */
  async recordFor(trx: Kysely<DB> | Transaction<DB>, recipients: RawBuilder<{ id: string }>, n: Omit<OutgoingNotification, 'userId'>) {
    return insertNotificationsFor(trx, recipients, n)
  }

  private pending = new Set<Promise<unknown>>()

  /**
   * After commit: push to the browsers (SSE, through the bus so every process sees it), and send out. Outbound
   * channels run in the background — a slow SMS gateway must not hold up the request that caused the notice —
   * and a channel that fails is logged, never the request's failure.
   */
  async deliver(rows: (Omit<Awaited<ReturnType<Notifier['record']>>[number], 'task_id'> & { task_id?: string | null })[]) {
    for (const r of rows) {
      await this.bus.publish('notification.created', {
        userId: r.user_id,
        notification: { id: r.id, kind: r.kind, title: r.title, body: r.body, caseId: r.case_id, taskId: r.task_id ?? null, readAt: null, createdAt: r.created_at.toISOString() },
      })
      for (const c of this.channels) {
        const p = c
          .send({ userId: r.user_id, kind: r.kind, title: r.title, body: r.body, caseId: r.case_id, taskId: r.task_id ?? null })
          .catch((err) => this.onError(`[notify:${c.name}] ${r.kind} → ${r.user_id} failed: ${(err as Error).message}`))
          .finally(() => this.pending.delete(p))
        this.pending.add(p)
      }
    }
  }

  /** Resolves when every outbound send started so far has finished (tests; a graceful shutdown). */
  async idle() {
    while (this.pending.size) await Promise.allSettled([...this.pending])
  }
}

/** A user's own notifications: list and mark read (the routes' service; the user is always the caller). */
export class NotificationsService {
  constructor(private db: Kysely<DB>) {}
  list(userId: string, unreadOnly: boolean, limit: number) {
    return listNotifications(this.db, userId, unreadOnly, limit)
  }
  markRead(userId: string, ids: string[] | 'all') {
    return markRead(this.db, userId, ids)
  }
  /** Where an SMS to a user goes. */
  phoneOf(userId: string) {
    return activeUserPhone(this.db, userId)
  }
}
