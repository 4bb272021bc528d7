import { CASE_IMPORT_FIELD_HEADERS, CASE_IMPORT_FIELDS, CASE_IMPORT_REQUIRED, CASE_LEVELS, type CaseImportField, type ExternalState, maskPhone, phoneProblem } from '@minqing/common'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.ts'
import { AppError } from '../../platform/errors.ts'
import type { ExternalIntake } from '../cases/cases.service.ts'
import type { Rejection } from '../imports/imports.engine.ts'
import type { FieldCells } from '../imports/imports.kinds.ts'
import { type ColumnMap, normaliseHeader } from '../imports/sheet.ts'
import * as repo from './case-imports.repository.ts'

// The rules a case from another platform passes on the way in, the same for a row of an export and an item
// pushed to us: which region (inside the importer's area), which category, which time, which reporter.
// Pure once the reference data is loaded.

export type CaseCells = Partial<Record<CaseImportField, string>>

/** One case ready for the engine (channel, source and who is acting are the door's). */
export interface PreparedCase {
  rowNo: number
  externalId: string
  intake: Omit<ExternalIntake, 'channel' | 'source' | 'operatorId' | 'apiClientId' | 'quiet'>
}

const LEVEL_NAMES: Record<string, string> = { city: '市', county: '县(市、区)', town: '镇(街道)', village: '村(社区)', grid: '网格' }
const URGENCY: Record<string, 'normal' | 'urgent' | 'emergency'> = {
  normal: 'normal',
  一般: 'normal',
  普通: 'normal',
  正常: 'normal',
  平件: 'normal',
  urgent: 'urgent',
  紧急: 'urgent',
  急: 'urgent',
  急件: 'urgent',
  加急: 'urgent',
  emergency: 'emergency',
  特急: 'emergency',
  特别紧急: 'emergency',
  非常紧急: 'emergency',
  突发: 'emergency',
}
const CATEGORY_SPLIT = /[/／>＞\\|｜\-－—、]+/

const clean = (v: string | undefined) =>
  (v ?? '')
    .replace(/[\u200b\ufeff]/g, '')
    .replace(/[\s\u3000]+/g, ' ')
    .trim()
const squash = (v: string) => v.replace(/[\s\u3000]+/g, '')

/**
 * A point in time from the ways platforms write it: 2026-11-20 09:31:05, 2026/11/20 9:31, 2026年11月20日 9时31分,
 * ISO 8601 with an offset, 20261120093105, or an Excel serial (45981.396). Without an offset it is Beijing time.
 */
export function parseDateTime(raw: string): Date | null {
  const v = raw.trim()
  let m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?(?:\s*[:：]?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(v)
  let parts: number[]
  let zone: string | undefined
  if (m) {
    parts = [1, 2, 3, 4, 5, 6].map((i) => Number(m![i] ?? 0))
    zone = m[7]
  } else if ((m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/.exec(v))) {
    parts = [1, 2, 3, 4, 5, 6].map((i) => Number(m![i] ?? 0))
  } else if (/^\d{5}(\.\d+)?$/.test(v) && Number(v) > 20000 && Number(v) < 80000) {
    // Excel serial: days since 1899-12-30 of wall-clock time.
    const ms = Math.round((Number(v) * 86400) % 86400) * 1000
    const day = new Date(Date.UTC(1899, 11, 30) + Math.floor(Number(v)) * 86400_000 + ms)
    parts = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), day.getUTCHours(), day.getUTCMinutes(), day.getUTCSeconds()]
  } else return null
  const [y, mo, d, h, mi, s] = parts
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null
  const check = new Date(Date.UTC(y, mo - 1, d))
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null
  let offsetMin = 8 * 60
  if (zone) offsetMin = zone.toUpperCase() === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)))
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offsetMin * 60_000)
}

/** A phone as platforms write it (+86 138…, 138 0000 0000): the stored form, or the raw text when unusable. */
function normalisePhone(raw: string) {
  let v = raw.replace(/[\s\u3000]+/g, '')
  if (/^(\+?86)1[3-9]\d{9}$/.test(v)) v = v.replace(/^\+?86/, '')
  return v
}

// ---- columns ---------------------------------------------------------------------------------

