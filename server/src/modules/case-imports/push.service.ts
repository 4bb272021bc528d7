import { CASE_IMPORT_FIELDS, type PushCasesResponse, PushCaseItemSchema, type PushKey, type PushKeyCreated } from '@minqing/common'
import type { Kysely } from 'kysely'
import Value from 'typebox/value'
import type { DB } from '../../db/types.ts'
import { type ApiClientRow, findApiClient, issueApiKey, listApiClients, revokeApiKey, verifyApiKey } from '../../platform/api-keys.ts'
import { audit } from '../../platform/audit.ts'
import { AppError, badRequest, notFound } from '../../platform/errors.ts'
import { type Actor, assertWritableRegion, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import type { CasesService } from '../cases/cases.service.ts'
import { regionByCode } from './case-imports.repository.ts'
import { type CaseCells, CaseRowRules, type PreparedCase } from './case-rows.ts'
import { upsertCases } from './case-upsert.ts'
import type { SourcesService } from './sources.service.ts'

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)
/** Messages about a pushed item name our JSON fields, not a spreadsheet's headers. */
const FIELD_NAMES = Object.fromEntries(CASE_IMPORT_FIELDS.map((f) => [f, f]))
/** A batch larger than this arrives without a notification per case (the queues show the new work). */
const QUIET_ABOVE = 10

function toPushKey(c: ApiClientRow): PushKey {
  return {
    id: c.id,
    name: c.name,
    source: c.source_code,
    prefix: c.key_prefix,
    regionCode: c.region_code,
    regionName: c.region_name,
    createdAt: iso(c.created_at)!,
    lastUsedAt: iso(c.last_used_at),
    revokedAt: iso(c.revoked_at),
  }
}

const invalidKey = () => new AppError(403, 'INVALID_API_KEY', 'API 密钥无效或已吊销')

/**
 * The push API: a platform that can call us sends cases in our own field names with its key (X-Api-Key).
 * The key is bound to one source, so (source, externalId) is the case's identity and a resend updates
 * instead of duplicating; pushed cases must lie in the key's region.
 */
export class PushService {
  constructor(
    private db: Kysely<DB>,
    private engine: CasesService,
    private sources: SourcesService,
  ) {}

  /** The live push client holding this key, or 403. */
  async client(apiKey: string | undefined) {
    const client = await verifyApiKey(this.db, 'push', apiKey)
    if (!client || !client.source_code) throw invalidKey()
    return client
  }

  async push(client: ApiClientRow, body: unknown): Promise<PushCasesResponse> {
    const source = await this.sources.sourceRow(client.source_code!)
    if (!source) throw invalidKey()
    const items = Array.isArray(body) ? body : [body]
    const scopePath = client.region_path ?? '/'
    const defaultRegionId = source.region_id !== null && source.region_path && source.region_path.startsWith(scopePath) ? source.region_id : null
    const rules = await CaseRowRules.load(this.db, { scopePath, mapping: FIELD_NAMES, statusMap: json(source.status_map) ?? {}, defaultRegionId })

    const results: PushCasesResponse['results'] = items.map((item, index) => ({
      index,
      externalId: item && typeof item === 'object' && typeof (item as { externalId?: unknown }).externalId === 'string' ? (item as { externalId: string }).externalId : null,
      ok: false,
    }))
    const prepared: PreparedCase[] = []
    items.forEach((item, index) => {
      if (!Value.Check(PushCaseItemSchema, item)) {
        const details = [...Value.Errors(PushCaseItemSchema, item)]
          .filter((e) => e.keyword !== 'boolean')
          .map((e) =>
            e.keyword === 'additionalProperties'
              ? { path: ((e.params as { additionalProperties?: string[] }).additionalProperties ?? []).join(', '), message: '不允许的字段' }
              : { path: e.instancePath.replace(/^\//, ''), message: e.message },
          )
        results[index].error = { code: 'VALIDATION_FAILED', message: `字段不合法: ${details.map((d) => `${d.path || '(item)'} ${d.message}`).join('; ')}`, details }
        return
      }
      const cells: CaseCells = {}
      for (const [k, v] of Object.entries(item as Record<string, unknown>)) if (v !== null && v !== undefined) cells[k as keyof CaseCells] = String(v)
      const p = rules.prepare(cells, index)
      if ('reason' in p) results[index].error = { code: 'VALIDATION_FAILED', message: p.reason }
      else prepared.push(p)
    })

    const outcomes = await upsertCases(this.engine, this.db, prepared, {
      channel: 'platform',
      source: source.code,
      scopePath,
      apiClientId: client.id,
      quiet: items.length > QUIET_ABOVE,
    })
    for (const o of outcomes) {
      const r = results[o.rowNo]
      if (o.ok) Object.assign(r, { ok: true, caseId: o.caseId, number: o.number, created: o.created, updated: o.updated })
      else r.error = o.error
    }
    const accepted = results.filter((r) => r.ok).length
    return { accepted, rejected: results.length - accepted, results }
  }

  // ---- keys (console) ----------------------------------------------------------------------
  async createKey(actor: Actor, body: { name: string; source: string; regionCode?: string }, ip?: string): Promise<PushKeyCreated> {
    requirePermission(actor, 'intake.manage')
    const source = await this.sources.sourceRow(body.source)
    if (!source) throw badRequest('UNKNOWN_SOURCE', `来源平台不存在: ${body.source}`, { source: body.source })
    let regionId = actor.regionId
    if (body.regionCode) {
      const r = await regionByCode(this.db, body.regionCode)
      if (!r) throw badRequest('UNKNOWN_REGION', `区域代码不存在: ${body.regionCode}`, { regionCode: body.regionCode })
      assertWritableRegion(scopeOf(actor), r.path)
      regionId = r.id
    }
    const { client, apiKey } = await this.db.transaction().execute(async (trx) => {
      const issued = await issueApiKey(trx, { kind: 'push', name: body.name.trim(), regionId, sourceCode: source.code, createdBy: actor.userId })
      await audit(trx, { actor, action: 'intake.push_key.create', entityType: 'api_client', entityId: issued.client.id, regionId, ip, details: { name: body.name, source: source.code } })
      return issued
    })
    return { ...toPushKey(client), apiKey }
  }

  async listKeys(actor: Actor): Promise<PushKey[]> {
    requirePermission(actor, 'intake.manage')
    return (await listApiClients(this.db, 'push', actor.regionPath)).map(toPushKey)
  }

  /** Revoke at once; revoking a revoked key answers it as it is. */
  async revokeKey(actor: Actor, id: string, ip?: string): Promise<PushKey> {
    requirePermission(actor, 'intake.manage')
    const client = await findApiClient(this.db, 'push', id)
    if (!client || !client.region_path || !pathInScope(scopeOf(actor), client.region_path)) throw notFound('推送密钥')
    await this.db.transaction().execute(async (trx) => {
      if (await revokeApiKey(trx, id))
        await audit(trx, { actor, action: 'intake.push_key.revoke', entityType: 'api_client', entityId: id, regionId: client.region_id, ip, details: { name: client.name } })
    })
    return toPushKey((await findApiClient(this.db, 'push', id))!)
  }
}
