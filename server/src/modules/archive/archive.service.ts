import {
  type ArchiveDocument,
  type CreateHousehold,
  type CreatePerson,
  DOCUMENT_KINDS,
  DOCUMENT_MAX_BYTES,
  DOCUMENT_TYPES,
  type HistoryEntry,
  type Household,
  type HouseholdDetail,
  type HouseholdListQuery,
  idNumberFacts,
  idNumberProblem,
  normaliseIdNumber,
  type Person,
  type PersonListQuery,
  type PersonLookupItem,
  type PersonSearch,
  phoneProblem,
  RELATIONS,
  type Tag,
  type TimelineItem,
  type UpdateHousehold,
  type UpdatePerson,
} from '@minqing/common'
import type { Kysely, Transaction } from 'kysely'
import type { Static } from 'typebox'
import type { DB, RegionRow } from '../../db/types.ts'
import { audit } from '../../platform/audit.ts'
import type { FieldCrypto } from '../../platform/crypto.ts'
import { AppError, badRequest, conflict } from '../../platform/errors.ts'
import { insertFile } from '../../platform/files.repository.ts'
import { maskIdNumber, maskPhone, protectedColumns, protectPhone, remaskIdNumber } from '../../platform/identifiers.ts'
import { type Actor, hasPermission, requireCountyAdmin, requirePermission, scopeOf, visibleRow, writableRow } from '../../platform/policy.ts'
import { type RateLimiter, type RateRule } from '../../platform/ratelimit.ts'
import type { Storage } from '../../platform/storage.ts'
import { EXTENSION_OF, type Upload } from '../../platform/uploads.ts'
import { pathCodes, type RegionsService } from '../regions/regions.service.ts'
import * as repo from './archive.repository.ts'
import { householdsXlsx, personsXlsx } from './export.ts'
import { addTimelineSource, collectTimeline, type TimelineSource } from './timeline.ts'

type HouseholdRow = NonNullable<Awaited<ReturnType<typeof repo.findHousehold>>>

const iso = (d: Date) => d.toISOString()

function toTag(t: Awaited<ReturnType<typeof repo.listTags>>[number]): Tag {
  return { id: t.id, code: t.code, name: t.name, appliesTo: t.applies_to, color: t.color, sort: t.sort, builtin: t.builtin }
}

/**
 * Whether the actor may see what rebuilds a full ID number: the birth date (with gender, the region and the mask's
 * ends it narrows an ID number to a few dozen candidates). Everyone else gets the age (issue 11).
 */
const seesBirthDate = (actor: Actor) => hasPermission(actor, 'archive.reveal')

function toPerson(p: repo.PersonView, birthDateShown: boolean): Person {
  return {
    id: p.id,
    householdId: p.household_id,
    regionCode: p.region_code,
    regionName: p.region_name,
    name: p.name,
    gender: p.gender,
    birthDate: birthDateShown ? p.birth_date : null,
    age: p.age,
    idNumber: remaskIdNumber(p.id_masked),
    phone: p.phone_masked,
    relation: p.relation,
    politicalStatus: p.political_status,
    health: p.health,
    childrenInCity: p.children_in_city,
    workplace: p.workplace,
    notes: p.notes,
    tags: p.tags,
    updatedAt: iso(p.updated_at),
  }
}

function toHousehold(h: HouseholdRow): Household {
  return {
    id: h.id,
    regionCode: h.region_code,
    regionName: h.region_name,
    address: h.address,
    headName: h.head_name,
    headPersonId: h.head_person_id,
    memberCount: h.member_count,
    phone: h.phone_masked,
    tags: h.tags,
    lat: h.lat,
    lng: h.lng,
    updatedAt: iso(h.updated_at),
  }
}

function toDocument(d: repo.DocumentView): ArchiveDocument {
  return {
    id: d.id,
    ownerType: d.owner_type,
    ownerId: d.owner_id,
    kind: d.kind,
    title: d.title,
    filename: d.filename,
    contentType: d.content_type,
    size: d.size,
    createdAt: iso(d.created_at),
    createdByName: d.created_by_name,
    downloadUrl: `/api/documents/${d.id}/download`,
  }
}

/** Field-by-field differences; identifiers are compared and shown masked, never in clear. */
function diff(before: Record<string, unknown>, after: Record<string, unknown>): repo.Change[] {
  const changes: repo.Change[] = []
  for (const field of Object.keys(after)) {
    const a = before[field] ?? null
    const b = after[field] ?? null
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ field, from: a, to: b })
  }
  return changes
}