const ALIASES: Partial<Record<CaseImportField, string[]>> = {
  externalId: ['工单号', '编号', '事件编号', '诉求编号', '案件编号'],
  createdAt: ['来电时间', '上报时间', '提交时间', '受理时间', '登记时间', '时间'],
  title: ['标题', '事件标题', '诉求主题', '主题'],
  description: ['内容', '事件描述', '诉求详情', '问题描述', '来电内容'],
  regionCode: ['行政区划代码', '村社代码', '区域代码'],
  regionName: ['所在区域', '所属村社', '区域', '村社'],
  categoryCode: ['分类', '事件类型', '诉求类别', '类别'],
  reporterName: ['来电人', '上报人', '诉求人', '反映人', '姓名'],
  reporterPhone: ['联系方式', '手机号码', '来电号码', '电话'],
  address: ['事发地址', '事件地点', '详细地址'],
  status: ['处理状态', '事件状态', '状态'],
}

/** The header a source's file shows for a field (its mapping, else our generic header). */
const headerOf = (mapping: Record<string, string>, field: CaseImportField) => mapping[field] ?? CASE_IMPORT_FIELD_HEADERS[field]

export interface CaseColumnsResult {
  columns: ColumnMap<CaseImportField>
  /** Headers of required fields the file lacks (empty when it can be imported). */
  missing: string[]
  missingFields: string[]
}

/**
 * Which cell holds which field. A field the source's mapping names is read from that header only — so a file
 * of another platform's shape does not slip through on look-alike headers; other fields are found by our
 * generic headers, their common variants, or the English field name.
 */
export function matchCaseColumns(headerCells: string[], mapping: Record<string, string>, opts: { regionOptional: boolean }): CaseColumnsResult {
  const headers = headerCells.map((h) => h.trim())
  const normalised = headers.map((h) => (h ? normaliseHeader(h) : ''))
  const index: Partial<Record<CaseImportField, number>> = {}
  const taken = new Set<number>()
  const find = (label: string) => normalised.findIndex((h, i) => h !== '' && !taken.has(i) && h === normaliseHeader(label))
  // Named fields first, so a generic guess never takes a column the mapping gives another field.
  for (const f of CASE_IMPORT_FIELDS) {
    if (!mapping[f]) continue
    const i = find(mapping[f])
    if (i >= 0) {
      index[f] = i
      taken.add(i)
    }
  }
  for (const f of CASE_IMPORT_FIELDS) {
    if (mapping[f] || index[f] !== undefined) continue
    for (const label of [CASE_IMPORT_FIELD_HEADERS[f], f, ...(ALIASES[f] ?? [])]) {
      const i = find(label)
      if (i >= 0) {
        index[f] = i
        taken.add(i)
        break
      }
    }
  }
  const missingFields: string[] = CASE_IMPORT_REQUIRED.filter((f) => index[f] === undefined)
  if (!opts.regionOptional && index.regionCode === undefined && index.regionName === undefined) missingFields.push('regionCode')
  const missing = missingFields.map((f) =>
    f === 'regionCode' && !opts.regionOptional ? `${headerOf(mapping, 'regionName')}或${headerOf(mapping, 'regionCode')}` : headerOf(mapping, f as CaseImportField),
  )
  const ignored = headers.filter((h, i) => h !== '' && !taken.has(i))
  return { columns: { index, headers, ignored }, missing, missingFields }
}

/** As `matchCaseColumns`, refusing the whole file (400 UNKNOWN_COLUMNS) when a required column is missing. */
export function resolveCaseColumns(headerCells: string[], mapping: Record<string, string>, opts: { regionOptional: boolean; sourceName: string }): ColumnMap<CaseImportField> {
  const r = matchCaseColumns(headerCells, mapping, opts)
  if (r.missing.length)
    throw new AppError(400, 'UNKNOWN_COLUMNS', `文件缺少“${opts.sourceName}”导出的必需列: ${r.missing.join('、')}。请确认选择的来源平台与文件一致,或调整列对应`, {
      missing: r.missing,
      missingFields: r.missingFields,
      found: headerCells.map((h) => h.trim()).filter(Boolean),
      mapping,
    })
  return r.columns
}

// ---- rows -----------------------------------------------------------------------------------

interface Region extends repo.RegionInfo {
  /** The names of its ancestors inside the scope, each in its spoken forms. */
  ancestors: string[][]
}

/**
 * The forms a region's name is written in: the register's 雅璜村委会 is 雅璜村 on every other platform,
 * 城南居委会 is 城南社区.
 */
