import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { AppError } from '../../platform/errors.ts'
import type { CasesService, ExternalIntake } from '../cases/cases.service.ts'
import type { PreparedCase } from './case-rows.ts'
import { versionsByExternal } from './case-imports.repository.ts'

export type UpsertOutcome =
  | { rowNo: number; externalId: string; ok: true; caseId: string; number: string; created: boolean; updated: boolean }
  | { rowNo: number; externalId: string; ok: false; error: { code: string; message: string; details?: unknown } }

export interface Door {
  channel: ExternalIntake['channel']
  source: string
  /**
   * The area the door may write in (the importer's region, the push key's region): a case found by
   * (source, externalId) outside it is a rejected item (OUT_OF_AREA), left unchanged.
   */
  scopePath: string
  operatorId?: string | null
  apiClientId?: string | null
  /** No notifications per case (a bulk import: the queues show the new work). */
  quiet?: boolean
}

/**
 * Hands prepared cases to the case engine one by one — it upserts on (source, externalId) in its own
 * transaction per case, numbering, routing and writing the timeline as for any other case. Whether an
 * existing case changed is read from its version before and after (the engine leaves an unchanged one alone).
 * A case the engine refuses (a 4xx) fails alone; anything else stops the batch.
 */
export async function upsertCases(engine: CasesService, db: Kysely<DB>, items: PreparedCase[], door: Door): Promise<UpsertOutcome[]> {
  const before = await versionsByExternal(
    db,
    door.source,
    items.map((i) => i.externalId),
  )
  const out: UpsertOutcome[] = []
  for (const item of items) {
    try {
      const r = await engine.intakeExternal({
        ...item.intake,
        channel: door.channel,
        source: door.source,
        externalId: item.externalId,
        scopePath: door.scopePath,
        operatorId: door.operatorId ?? null,
        apiClientId: door.apiClientId ?? null,
        quiet: door.quiet,
      })
      out.push({ rowNo: item.rowNo, externalId: item.externalId, ok: true, caseId: r.id, number: r.number, created: r.created, updated: false })
    } catch (err) {
      if (err instanceof AppError && err.status < 500) out.push({ rowNo: item.rowNo, externalId: item.externalId, ok: false, error: { code: err.code, message: err.message, details: err.details } })
      else throw err
    }
  }
  const existing = out.filter((o) => o.ok && !o.created).map((o) => o.externalId)
  const after = await versionsByExternal(db, door.source, existing)
  for (const o of out) if (o.ok && !o.created) o.updated = after.get(o.externalId) !== before.get(o.externalId)
  return out
}