/** An update's history row, when it changed anything. */
async function recordUpdate(trx: Transaction<DB>, actor: Actor, entityType: 'household' | 'person', entityId: string, before: Record<string, unknown>, after: Record<string, unknown>) {
  const changes = diff(before, after)
  if (changes.length) await repo.insertHistory(trx, { entityType, entityId, action: 'update', actorId: actor.userId, changes })
}

const EXPORT_MAX = 50_000

export class ArchiveService {
  constructor(
    private db: Kysely<DB>,
    private crypto: FieldCrypto,
    private regions: RegionsService,
    private storage: Storage,
    private limiter: RateLimiter,
    private lookupLimits: { perUser: RateRule; perUserDay: RateRule; perIp: RateRule },
  ) {
    addTimelineSource(archiveTimeline)
  }

  // ---- tags ----------------------------------------------------------------------
  async tags(actor: Actor): Promise<Tag[]> {
    requirePermission(actor, 'archive.read')
    return (await repo.listTags(this.db)).map(toTag)
  }

  async createTag(actor: Actor, body: { code: string; name: string; appliesTo: 'person' | 'household' | 'both'; color?: string | null; sort?: number }, ip?: string) {
    requireCountyAdmin(actor, 'tags.manage')
    return this.db.transaction().execute(async (trx) => {
      if (await repo.tagTaken(trx, body.code, body.name)) throw conflict('TAG_TAKEN', `标签已存在: ${body.name}`)
      const row = await repo.insertTag(trx, { code: body.code, name: body.name, applies_to: body.appliesTo, color: body.color ?? null, sort: body.sort ?? 1000 })
      await audit(trx, { actor, action: 'tag.create', entityType: 'tag', entityId: String(row.id), ip, details: body })
      return toTag(row)
    })
  }

  /** Tag references (codes or names) → ids; an unknown tag or one for the other kind of record is a 400. */
  async resolveTags(refs: string[] | undefined, target: 'person' | 'household'): Promise<number[]> {
    if (!refs || refs.length === 0) return []
    const found = await repo.findTags(this.db, refs)
    const byRef = new Map(found.flatMap((t) => [[t.code, t] as const, [t.name, t] as const]))
    const unknown = refs.filter((r) => !byRef.has(r))
    if (unknown.length) throw badRequest('UNKNOWN_TAG', `未知标签: ${unknown.join('、')}`, { unknown })
    const wrong = refs.filter((r) => !['both', target].includes(byRef.get(r)!.applies_to))
    if (wrong.length) throw badRequest('TAG_NOT_APPLICABLE', `标签不适用于${target === 'person' ? '人员' : '户'}: ${wrong.join('、')}`, { tags: wrong })
    return [...new Set(refs.map((r) => byRef.get(r)!.id))]
  }

  private async tagFilter(refs: string[] | undefined) {
    if (!refs || refs.length === 0) return undefined
    const found = await repo.findTags(this.db, refs)
    const known = new Set(found.flatMap((t) => [t.code, t.name]))
    const unknown = refs.filter((r) => !known.has(r))
    if (unknown.length) throw badRequest('UNKNOWN_TAG', `未知标签: ${unknown.join('、')}`, { unknown })
    return [...new Set(found.map((t) => t.id))]
  }

  /** Households live in a village or one of its grids, inside the writer's area. */
  private async householdRegion(actor: Actor, code: string): Promise<RegionRow> {
    const region = await this.regions.resolveForWrite(actor, code)
    if (region.level !== 'village' && region.level !== 'grid') throw badRequest('INVALID_REGION_LEVEL', '户籍档案须建在村社或网格', { level: region.level })
    return region
  }

  // ---- households ----------------------------------------------------------------
  private async visibleHousehold(actor: Actor, id: string) {
    return visibleRow(actor, await repo.findHousehold(this.db, id), '户')
  }

  private async writableHousehold(actor: Actor, id: string) {
    return writableRow(actor, await repo.findHousehold(this.db, id), '户')
  }

  async listHouseholds(actor: Actor, query: Static<typeof HouseholdListQuery>) {
    requirePermission(actor, 'archive.read')
    const near = query.nearLat !== undefined && query.nearLng !== undefined ? { lat: query.nearLat, lng: query.nearLng } : undefined
    const { items, total } = await repo.listHouseholds(this.db, scopeOf(actor), {
      regionPath: await this.regions.filterPath(actor, query.regionCode),
      tagIds: await this.tagFilter(query.tag),
      q: query.q,
      near,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    })
    return { items: items.map(toHousehold), total }
  }