function nameForms(name: string): string[] {
  const n = squash(name)
  const forms = new Set([n])
  const m = /^(.+?)(村民委员会|村委会|社区居民委员会|社区居委会|居民委员会|居委会)$/.exec(n)
  if (m) {
    if (m[2].startsWith('村')) forms.add(`${m[1]}村`)
    else {
      forms.add(`${m[1]}社区`)
      forms.add(m[1])
    }
  }
  return [...forms]
}

export interface RowRulesOptions {
  /** Rows must name regions inside this subtree (the importer's area, or the API client's). */
  scopePath: string
  mapping: Record<string, string>
  statusMap: Record<string, string>
  /** Rows without a region land here when it lies inside the scope. */
  defaultRegionId: number | null
}

export class CaseRowRules {
  private byCode = new Map<string, Region>()
  private byName = new Map<string, Region[]>()
  private categories = new Map<string, string>()
  private seen = new Map<string, number>()
  private defaultRegion: Region | undefined

  private constructor(
    private opts: RowRulesOptions,
    regions: repo.RegionInfo[],
    categories: repo.CategoryInfo[],
  ) {
    const codeName = new Map(regions.map((r) => [r.code, r.name]))
    for (const r of regions) {
      const ancestors = r.path
        .split('/')
        .filter((c) => c && c !== r.code)
        .map((c) => codeName.get(c))
        .filter((n): n is string => !!n)
        .map(nameForms)
      const region = { ...r, ancestors }
      this.byCode.set(r.code, region)
      for (const key of nameForms(r.name)) this.byName.set(key, [...(this.byName.get(key) ?? []), region])
      if (r.id === opts.defaultRegionId) this.defaultRegion = region
    }
    for (const c of categories) {
      this.categories.set(c.code.toLowerCase(), c.code)
      // A name shared by two categories is no answer: neither wins.
      const name = squash(c.name)
      this.categories.set(name, this.categories.has(name) && this.categories.get(name) !== c.code ? '' : c.code)
    }
  }

  static async load(db: Kysely<DB>, opts: RowRulesOptions) {
    const [regions, categories] = await Promise.all([repo.regionsUnder(db, opts.scopePath), repo.activeCategories(db)])
    return new CaseRowRules(opts, regions, categories)
  }

  private label(f: CaseImportField) {
    return headerOf(this.opts.mapping, f)
  }

  /** The region a row names by code, or by name (村社名, 镇+村, 村+网格…), inside the scope. */
  private region(code: string, name: string): Region | string {
    if (code) {
      const r = this.byCode.get(code.replace(/\s/g, ''))
      // Unknown and out of the area read the same (the area rule: 404 for what one may not see).
      return r ?? `${this.label('regionCode')}“${code}”不存在或不在您的辖区内`
    }
    const text = squash(name)
    let candidates = [...new Set(this.byName.get(text) ?? [])]
    if (candidates.length === 0) {
      const found = new Set<Region>()
      for (const [n, rs] of this.byName) if (n.length >= 2 && text.endsWith(n)) for (const r of rs) found.add(r)
      candidates = [...found]
      if (candidates.length === 0) return `${this.label('regionName')}“${name}”不存在或不在您的辖区内`
    }
    if (candidates.length > 1) {
      // The one whose ancestors the text also names (石璜镇雅璜村, 雅璜村第一网格), else the most specific name.
      const score = (r: Region) =>
        r.ancestors.filter((forms) => forms.some((a) => text.includes(a))).length +
        Math.max(
          ...nameForms(r.name)
            .filter((f) => text.endsWith(f))
            .map((f) => f.length),
          0,
        ) /
          100
      const best = Math.max(...candidates.map(score))
      candidates = candidates.filter((r) => score(r) === best)
    }
    if (candidates.length > 1) return `${this.label('regionName')}“${name}”不唯一,请填写${this.label('regionCode')}`
    return candidates[0]
  }

  /** A category by code or name (12345's 城乡建设/道路破损: the most specific part); unknown is no category. */
  category(raw: string): string | null {
    const v = clean(raw)
    if (!v) return null
    const direct = this.categories.get(v.toLowerCase()) || this.categories.get(squash(v))
    if (direct) return direct
    const parts = v.split(CATEGORY_SPLIT).map(squash).filter(Boolean)
    for (const p of parts.reverse()) {
      const c = this.categories.get(p) || this.categories.get(p.toLowerCase())
      if (c) return c
    }
    return null
  }

