import { randomBytes } from 'node:crypto'
import { CASE_LEVELS, CASE_PHOTO_MAX_BYTES, CASE_PHOTOS_PER_REPORT, type CASE_URGENCIES, type CaseDetail, type CaseState, type CreateCase, isOpenState, maskPhone, phoneProblem } from '@minqing/common'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/types.ts'
import type { FieldCrypto } from '../../platform/crypto.ts'
import { AppError, badRequest, conflict, forbidden } from '../../platform/errors.ts'
import type { EventBus } from '../../platform/events.ts'
import { type Actor, assertVisible, assertWritableRegion, hasPermission, requirePermission, scopeOf } from '../../platform/policy.ts'
import { assertPhoto, EXTENSION_OF } from '../../platform/uploads.ts'
import { cnDate } from '../../platform/workdays.ts'
import type { Notifier } from '../notifications/notifier.ts'
import type { CaseActions, Patch } from './actions.service.ts'
import * as repo from './cases.repository.ts'
import type { CaseFiles } from './files.service.ts'
import { IntakeBatcher } from './intake-batcher.ts'
import type { CaseReads } from './reads.service.ts'

type Trx = Transaction<DB>
type Row = repo.CaseRow

/**
 * New cases: raised by signed-in users (one round trip, batched), and from the doors without one (民情码,
 * Open311, imports, pushes), where (source, externalId) makes a re-delivery an update, never a duplicate.
 */
export class CaseIntake {
  /** New cases from signed-in users go in together when many arrive at once (group commit). */
  private batcher: IntakeBatcher

  constructor(
    private db: Kysely<DB>,
    private crypto: FieldCrypto,
    private notifier: Notifier,
    private bus: EventBus,
    private actions: CaseActions,
    private files: CaseFiles,
    private reads: CaseReads,
  ) {
    this.batcher = new IntakeBatcher(db, CASE_LEVELS)
  }

  /**
   * A case raised by a signed-in user. Intake is the hottest write path (every diary concern, hotline call and
   * report), so the common case costs one round trip: who is asking comes from the session cache, and where and
   * what (region, category, routing rule, dispatchers) is looked up by the same statement that writes the case,
   * its event, the notices and the diary concern; the answer is built from what that statement returns.
   *
   * `within`: the caller's own write that must stand or fall with the new case (a ledger item marked with it): the
   * case goes in alone (not batched), in a transaction that runs `within(trx, caseId)` before it commits; notices and
   * the `case.created` event follow the commit. A case found by `clientId` is answered as it is, without `within`.
   */
  async create(actor: Actor, body: CreateCase, now = new Date(), within?: (trx: Trx, caseId: string) => Promise<void>): Promise<{ detail: CaseDetail; created: boolean }> {
    // 随手报 (issue 15): a volunteer reports like a resident, under their own name and phone, never for someone else.
    const volunteer = !hasPermission(actor, 'cases.raise') && hasPermission(actor, 'cases.report')
    if (!volunteer) requirePermission(actor, 'cases.raise')
    if (volunteer && (body.reporter || body.channel || body.diaryConcernId))
      throw forbidden('志愿者随手报以本人身份反映,不能指定反映人、渠道或日记诉求', { fields: ['reporter', 'channel', 'diaryConcernId'].filter((k) => body[k as keyof CreateCase] !== undefined) })
    if (body.clientId) {
      const existing = await repo.findCaseByClientId(this.db, actor.userId, body.clientId)
      if (existing) return { detail: await this.reads.get(actor, existing.id), created: false }
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
    } else if (volunteer) {
      const phone = actor.phone && !phoneProblem(actor.phone) ? this.crypto.protect(actor.phone, maskPhone) : null
      reporter = { kind: 'named', personId: null, name: actor.name, phone }
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

    const channel = concern ? 'diary' : volunteer ? 'volunteer' : (body.channel ?? 'walk_in')
    const data = { number: '', channel }
    let res: repo.NewCaseResult
    const day = cnDate(now).replaceAll('-', '')
    try {
      const item: repo.NewCase = {
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
      }
      res = within
        ? await this.db.transaction().execute(async (trx) => {
            const [r] = await repo.insertNewCases(trx, day, CASE_LEVELS, [item])
            if (r.made) await within(trx, r.made.id)
            return r
          })
        : await this.batcher.submit(day, item)
    } catch (err) {
      // The same clientId sent twice at once: the second answers with the first's case.
      if ((err as { code?: string }).code === '23505' && body.clientId) {
        const existing = await repo.findCaseByClientId(this.db, actor.userId, body.clientId)
        if (existing) return { detail: await this.reads.get(actor, existing.id), created: false }
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
    return { detail: this.reads.detailOf(actor, made.row, [event], []), created: true }
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
    const stored = await Promise.all(photos.map((p, i) => this.files.requireStorage().put(p.data, { prefix: 'cases', extension: EXTENSION_OF[types[i]] })))
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
          const finish = external && isOpenState(c.state) ? external : null
          return { patch, changed, finish, idle: changed.length === 0 && !finish && stored.length === 0 }
        }
        if (plan(existing).idle) return resultOf(existing, false)
        const after = await this.db.transaction().execute(async (trx) => {
          await repo.lockCase(trx, existing.id)
          const c = (await repo.findCase(trx, existing.id))!
          const { patch, changed, finish, idle } = plan(c)
          if (idle) return c
          const step = await this.actions.systemIn(trx, c, { action: 'external_update', input: { patch, finish, data: { source, externalId, changed } }, actorId: input.operatorId ?? null }, now)
          await this.files.attachStored(trx, c.id, step.eventId!, stored, photos, types, input.operatorId)
          return { ...c, state: step.to }
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
        if (stored.length) await this.files.attachStored(db, m.id, m.eventId, stored, photos, types, input.operatorId)
        if (external) {
          // Finished elsewhere: the lifecycle's external_update, as the system (the operator on the timeline).
          await this.actions.systemIn(
            db,
            m.row,
            { action: 'external_update', input: { patch: {}, finish: external, data: { source, externalId, changed: ['state'] } }, actorId: input.operatorId ?? null },
            now,
          )
        }
        return m
      }
      // One statement needs no transaction; photos or a finished state make it several.
      const made = stored.length || external ? await this.db.transaction().execute(write) : await write(this.db)
      await this.notifier.deliver(made.notices)
      await this.bus.publish('case.created', { id: made.id, regionPath: region.path, channel: input.channel })
      return { id: made.id, number: made.number, trackingCode, state: external ?? 'new', created: true }
    } catch (err) {
      await Promise.all(
        stored.map((f) =>
          this.files
            .requireStorage()
            .remove(f.key)
            .catch(() => {}),
        ),
      )
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
    if (input.scopePath != null && !c.region_path.startsWith(input.scopePath)) throw new AppError(403, 'OUT_OF_AREA', '该编号的事项不在您的辖区内,未作更改', { externalId: input.externalId ?? null })
  }

  async findByExternal(source: string, externalId: string) {
    const row = await repo.findCaseByExternal(this.db, source, externalId)
    return row ? resultOf(row, false) : undefined
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
function newTrackingCode() {
  const bytes = randomBytes(10)
  return [...bytes].map((b) => TRACKING_ALPHABET[b & 31]).join('')
}
