import { ACTION_BODIES, type ActionBody, CASE_ACTIONS, sampleThreshold, type CaseAction, type CaseDetail, type CaseListQuery, type CreateCase, type RATINGS } from '@minqing/common'
import type { Kysely, Transaction } from 'kysely'
import type { Static } from 'typebox'
import Value from 'typebox/value'
import type { DB } from '../../db/types.ts'
import type { FieldCrypto } from '../../platform/crypto.ts'
import { AppError, badRequest } from '../../platform/errors.ts'
import type { EventBus } from '../../platform/events.ts'
import type { Actor } from '../../platform/policy.ts'
import type { Storage } from '../../platform/storage.ts'
import type { Upload } from '../../platform/uploads.ts'
import type { Notifier } from '../notifications/notifier.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import { CaseActions, type SystemStep } from './actions.service.ts'
import { CaseClock, type CaseTimingConfig, ClockJobs, DEFAULT_TIMING } from './clock.service.ts'
import { CaseFiles } from './files.service.ts'
import { CaseIntake, type ExternalIntake } from './intake.service.ts'
import { CasePublicView } from './public-view.service.ts'
import { CaseReads } from './reads.service.ts'

// What other modules use of the engine's parts.
export { levelRegionPath } from './access.ts'
export { type ExternalIntake } from './intake.service.ts'

/**
 * The case engine: one object for every door (cases routes, public reports, Open311, imports, push), so every
 * case gets the same numbering, routing, lifecycle, events and notifications. Its parts each have one job —
 * intake, actions (the lifecycle's one transition), clock, reads, public view, files — and are built here,
 * once; the composition root (server/src/services.ts) builds this once per app.
 */
export class CasesService {
  readonly clockParts: { clock: CaseClock; jobs: ClockJobs }
  readonly actions: CaseActions
  readonly reads: CaseReads
  readonly files: CaseFiles
  readonly intake: CaseIntake
  readonly resident: CasePublicView

  constructor(
    db: Kysely<DB>,
    crypto: FieldCrypto,
    regions: RegionsService,
    notifier: Notifier,
    bus: EventBus,
    timing: CaseTimingConfig = DEFAULT_TIMING,
    storage?: Storage,
    opts: { callbackSampleRate?: number } = {},
  ) {
    const clock = new CaseClock(db, timing)
    this.actions = new CaseActions(db, clock, notifier, bus)
    this.clockParts = { clock, jobs: new ClockJobs(db, this.actions, timing) }
    this.reads = new CaseReads(db, regions, this.actions, sampleThreshold(opts.callbackSampleRate ?? 0.1))
    this.files = new CaseFiles(db, this.actions, storage)
    this.intake = new CaseIntake(db, crypto, notifier, bus, this.actions, this.files, this.reads)
    this.resident = new CasePublicView(db, this.actions)
  }

  // ---- intake ----
  create(actor: Actor, body: CreateCase, now?: Date, within?: Parameters<CaseIntake['create']>[3]) {
    return this.intake.create(actor, body, now, within)
  }
  intakeExternal(input: ExternalIntake, now?: Date) {
    return this.intake.intakeExternal(input, now)
  }
  findByExternal(source: string, externalId: string) {
    return this.intake.findByExternal(source, externalId)
  }

  // ---- reads ----
  get(actor: Actor, id: string) {
    return this.reads.get(actor, id)
  }
  list(actor: Actor, query: Static<typeof CaseListQuery>) {
    return this.reads.list(actor, query)
  }

  // ---- actions ----
  /**
   * One action by name with an unchecked body (service callers and tests; the routes check the body by schema
   * and call `transition`): 404 unknown action or a case out of sight, then 400 bad body, 409 wrong state,
   * 403 wrong person. Answers the case as it is now.
   */
  async act(actor: Actor, id: string, action: string, body: unknown, now = new Date()): Promise<CaseDetail> {
    if (!(CASE_ACTIONS as readonly string[]).includes(action)) throw new AppError(404, 'ROUTE_NOT_FOUND', `没有这个操作: ${action}`)
    const name = action as CaseAction
    await this.actions.visibleCase(actor, id)
    const schema = ACTION_BODIES[name]
    const input = body ?? {}
    if (!Value.Check(schema, input)) {
      const details = [...Value.Errors(schema, input)].map((e) => ({ path: e.instancePath.replace(/^\//, ''), message: e.message }))
      throw badRequest('VALIDATION_FAILED', `操作参数不合法: ${details.map((d) => `${d.path || '(body)'} ${d.message}`).join('; ')}`, details)
    }
    await this.actions.transition(actor, id, name, input as ActionBody<typeof name>, now)
    return this.reads.get(actor, id)
  }
  remark(db: Kysely<DB> | Transaction<DB>, caseId: string, r: { action: 'comment' | 'media_link'; note: string; at: Date; data: Record<string, unknown> }) {
    return this.actions.remark(db, caseId, r)
  }
  /**
   * A timeline mark of the system table (e.g. a 回访 attempt: `{ action: 'callback', input: { note, data }, actorId }`)
   * in the caller's transaction; call `deliver()` after commit.
   */
  mark(db: Kysely<DB> | Transaction<DB>, caseId: string, step: SystemStep, at: Date) {
    return this.actions.mark(db, caseId, step, at)
  }

  // ---- clock ----
  clock(c: { category_id: number | null; urgency: string }, now: Date) {
    return this.clockParts.clock.clock(c, now)
  }
  checkDeadlines(now?: Date) {
    return this.clockParts.jobs.checkDeadlines(now)
  }
  autoClose(now?: Date) {
    return this.clockParts.jobs.autoClose(now)
  }

  // ---- the resident ----
  publicView(trackingCode: string) {
    return this.resident.view(trackingCode)
  }
  rateByTracking(trackingCode: string, body: { rating: (typeof RATINGS)[number]; comment?: string }, now?: Date) {
    return this.resident.rate(trackingCode, body, now)
  }

  /** 回访: staff record the rating the reporter gave on a call-back (the table's `caller` on `rate`). */
  async rateByCaller(caller: Actor, caseId: string, body: { rating: (typeof RATINGS)[number]; comment?: string }, now = new Date()) {
    await this.actions.visibleCase(caller, caseId)
    await this.actions.transition(caller, caseId, 'rate', body, now, { viaCall: true })
  }

  // ---- files ----
  async addFile(actor: Actor, caseId: string, upload: Upload): Promise<CaseDetail> {
    await this.files.add(actor, caseId, upload)
    return this.reads.get(actor, caseId)
  }
  file(actor: Actor, caseId: string, fileId: string) {
    return this.files.file(actor, caseId, fileId)
  }
}
