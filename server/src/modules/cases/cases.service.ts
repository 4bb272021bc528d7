import { randomBytes } from 'node:crypto'
import {
  ACTION_BODIES,
  CASE_ACTIONS,
  type Case,
  type CaseAction,
  type CaseDetail,
  type CaseLevel,
  CASE_LEVELS,
  type CaseListQuery,
  type CaseState,
  type CreateCase,
  maskPhone,
  phoneProblem,
  CASE_MAX_FILES,
  CASE_PHOTO_MAX_BYTES,
  CASE_PHOTOS_PER_REPORT,
  type CASE_URGENCIES,
  type PublicCaseView,
  type RATINGS,
} from '@minqing/common'
import type { Kysely, Transaction } from 'kysely'
import type { Static } from 'typebox'
import Value from 'typebox/value'
import type { DB } from '../../db/types.ts'
import type { FieldCrypto } from '../../platform/crypto.ts'
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts'
import type { EventBus } from '../../platform/events.ts'
import type { Storage } from '../../platform/storage.ts'
import { insertFile } from '../../platform/files.repository.ts'
import { assertPhoto, EXTENSION_OF, type Upload } from '../../platform/uploads.ts'
import { type Actor, assertVisible, assertWritableRegion, hasPermission, pathInScope, requirePermission, scopeOf, SYSTEM_ACTOR_ID } from '../../platform/policy.ts'
import { addWorkingDays, cnDate, workingDaysBetween } from '../../platform/workdays.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import * as repo from './cases.repository.ts'
import { IntakeBatcher } from './intake-batcher.ts'
import type { Notifier, OutgoingNotification } from './notifier.ts'

type Trx = Transaction<DB>
type Row = repo.CaseRow
type Patch = Parameters<typeof repo.updateCase>[2]

export interface CaseTimingConfig {
  /** Warning at this share of the time limit (the cases issue says 70 %). */
  warnShare: number
  /** Replied cases nobody rated close by themselves after this many days. */
  autoCloseDays: number
  /** A handler may return a case within this many working days of receiving it. */
  returnWindowDays: number
  maxExtensionDays: number
  defaultLimits: { normalDays: number; urgentDays: number; emergencyHours: number }
}

export const DEFAULT_TIMING: CaseTimingConfig = {
  warnShare: 0.7,
  autoCloseDays: 7,
  returnWindowDays: 2,
  maxExtensionDays: 10,
  defaultLimits: { normalDays: 10, urgentDays: 5, emergencyHours: 24 },
}

const OPEN: CaseState[] = ['new', 'dispatched', 'accepted', 'returned', 'extension_requested', 'escalated', 'reopened']
const LEVEL_DEPTH: Record<CaseLevel, number> = { county: 1, town: 2, village: 3, grid: 4 }
const levelIndex = (l: string) => CASE_LEVELS.indexOf(l as CaseLevel)
const nextLevel = (l: CaseLevel): CaseLevel | undefined => CASE_LEVELS[levelIndex(l) + 1]

/** The region that handles a case at a level: the case region's ancestor at that depth. */
export function levelRegionPath(casePath: string, level: CaseLevel): string {
  const codes = casePath.split('/').filter(Boolean)
  return '/' + codes.slice(0, Math.min(codes.length, LEVEL_DEPTH[level] + 1)).join('/') + '/'
}

const villagePath = (path: string) => levelRegionPath(path, 'village')

interface Outcome {
  to: CaseState
  patch?: Patch
  note?: string | null
  data?: Record<string, unknown>
  notify?: { who: ('handler' | 'dispatchers' | 'reporter' | 'unit')[]; title: string; kind?: string }
  after?: (trx: Trx, eventId: string) => Promise<OutgoingNotification[]>
}

interface ActionDef {
  from: CaseState[]
  /** Beyond the state: whether the action makes sense for this case now (its refusal is also a 409). */
  applies?: (c: Row) => boolean
  /** Who may, as a sentence for the 403 message. */
  who: string
  allowed(actor: Actor, c: Row): boolean
}

export class CasesService {
  private actions: Record<CaseAction, ActionDef>

  /** New cases from signed-in users go in together when many arrive at once (group commit). */
  private intake: IntakeBatcher

  constructor(
    private db: Kysely<DB>,
    private crypto: FieldCrypto,
    private regions: RegionsService,
    private notifier: Notifier,
    private bus: EventBus,
    private timing: CaseTimingConfig = DEFAULT_TIMING,
    private storage?: Storage,
  ) {
    this.intake = new IntakeBatcher(db, CASE_LEVELS)
    const dispatcher = (a: Actor, c: Row) => this.isDispatcher(a, c)
    const handler = (a: Actor, c: Row) => this.isHandler(a, c)
    const supervisor = (a: Actor) => hasPermission(a, 'cases.supervise')
    this.actions = {
      dispatch: { from: ['new', 'returned', 'escalated', 'reopened'], who: '本级交办人', allowed: dispatcher },
      accept: { from: ['dispatched'], who: '承办单位或承办人', allowed: handler },
      return: { from: ['dispatched'], who: '承办单位或承办人', allowed: handler },
      transfer: { from: ['dispatched', 'accepted'], who: '本级交办人', allowed: dispatcher },
      extend: { from: ['accepted'], who: '承办人', allowed: handler },
      approve_extension: { from: ['extension_requested'], who: '交办层级的交办人', allowed: dispatcher },
      escalate: { from: ['new', 'dispatched', 'accepted', 'returned', 'reopened', 'escalated'], applies: (c) => c.level !== 'county', who: '本级交办人或承办人', allowed: (a, c) => dispatcher(a, c) || handler(a, c) || (c.state === 'new' && c.created_by === a.userId) },
      claim: { from: ['new', 'escalated', 'reopened', 'returned', 'dispatched', 'accepted'], who: '领导', allowed: (a) => hasPermission(a, 'cases.claim') },
      urge: { from: OPEN, who: '领导或本级交办人', allowed: (a, c) => supervisor(a) || dispatcher(a, c) },
      supervise: { from: OPEN, who: '领导', allowed: supervisor },
      reply: { from: ['accepted'], who: '承办人', allowed: handler },
      rate: { from: ['replied'], applies: (c) => !c.rating, who: '反映人', allowed: (a, c) => c.reporter_user_id === a.userId || a.reporterOf === c.id },
      reopen: { from: ['replied'], applies: (c) => c.rating === 'unsatisfied', who: '反映人或本级交办人', allowed: (a, c) => c.reporter_user_id === a.userId || dispatcher(a, c) },
      merge: { from: ['new', 'dispatched', 'escalated', 'reopened'], who: '本级交办人', allowed: dispatcher },
      reject: { from: ['new', 'escalated', 'reopened'], who: '本级交办人', allowed: dispatcher },
      resolve_on_spot: {
        from: ['new'],
        who: '在网格或村社当场处理的上报人',
        allowed: (a, c) => c.created_by === a.userId && hasPermission(a, 'cases.raise') && (c.level === 'grid' || c.level === 'village'),
      },
    }
  }

  // ---- who is who --------------------------------------------------------------------
  /** At or above the region that handles the case at its current level, with a dispatching role. */
  isDispatcher(actor: Actor, c: Row) {
    return hasPermission(actor, 'cases.dispatch') && levelRegionPath(c.region_path, c.level).startsWith(actor.regionPath)
  }

  isHandler(actor: Actor, c: Row) {
    return c.handler_id === actor.userId || c.claimed_by === actor.userId || (!!actor.unitId && c.unit_id === actor.unitId)
  }

