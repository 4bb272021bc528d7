import {
  type CreateEnterpriseBody,
  type CreatePlaceBody,
  creditCodeProblem,
  type Enterprise,
  type EnterpriseListQuery,
  type Place,
  type PlaceListQuery,
  type UpdateEnterpriseBody,
  type UpdatePlaceBody,
} from '@minqing/common'
import type { Kysely } from 'kysely'
import type { Static } from 'typebox'
import type { DB } from '../../db/types.ts'
import type { FieldCrypto } from '../../platform/crypto.ts'
import { protectedColumns, protectPhone } from '../../platform/identifiers.ts'
import { badRequest, conflict } from '../../platform/errors.ts'
import { type Actor, pathInScope, requirePermission, scopeOf, visibleRow, writableRow } from '../../platform/policy.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import { insertHistory } from './archive.repository.ts'
import * as repo from './enterprises.repository.ts'

function toEnterprise(e: repo.EnterpriseView, team: Awaited<ReturnType<typeof repo.teamOf>>): Enterprise {
  return {
    id: e.id,
    regionCode: e.region_code,
    regionName: e.region_name,
    name: e.name,
    creditCode: e.credit_code,
    industry: e.industry,
    size: e.size,
    address: e.address,
    contactName: e.contact_name,
    contactPhone: e.contact_phone_masked,
    cadre: e.cadre_user_id ? { id: e.cadre_user_id, name: e.cadre_name ?? '' } : null,
    team: team.filter((m) => m.enterprise_id === e.id).map((m) => ({ userId: m.user_id, name: m.name, duty: m.duty })),
    notes: e.notes,
    updatedAt: e.updated_at.toISOString(),
  }
}

function toPlace(p: repo.PlaceView): Place {
  return {
    id: p.id,
    regionCode: p.region_code,
    regionName: p.region_name,
    name: p.name,
    kind: p.kind,
    address: p.address,
    lat: p.lat,
    lng: p.lng,
    notes: p.notes,
    updatedAt: p.updated_at.toISOString(),
  }
}

/** 企业 (一企一专班) and 场所 (民情角, 党群服务中心, 文化礼堂…): area-scoped like every archive record. */
export class EnterprisesService {
  constructor(
    private db: Kysely<DB>,
    private crypto: FieldCrypto,
    private regions: RegionsService,
  ) {}

  private checkCreditCode(code: string) {
    const v = code.replace(/\s+/g, '').toUpperCase()
    const problem = creditCodeProblem(v)
    if (problem) throw badRequest('INVALID_CREDIT_CODE', problem, { creditCode: code })
    return v
  }

  /** The stationed cadre and team members must be users the writer can see (404-as-400 otherwise). */
  private async checkUsers(actor: Actor, ids: string[]) {
    const unique = [...new Set(ids)]
    const found = await repo.usersWithPaths(this.db, unique)
    const visible = new Set(found.filter((u) => pathInScope(scopeOf(actor), u.path)).map((u) => u.id))
    const missing = unique.filter((id) => !visible.has(id))
    if (missing.length) throw badRequest('UNKNOWN_USER', '指定的干部不存在或不在本人辖区', { users: missing })
  }

  async list(actor: Actor, query: Static<typeof EnterpriseListQuery>) {
    requirePermission(actor, 'archive.read')
    const { items, total } = await repo.listEnterprises(this.db, scopeOf(actor), {
      regionPath: await this.regions.filterPath(actor, query.regionCode),
      q: query.q,
      creditCode: query.creditCode?.toUpperCase(),
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    })
    const team = await repo.teamOf(
      this.db,
      items.map((e) => e.id),
    )
    return { items: items.map((e) => toEnterprise(e, team)), total }
  }

  async get(actor: Actor, id: string): Promise<Enterprise> {
    requirePermission(actor, 'archive.read')
    return toEnterprise(visibleRow(actor, await repo.findEnterprise(this.db, id), '企业'), await repo.teamOf(this.db, [id]))
  }

  async create(actor: Actor, body: Static<typeof CreateEnterpriseBody>): Promise<Enterprise> {
    requirePermission(actor, 'archive.write')
    const region = await this.regions.resolveForWrite(actor, body.regionCode)
    const creditCode = this.checkCreditCode(body.creditCode)
    const team = body.team ?? []
    await this.checkUsers(actor, [...(body.cadreUserId ? [body.cadreUserId] : []), ...team.map((m) => m.userId)])
    const phone = protectPhone(this.crypto, body.contactPhone, false)
    const id = await this.db.transaction().execute(async (trx) => {
      if (await repo.findEnterpriseByCode(trx, creditCode)) throw conflict('DUPLICATE_CREDIT_CODE', `该信用代码的企业已建档: ${creditCode}`)
      const { id } = await repo.insertEnterprise(trx, {
        region_id: region.id,
        name: body.name,
        credit_code: creditCode,
        industry: body.industry ?? null,
        size: body.size ?? null,
        address: body.address ?? null,
        contact_name: body.contactName ?? null,
        ...protectedColumns('contact_phone', phone),
        cadre_user_id: body.cadreUserId ?? null,
        notes: body.notes ?? null,
      })
      await repo.setTeam(
        trx,
        id,
        team.map((m) => ({ userId: m.userId, duty: m.duty ?? null })),
      )
      await insertHistory(trx, { entityType: 'enterprise', entityId: id, action: 'create', actorId: actor.userId, changes: [{ field: 'name', from: null, to: body.name }] })
      return id
    })
    return this.get(actor, id)
  }

