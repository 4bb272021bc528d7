import { createHash } from 'node:crypto'
import { CASE_LEVELS, sampleThreshold, type CallbackInput, type CallbackItem, type CallbackList, type CallbackResult, type CaseLevel, type RATINGS } from '@minqing/common'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'
import { audit } from '../../platform/audit.ts'
import type { FieldCrypto } from '../../platform/crypto.ts'
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts'
import { type Actor, requirePermission } from '../../platform/policy.ts'
import * as repo from './callbacks.repository.ts'

/**
 * What a call-back needs of the case engine: the case's own `rate`, done by the caller on the reporter's behalf —
 * the same table row, guards and consequences as the resident's rating on the tracking page.
 */
export interface CallbackEngine {
  rateByCaller(caller: Actor, caseId: string, body: { rating: (typeof RATINGS)[number]; comment?: string }, now: Date): Promise<void>
  /** The call's own timeline row: the lifecycle's `callback` mark (the state stays), written by the one transition. */
  mark(db: Kysely<DB> | Transaction<DB>, caseId: string, step: CallbackMark, at: Date): Promise<{ deliver: () => Promise<void> }>
}
type CallbackMark = { action: 'callback'; input: { note: string | null; data: Record<string, unknown> }; actorId: string }

/** A case's depth in the region tree at each level (the path holds the province first). */
const LEVEL_DEPTH: Record<CaseLevel, number> = { county: 1, town: 2, village: 3, grid: 4 }

/** The same decision as the queue's SQL, for one case id. */
export function isSampled(caseId: string, rate: number): boolean {
  return createHash('md5').update(caseId).digest('hex').slice(0, 8) < sampleThreshold(rate)
}

/**
 * 回访 (call-back): hotline and walk-in reporters, and a fixed sample of the others, are phoned once their case is
 * answered; the caller records the rating given on the phone, or that nobody answered (the case stays in the queue
 * for another try until it is rated or closes by itself). Who may call: staff with `cases.callback` whose area holds
 * the case at its level (its level's dispatchers and those above, the hotline's operators) — never someone who
 * handled it (staff never rate their own handling).
 */
export class CallbacksService {
  private threshold: string

  constructor(
    private db: Kysely<DB>,
    private crypto: FieldCrypto,
    private engine: CallbackEngine,
    sampleRate: number,
  ) {
    this.threshold = sampleThreshold(sampleRate)
  }

  /** Levels whose cases a caller at this region may call back: their own region's level and below. */
  private levelsOf(actor: Actor): CaseLevel[] {
    const depth = actor.regionPath.split('/').filter(Boolean).length - 1
    return CASE_LEVELS.filter((l) => LEVEL_DEPTH[l] >= depth)
  }

  async queue(actor: Actor, page: { limit?: number; offset?: number }): Promise<CallbackList> {
    requirePermission(actor, 'cases.callback')
    const { items, total } = await repo.callbackQueue(this.db, {
      regionPath: actor.regionPath,
      userId: actor.userId,
      unitId: actor.unitId,
      levels: this.levelsOf(actor),
      threshold: this.threshold,
      limit: page.limit ?? 50,
      offset: page.offset ?? 0,
    })
    return {
      total,
      items: items.map((r): CallbackItem => ({
        caseId: r.id,
        number: r.number,
        title: r.title,
        channel: r.channel as CallbackItem['channel'],
        reason: r.by_channel ? (r.channel as 'hotline' | 'walk_in') : 'sample',
        regionName: r.region_name,
        unitName: r.unit_name,
        reporterName: r.reporter_name,
        reporterPhone: r.phone_masked,
        repliedAt: r.replied_at?.toISOString() ?? null,
        attempts: r.attempts,
        lastAttemptAt: r.last_attempt_at ? new Date(r.last_attempt_at).toISOString() : null,
        lastNote: r.last_note,
      })),
    }
  }

