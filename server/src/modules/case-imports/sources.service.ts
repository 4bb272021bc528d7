import { CASE_IMPORT_FIELDS, type CaseSource, type CreateCaseSource, EXTERNAL_STATES, type UpdateCaseSource } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { audit } from '../../platform/audit.ts'
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts'
import { type Actor, assertWritableRegion, hasPermission, isCountyLevel, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import * as repo from './sources.repository.ts'
import { BUILTIN_SOURCES } from './sources.defaults.ts'

const iso = (d: Date | string) => new Date(d).toISOString()
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T

function toSource(r: repo.SourceRow): CaseSource {
  return {
    code: r.code,
    name: r.name,
    channel: r.channel as CaseSource['channel'],
    mapping: json<Record<string, string>>(r.mapping) ?? {},
    statusMap: json<Record<string, string>>(r.status_map) ?? {},
    regionCode: r.region_code,
    regionName: r.region_name,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }
}

/** A mapping as a source keeps it: known fields only, headers trimmed. */
export function checkMapping(raw: Record<string, unknown>): Record<string, string> {
  const bad = Object.keys(raw).filter((k) => !(CASE_IMPORT_FIELDS as readonly string[]).includes(k) || typeof raw[k] !== 'string' || !(raw[k] as string).trim())
  if (bad.length) throw badRequest('VALIDATION_FAILED', `列对应中的字段无效: ${bad.join(', ')}`, { invalid: bad, fields: [...CASE_IMPORT_FIELDS] })
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, (v as string).trim()]))
}

function checkStatusMap(raw: Record<string, string>): Record<string, string> {
  const bad = Object.entries(raw).filter(([k, v]) => !k.trim() || !(EXTERNAL_STATES as readonly string[]).includes(v))
  if (bad.length) throw badRequest('VALIDATION_FAILED', `状态对应无效: ${bad.map(([k]) => k).join(', ')}`, { invalid: bad.map(([k]) => k), states: [...EXTERNAL_STATES] })
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.trim(), v]))
}

/**
 * The platforms cases come from. Reading them is for importers (cases.import) and administrators
 * (intake.manage); changing them is for administrators, except that an importer's column mapping is saved
 * for the source when it imports with one (the next export of the same platform then imports as is).
 */
export class SourcesService {
  private builtins: Promise<void> | undefined

  constructor(private db: Kysely<DB>) {}

  /** The built-in sources, added on first use (a fresh installation has them without a seed step). */
  ensureBuiltins(): Promise<void> {
    this.builtins ??= repo.insertMissingSources(this.db, BUILTIN_SOURCES).catch((err) => {
      this.builtins = undefined
      throw err
    })
    return this.builtins
  }

  /**
   * A source is shared by every town that imports from that platform, so changing it (name, status map, saved
   * mapping, default region) is for someone whose area holds the whole source: a county-level user, or one of the
   * town (or below) that the source's default region lies in. Anyone else answers 403 and the source is unchanged.
   * (The permission — intake.manage to edit, cases.import to save a mapping — is checked by the caller.)
   */
  private mayChange(actor: Actor, source: Pick<repo.SourceRow, 'region_path'>): boolean {
    if (isCountyLevel(actor)) return true
    return !!source.region_path && pathInScope(scopeOf(actor), source.region_path)
  }

  private assertMayChange(actor: Actor, source: Pick<repo.SourceRow, 'region_path'>) {
    requirePermission(actor, 'intake.manage')
    if (!this.mayChange(actor, source)) throw forbidden('来源平台供全县共用: 只有县级管理员, 或来源默认区域所在辖区的管理员, 才能修改', { requiredLevel: 'county' })
  }

  private assertMayRead(actor: Actor) {
    if (!hasPermission(actor, 'cases.import') && !hasPermission(actor, 'intake.manage')) requirePermission(actor, 'cases.import')
  }

  /** The source row for an import or a push (no access check: the caller's door did it). */
  async sourceRow(code: string) {
    await this.ensureBuiltins()
    return repo.findSource(this.db, code)
  }