  /** Everything matching the filters, as XLSX; capped so one click cannot take the server down. */
  async exportHouseholds(actor: Actor, query: Static<typeof HouseholdListQuery>) {
    const { items, total } = await this.listHouseholds(actor, { ...query, limit: EXPORT_MAX, offset: 0 })
    if (total > EXPORT_MAX) throw badRequest('TOO_MANY_ROWS', `导出上限 ${EXPORT_MAX} 条,请缩小筛选范围`, { total, max: EXPORT_MAX })
    await audit(this.db, { actor, action: 'archive.export', entityType: 'household', regionId: actor.regionId, details: { ...query, rows: items.length } })
    return householdsXlsx(items, await this.tags(actor))
  }

  async exportPersons(actor: Actor, query: Static<typeof PersonListQuery>) {
    const { items, total } = await this.listPersons(actor, { ...query, limit: EXPORT_MAX, offset: 0 })
    if (total > EXPORT_MAX) throw badRequest('TOO_MANY_ROWS', `导出上限 ${EXPORT_MAX} 条,请缩小筛选范围`, { total, max: EXPORT_MAX })
    await audit(this.db, { actor, action: 'archive.export', entityType: 'person', regionId: actor.regionId, details: { ...query, rows: items.length } })
    return personsXlsx(items, await this.tags(actor))
  }

  async getHousehold(actor: Actor, id: string): Promise<HouseholdDetail> {
    requirePermission(actor, 'archive.read')
    const h = await this.visibleHousehold(actor, id)
    const members = await repo.householdMembers(this.db, id)
    const documents = await repo.documentsOf(this.db, [
      { type: 'household', ids: [id] },
      { type: 'person', ids: members.map((m) => m.id) },
    ])
    const codes = pathCodes(h.region_path)
    const names = new Map((await this.db.selectFrom('regions').select(['code', 'name']).where('code', 'in', codes).execute()).map((r) => [r.code, r.name]))
    return {
      ...toHousehold(h),
      house: (h.house ?? {}) as HouseholdDetail['house'],
      notes: h.notes,
      regionPath: codes.map((code) => ({ code, name: names.get(code) ?? code })),
      members: members.map((m) => toPerson(m, seesBirthDate(actor))),
      documents: documents.map(toDocument),
    }
  }

  async createHousehold(actor: Actor, body: CreateHousehold): Promise<HouseholdDetail> {
    requirePermission(actor, 'archive.write')
    const region = await this.householdRegion(actor, body.regionCode)
    const tagIds = await this.resolveTags(body.tags, 'household')
    const phone = protectPhone(this.crypto, body.phone)
    const address = body.address.trim()
    const id = await this.db.transaction().execute(async (trx) => {
      if (await repo.findHouseholdByAddress(trx, region.id, address)) throw conflict('DUPLICATE_HOUSEHOLD', `该村社已有此地址的户: ${address}`)
      const { id } = await repo.insertHousehold(trx, {
        region_id: region.id,
        address,
        ...protectedColumns('phone', phone),
        house: JSON.stringify(body.house ?? {}),
        notes: body.notes ?? null,
        lat: body.lat ?? null,
        lng: body.lng ?? null,
        created_by: actor.userId,
      })
      await repo.setHouseholdTags(trx, id, tagIds)
      await repo.insertHistory(trx, {
        entityType: 'household',
        entityId: id,
        action: 'create',
        actorId: actor.userId,
        changes: diff({}, { address, region: region.code, phone: phone?.masked ?? null, tags: body.tags ?? [], house: body.house ?? {}, notes: body.notes ?? null }),
      })
      return id
    })
    return this.getHousehold(actor, id)
  }