  /** Check one row (or pushed item); every problem goes into one reason. */
  prepare(raw: CaseCells | FieldCells, rowNo: number, now = new Date()): PreparedCase | Rejection {
    const cells = raw as CaseCells
    const problems: string[] = []
    const externalId = clean(cells.externalId)
    if (!externalId) problems.push(`缺少${this.label('externalId')}`)
    else if (externalId.length > 64) problems.push(`${this.label('externalId')}过长(最多64字)`)
    const description = (cells.description ?? '').replace(/\r\n?/g, '\n').trim()
    if (!description) problems.push(`缺少${this.label('description')}`)
    else if (description.length > 5000) problems.push(`${this.label('description')}过长(最多5000字)`)
    let title = clean(cells.title)
    if (title.length > 100) problems.push(`${this.label('title')}过长(最多100字)`)
    if (!title && description) {
      const line = clean(description.split('\n')[0])
      title = line.length > 30 ? `${line.slice(0, 30)}…` : line
    }

    let region: Region | undefined
    const code = clean(cells.regionCode)
    const name = clean(cells.regionName)
    if (code || name) {
      const r = this.region(code, name)
      if (typeof r === 'string') problems.push(r)
      else if (!(CASE_LEVELS as readonly string[]).includes(r.level)) problems.push(`区域“${r.name}”是${LEVEL_NAMES[r.level] ?? r.level},事项须落在县(市)以下的区域`)
      else region = r
    } else if (this.defaultRegion) region = this.defaultRegion
    else problems.push(`缺少${this.label('regionName')}或${this.label('regionCode')}`)

    let createdAt: Date | undefined
    const timeRaw = clean(cells.createdAt)
    if (timeRaw) {
      const t = parseDateTime(timeRaw)
      if (!t) problems.push(`${this.label('createdAt')}“${timeRaw}”无法识别,应为 YYYY-MM-DD HH:MM:SS`)
      else if (t.getTime() > now.getTime() + 10 * 60_000) problems.push(`${this.label('createdAt')}“${timeRaw}”晚于当前时间`)
      else if (t.getUTCFullYear() < 2000) problems.push(`${this.label('createdAt')}“${timeRaw}”早于2000年`)
      else createdAt = t
    }

    const reporterName = clean(cells.reporterName) || null
    if (reporterName && reporterName.length > 40) problems.push(`${this.label('reporterName')}过长(最多40字)`)
    let phone: string | null = null
    const phoneRaw = clean(cells.reporterPhone)
    if (phoneRaw) {
      const v = normalisePhone(phoneRaw)
      const problem = phoneProblem(v)
      if (problem) problems.push(`${this.label('reporterPhone')}${problem.replace(/^电话号码/, '')}(${v.length > 6 ? maskPhone(v) : v})`)
      else phone = v
    }
    const address = clean(cells.address) || null
    if (address && address.length > 200) problems.push(`${this.label('address')}过长(最多200字)`)

    const coord = (f: 'lat' | 'lng', max: number) => {
      const v = clean(cells[f])
      if (!v) return null
      const n = Number(v)
      if (!Number.isFinite(n) || Math.abs(n) > max) {
        problems.push(`${this.label(f)}“${v}”无效`)
        return null
      }
      return n
    }
    const lat = coord('lat', 90)
    const lng = coord('lng', 180)

    const statusRaw = clean(cells.status)
    const externalState = statusRaw ? ((this.opts.statusMap[statusRaw] ?? this.opts.statusMap[squash(statusRaw)] ?? null) as ExternalState | null) : null
    const urgencyRaw = squash(cells.urgency ?? '').toLowerCase()
    const urgency = urgencyRaw ? (URGENCY[urgencyRaw] ?? 'normal') : undefined

    if (!problems.length && externalId) {
      // The same case twice in one file would make the result depend on row order.
      const earlier = this.seen.get(externalId)
      if (earlier !== undefined) problems.push(`${this.label('externalId')}“${externalId}”与第 ${earlier} 行重复`)
      else this.seen.set(externalId, rowNo)
    }
    if (problems.length) return { rowNo, reason: problems.join(';') }

    return {
      rowNo,
      externalId,
      intake: {
        regionId: region!.id,
        categoryCode: this.category(cells.categoryCode ?? ''),
        urgency,
        title,
        description,
        reporter: reporterName || phone ? { name: reporterName, phone } : { anonymous: true },
        lat,
        lng,
        address,
        externalId,
        externalState,
        createdAt,
      },
    }
  }

  /** Forget the file-wide duplicate check (a push request is its own batch). */
  resetSeen() {
    this.seen.clear()
  }
}