  async update(actor: Actor, id: string, body: Static<typeof UpdateEnterpriseBody>): Promise<Enterprise> {
    requirePermission(actor, 'archive.write')
    const current = writableRow(actor, await repo.findEnterprise(this.db, id), '企业')
    const region = body.regionCode ? await this.regions.resolveForWrite(actor, body.regionCode) : undefined
    const creditCode = body.creditCode ? this.checkCreditCode(body.creditCode) : undefined
    await this.checkUsers(actor, [...(body.cadreUserId ? [body.cadreUserId] : []), ...(body.team ?? []).map((m) => m.userId)])
    const phone = protectPhone(this.crypto, body.contactPhone, false)
    await this.db.transaction().execute(async (trx) => {
      if (creditCode && creditCode !== current.credit_code) {
        const other = await repo.findEnterpriseByCode(trx, creditCode)
        if (other && other.id !== id) throw conflict('DUPLICATE_CREDIT_CODE', `该信用代码的企业已建档: ${creditCode}`)
      }
      await repo.updateEnterprise(trx, id, {
        ...(region ? { region_id: region.id } : {}),
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(creditCode ? { credit_code: creditCode } : {}),
        ...(body.industry !== undefined ? { industry: body.industry } : {}),
        ...(body.size !== undefined ? { size: body.size } : {}),
        ...(body.address !== undefined ? { address: body.address } : {}),
        ...(body.contactName !== undefined ? { contact_name: body.contactName } : {}),
        ...(phone ? protectedColumns('contact_phone', phone) : {}),
        ...(body.cadreUserId !== undefined ? { cadre_user_id: body.cadreUserId } : {}),
        ...(body.notes !== undefined ? { notes: body.notes } : {}),
      })
      if (body.team)
        await repo.setTeam(
          trx,
          id,
          body.team.map((m) => ({ userId: m.userId, duty: m.duty ?? null })),
        )
      const changes = Object.entries(body)
        .filter(([k]) => k !== 'contactPhone')
        .map(([field, to]) => ({ field, from: (current as Record<string, unknown>)[field.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())] ?? null, to }))
      if (body.contactPhone !== undefined) changes.push({ field: 'contactPhone', from: current.contact_phone_masked, to: phone?.masked ?? null })
      await insertHistory(trx, { entityType: 'enterprise', entityId: id, action: 'update', actorId: actor.userId, changes })
    })
    return this.get(actor, id)
  }

  // ---- places ---------------------------------------------------------------------
  async listPlaces(actor: Actor, query: Static<typeof PlaceListQuery>) {
    requirePermission(actor, 'archive.read')
    const { items, total } = await repo.listPlaces(this.db, scopeOf(actor), {
      regionPath: await this.regions.filterPath(actor, query.regionCode),
      kind: query.kind,
      q: query.q,
      limit: query.limit ?? 50,
      offset: query.offset ?? 0,
    })
    return { items: items.map(toPlace), total }
  }

  async getPlace(actor: Actor, id: string): Promise<Place> {
    requirePermission(actor, 'archive.read')
    return toPlace(visibleRow(actor, await repo.findPlace(this.db, id), '场所'))
  }

  async createPlace(actor: Actor, body: Static<typeof CreatePlaceBody>): Promise<Place> {
    requirePermission(actor, 'archive.write')
    const region = await this.regions.resolveForWrite(actor, body.regionCode)
    const id = await this.db.transaction().execute(async (trx) => {
      if (await repo.placeNameTaken(trx, region.id, body.name)) throw conflict('CONFLICT', `该区域已有同名场所: ${body.name}`)
      const { id } = await repo.insertPlace(trx, {
        region_id: region.id,
        name: body.name,
        kind: body.kind,
        address: body.address ?? null,
        lat: body.lat ?? null,
        lng: body.lng ?? null,
        notes: body.notes ?? null,
      })
      await insertHistory(trx, { entityType: 'place', entityId: id, action: 'create', actorId: actor.userId, changes: [{ field: 'name', from: null, to: body.name }] })
      return id
    })
    return this.getPlace(actor, id)
  }

  async updatePlace(actor: Actor, id: string, body: Static<typeof UpdatePlaceBody>): Promise<Place> {
    requirePermission(actor, 'archive.write')
    const current = writableRow(actor, await repo.findPlace(this.db, id), '场所')
    const region = body.regionCode ? await this.regions.resolveForWrite(actor, body.regionCode) : undefined
    await this.db.transaction().execute(async (trx) => {
      const regionId = region?.id ?? current.region_id
      if ((body.name || region) && (await repo.placeNameTaken(trx, regionId, body.name ?? current.name, id))) throw conflict('CONFLICT', `该区域已有同名场所: ${body.name ?? current.name}`)
      const { regionCode: _r, ...rest } = body
      await repo.updatePlace(trx, id, { ...rest, ...(region ? { region_id: region.id } : {}) })
      await insertHistory(trx, {
        entityType: 'place',
        entityId: id,
        action: 'update',
        actorId: actor.userId,
        changes: Object.entries(body).map(([field, to]) => ({ field, from: field === 'regionCode' ? current.region_code : ((current as Record<string, unknown>)[field] ?? null), to })),
      })
    })
    return this.getPlace(actor, id)
  }
}