  async updateHousehold(actor: Actor, id: string, body: UpdateHousehold): Promise<HouseholdDetail> {
    requirePermission(actor, 'archive.write')
    const current = await this.writableHousehold(actor, id)
    const region = body.regionCode ? await this.householdRegion(actor, body.regionCode) : undefined
    const tagIds = body.tags ? await this.resolveTags(body.tags, 'household') : undefined
    const phone = protectPhone(this.crypto, body.phone)
    if (body.headPersonId) {
      const head = await repo.personRaw(this.db, body.headPersonId)
      if (!head || head.household_id !== id) throw badRequest('VALIDATION_FAILED', '户主须是本户成员', { headPersonId: body.headPersonId })
    }
    const address = body.address?.trim()
    await this.db.transaction().execute(async (trx) => {
      const regionId = region?.id ?? current.region_id
      if ((address && address !== current.address) || region) {
        const other = await repo.findHouseholdByAddress(trx, regionId, address ?? current.address)
        if (other && other.id !== id) throw conflict('DUPLICATE_HOUSEHOLD', `该村社已有此地址的户: ${address ?? current.address}`)
      }
      await repo.updateHousehold(trx, id, {
        ...(address !== undefined ? { address } : {}),
        ...(region ? { region_id: region.id } : {}),
        ...(phone ? protectedColumns('phone', phone) : {}),
        ...(body.house !== undefined ? { house: JSON.stringify(body.house) } : {}),
        ...(body.notes !== undefined ? { notes: body.notes } : {}),
        ...(body.lat !== undefined ? { lat: body.lat } : {}),
        ...(body.lng !== undefined ? { lng: body.lng } : {}),
        ...(body.headPersonId !== undefined ? { head_person_id: body.headPersonId } : {}),
      })
      // Members move with their household.
      if (region) await trx.updateTable('persons').set({ region_id: region.id }).where('household_id', '=', id).execute()
      if (tagIds) await repo.setHouseholdTags(trx, id, tagIds)
      const after = await repo.findHousehold(trx, id)
      await recordUpdate(trx, actor, 'household', id, householdFacts(current), householdFacts(after!))
    })
    return this.getHousehold(actor, id)
  }

  async householdHistory(actor: Actor, id: string): Promise<HistoryEntry[]> {
    requirePermission(actor, 'archive.read')
    await this.visibleHousehold(actor, id)
    const memberIds = (await repo.householdMembers(this.db, id)).map((m) => m.id)
    return (
      await repo.historyOf(this.db, [
        { type: 'household', ids: [id] },
        { type: 'person', ids: memberIds },
      ])
    ).map((h) => toHistory(h, seesBirthDate(actor)))
  }

  async householdTimeline(actor: Actor, id: string): Promise<TimelineItem[]> {
    requirePermission(actor, 'archive.read')
    const h = await this.visibleHousehold(actor, id)
    const memberIds = (await repo.householdMembers(this.db, id)).map((m) => m.id)
    return collectTimeline(this.db, { householdId: id, memberIds, address: h.address, regionPath: h.region_path }, actor)
  }

  // ---- persons -------------------------------------------------------------------
  private async visiblePerson(actor: Actor, id: string) {
    return visibleRow(actor, await repo.findPerson(this.db, id), '人员')
  }

  private async writablePerson(actor: Actor, id: string) {
    return writableRow(actor, await repo.findPerson(this.db, id), '人员')
  }

  private protectIdNumber(raw: string | null | undefined) {
    if (raw === undefined) return undefined
    if (raw === null || raw.trim() === '') return { enc: null, hash: null, masked: null, facts: undefined }
    const v = normaliseIdNumber(raw)
    const problem = idNumberProblem(v)
    if (problem) throw badRequest('INVALID_ID_NUMBER', problem, { idNumber: maskIdNumber(v) })
    return { ...this.crypto.protect(v, maskIdNumber), facts: idNumberFacts(v) }
  }

  /**
   * The columns that store an ID number on a person. One person is one record county-wide, so a number already on
   * a record the caller can see is a 409 naming that record. A number on a record OUTSIDE the caller's area must
   * not tell the caller it exists (issue 11: 1,000 candidate numbers for one birth date in 15 s found 5 persons in
   * other towns): it is kept on this record all the same, its hash in `id_pending_hash` instead of the unique
   * `id_hash`, so the answer is exactly a fresh number's; `heldBy` names the other record for an audit row that
   * asks a county admin (who sees both) to merge the two or move the person.
   */
  private async idColumns(actor: Actor, id_: NonNullable<ReturnType<ArchiveService['protectIdNumber']>>, exceptId?: string) {
    const columns = { ...protectedColumns('id', id_), id_pending_hash: null as string | null }
    if (!id_.hash) return { columns, heldBy: null }
    const holder = await repo.findPersonIdByIdHash(this.db, id_.hash)
    if (!holder || holder.id === exceptId) return { columns, heldBy: null }
    if (holder.path.startsWith(actor.regionPath)) throw conflict('DUPLICATE_ID_NUMBER', '该身份证号已在档案中', { personId: holder.id })
    return { columns: { ...columns, id_hash: null, id_pending_hash: id_.hash }, heldBy: holder }
  }