  private visible(actor: Actor, c: Row | undefined): c is Row {
    if (!c) return false
    return pathInScope(scopeOf(actor), c.region_path) || this.isHandler(actor, c)
  }

  private async visibleCase(actor: Actor, id: string) {
    const c = await repo.findCase(this.db, id)
    if (!this.visible(actor, c)) throw notFound('事项')
    return c
  }

  // ---- time ---------------------------------------------------------------------------
  private async limits(categoryId: number | null, db: Kysely<DB> | Trx = this.db) {
    const cat = categoryId ? await repo.findCategory(db, categoryId) : undefined
    return cat ? { normalDays: cat.normal_days, urgentDays: cat.urgent_days, emergencyHours: cat.emergency_hours } : this.timing.defaultLimits
  }

  /** Due and warning times for a fresh clock starting now, in working days (emergencies in hours). */
  /** Inside a transaction pass it: on PGlite a query outside the open transaction would wait for it forever. */
  async clock(c: Pick<Row, 'category_id' | 'urgency'>, now: Date, db: Kysely<DB> | Trx = this.db) {
    const l = await this.limits(c.category_id, db)
    const due =
      c.urgency === 'emergency' ? new Date(now.getTime() + l.emergencyHours * 3600_000) : addWorkingDays(now, c.urgency === 'urgent' ? l.urgentDays : l.normalDays)
    const warn = new Date(now.getTime() + (due.getTime() - now.getTime()) * this.timing.warnShare)
    return { due, warn }
  }

  // ---- create ---------------------------------------------------------------------------
  /**
   * A case raised by a signed-in user. Intake is the hottest write path (every diary concern, hotline call and
   * report), so the common case costs one round trip: who is asking comes from the session cache, and where and
   * what (region, category, routing rule, dispatchers) is looked up by the same statement that writes the case,
   * its event, the notices and the diary concern; the answer is built from what that statement returns.
   */
  async create(actor: Actor, body: CreateCase, now = new Date()): Promise<{ detail: CaseDetail; created: boolean }> {
    requirePermission(actor, 'cases.raise')
    if (body.clientId) {
      const existing = await repo.findCaseByClientId(this.db, actor.userId, body.clientId)
      if (existing) return { detail: await this.get(actor, existing.id), created: false }
    }
    const r = body.reporter
    const asked = { code: body.regionCode }
    const categoryCode = body.categoryCode ?? null
    // The insert looks up and checks the place itself; a reporter from the archive or a diary concern is
    // checked first, and the place before them (its errors come first).
    if (r?.personId || body.diaryConcernId) assertWritableRegion(scopeOf(actor), (await this.lookup(asked, categoryCode)).region.path)

    let reporter: { kind: 'person' | 'named' | 'anonymous' | 'user'; personId: string | null; name: string | null; phone: ReturnType<FieldCrypto['protect']> | null } = {
      kind: 'user',
      personId: null,
      name: null,
      phone: null,
    }
    if (r?.personId) {
      const person = await this.db
        .selectFrom('persons as p')
        .innerJoin('regions as pr', 'pr.id', 'p.region_id')
        .select(['p.id', 'p.name', 'pr.path', 'p.phone_enc', 'p.phone_hash', 'p.phone_masked'])
        .where('p.id', '=', r.personId)
        .executeTakeFirst()
      assertVisible(scopeOf(actor), person && { path: person.path }, '反映人')
      // The number the caller gave (the line they are on, where the call-back and SMS go) wins over the
      // archive's; with none given, the person's own number from the archive.
      if (r.phone && phoneProblem(r.phone)) throw badRequest('INVALID_PHONE', phoneProblem(r.phone)!)
      const phone = r.phone
        ? this.crypto.protect(r.phone.replace(/\s+/g, ''), maskPhone)
        : person!.phone_enc && person!.phone_hash && person!.phone_masked
          ? { enc: person!.phone_enc, hash: person!.phone_hash, masked: person!.phone_masked }
          : null
      reporter = { kind: 'person', personId: person!.id, name: person!.name, phone }
    } else if (r?.anonymous) {
      reporter = { kind: 'anonymous', personId: null, name: null, phone: null }
    } else if (r?.name || r?.phone) {
      if (r.phone && phoneProblem(r.phone)) throw badRequest('INVALID_PHONE', phoneProblem(r.phone)!)
      reporter = { kind: 'named', personId: null, name: r.name ?? null, phone: r.phone ? this.crypto.protect(r.phone.replace(/\s+/g, ''), maskPhone) : null }
    }

    let concern: { id: string; entry_id: string; case_id: string | null } | undefined
    if (body.diaryConcernId) {
      const row = await this.db
        .selectFrom('diary_concerns as dc')
        .innerJoin('diary_entries as e', 'e.id', 'dc.entry_id')
        .innerJoin('regions as er', 'er.id', 'e.region_id')
        .select(['dc.id', 'dc.entry_id', 'dc.case_id', 'er.path'])
        .where('dc.id', '=', body.diaryConcernId)
        .executeTakeFirst()
      assertVisible(scopeOf(actor), row && { path: row.path }, '日记中的诉求')
      if (row!.case_id) throw conflict('CONCERN_ALREADY_RAISED', '该诉求已转为事项', { caseId: row!.case_id })
      concern = row
    }

    const channel = concern ? 'diary' : (body.channel ?? 'walk_in')
    const data = { number: '', channel }
    let res: repo.NewCaseResult
    try {
      res = await this.intake.submit(cnDate(now).replaceAll('-', ''), {
        place: { region: asked, categoryCode },
        scopePath: scopeOf(actor).regionPath,
        row: {
          client_id: body.clientId ?? null,
          channel,
          state: 'new',
          urgency: body.urgency ?? 'normal',
          title: body.title,
          description: body.description,
          reporter_kind: reporter.kind,
          reporter_person_id: reporter.personId,
          reporter_user_id: actor.userId,
          reporter_name: reporter.name,
          reporter_phone_enc: reporter.phone?.enc ?? null,
          reporter_phone_hash: reporter.phone?.hash ?? null,
          reporter_phone_masked: reporter.phone?.masked ?? null,
          tracking_code: newTrackingCode(),
          lat: body.lat ?? null,
          lng: body.lng ?? null,
          address: body.address?.trim() || null,
          diary_entry_id: concern?.entry_id ?? null,
          created_by: actor.userId,
          created_at: now,
        },
        event: { action: 'create', actorId: actor.userId, data, at: now },
        notify: this.newCaseNotice(body.title, actor.userId),
        concernId: concern?.id ?? null,
      })
    } catch (err) {
      // The same clientId sent twice at once: the second answers with the first's case.
      if ((err as { code?: string }).code === '23505' && body.clientId) {
        const existing = await repo.findCaseByClientId(this.db, actor.userId, body.clientId)
        if (existing) return { detail: await this.get(actor, existing.id), created: false }
      }
      throw err
    }
    const made = res.made
    if (!made) {
      // Nothing was inserted: the lookup says why (the same checks, in the same order, as a case checked first).
      const place = this.placeOf(res.lookup, asked, categoryCode)
      assertWritableRegion(scopeOf(actor), place.region.path)
      throw new Error(`case intake at ${body.regionCode} refused without a reason`)
    }
    await this.notifier.deliver(made.notices)
    await this.bus.publish('case.created', { id: made.id, regionPath: made.row.region_path, channel })
    // The answer is built from what was just written: the case row and its one event, no photos yet.
    const event: CaseDetail['events'][number] = {
      id: made.eventId,
      action: 'create',
      actor: { id: actor.userId, name: actor.name },
      at: now.toISOString(),
      fromState: null,
      toState: 'new',
      note: null,
      data: { ...made.eventData, number: made.number },
    }
    return { detail: this.detailOf(actor, made.row, [event], []), created: true }
  }

