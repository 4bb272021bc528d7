import type { Category, CreateCategoryBody, CreateRoutingRuleBody, UpdateCategoryBody } from '@minqing/common'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { Static } from 'typebox'
import type { DB } from '../../db/types.ts'
import { audit } from '../../platform/audit.ts'
import { badRequest, conflict, notFound } from '../../platform/errors.ts'
import { type Actor, pathInScope, requireCountyAdmin, requirePermission, scopeOf } from '../../platform/policy.ts'
import type { RegionsService } from '../regions/regions.service.ts'
import * as repo from './cases.repository.ts'

function toCategory(c: Awaited<ReturnType<typeof repo.listCategories>>[number]): Category {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    parentCode: c.parent_code,
    defaultLevel: c.default_level,
    defaultUnitId: c.default_unit_id,
    limits: { normalDays: c.normal_days, urgentDays: c.urgent_days, emergencyHours: c.emergency_hours },
    keywords: c.keywords,
    active: c.active,
  }
}

/** The category tree (editable by admins) and routing rules (category × region subtree → level and unit). */
export class CategoriesService {
  constructor(
    private db: Kysely<DB>,
    private regions: RegionsService,
  ) {}

  async list(): Promise<Category[]> {
    return (await repo.listCategories(this.db)).map(toCategory)
  }

  private async checkUnit(actor: Actor, unitId: string | null | undefined) {
    if (!unitId) return
    const unit = await repo.findUnitLite(this.db, unitId)
    if (!unit || !pathInScope(scopeOf(actor), unit.path)) throw badRequest('UNKNOWN_UNIT', '单位不存在或不在本人辖区', { unitId })
  }

  async create(actor: Actor, body: Static<typeof CreateCategoryBody>, ip?: string): Promise<Category> {
    requireCountyAdmin(actor, 'categories.manage')
    const parent = body.parentCode ? await repo.findCategoryByCode(this.db, body.parentCode) : undefined
    if (body.parentCode && !parent) throw badRequest('UNKNOWN_CATEGORY', `未知上级分类: ${body.parentCode}`)
    await this.checkUnit(actor, body.defaultUnitId)
    await this.db.transaction().execute(async (trx) => {
      if (await repo.findCategoryByCode(trx, body.code)) throw conflict('CATEGORY_TAKEN', `分类代码已存在: ${body.code}`)
      const { id } = await repo.insertCategory(trx, {
        code: body.code,
        name: body.name,
        parent_id: parent?.id ?? null,
        default_level: body.defaultLevel,
        default_unit_id: body.defaultUnitId ?? null,
        normal_days: body.limits.normalDays,
        urgent_days: body.limits.urgentDays,
        emergency_hours: body.limits.emergencyHours,
        keywords: sql`${sql.val(body.keywords ?? [])}::text[]` as any,
        sort: 10_000,
      })
      await audit(trx, { actor, action: 'category.create', entityType: 'category', entityId: String(id), ip, details: body })
    })
    return toCategory((await repo.findCategoryByCode(this.db, body.code))!)
  }

  async update(actor: Actor, code: string, body: Static<typeof UpdateCategoryBody>, ip?: string): Promise<Category> {
    requireCountyAdmin(actor, 'categories.manage')
    const current = await repo.findCategoryByCode(this.db, code)
    if (!current) throw notFound('分类')
    const parent = body.parentCode ? await repo.findCategoryByCode(this.db, body.parentCode) : undefined
    if (body.parentCode && !parent) throw badRequest('UNKNOWN_CATEGORY', `未知上级分类: ${body.parentCode}`)
    if (parent && parent.id === current.id) throw badRequest('VALIDATION_FAILED', '分类不能是自己的上级')
    await this.checkUnit(actor, body.defaultUnitId)
    await this.db.transaction().execute(async (trx) => {
      await repo.updateCategory(trx, current.id, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.parentCode !== undefined ? { parent_id: parent?.id ?? null } : {}),
        ...(body.defaultLevel !== undefined ? { default_level: body.defaultLevel } : {}),
        ...(body.defaultUnitId !== undefined ? { default_unit_id: body.defaultUnitId } : {}),
        ...(body.limits ? { normal_days: body.limits.normalDays, urgent_days: body.limits.urgentDays, emergency_hours: body.limits.emergencyHours } : {}),
        ...(body.keywords ? { keywords: sql`${sql.val(body.keywords)}::text[]` as any } : {}),
      })
      await audit(trx, { actor, action: 'category.update', entityType: 'category', entityId: String(current.id), ip, details: body })
    })
    return toCategory((await repo.findCategoryByCode(this.db, code))!)
  }

  async rules(actor: Actor) {
    const rows = await repo.listRoutingRules(this.db)
    return rows
      .filter((r) => pathInScope(scopeOf(actor), r.region_path) || actor.regionPath.startsWith(r.region_path))
      .map((r) => ({ id: r.id, categoryCode: r.category_code, regionCode: r.region_code, level: r.level, unitId: r.unit_id, unitName: r.unit_name }))
  }

  async upsertRule(actor: Actor, body: Static<typeof CreateRoutingRuleBody>, ip?: string) {
    requirePermission(actor, 'categories.manage')
    const category = await repo.findCategoryByCode(this.db, body.categoryCode)
    if (!category) throw badRequest('UNKNOWN_CATEGORY', `未知分类: ${body.categoryCode}`)
    const region = await this.regions.resolveForWrite(actor, body.regionCode)
    await this.checkUnit(actor, body.unitId)
    await this.db.transaction().execute(async (trx) => {
      const { id } = await repo.upsertRoutingRule(trx, { categoryId: category.id, regionId: region.id, level: body.level, unitId: body.unitId ?? null })
      await audit(trx, { actor, action: 'routing_rule.upsert', entityType: 'routing_rule', entityId: String(id), regionId: region.id, ip, details: body })
    })
    return (await this.rules(actor)).find((r) => r.categoryCode === body.categoryCode && r.regionCode === body.regionCode)!
  }
}