  /** The audit row of an ID number kept pending because another area's record holds it (county admins see it). */
  private async auditHeldElsewhere(trx: Transaction<DB>, actor: Actor, personId: string, heldBy: { id: string; path: string } | null, masked: string | null) {
    if (!heldBy) return
    await audit(trx, {
      actor,
      action: 'archive.id_duplicate',
      entityType: 'person',
      entityId: personId,
      // No region: only county-level callers see region-less rows, and the row names a record of another area.
      regionId: null,
      details: { heldBy: heldBy.id, heldByRegion: pathCodes(heldBy.path).at(-1) ?? null, idNumber: masked },
    })
  }

  private checkRelation(relation: string | null | undefined) {
    if (relation && !(RELATIONS as readonly string[]).includes(relation))
      throw badRequest('VALIDATION_FAILED', `与户主关系应为: ${RELATIONS.join('、')}`, [{ path: 'relation', message: 'unknown relation' }])
  }

  /** The person list by POST (an exact ID number may be among the filters: it never travels in a URL). */
  async searchPersons(actor: Actor, body: PersonSearch) {
    requirePermission(actor, 'archive.read')
    const { idNumber, ...query } = body
    let idHash: string | undefined
    if (idNumber !== undefined) {
      const v = normaliseIdNumber(idNumber)
      const problem = idNumberProblem(v)
      if (problem) throw badRequest('INVALID_ID_NUMBER', problem)
      idHash = this.crypto.hash(v)
    }
    return this.listPersons(actor, query, idHash)
  }

  async listPersons(actor: Actor, query: Static<typeof PersonListQuery>, idHash?: string) {
    requirePermission(actor, 'archive.read')
    const { items, total } = await repo.listPersons(this.db, scopeOf(actor), {
      regionPath: await this.regions.filterPath(actor, query.regionCode),
      tagIds: await this.tagFilter(query.tag),
      q: query.q,
      idHash,
      householdId: query.householdId,
      childrenInCity: query.childrenInCity,
      ageMin: query.ageMin,
      ageMax: query.ageMax,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    })
    return { items: items.map((p) => toPerson(p, seesBirthDate(actor))), total }
  }

  /**
   * Who is calling (the hotline / walk-in form): persons of the caller's area with this phone, or whose
   * household has it as contact phone — found by the keyed hash, shown masked. Nobody outside the area.
   */
  async lookupByPhone(actor: Actor, rawPhone: string, ip?: string): Promise<{ items: PersonLookupItem[] }> {
    requirePermission(actor, 'archive.read')
    await this.limitLookups(actor, rawPhone, ip)
    let phone = rawPhone.replace(/[\s\u3000]+/g, '')
    if (/^\+?861[3-9]\d{9}$/.test(phone)) phone = phone.replace(/^\+?86/, '')
    const problem = phoneProblem(phone)
    if (problem) throw badRequest('INVALID_PHONE', problem)
    // Landlines are kept as typed, with or without the dash after the area code: try each form.
    const forms = new Set([phone])
    const digits = phone.replace('-', '')
    if (digits.startsWith('0')) {
      forms.add(digits)
      forms.add(`${digits.slice(0, 3)}-${digits.slice(3)}`)
      forms.add(`${digits.slice(0, 4)}-${digits.slice(4)}`)
    }
    const rows = await repo.personsByPhoneHash(
      this.db,
      scopeOf(actor),
      [...forms].map((f) => this.crypto.hash(f)),
      20,
    )
    await audit(this.db, {
      actor,
      action: 'archive.lookup',
      entityType: 'person',
      entityId: rows.length === 1 ? rows[0].id : null,
      regionId: actor.regionId,
      ip,
      details: { phone: maskPhone(phone), found: rows.length },
    })
    return {
      items: rows.map((r) => ({
        id: r.id,
        name: r.name,
        phone: r.phone_masked,
        gender: r.gender,
        age: r.age,
        relation: r.relation,
        householdId: r.household_id,
        address: r.address,
        regionCode: r.region_code,
        regionName: r.region_name,
        matchedBy: r.matched_by,
      })),
    }
  }

