import type { CaseImportHeaders, ImportJob } from '@minqing/common'
import { badRequest } from '../../platform/errors.ts'
import { type Actor, pathInScope, requirePermission, scopeOf } from '../../platform/policy.ts'
import type { Upload } from '../../platform/uploads.ts'
import type { ImportsService } from '../imports/imports.service.ts'
import type { CaseJobOptions } from './case-imports.kind.ts'
import { matchCaseColumns, resolveCaseColumns } from './case-rows.ts'
import { checkMapping, type SourcesService } from './sources.service.ts'
import type { SourceRow } from './sources.repository.ts'

const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T

/**
 * Cases from another platform's export (XLSX/CSV): the file is checked against the chosen source's column
 * mapping at once (a file of another platform's shape is refused whole), then imported by a background job
 * of the archive's import machinery, one case at a time through the case engine.
 */
export class CaseImportsService {
  constructor(
    private imports: ImportsService,
    private sources: SourcesService,
  ) {}

  assertMayImport(actor: Actor) {
    requirePermission(actor, 'cases.import')
  }

  private async source(code: string | undefined): Promise<SourceRow> {
    if (!code?.trim()) throw badRequest('VALIDATION_FAILED', '请选择来源平台 (字段 source)', [{ path: 'source', message: 'required' }])
    const row = await this.sources.sourceRow(code.trim())
    if (!row) throw badRequest('UNKNOWN_SOURCE', `来源平台不存在: ${code}`, { source: code })
    return row
  }

  /** The `mapping` form field (our field → their header), or the source's saved mapping. */
  private mapping(source: SourceRow, raw: string | undefined): { mapping: Record<string, string>; override: boolean } {
    const saved = json<Record<string, string>>(source.mapping) ?? {}
    if (raw === undefined || raw.trim() === '') return { mapping: saved, override: false }
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      throw badRequest('VALIDATION_FAILED', 'mapping 须为 JSON 对象: {"字段": "表头"}')
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest('VALIDATION_FAILED', 'mapping 须为 JSON 对象: {"字段": "表头"}')
    const mapping = checkMapping(value as Record<string, unknown>)
    return { mapping, override: JSON.stringify(Object.entries(mapping).sort()) !== JSON.stringify(Object.entries(saved).sort()) }
  }

  /** A source's default region counts only where the importer may put cases. */
  private defaultRegion(actor: Actor, source: SourceRow) {
    return source.region_id !== null && source.region_path && pathInScope(scopeOf(actor), source.region_path) ? source.region_id : null
  }

  /** Read an upload's header against a source, for the mapping screen (nothing is stored). */
  async headers(actor: Actor, upload: Upload): Promise<CaseImportHeaders> {
    requirePermission(actor, 'cases.import')
    const source = await this.source(upload.fields.source)
    const { mapping } = this.mapping(source, upload.fields.mapping)
    const sheet = await this.imports.readSheet(upload)
    const match = matchCaseColumns(sheet.header, mapping, { regionOptional: this.defaultRegion(actor, source) !== null })
    const columns = Object.fromEntries((Object.entries(match.columns.index) as [string, number][]).map(([f, i]) => [f, match.columns.headers[i]]))
    return { source: source.code, headers: match.columns.headers, columns, missing: match.missing, sample: sheet.sample.map((r) => r.map((c) => c.slice(0, 200))) }
  }

  async create(actor: Actor, upload: Upload, ip?: string): Promise<ImportJob> {
    requirePermission(actor, 'cases.import')
    const source = await this.source(upload.fields.source)
    const { mapping, override } = this.mapping(source, upload.fields.mapping)
    const sheet = await this.imports.readSheet(upload)
    const defaultRegionId = this.defaultRegion(actor, source)
    resolveCaseColumns(sheet.header, mapping, { regionOptional: defaultRegionId !== null, sourceName: source.name })
    if (override) await this.sources.saveMapping(actor, source, mapping, ip)
    const options: CaseJobOptions = {
      ...sheet.source,
      mapping: {},
      ip: ip ?? null,
      source: source.code,
      sourceName: source.name,
      caseMapping: mapping,
      statusMap: json<Record<string, string>>(source.status_map) ?? {},
      defaultRegionId,
    }
    return this.imports.submit(actor, upload, { kind: 'cases', options })
  }
}