  /** Region, category and the suggested unit for an intake, in one query; unknown ones are 400s. */
  private async lookup(region: { code: string } | { id: number }, categoryCode: string | null) {
    return this.placeOf(await repo.intakeLookup(this.db, region, categoryCode), region, categoryCode)
  }

  /** What a lookup found, or the 400 for what it did not (unknown region or category, a region above the county). */
  private placeOf(row: repo.IntakeLookupRow, asked: { code: string } | { id: number }, categoryCode: string | null) {
    if (row.region_id === null) throw badRequest('UNKNOWN_REGION', '区域不存在', asked)
    if (!(CASE_LEVELS as readonly string[]).includes(row.region_level)) throw badRequest('INVALID_REGION_LEVEL', '事项须落在县(市)以下的区域', { level: row.region_level })
    if (categoryCode && row.category_id === null) throw badRequest('UNKNOWN_CATEGORY', `未知分类: ${categoryCode}`)
    // Routing (the lookup's suggested_*): the most specific rule (region subtree × category or its parent), else the category's default unit.
    return {
      region: { id: row.region_id, code: row.region_code, name: row.region_name, level: row.region_level, path: row.region_path },
      categoryId: row.category_id,
    }
  }

  /** Whom a new case concerns: the dispatchers nearest above it (found by the lookup), not the one raising it. */
  private newCaseNotice(title: string, exceptUserId: string | null) {
    return { kind: 'case.new', title: `新事项待交办: ${title}`, exceptUserId }
  }

  // ---- outside doors: 民情码, Open311, imports, push --------------------------------------------
  /**
   * A case from a door without a signed-in reporter (a resident's 民情码 report, an Open311 client, another
   * platform's export or push). The door has authenticated itself and resolved the region. (source, externalId)
   * is the case's identity on the other platform: a second intake of it updates the case and answers
   * created:false — re-imports never duplicate. A clientId (a resident's resend) answers the first case unchanged.
   */
  async intakeExternal(input: ExternalIntake, now = new Date()): Promise<IntakeResult> {
    const place = await this.lookup({ id: input.regionId }, input.categoryCode ?? null)
    const { region, categoryId } = place
    const r = input.reporter ?? {}
    const phone = r.phone?.replace(/\s+/g, '') || null
    if (phone && phoneProblem(phone)) throw badRequest('INVALID_PHONE', phoneProblem(phone)!)
    const photos = input.photos ?? []
    if (photos.length > CASE_PHOTOS_PER_REPORT) throw badRequest('TOO_MANY_PHOTOS', `最多上传 ${CASE_PHOTOS_PER_REPORT} 张照片`, { max: CASE_PHOTOS_PER_REPORT })
    const types = photos.map((p) => assertPhoto(p.data, CASE_PHOTO_MAX_BYTES))

    // Identity on the way in: the other platform's id, or a resident's resend of the same report.
    const source = input.source ?? (input.clientId ? `client:${input.channel}` : null)
    const externalId = input.externalId ?? input.clientId ?? null
    if (!source !== !externalId) throw badRequest('VALIDATION_FAILED', 'source 与 externalId 须同时给出')
    const existing = source && externalId ? await repo.findCaseByExternal(this.db, source, externalId) : undefined
    if (existing && (input.clientId || !input.source)) return resultOf(existing, false)
    if (existing) this.assertInDoorArea(input, existing)

    const reporterKind: 'person' | 'named' | 'anonymous' = r.personId ? 'person' : r.anonymous || (!r.name && !phone && !r.email) ? 'anonymous' : 'named'
    const protectedPhone = phone ? this.crypto.protect(phone, maskPhone) : null
    const reporterCols = {
      reporter_kind: reporterKind,
      reporter_person_id: r.personId ?? null,
      reporter_name: reporterKind === 'anonymous' ? null : (r.name ?? null),
      reporter_phone_enc: reporterKind === 'anonymous' ? null : (protectedPhone?.enc ?? null),
      reporter_phone_hash: reporterKind === 'anonymous' ? null : (protectedPhone?.hash ?? null),
      reporter_phone_masked: reporterKind === 'anonymous' ? null : (protectedPhone?.masked ?? null),
      reporter_email: reporterKind === 'anonymous' ? null : (r.email ?? null),
    }
    const external = input.externalState ?? null
    const stored = await Promise.all(photos.map((p, i) => this.requireStorage().put(p.data, { prefix: 'cases', extension: EXTENSION_OF[types[i]] })))
    try {
      if (existing) {
        // What a re-delivery would change, compared with the case as it is: most re-imports change nothing, and
        // those cost no lock and no write.
        const plan = (c: Row) => {
          const patch: Patch = {
            title: input.title,
            description: input.description,
            category_id: categoryId ?? c.category_id,
            urgency: input.urgency ?? c.urgency,
            lat: input.lat ?? c.lat,
            lng: input.lng ?? c.lng,
            address: input.address ?? c.address,
            ...reporterCols,
          }
          // The encrypted phone differs on every encryption; its keyed hash says whether the phone changed.
          const changed = (Object.keys(patch) as (keyof typeof patch)[]).filter((k) => k !== 'reporter_phone_enc' && String(patch[k] ?? '') !== String((c as Record<string, unknown>)[k] ?? ''))
          const finish = external && (OPEN as string[]).includes(c.state) ? external : null
          return { patch, changed, finish, idle: changed.length === 0 && !finish && stored.length === 0 }
        }
        if (plan(existing).idle) return resultOf(existing, false)
        const after = await this.db.transaction().execute(async (trx) => {
          await repo.lockCase(trx, existing.id)
          const c = (await repo.findCase(trx, existing.id))!
          const { patch, changed, finish, idle } = plan(c)
          if (idle) return c
          await repo.updateCase(trx, c.id, { ...patch, ...(finish ? { state: finish, ...this.externalFinish(finish, now) } : {}) })
          const eventId = await this.insertSystemEvent(trx, c.id, 'external_update', input.operatorId, c.state, finish ?? c.state, now, { source, externalId, changed })
          await this.attachStored(trx, c.id, eventId, stored, photos, types, input.operatorId)
          return { ...c, state: finish ?? c.state }
        })
        return resultOf(after, false)
      }

      const createdAt = input.createdAt ?? now
      const trackingCode = newTrackingCode()
      // A case the other platform already finished arrives finished: it counts, but nobody is asked to act.
      const notify = external || input.quiet ? null : this.newCaseNotice(input.title, null)
      const write = async (db: Kysely<DB> | Trx) => {
        const [{ made: m }] = await repo.insertNewCases(db, cnDate(now).replaceAll('-', ''), CASE_LEVELS, [
          {
          place: { region: { id: region.id }, categoryCode: input.categoryCode ?? null },
          scopePath: null,
          row: {
            client_id: null,
            channel: input.channel,
            state: 'new',
            urgency: input.urgency ?? 'normal',
            title: input.title,
            description: input.description,
            ...reporterCols,
            reporter_user_id: null,
            tracking_code: trackingCode,
            lat: input.lat ?? null,
            lng: input.lng ?? null,
            address: input.address ?? null,
            place_id: input.placeId ?? null,
            source,
            external_id: externalId,
            api_client_id: input.apiClientId ?? null,
            created_by: input.operatorId ?? null,
            created_at: createdAt,
          },
          event: {
            action: 'create',
            actorId: input.operatorId ?? null,
            at: createdAt,
            data: {
              channel: input.channel,
              source: input.source ?? null,
              externalId: input.source ? externalId : null,
            },
          },
          notify,
          },
        ])
        if (!m) throw new Error(`case intake at region ${region.id} refused although looked up`)
        if (stored.length) await this.attachStored(db as Trx, m.id, m.eventId, stored, photos, types, input.operatorId)
        if (external) {
          await repo.updateCase(db, m.id, { state: external, ...this.externalFinish(external, now) })
          await this.insertSystemEvent(db as Trx, m.id, 'external_update', input.operatorId, 'new', external, now, { source, externalId, changed: ['state'] })
        }
        return m
      }
      // One statement needs no transaction; photos or a finished state make it several.
      const made = stored.length || external ? await this.db.transaction().execute(write) : await write(this.db)
      await this.notifier.deliver(made.notices)
      await this.bus.publish('case.created', { id: made.id, regionPath: region.path, channel: input.channel })
      return { id: made.id, number: made.number, trackingCode, state: external ?? 'new', created: true }
    } catch (err) {
      await Promise.all(stored.map((f) => this.requireStorage().remove(f.key).catch(() => {})))
      // Two deliveries of the same external case at once: the loser answers with the winner's case.
      if ((err as { code?: string }).code === '23505' && source && externalId) {
        const again = await repo.findCaseByExternal(this.db, source, externalId)
        if (again) {
          this.assertInDoorArea(input, again)
          return resultOf(again, false)
        }
      }
      throw err
    }
  }