  /**
   * A masked phone leaves 10^4 candidates and the lookup answers exact numbers only (issue 11: 10,000 tries in
   * 68 s recovered one): lookups are counted per user (a short window and a day) and per address, and every
   * one, refused or not, is audited. A refused lookup is not counted, so the user is back once the window moves.
   */
  private async limitLookups(actor: Actor, rawPhone: string, ip?: string) {
    const { perUser, perUserDay, perIp } = this.lookupLimits
    const checks: [string, RateRule][] = [
      [`lookup:user:${actor.userId}`, perUser],
      [`lookup:user-day:${actor.userId}`, perUserDay],
      ...(ip ? ([[`lookup:ip:${ip}`, perIp]] as [string, RateRule][]) : []),
    ]
    for (const [key, rule] of checks) {
      const d = await this.limiter.peek(key, rule)
      if (!d.allowed) {
        const seconds = Math.max(1, Math.ceil(d.retryAfterMs / 1000))
        const shown = rawPhone.replace(/[\s\u3000]+/g, '')
        await audit(this.db, {
          actor,
          action: 'archive.lookup_refused',
          entityType: 'person',
          regionId: actor.regionId,
          ip,
          details: { phone: shown.length >= 7 ? maskPhone(shown) : '***', limit: key.split(':')[1] },
        })
        throw new AppError(429, 'TOO_MANY_ATTEMPTS', `查询过于频繁,请 ${seconds} 秒后再试`, { retryAfterSeconds: seconds }, { 'retry-after': String(seconds) })
      }
    }
    for (const [key, rule] of checks) await this.limiter.hit(key, rule)
  }

  async getPerson(actor: Actor, id: string): Promise<Person> {
    requirePermission(actor, 'archive.read')
    return toPerson(await this.visiblePerson(actor, id), seesBirthDate(actor))
  }

  async createPerson(actor: Actor, body: CreatePerson): Promise<Person> {
    requirePermission(actor, 'archive.write')
    let regionId: number
    let householdId: string | null = null
    if (body.householdId) {
      // A household of another area does not exist for this user.
      const h = await this.writableHousehold(actor, body.householdId)
      regionId = h.region_id
      householdId = h.id
    } else if (body.regionCode) {
      regionId = (await this.householdRegion(actor, body.regionCode)).id
    } else {
      throw badRequest('VALIDATION_FAILED', '须指定所属户 (householdId) 或区域 (regionCode)')
    }
    this.checkRelation(body.relation)
    const id_ = this.protectIdNumber(body.idNumber)
    const phone = protectPhone(this.crypto, body.phone)
    const tagIds = await this.resolveTags(body.tags, 'person')
    const idStore = id_ ? await this.idColumns(actor, id_) : undefined
    const birthDate = body.birthDate ?? id_?.facts?.birthDate ?? null
    const gender = body.gender ?? id_?.facts?.gender ?? null
    if (id_?.facts && body.birthDate && body.birthDate !== id_.facts.birthDate) throw badRequest('INVALID_ID_NUMBER', '出生日期与身份证号不符', { birthDate: body.birthDate })
    const personId = await this.db.transaction().execute(async (trx) => {
      const { id } = await repo.insertPerson(trx, {
        household_id: householdId,
        region_id: regionId,
        name: body.name.trim(),
        gender,
        birth_date: birthDate,
        ...(idStore?.columns ?? protectedColumns('id', null)),
        ...protectedColumns('phone', phone),
        relation: body.relation ?? null,
        political_status: body.politicalStatus ?? null,
        health: body.health ?? null,
        children_in_city: body.childrenInCity ?? null,
        workplace: body.workplace ?? null,
        notes: body.notes ?? null,
        created_by: actor.userId,
      })
      await repo.setPersonTags(trx, id, tagIds)
      await this.auditHeldElsewhere(trx, actor, id, idStore?.heldBy ?? null, id_?.masked ?? null)
      if (householdId && body.relation === '户主') await repo.updateHousehold(trx, householdId, { head_person_id: id })
      const created = await repo.findPerson(trx, id)
      await repo.insertHistory(trx, { entityType: 'person', entityId: id, action: 'create', actorId: actor.userId, changes: diff({}, personFacts(created!)) })
      return id
    })
    return this.getPerson(actor, personId)
  }

