import type { Static } from 'typebox'
import type { CreateUnitBody, Unit, UnitListQuery, UpdateUnitBody } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { audit } from '../../platform/audit.ts'
import { badRequest, conflict } from '../../platform/errors.ts'
import { type Actor, assertVisible, assertWritableRegion, requireRole, scopeOf } from '../../platform/policy.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import * as repo from './units.repository.ts'

function toUnit(row: repo.UnitWithRegion): Unit {
  return { id: row.id, name: row.name, kind: row.kind, regionCode: row.region_code, regionName: row.region_name }
}

export class UnitsService {
  constructor(
    private db: Kysely<DB>,
    private regions: RegionsService,
  ) {}

  /** A unit is visible when its region lies in the actor's subtree, or it is the actor's own unit. */
  async get(actor: Actor, id: string): Promise<Unit> {
    const row = await repo.findUnit(this.db, id)
    assertVisible(scopeOf(actor), row && { path: row.region_path, unitId: row.id }, '单位')
    return toUnit(row!)
  }

  async list(actor: Actor, query: Static<typeof UnitListQuery>) {
    const { items, total } = await repo.listUnits(this.db, scopeOf(actor), {
      regionPath: await this.regions.filterPath(actor, query.regionCode),
      kind: query.kind,
      q: query.q,
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
    })
    return { items: items.map(toUnit), total }
  }

  async create(actor: Actor, body: Static<typeof CreateUnitBody>, ip?: string): Promise<Unit> {
    requireRole(actor, 'admin')
    const region = await this.regions.resolveForWrite(actor, body.regionCode)
    return this.db.transaction().execute(async (trx) => {
      if (await repo.unitNameTaken(trx, region.id, body.name)) throw conflict('CONFLICT', `该区域已有同名单位: ${body.name}`)
      const { id } = await repo.insertUnit(trx, { name: body.name, kind: body.kind, regionId: region.id })
      await audit(trx, { actor, action: 'unit.create', entityType: 'unit', entityId: id, regionId: region.id, ip, details: body })
      return toUnit((await repo.findUnit(trx, id))!)
    })
  }

  async update(actor: Actor, id: string, body: Static<typeof UpdateUnitBody>, ip?: string): Promise<Unit> {
    requireRole(actor, 'admin')
    const current = await repo.findUnit(this.db, id)
    assertVisible(scopeOf(actor), current && { path: current.region_path, unitId: current.id }, '单位')
    assertWritableRegion(scopeOf(actor), current!.region_path)
    const region = body.regionCode ? await this.regions.resolveForWrite(actor, body.regionCode) : undefined
    return this.db.transaction().execute(async (trx) => {
      const regionId = region?.id ?? current!.region_id
      const name = body.name ?? current!.name
      if (await repo.unitNameTaken(trx, regionId, name, id)) throw conflict('CONFLICT', `该区域已有同名单位: ${name}`)
      await repo.updateUnit(trx, id, { name: body.name, kind: body.kind, regionId: region?.id })
      await audit(trx, { actor, action: 'unit.update', entityType: 'unit', entityId: id, regionId, ip, details: body })
      return toUnit((await repo.findUnit(trx, id))!)
    })
  }

  /** For other services: a unit id named in a write must exist and be visible to the actor. */
  async resolveForWrite(actor: Actor, id: string) {
    const row = await repo.findUnit(this.db, id)
    if (!row) throw badRequest('UNKNOWN_UNIT', `单位不存在: ${id}`)
    assertVisible(scopeOf(actor), { path: row.region_path, unitId: row.id }, '单位')
    return row
  }
}