  /**
   * An import or push may only touch a case inside its own area (issue 11): another area's case with the same
   * (source, externalId) is refused, unchanged — not rewritten, not closed, nothing on its timeline, and not named.
   */
  private assertInDoorArea(input: ExternalIntake, c: Pick<Row, 'region_path'>) {
    if (input.scopePath != null && !c.region_path.startsWith(input.scopePath))
      throw new AppError(403, 'OUT_OF_AREA', '该编号的事项不在您的辖区内,未作更改', { externalId: input.externalId ?? null })
  }

  private externalFinish(state: 'closed' | 'replied' | 'rejected', now: Date): Patch {
    return state === 'replied' ? { replied_at: now } : { closed_at: now }
  }

  private async insertSystemEvent(
    trx: Kysely<DB> | Trx,
    caseId: string,
    action: string,
    operatorId: string | null | undefined,
    from: string | null,
    to: string,
    at: Date,
    data: Record<string, unknown>,
    note: string | null = null,
  ) {
    const e = await repo.insertEvent(trx, { caseId, action, actorId: operatorId ?? null, from, to, at, data, note })
    return String(e.id)
  }

  private async attachStored(
    trx: Trx,
    caseId: string,
    eventId: string,
    stored: Awaited<ReturnType<Storage['put']>>[],
    photos: { filename: string }[],
    types: string[],
    createdBy: string | null | undefined,
  ) {
    for (const [i, blob] of stored.entries()) {
      const file = await insertFile(trx, blob, { filename: photos[i].filename.slice(0, 200) || 'photo', contentType: types[i], createdBy: createdBy ?? null })
      await repo.insertCaseFile(trx, { caseId, fileId: file.id, eventId })
    }
  }


  private requireStorage() {
    if (!this.storage) throw new Error('CasesService was built without storage: photos cannot be kept')
    return this.storage
  }

  async findByExternal(source: string, externalId: string) {
    const row = await repo.findCaseByExternal(this.db, source, externalId)
    return row ? resultOf(row, false) : undefined
  }

  /** A case's progress for the resident holding its tracking code, in plain words; undefined when unknown. */
  async publicView(trackingCode: string): Promise<PublicCaseView | undefined> {
    if (!TRACKING_RE.test(trackingCode)) return undefined
    const ref = await repo.findCaseIdByTracking(this.db, trackingCode)
    if (!ref) return undefined
    const c = (await repo.findCase(this.db, ref.id))!
    const events = await repo.eventsOf(this.db, c.id)
    const shown = events.filter((e) => PUBLIC_STEPS.has(e.action) && !(e.action === 'approve_extension' && !dataOf(e).approved))
    const answer = [...events].reverse().find((e) => ['reply', 'resolve_on_spot', 'answered_via_merge'].includes(e.action) && e.note)
    return {
      number: c.number,
      trackingCode: c.tracking_code!,
      title: c.title,
      description: c.description,
      regionName: c.region_name,
      category: c.category_name ?? null,
      stage: stageOf(c.state as CaseState),
      createdAt: c.created_at.toISOString(),
      reply: c.state === 'replied' || c.state === 'closed' || c.state === 'merged' ? (answer ? { text: answer.note!, at: answer.at.toISOString() } : null) : null,
      rating: c.rating,
      ratingComment: c.rating_comment,
      canRate: c.state === 'replied' && !c.rating,
      steps: shown.map((e) => {
        const d = dataOf(e)
        return {
          action: e.action,
          at: e.at.toISOString(),
          // Only what the resident should read: the answer, a refusal's reason, an escalation's level.
          text: ['reply', 'resolve_on_spot', 'answered_via_merge', 'reject'].includes(e.action) ? e.note : e.action === 'escalate' ? String(e.to_state ?? '') || null : null,
          unit: e.action === 'dispatch' || e.action === 'transfer' ? ((d.unitName as string | undefined) ?? null) : null,
        }
      }),
    }
  }

  /** The resident rates their case through its tracking code: the case's own `rate` action, on their behalf. */
  async rateByTracking(trackingCode: string, body: { rating: (typeof RATINGS)[number]; comment?: string }, now = new Date()) {
    const ref = TRACKING_RE.test(trackingCode) ? await repo.findCaseIdByTracking(this.db, trackingCode) : undefined
    if (!ref) throw notFound('事项')
    await this.transition(residentActor(ref.id), ref.id, 'rate', body, now)
    return (await this.publicView(trackingCode))!
  }

  // ---- remarks: timeline rows that change no state --------------------------------------------------
  /**
   * A connected system's comment on a case, or the link to its own media of a report: a timeline row beside the
   * case's events (from = to = its state), and for a comment a notice to whoever handles the case. Runs in the
   * caller's transaction (lock the case first when ordering matters); call `deliver` after it commits.
   */
  async remark(db: Kysely<DB> | Trx, caseId: string, r: { action: 'comment' | 'media_link'; note: string; at: Date; data: Record<string, unknown> }) {
    const c = await repo.findCase(db, caseId)
    if (!c) throw notFound('事项')
    const eventId = await this.insertSystemEvent(db, caseId, r.action, null, c.state, c.state, r.at, r.data, r.note)
    const rows =
      r.action === 'comment' ? await this.notifier.record(db, await this.recipients(db, c, ['handler', 'unit'], null, { kind: 'case.comment', title: `外部系统留言: ${c.number} ${c.title}` })) : []
    return { eventId, deliver: () => this.notifier.deliver(rows) }
  }