  async updatePerson(actor: Actor, id: string, body: UpdatePerson): Promise<Person> {
    requirePermission(actor, 'archive.write')
    const current = await this.writablePerson(actor, id)
    let move: { householdId: string | null; regionId: number } | undefined
    if (body.householdId !== undefined && body.householdId !== current.household_id) {
      if (body.householdId === null) move = { householdId: null, regionId: current.region_id }
      else {
        const h = await this.writableHousehold(actor, body.householdId)
        move = { householdId: h.id, regionId: h.region_id }
      }
    }
    this.checkRelation(body.relation)
    const id_ = this.protectIdNumber(body.idNumber)
    const phone = protectPhone(this.crypto, body.phone)
    const tagIds = body.tags ? await this.resolveTags(body.tags, 'person') : undefined
    const idStore = id_ ? await this.idColumns(actor, id_, id) : undefined
    await this.db.transaction().execute(async (trx) => {
      await repo.updatePerson(trx, id, {
        ...(body.name !== undefined ? { name: body.name.trim() } : {}),
        ...(body.gender !== undefined ? { gender: body.gender } : {}),
        ...(body.birthDate !== undefined ? { birth_date: body.birthDate } : {}),
        ...(idStore ? idStore.columns : {}),
        ...(id_?.facts && body.birthDate === undefined ? { birth_date: id_.facts.birthDate } : {}),
        ...(id_?.facts && body.gender === undefined ? { gender: id_.facts.gender } : {}),
        ...(phone ? protectedColumns('phone', phone) : {}),
        ...(body.relation !== undefined ? { relation: body.relation } : {}),
        ...(body.politicalStatus !== undefined ? { political_status: body.politicalStatus } : {}),
        ...(body.health !== undefined ? { health: body.health } : {}),
        ...(body.childrenInCity !== undefined ? { children_in_city: body.childrenInCity } : {}),
        ...(body.workplace !== undefined ? { workplace: body.workplace } : {}),
        ...(body.notes !== undefined ? { notes: body.notes } : {}),
        ...(move ? { household_id: move.householdId, region_id: move.regionId } : {}),
      })
      if (tagIds) await repo.setPersonTags(trx, id, tagIds)
      await this.auditHeldElsewhere(trx, actor, id, idStore?.heldBy ?? null, id_?.masked ?? null)
      const after = await repo.findPerson(trx, id)
      await recordUpdate(trx, actor, 'person', id, personFacts(current), personFacts(after!))
    })
    return this.getPerson(actor, id)
  }

  async personHistory(actor: Actor, id: string): Promise<HistoryEntry[]> {
    requirePermission(actor, 'archive.read')
    await this.visiblePerson(actor, id)
    return (await repo.historyOf(this.db, [{ type: 'person', ids: [id] }])).map((h) => toHistory(h, seesBirthDate(actor)))
  }

  /** The full ID number or phone: needs archive.reveal, and every reveal is written to the audit log. */
  async reveal(actor: Actor, id: string, field: 'idNumber' | 'phone', ip?: string) {
    requirePermission(actor, 'archive.read')
    const p = await this.visiblePerson(actor, id)
    requirePermission(actor, 'archive.reveal')
    const raw = await repo.personRaw(this.db, id)
    const enc = field === 'idNumber' ? raw!.id_enc : raw!.phone_enc
    const value = enc ? this.crypto.decrypt(enc) : null
    await audit(this.db, { actor, action: 'archive.reveal', entityType: 'person', entityId: id, regionId: p.region_id, ip, details: { field } })
    return { field, value }
  }

  // ---- documents -----------------------------------------------------------------
  async addDocument(actor: Actor, ownerType: 'household' | 'person', ownerId: string, upload: Upload): Promise<ArchiveDocument> {
    requirePermission(actor, 'archive.write')
    const owner = ownerType === 'household' ? await this.writableHousehold(actor, ownerId) : await this.writablePerson(actor, ownerId)
    if (upload.data.length > DOCUMENT_MAX_BYTES) throw new AppError(413, 'PAYLOAD_TOO_LARGE', '文件过大(上限 10 MB)', { maxBytes: DOCUMENT_MAX_BYTES })
    const type = upload.sniffedType
    if (!type || !(DOCUMENT_TYPES as readonly string[]).includes(type)) throw badRequest('UNSUPPORTED_FILE', '只能上传图片 (JPEG/PNG/WebP) 或 PDF', { detected: type, allowed: DOCUMENT_TYPES })
    const kind = upload.fields.kind?.trim() || '其他'
    if (!(DOCUMENT_KINDS as readonly string[]).includes(kind)) throw badRequest('VALIDATION_FAILED', `资料类别应为: ${DOCUMENT_KINDS.join('、')}`)
    const title = (upload.fields.title?.trim() || upload.filename).slice(0, 100)
    const stored = await this.storage.put(upload.data, { prefix: 'documents', extension: EXTENSION_OF[type] })
    try {
      const docId = await this.db.transaction().execute(async (trx) => {
        const file = await insertFile(trx, stored, { filename: upload.filename.slice(0, 200), contentType: type, createdBy: actor.userId })
        const { id } = await repo.insertDocument(trx, { ownerType, ownerId, regionId: owner.region_id, fileId: file.id, kind, title, createdBy: actor.userId })
        await repo.insertHistory(trx, {
          entityType: ownerType,
          entityId: ownerId,
          action: 'document.add',
          actorId: actor.userId,
          changes: [{ field: 'document', from: null, to: `${kind}: ${title}` }],
        })
        return id
      })
      return toDocument((await repo.findDocument(this.db, docId))!)
    } catch (err) {
      await this.storage.remove(stored.key) // no orphan file when the rows did not commit
      throw err
    }
  }