  async list(actor: Actor): Promise<CaseSource[]> {
    this.assertMayRead(actor)
    await this.ensureBuiltins()
    return (await repo.listSources(this.db)).map(toSource)
  }

  async get(actor: Actor, code: string): Promise<CaseSource> {
    this.assertMayRead(actor)
    const row = await this.sourceRow(code)
    if (!row) throw notFound('来源平台')
    return toSource(row)
  }

  private async regionId(actor: Actor, code: string | null | undefined) {
    if (code === undefined) return undefined
    if (code === null) return null
    const r = await this.db.selectFrom('regions').select(['id', 'path', 'level']).where('code', '=', code).executeTakeFirst()
    if (!r) throw badRequest('UNKNOWN_REGION', `区域代码不存在: ${code}`, { regionCode: code })
    assertWritableRegion(scopeOf(actor), r.path)
    if (r.level === 'city') throw badRequest('INVALID_REGION_LEVEL', '默认区域须为县(市)以下的区域', { level: r.level })
    return r.id
  }

  async create(actor: Actor, body: CreateCaseSource, ip?: string): Promise<CaseSource> {
    requirePermission(actor, 'intake.manage')
    await this.ensureBuiltins()
    // A source without a default region serves the whole county: only a county-level administrator adds one.
    if (!isCountyLevel(actor) && !body.regionCode) throw forbidden('全县共用的来源平台只能由县级管理员添加; 本辖区的来源请填写默认区域', { requiredLevel: 'county' })
    const row = {
      code: body.code,
      name: body.name.trim(),
      channel: body.channel ?? 'import',
      mapping: checkMapping(body.mapping ?? {}),
      statusMap: checkStatusMap(body.statusMap ?? {}),
      regionId: (await this.regionId(actor, body.regionCode)) ?? null,
    }
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.insertSource(trx, row))) throw conflict('SOURCE_TAKEN', `来源代码已存在: ${body.code}`, { code: body.code })
      await audit(trx, { actor, action: 'intake.source.create', entityType: 'case_source', entityId: row.code, regionId: actor.regionId, ip, details: { code: row.code, name: row.name } })
    })
    return this.get(actor, body.code)
  }

  async update(actor: Actor, code: string, body: UpdateCaseSource, ip?: string): Promise<CaseSource> {
    requirePermission(actor, 'intake.manage')
    const existing = await this.sourceRow(code)
    if (!existing) throw notFound('来源平台')
    this.assertMayChange(actor, existing)
    if (body.regionCode === null && !isCountyLevel(actor)) throw forbidden('只有县级管理员能把来源改为全县共用', { requiredLevel: 'county' })
    const patch = {
      name: body.name?.trim(),
      channel: body.channel,
      mapping: body.mapping ? checkMapping(body.mapping) : undefined,
      statusMap: body.statusMap ? checkStatusMap(body.statusMap) : undefined,
      regionId: await this.regionId(actor, body.regionCode),
    }
    await this.db.transaction().execute(async (trx) => {
      await repo.updateSource(trx, code, patch)
      await audit(trx, { actor, action: 'intake.source.update', entityType: 'case_source', entityId: code, regionId: actor.regionId, ip, details: { code, fields: Object.keys(body) } })
    })
    return this.get(actor, code)
  }

  /**
   * An importer's mapping, saved for the source with the job that used it — when the importer may change that
   * source (see mayChange); otherwise the mapping serves their job only and the shared source is left as it was.
   * Answers whether it was saved.
   */
  async saveMapping(actor: Actor, source: repo.SourceRow, mapping: Record<string, string>, ip?: string | null): Promise<boolean> {
    if (!hasPermission(actor, 'cases.import')) throw forbidden('没有权限修改来源的列对应')
    if (!this.mayChange(actor, source)) return false
    const code = source.code
    await this.db.transaction().execute(async (trx) => {
      await repo.updateSource(trx, code, { mapping })
      await audit(trx, { actor, action: 'intake.source.mapping', entityType: 'case_source', entityId: code, regionId: actor.regionId, ip: ip ?? null, details: { code, mapping } })
    })
    return true
  }
}