  // ---- photos on a case --------------------------------------------------------------------------
  /** A photo added to a case by someone working on it (or its reporter); one timeline row per photo. */
  async addFile(actor: Actor, caseId: string, upload: Upload): Promise<CaseDetail> {
    const c = await this.visibleCase(actor, caseId)
    if (!(this.isHandler(actor, c) || this.isDispatcher(actor, c) || c.created_by === actor.userId || c.reporter_user_id === actor.userId || hasPermission(actor, 'cases.supervise')))
      throw forbidden('只有经办、交办、督办人员或反映人可以上传照片')
    if (['closed', 'rejected', 'merged'].includes(c.state)) throw conflict('CASE_CLOSED', '事项已办结,不能再上传照片', { state: c.state })
    const type = assertPhoto(upload.data, CASE_PHOTO_MAX_BYTES)
    if ((await repo.countCaseFiles(this.db, caseId)) >= CASE_MAX_FILES) throw conflict('TOO_MANY_PHOTOS', `每个事项最多 ${CASE_MAX_FILES} 张照片`)
    const stored = await this.requireStorage().put(upload.data, { prefix: 'cases', extension: EXTENSION_OF[type] })
    try {
      await this.db.transaction().execute(async (trx) => {
        await repo.lockCase(trx, caseId)
        const now = new Date()
        const current = (await repo.findCase(trx, caseId))!
        const eventId = await this.insertSystemEvent(trx, caseId, 'attach', actor.userId, current.state, current.state, now, { filename: upload.filename.slice(0, 200) })
        await this.attachStored(trx, caseId, eventId, [stored], [upload], [type], actor.userId)
      })
    } catch (err) {
      await this.requireStorage().remove(stored.key).catch(() => {})
      throw err
    }
    return this.get(actor, caseId)
  }

  async file(actor: Actor, caseId: string, fileId: string) {
    await this.visibleCase(actor, caseId)
    const f = (await repo.caseFiles(this.db, caseId)).find((x) => x.id === fileId)
    if (!f) throw notFound('照片')
    return { file: f, stream: await this.requireStorage().get(f.storage_key) }
  }

  // ---- read ---------------------------------------------------------------------------
  async get(actor: Actor, id: string): Promise<CaseDetail> {
    const c = await this.visibleCase(actor, id)
    const [events, files] = await Promise.all([repo.eventsOf(this.db, id), repo.caseFiles(this.db, id)])
    return this.detailOf(
      actor,
      c,
      events.map((e) => ({
        id: String(e.id),
        action: e.action,
        actor: e.actor_id ? { id: e.actor_id, name: e.actor_name ?? '' } : null,
        at: e.at.toISOString(),
        fromState: e.from_state,
        toState: e.to_state,
        note: e.note,
        data: dataOf(e),
      })),
      files.map((f) => ({
        id: f.id,
        eventId: f.event_id === null ? null : String(f.event_id),
        filename: f.filename,
        contentType: f.content_type,
        size: f.size,
        url: `/api/cases/${id}/files/${f.id}`,
        createdAt: f.created_at.toISOString(),
      })),
    )
  }

  /** The case as its reader sees it: with its timeline, its photos and the actions this actor may take now. */
  private detailOf(actor: Actor, c: Row, events: CaseDetail['events'], files: CaseDetail['files']): CaseDetail {
    return {
      ...toCase(c),
      events,
      files,
      allowedActions: CASE_ACTIONS.filter(
        (a) => this.actions[a].from.includes(c.state as CaseState) && (this.actions[a].applies?.(c) ?? true) && this.actions[a].allowed(actor, c),
      ),
    }
  }

  async list(actor: Actor, query: Static<typeof CaseListQuery>) {
    const regionPath = query.regionCode ? await this.regions.filterPath(actor, query.regionCode) : undefined
    let categoryIds: number[] | undefined
    if (query.categoryCode) {
      const cat = await repo.findCategoryByCode(this.db, query.categoryCode)
      if (!cat) throw badRequest('UNKNOWN_CATEGORY', `未知分类: ${query.categoryCode}`)
      const all = await repo.listCategories(this.db)
      categoryIds = [cat.id, ...all.filter((x) => x.parent_id === cat.id).map((x) => x.id)]
    }
    const f: repo.CaseFilter = { regionPath, state: query.state, categoryIds, overdue: query.overdue, q: query.q, limit: query.limit ?? 50, offset: query.offset ?? 0 }
    const mine = { unitId: actor.unitId, userId: actor.userId }
    switch (query.queue) {
      case 'to_accept':
        Object.assign(f, { states: ['dispatched'], unitOrHandler: mine })
        break
      case 'in_progress':
        Object.assign(f, { states: ['accepted', 'extension_requested'], unitOrHandler: mine })
        break
      case 'due_soon':
        Object.assign(f, { states: ['dispatched', 'accepted'], warnedNotOverdue: true })
        break
      case 'overdue':
        Object.assign(f, { states: ['dispatched', 'accepted', 'extension_requested', 'returned'], overdue: true })
        break
      case 'to_rate':
        Object.assign(f, { states: ['replied'], ratingMissing: true })
        break
      case 'supervised_by_me':
        Object.assign(f, { supervisedBy: actor.userId, states: OPEN })
        break
      case 'to_dispatch': {
        // Cases whose level region lies at or below the caller's own region: theirs to dispatch.
        const depth = actor.regionPath.split('/').filter(Boolean).length - 1
        const levels = hasPermission(actor, 'cases.dispatch') ? CASE_LEVELS.filter((l) => LEVEL_DEPTH[l] >= depth) : []
        Object.assign(f, { states: ['new', 'returned', 'escalated', 'reopened'], levels })
        break
      }
      case 'mine':
        Object.assign(f, { reporterUserId: actor.userId })
        break
    }
    const { items, total } = await repo.listCases(this.db, { ...scopeOf(actor), userId: actor.userId }, f)
    return { items: items.map(toCase), total }
  }