  async documentForDownload(actor: Actor, id: string) {
    requirePermission(actor, 'archive.read')
    const d = visibleRow(actor, await repo.findDocument(this.db, id), '资料')
    await audit(this.db, {
      actor,
      action: 'archive.document_download',
      entityType: d.owner_type,
      entityId: d.owner_id,
      regionId: d.region_id,
      details: { documentId: d.id, kind: d.kind, title: d.title },
    })
    return { doc: d, stream: await this.storage.get(d.storage_key) }
  }
}

function householdFacts(h: HouseholdRow) {
  return {
    address: h.address,
    region: h.region_code,
    phone: h.phone_masked,
    house: h.house,
    notes: h.notes,
    lat: h.lat,
    lng: h.lng,
    head: h.head_name,
    tags: h.tags,
  }
}

function personFacts(p: repo.PersonView) {
  return {
    name: p.name,
    gender: p.gender,
    birthDate: p.birth_date,
    idNumber: p.id_masked,
    phone: p.phone_masked,
    relation: p.relation,
    politicalStatus: p.political_status,
    health: p.health,
    childrenInCity: p.children_in_city,
    workplace: p.workplace,
    notes: p.notes,
    household: p.household_id,
    tags: p.tags,
  }
}

type HistoryRow = Awaited<ReturnType<typeof repo.historyOf>>[number]

/** A history row's changes (jsonb; a driver may hand it over as text). */
const changesOf = (h: HistoryRow) => (typeof h.changes === 'string' ? JSON.parse(h.changes) : h.changes) as repo.Change[]

/**
 * What a history row may show: ID numbers in today's mask whatever mask they were written with, and birth dates
 * only to those who see them on the person (a birth date in a change would rebuild the number like the field did).
 */
function safeChanges(changes: repo.Change[], birthDateShown: boolean): repo.Change[] {
  const hidden = (v: unknown) => (v === null || v === undefined ? v : '****-**-**')
  return changes.map((c) => {
    if (c.field === 'idNumber') return { ...c, from: typeof c.from === 'string' ? remaskIdNumber(c.from) : c.from, to: typeof c.to === 'string' ? remaskIdNumber(c.to) : c.to }
    if (c.field === 'birthDate' && !birthDateShown) return { ...c, from: hidden(c.from), to: hidden(c.to) }
    return c
  })
}

function toHistory(h: HistoryRow, birthDateShown: boolean): HistoryEntry {
  return {
    id: String(h.id),
    entityType: h.entity_type,
    entityId: h.entity_id,
    action: h.action,
    actorName: h.actor_name,
    at: iso(h.at),
    changes: safeChanges(changesOf(h), birthDateShown),
  }
}

const FIELD_LABELS: Record<string, string> = {
  address: '地址',
  region: '区域',
  phone: '电话',
  house: '房屋',
  notes: '备注',
  lat: '纬度',
  lng: '经度',
  head: '户主',
  tags: '标签',
  name: '姓名',
  gender: '性别',
  birthDate: '出生日期',
  idNumber: '身份证号',
  relation: '与户主关系',
  politicalStatus: '政治面貌',
  health: '健康状况',
  childrenInCity: '子女同城',
  workplace: '工作单位',
  household: '所属户',
  document: '资料',
}
const ACTION_LABELS: Record<string, string> = { create: '建档', update: '修改', import: '导入', 'document.add': '上传资料' }

/** The archive's own contribution to a household's timeline: its changes. Documents show as their upload. */
const archiveTimeline: TimelineSource = async (db, subject) => {
  const rows = await repo.historyOf(db, [
    { type: 'household', ids: [subject.householdId] },
    { type: 'person', ids: subject.memberIds },
  ])
  return rows.map((h) => {
    const changes = changesOf(h)
    return {
      at: iso(h.at),
      kind: h.action === 'document.add' ? 'document' : 'archive.change',
      title: `${h.entity_type === 'household' ? '户' : '人员'}${ACTION_LABELS[h.action] ?? h.action}`,
      detail: changes.map((c) => FIELD_LABELS[c.field] ?? c.field).join('、') || null,
      actorName: h.actor_name,
      ref: { type: h.entity_type, id: h.entity_id },
    }
  })
}
