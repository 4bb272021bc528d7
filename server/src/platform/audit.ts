import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../db/types.ts'
import { type Actor, SYSTEM_ACTOR_ID } from './policy.ts'

export interface AuditEntry {
  actor: Pick<Actor, 'userId'> | null
  action: string
  entityType: string
  entityId?: string | null
  regionId?: number | null
  ip?: string | null
  details?: Record<string, unknown>
}

/**
 * Append one row to audit_log. Pass the transaction of the change being audited so the two commit
 * together: an audited change without its audit row must not exist.
 */
export async function audit(db: Kysely<DB> | Transaction<DB>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: entry.actor && entry.actor.userId !== SYSTEM_ACTOR_ID ? entry.actor.userId : null,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId ?? null,
      region_id: entry.regionId ?? null,
      ip: entry.ip ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute()
}