  // ---- actions --------------------------------------------------------------------------
  /**
   * One action on one case, in one transaction with the case row locked: 404 when the case is out of the
   * actor's sight, 400 for a bad body, 409 `invalid_transition` in a state that does not allow it, 403 for
   * someone who may not do it. Every action writes its case_events row and notifies whom it concerns.
   */
  async act(actor: Actor, id: string, action: string, body: unknown, now = new Date()): Promise<CaseDetail> {
    if (!(CASE_ACTIONS as readonly string[]).includes(action)) throw new AppError(404, 'ROUTE_NOT_FOUND', `没有这个操作: ${action}`)
    const name = action as CaseAction
    const schema = ACTION_BODIES[name]
    const input = body ?? {}
    if (!Value.Check(schema, input)) {
      const details = [...Value.Errors(schema, input)].map((e) => ({ path: e.instancePath.replace(/^\//, ''), message: e.message }))
      throw badRequest('VALIDATION_FAILED', `操作参数不合法: ${details.map((d) => `${d.path || '(body)'} ${d.message}`).join('; ')}`, details)
    }
    await this.visibleCase(actor, id)
    await this.transition(actor, id, name, input, now)
    return this.get(actor, id)
  }

  /** The transition itself, after the door has checked the body and that the case is the actor's to see. */
  private async transition(actor: Actor, id: string, name: CaseAction, input: unknown, now: Date) {
    const rows = await this.db.transaction().execute(async (trx) => {
      await repo.lockCase(trx, id)
      const c = (await repo.findCase(trx, id))!
      const def = this.actions[name]
      if (!def.from.includes(c.state as CaseState))
        throw new AppError(409, 'INVALID_TRANSITION', `事项当前状态 ${c.state} 不能执行 ${name}`, { state: c.state, action: name, allowedFrom: def.from })
      if (!def.allowed(actor, c)) throw forbidden(`只有${def.who}可以执行此操作`, { action: name })
      const outcome = await this.run(trx, actor, c, name, input as never, now)
      if (outcome.patch || outcome.to !== c.state) await repo.updateCase(trx, id, { ...(outcome.patch ?? {}), state: outcome.to })
      const event = await repo.insertEvent(trx, {
        caseId: id,
        action: name,
        actorId: actor.userId === SYSTEM_ACTOR_ID ? null : actor.userId,
        from: c.state,
        to: outcome.to,
        note: outcome.note ?? null,
        data: actor.userId === SYSTEM_ACTOR_ID ? { ...outcome.data, via: actor.name } : outcome.data,
        at: now,
      })
      const updated = (await repo.findCase(trx, id))!
      const notes = outcome.notify ? await this.recipients(trx, updated, outcome.notify.who, actor, { kind: outcome.notify.kind ?? `case.${name}`, title: outcome.notify.title }) : []
      const extra = outcome.after ? await outcome.after(trx, String(event.id)) : []
      return this.notifier.record(trx, [...notes, ...extra])
    })
    await this.notifier.deliver(rows)
    await this.bus.publish(`case.${name}`, { id, actorId: actor.userId })
  }

  private async checkUnit(trx: Trx, actor: Actor, unitId: string) {
    const unit = await repo.findUnitLite(trx, unitId)
    if (!unit || !(pathInScope(scopeOf(actor), unit.path) || unit.id === actor.unitId)) throw badRequest('UNKNOWN_UNIT', '承办单位不存在或不在本人辖区', { unitId })
    return unit
  }

  private async run(trx: Trx, actor: Actor, c: Row, action: CaseAction, body: any, now: Date): Promise<Outcome> {
    const title = (what: string) => `${what}: ${c.number} ${c.title}`
    switch (action) {
      case 'dispatch': {
        const unit = await this.checkUnit(trx, actor, body.unitId)
        if (body.handlerId) {
          const h = await repo.findUserLite(trx, body.handlerId)
          if (!h || !h.active || h.unit_id !== unit.id) throw badRequest('UNKNOWN_USER', '承办人须是承办单位的在岗人员', { handlerId: body.handlerId })
        }
        const level = (body.level ?? c.level) as CaseLevel
        const regionLevelIdx = c.region_path.split('/').filter(Boolean).length - 2 // grid 4→… village 3, town 2
        if (levelIndex(level) > levelIndex(c.level) || LEVEL_DEPTH[level] > regionLevelIdx + 1)
          throw badRequest('VALIDATION_FAILED', '只能交办到本级或下级', { level, current: c.level })
        let due = c.due_at
        let warn = c.warn_at
        if (c.state === 'returned' && c.due_at && c.paused_at) {
          const shift = now.getTime() - c.paused_at.getTime()
          due = new Date(c.due_at.getTime() + shift)
          warn = c.warn_at ? new Date(c.warn_at.getTime() + shift) : null
        } else {
          ;({ due, warn } = await this.clock(c, now, trx))
        }
        const override = !!c.suggested_unit_id && c.suggested_unit_id !== unit.id
        return {
          to: 'dispatched',
          patch: {
            unit_id: unit.id,
            handler_id: body.handlerId ?? null,
            level,
            dispatched_by_level: c.level,
            due_at: due,
            warn_at: warn,
            accept_due_at: addWorkingDays(now, 1),
            paused_at: null,
            ...(c.state === 'returned' ? {} : { warned_at: null, overdue_at: null }),
          },
          note: body.note ?? null,
          data: { unitId: unit.id, unitName: unit.name, handlerId: body.handlerId ?? null, level, dueAt: due?.toISOString(), suggestedUnitId: c.suggested_unit_id, override },
          notify: { who: body.handlerId ? ['handler'] : ['unit'], title: title('新交办事项') },
        }
      }
      case 'accept':
        return { to: 'accepted', patch: { handler_id: c.handler_id ?? actor.userId }, note: body.note ?? null, notify: { who: ['reporter'], title: title('事项已签收') } }
      case 'return': {
        const last = await repo.lastEvent(trx, c.id, ['dispatch', 'transfer'])
        if (last && workingDaysBetween(last.at, now) > this.timing.returnWindowDays)
          throw conflict('RETURN_WINDOW_CLOSED', `收到事项 ${this.timing.returnWindowDays} 个工作日后不能退回`, { dispatchedAt: last.at.toISOString() })
        return {
          to: 'returned',
          patch: { paused_at: now, unit_id: null, handler_id: null },
          note: body.reason,
          data: { unitId: c.unit_id, unitName: c.unit_name },
          notify: { who: ['dispatchers'], title: title('事项被退回') },
        }
      }
      case 'transfer': {
        const unit = await this.checkUnit(trx, actor, body.unitId)
        if (unit.id === c.unit_id) throw badRequest('VALIDATION_FAILED', '不能转办给原承办单位')
        return {
          to: 'dispatched',
          patch: { unit_id: unit.id, handler_id: null, accept_due_at: addWorkingDays(now, 1) },
          note: body.reason,
          data: { fromUnitId: c.unit_id, fromUnitName: c.unit_name, unitId: unit.id, unitName: unit.name },
          notify: { who: ['unit'], title: title('转办事项') },
        }
      }
      case 'extend':
        if (c.extension_days + body.days > this.timing.maxExtensionDays)
          throw badRequest('EXTENSION_LIMIT', `延期合计不能超过 ${this.timing.maxExtensionDays} 个工作日`, { used: c.extension_days, requested: body.days })
        return {
          to: 'extension_requested',
          patch: { pending_extension_days: body.days, paused_at: now },
          note: body.reason,
          data: { days: body.days },
          notify: { who: ['dispatchers'], title: title('延期申请待审批') },
        }
      case 'approve_extension': {
        const shift = c.paused_at ? now.getTime() - c.paused_at.getTime() : 0
        let due = c.due_at ? new Date(c.due_at.getTime() + shift) : null
        let warn = c.warn_at ? new Date(c.warn_at.getTime() + shift) : null
        const days = c.pending_extension_days ?? 0
        if (body.approved && due) {
          due = addWorkingDays(due, days)
          warn = new Date(now.getTime() + (due.getTime() - now.getTime()) * this.timing.warnShare)
        }
        return {
          to: 'accepted',
          patch: {
            due_at: due,
            warn_at: warn,
            paused_at: null,
            pending_extension_days: null,
            extension_days: body.approved ? c.extension_days + days : c.extension_days,
            ...(body.approved ? { warned_at: null, overdue_at: null } : {}),
          },
          note: body.note ?? null,
          data: { approved: body.approved, days, dueAt: due?.toISOString() },
          notify: { who: ['handler'], title: title(body.approved ? '延期已批准' : '延期未获批准') },
        }
      }
      case 'escalate': {
        const up = nextLevel(c.level)
        if (!up) throw conflict('TOP_LEVEL', '已在县(市)级,不能再上报')
        return {
          to: 'escalated',
          patch: { level: up, unit_id: null, handler_id: null, due_at: null, warn_at: null, warned_at: null, overdue_at: null, accept_due_at: null, paused_at: null },
          note: body.reason,
          data: { fromLevel: c.level, toLevel: up },
          notify: { who: ['dispatchers'], title: title('下级上报事项') },
        }
      }
      case 'claim': {
        const fresh = !c.due_at || ['new', 'escalated', 'reopened'].includes(c.state)
        const { due, warn } = fresh ? await this.clock(c, now, trx) : { due: c.due_at, warn: c.warn_at }
        return {
          to: 'accepted',
          patch: { claimed_by: actor.userId, handler_id: actor.userId, unit_id: actor.unitId ?? c.unit_id, due_at: due, warn_at: warn, paused_at: null, pending_extension_days: null },
          note: body.note ?? null,
          data: { leader: actor.name },
          notify: { who: ['reporter', 'dispatchers'], title: title('领导认领事项') },
        }
      }
      case 'urge':
        return { to: c.state as CaseState, note: body.note ?? null, notify: { who: c.unit_id || c.handler_id ? ['handler', 'unit'] : ['dispatchers'], title: title('催办') } }
      case 'supervise':
        return {
          to: c.state as CaseState,
          patch: { supervision: body.level },
          note: body.note ?? null,
          data: { level: body.level },
          notify: { who: c.unit_id || c.handler_id ? ['handler', 'unit', 'dispatchers'] : ['dispatchers'], title: title(body.level === 'red' ? '红牌督办' : body.level === 'yellow' ? '黄牌督办' : '督办') },
        }
      case 'reply':
        return {
          to: 'replied',
          patch: { replied_at: now, rating: null },
          note: body.result,
          notify: { who: ['reporter'], title: title('事项已答复,请评价') },
          after: async (trx) => {
            // 反映必反馈: the reporters of cases merged into this one are answered too.
            const merged = await repo.casesMergedInto(trx, c.id)
            const out: OutgoingNotification[] = []
            for (const m of merged) {
              await repo.insertEvent(trx, { caseId: m.id, action: 'answered_via_merge', actorId: actor.userId, from: m.state, to: m.state, note: body.result, data: { caseId: c.id, number: c.number }, at: now })
              if (m.reporter_user_id) out.push({ userId: m.reporter_user_id, kind: 'case.reply', title: `并案事项已答复: ${c.number}`, body: body.result, caseId: m.id })
            }
            return out
          },
        }
      case 'rate':
        if (c.rating) throw new AppError(409, 'INVALID_TRANSITION', '已评价,不满意请申请重办', { rating: c.rating })
        return body.rating === 'unsatisfied'
          ? { to: 'replied', patch: { rating: 'unsatisfied', rating_comment: body.comment ?? null, rated_at: now }, note: body.comment ?? null, data: { rating: body.rating }, notify: { who: ['handler', 'dispatchers'], title: title('反映人不满意') } }
          : { to: 'closed', patch: { rating: body.rating, rating_comment: body.comment ?? null, rated_at: now, closed_at: now }, note: body.comment ?? null, data: { rating: body.rating }, notify: { who: ['handler'], title: title('事项已办结') } }
      case 'reopen': {
        if (c.rating !== 'unsatisfied') throw new AppError(409, 'INVALID_TRANSITION', '只有反映人不满意的事项可以重办', { rating: c.rating })
        const level = body.escalate ? nextLevel(c.level) : c.level
        if (!level) throw conflict('TOP_LEVEL', '已在县(市)级,不能再上报')
        return {
          to: 'reopened',
          patch: { level, reopen_count: c.reopen_count + 1, rating: null, unit_id: null, handler_id: null, due_at: null, warn_at: null, warned_at: null, overdue_at: null, accept_due_at: null, replied_at: null },
          note: body.reason,
          data: { level, escalated: !!body.escalate },
          notify: { who: ['dispatchers', 'handler'], title: title('事项重办') },
        }
      }
      case 'merge': {
        if (body.intoCaseId === c.id) throw badRequest('VALIDATION_FAILED', '不能并入自身')
        const target = await repo.findCase(trx, body.intoCaseId)
        if (!this.visible(actor, target)) throw badRequest('VALIDATION_FAILED', '要并入的事项不存在', { intoCaseId: body.intoCaseId })
        if (!OPEN.includes(target.state as CaseState) && target.state !== 'replied') throw conflict('INVALID_TRANSITION', '只能并入未办结的事项', { targetState: target.state })
        if (villagePath(target.region_path) !== villagePath(c.region_path)) throw badRequest('VALIDATION_FAILED', '只能并入同一村社的同类事项')
        return {
          to: 'merged',
          patch: { merged_into: target.id, closed_at: now },
          note: body.note ?? null,
          data: { intoCaseId: target.id, intoNumber: target.number },
          notify: { who: ['reporter'], title: title('事项已并案处理') },
          after: async (t2) => {
            await repo.insertEvent(t2, { caseId: target.id, action: 'merged_from', actorId: actor.userId, from: target.state, to: target.state, data: { caseId: c.id, number: c.number }, at: now })
            return []
          },
        }
      }
      case 'reject':
        return { to: 'rejected', patch: { closed_at: now }, note: body.reason, data: { kind: body.kind }, notify: { who: ['reporter'], title: title('事项不予受理') } }
      case 'resolve_on_spot':
        return { to: 'replied', patch: { handler_id: actor.userId, replied_at: now }, note: body.result, data: { onSpot: true }, notify: { who: ['reporter'], title: title('事项已当场解决,请评价') } }
    }
  }

  /** Who a notice concerns; never the actor themself. */
  private async recipients(trx: Kysely<DB> | Trx, c: Row, who: ('handler' | 'dispatchers' | 'reporter' | 'unit')[], actor: Actor | null, n: { kind: string; title: string }): Promise<OutgoingNotification[]> {
    const ids = new Set<string>()
    for (const w of who) {
      if (w === 'handler') for (const id of [c.handler_id, c.claimed_by]) if (id) ids.add(id)
      if (w === 'unit' && c.unit_id) for (const id of await repo.unitMembers(trx, c.unit_id)) ids.add(id)
      if (w === 'reporter' && c.reporter_user_id) ids.add(c.reporter_user_id)
      if (w === 'dispatchers') {
        for (const id of await repo.dispatchersAt(trx, levelRegionPath(c.region_path, c.level))) ids.add(id)
        // …and whoever dispatched it last, wherever they sit (a town handler dispatching a grid's case).
        const last = await repo.lastEvent(trx, c.id, ['dispatch', 'transfer'])
        if (last?.actor_id) ids.add(last.actor_id)
      }
    }
    if (actor) ids.delete(actor.userId)
    return [...ids].map((userId) => ({ userId, kind: n.kind, title: n.title, body: c.title, caseId: c.id }))
  }

  // ---- clocks and housekeeping (jobs) ---------------------------------------------------------
  /**
   * Mark warnings (at 70 % of the limit), overdue cases and unaccepted dispatches at `now`; notify handlers
   * and their dispatchers. Idempotent: each mark is made once.
   */
  async checkDeadlines(now = new Date()) {
    const due = await repo.casesPastTimes(this.db, now)
    let warned = 0
    let overdue = 0
    for (const d of due) {
      const rows = await this.db.transaction().execute(async (trx) => {
        await repo.lockCase(trx, d.id)
        const c = (await repo.findCase(trx, d.id))!
        if (!['dispatched', 'accepted'].includes(c.state) || c.paused_at) return []
        const out: OutgoingNotification[] = []
        if (c.due_at && c.due_at <= now && !c.overdue_at) {
          await repo.updateCase(trx, c.id, { overdue_at: now, warned_at: c.warned_at ?? now })
          await repo.insertEvent(trx, { caseId: c.id, action: 'overdue', actorId: null, from: c.state, to: c.state, data: { dueAt: c.due_at.toISOString() }, at: now })
          out.push(...(await this.recipients(trx, c, ['handler', 'unit', 'dispatchers'], null, { kind: 'case.overdue', title: `事项已超时: ${c.number} ${c.title}` })))
          overdue++
        } else if (c.warn_at && c.warn_at <= now && !c.warned_at) {
          await repo.updateCase(trx, c.id, { warned_at: now })
          await repo.insertEvent(trx, { caseId: c.id, action: 'warn', actorId: null, from: c.state, to: c.state, data: { dueAt: c.due_at?.toISOString() }, at: now })
          out.push(...(await this.recipients(trx, c, ['handler', 'unit'], null, { kind: 'case.due_soon', title: `事项即将超时: ${c.number} ${c.title}` })))
          warned++
        }
        if (c.state === 'dispatched' && c.accept_due_at && c.accept_due_at <= now && !(await repo.acceptWarningSent(trx, c.id, c.accept_due_at))) {
          await repo.insertEvent(trx, { caseId: c.id, action: 'accept_overdue', actorId: null, from: c.state, to: c.state, data: { acceptDueAt: c.accept_due_at.toISOString() }, at: now })
          out.push(...(await this.recipients(trx, c, ['unit', 'handler', 'dispatchers'], null, { kind: 'case.accept_overdue', title: `事项超过1个工作日未签收: ${c.number}` })))
        }
        return this.notifier.record(trx, out)
      })
      await this.notifier.deliver(rows)
    }
    return { warned, overdue }
  }

  /** Replied cases nobody rated within the configured days close as unrated. */
  async autoClose(now = new Date()) {
    const stale = await repo.unratedReplied(this.db, new Date(now.getTime() - this.timing.autoCloseDays * 86_400_000))
    for (const s of stale) {
      await this.db.transaction().execute(async (trx) => {
        await repo.lockCase(trx, s.id)
        const c = (await repo.findCase(trx, s.id))!
        if (c.state !== 'replied' || c.rating) return
        await repo.updateCase(trx, c.id, { state: 'closed', closed_at: now })
        await repo.insertEvent(trx, { caseId: c.id, action: 'auto_close', actorId: null, from: 'replied', to: 'closed', data: { afterDays: this.timing.autoCloseDays }, at: now })
      })
    }
    return stale.length
  }
}

export interface ExternalIntake {
  channel: 'qr' | 'open311' | 'import' | 'platform' | 'hotline' | 'walk_in'
  /** Resolved by the door: a grid, village, town or county region. */
  regionId: number
  categoryCode?: string | null
  urgency?: (typeof CASE_URGENCIES)[number]
  title: string
  description: string
  reporter?: { name?: string | null; phone?: string | null; email?: string | null; anonymous?: boolean; personId?: string | null }
  lat?: number | null
  lng?: number | null
  address?: string | null
  placeId?: string | null
  /** The case's identity on another platform: a second intake updates the case instead of adding one. */
  source?: string | null
  externalId?: string | null
  /**
   * Imports and pushes: the area (region path) of the importer or API key. A case found by (source, externalId)
   * outside it is refused with 403 OUT_OF_AREA and left as it is.
   */
  scopePath?: string | null
  /** Imports only: a case the other platform already finished. */
  externalState?: 'closed' | 'replied' | 'rejected' | null
  apiClientId?: string | null
  /** The original time of an imported case. */
  createdAt?: Date
  /** The signed-in operator of an import; null for the public doors. */
  operatorId?: string | null
  photos?: { filename: string; data: Buffer }[]
  /** A resident's resend of the same report (same channel and clientId) answers the first case. */
  clientId?: string | null
  /** No notifications (bulk imports: the queue shows the new work; nobody needs a thousand notices). */
  quiet?: boolean
}

function resultOf(c: Pick<Row, 'id' | 'number' | 'tracking_code' | 'state'>, created: boolean): IntakeResult {
  return { id: c.id, number: c.number, trackingCode: c.tracking_code!, state: c.state as CaseState, created }
}

export interface IntakeResult {
  id: string
  number: string
  trackingCode: string
  state: CaseState
  created: boolean
}

/** 10 characters of a 32-letter alphabet without look-alikes: 50 bits, not guessable at any rate we allow. */
const TRACKING_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
const TRACKING_RE = /^[A-Z0-9]{6,16}$/
export function newTrackingCode() {
  const bytes = randomBytes(10)
  return [...bytes].map((b) => TRACKING_ALPHABET[b & 31]).join('')
}

/** Timeline rows a resident sees, in their words (the web app labels them). */
const PUBLIC_STEPS = new Set(['create', 'dispatch', 'transfer', 'accept', 'approve_extension', 'escalate', 'reply', 'resolve_on_spot', 'rate', 'reopen', 'reject', 'merge', 'answered_via_merge', 'auto_close', 'external_update'])

function stageOf(state: CaseState): PublicCaseView['stage'] {
  switch (state) {
    case 'dispatched':
    case 'accepted':
    case 'extension_requested':
      return 'in_progress'
    case 'replied':
      return 'replied'
    case 'closed':
      return 'closed'
    case 'rejected':
      return 'rejected'
    case 'merged':
      return 'merged'
    default:
      return 'received'
  }
}

const dataOf = (e: { data: unknown }) => (typeof e.data === 'string' ? JSON.parse(e.data) : (e.data ?? {})) as Record<string, unknown>

/** The resident behind a tracking code: may rate that one case, nothing else, sees no area. */
function residentActor(caseId: string): Actor {
  return {
    userId: SYSTEM_ACTOR_ID,
    sessionId: '',
    name: 'tracking_code',
    phone: '',
    roles: [],
    regionId: 0,
    regionCode: '',
    regionName: '',
    regionLevel: 'grid',
    regionPath: '/-/',
    unitId: null,
    station: null,
    reporterOf: caseId,
  }
}

export function toCase(c: Row): Case {
  return {
    id: c.id,
    number: c.number,
    channel: c.channel as Case['channel'],
    state: c.state as CaseState,
    level: c.level,
    regionCode: c.region_code,
    regionName: c.region_name,
    regionPath: c.region_trail,
    category: c.category_code ? { code: c.category_code, name: c.category_name ?? '' } : null,
    urgency: c.urgency,
    title: c.title,
    description: c.description,
    reporter: { kind: c.reporter_kind, name: c.reporter_name, phone: c.reporter_phone_masked, personId: c.reporter_person_id },
    lat: c.lat,
    lng: c.lng,
    unit: c.unit_id ? { id: c.unit_id, name: c.unit_name ?? '' } : null,
    handler: c.handler_id ? { id: c.handler_id, name: c.handler_name ?? '' } : null,
    suggestedUnit: c.suggested_unit_id ? { id: c.suggested_unit_id, name: c.suggested_unit_name ?? '', level: c.level } : null,
    dueAt: c.due_at?.toISOString() ?? null,
    warnAt: c.warn_at?.toISOString() ?? null,
    warned: !!c.warned_at,
    overdue: !!c.overdue_at,
    paused: !!c.paused_at,
    extensionDays: c.extension_days,
    supervision: c.supervision,
    claimedBy: c.claimed_by ? { id: c.claimed_by, name: c.claimed_by_name ?? '' } : null,
    mergedInto: c.merged_into,
    rating: c.rating,
    reopenCount: c.reopen_count,
    diaryEntryId: c.diary_entry_id,
    source: c.source,
    externalId: c.external_id,
    address: c.address,
    ratingComment: c.rating_comment,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
    closedAt: c.closed_at?.toISOString() ?? null,
  }
}