  /**
   * The checks of every call, in order: the permission (403), the case in the caller's area (404, as if it did not
   * exist), at a level the caller may call back (403), not handled by the caller (403), answered and not rated
   * (409), a phone to call (409).
   */
  private async callable(actor: Actor, caseId: string, db: Kysely<DB> = this.db) {
    requirePermission(actor, 'cases.callback')
    const c = await repo.callbackCase(db, caseId)
    if (!c || !c.region_path.startsWith(actor.regionPath)) throw notFound('事项')
    if (!this.levelsOf(actor).includes(c.level)) throw forbidden('只有本级或上级的回访人员可以回访此事项', { level: c.level })
    const handled = c.handler_id === actor.userId || c.claimed_by === actor.userId || (!!actor.unitId && c.unit_id === actor.unitId) || (await repo.handledBy(db, caseId, actor.userId))
    if (handled) throw forbidden('经办过该事项的人员不能回访(办理人不评价自己的办理)', { reason: 'handled' })
    if (c.state !== 'replied' || c.rating) throw new AppError(409, 'INVALID_TRANSITION', '只有已答复、尚未评价的事项可以回访', { state: c.state, rating: c.rating })
    const enc = c.reporter_kind === 'anonymous' || c.reporter_kind === 'user' ? null : (c.reporter_phone_enc ?? c.person_phone_enc)
    if (!enc) throw conflict('NO_PHONE', '反映人没有留下电话,无法回访')
    return { ...c, phoneEnc: enc }
  }

  /** The reporter's phone for the call: revealed to the caller only, and written to the audit log. */
  async phone(actor: Actor, caseId: string, ip?: string) {
    const c = await this.callable(actor, caseId)
    await audit(this.db, { actor, action: 'case.callback_phone', entityType: 'case', entityId: caseId, regionId: c.region_id, ip, details: { field: 'reporterPhone' } })
    return { phone: this.crypto.decrypt(c.phoneEnc) }
  }

  /** One call: the rating given on the phone (the case's own `rate`), or nobody reached (try again later). */
  async record(actor: Actor, caseId: string, body: CallbackInput, now = new Date()): Promise<CallbackResult> {
    if (body.outcome === 'rated' && !body.rating) throw badRequest('VALIDATION_FAILED', '请填写反映人的评价', [{ path: 'rating', message: 'required when outcome is rated' }])
    if (body.outcome === 'unreachable' && body.rating) throw badRequest('VALIDATION_FAILED', '未接通时不能填写评价', [{ path: 'rating', message: 'only when outcome is rated' }])
    await this.callable(actor, caseId)
    const note = body.note?.trim() || null
    if (body.outcome === 'rated') {
      await this.engine.rateByCaller(actor, caseId, { rating: body.rating!, ...(body.comment?.trim() ? { comment: body.comment.trim() } : {}) }, now)
      const done = await this.engine.mark(this.db, caseId, { action: 'callback', input: { note, data: { outcome: 'rated', rating: body.rating, caller: actor.name } }, actorId: actor.userId }, now)
      await done.deliver()
      const after = (await repo.callbackCase(this.db, caseId))!
      return { outcome: 'rated', state: after.state, attempts: await repo.countAttempts(this.db, caseId) }
    }
    const { result, deliver } = await this.db.transaction().execute(async (trx) => {
      await repo.lockCase(trx, caseId)
      // Checked again under the lock: a rating that came in meanwhile ends the call-backs.
      const c = (await repo.callbackCase(trx, caseId))!
      if (c.state !== 'replied' || c.rating) throw new AppError(409, 'INVALID_TRANSITION', '只有已答复、尚未评价的事项可以回访', { state: c.state, rating: c.rating })
      const attempt = (await repo.countAttempts(trx, caseId)) + 1
      const done = await this.engine.mark(trx, caseId, { action: 'callback', input: { note, data: { outcome: 'unreachable', attempt, caller: actor.name } }, actorId: actor.userId }, now)
      return { result: { outcome: 'unreachable' as const, state: c.state, attempts: attempt }, deliver: done.deliver }
    })
    await deliver()
    return result
  }
}
