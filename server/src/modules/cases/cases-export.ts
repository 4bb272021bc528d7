import { excel } from '../../platform/excel.ts'
import { type Case, CaseListQuery } from '@minqing/common'
import type { FastifyReply } from 'fastify'
import type { Kysely } from 'kysely'
import Type, { type Static } from 'typebox'
import type { App } from '../../context.ts'
import type { DB } from '../../db/types.ts'
import { audit } from '../../platform/audit.ts'
import { actorOf } from '../../platform/auth.ts'
import type { FieldCrypto } from '../../platform/crypto.ts'
import { badRequest, errorResponses } from '../../platform/errors.ts'
import { redactIdentifiers } from '../../platform/identifiers.ts'
import { type Actor, hasPermission } from '../../platform/policy.ts'
import type { CasesService } from './cases.service.ts'
import { reporterPhonesEnc } from './cases-export.repository.ts'

/**
 * The most rows one export writes. A county's whole history would be a file nobody opens and a minute of the
 * server's memory; past the cap the export answers 400 TOO_MANY_ROWS and the user narrows the filter.
 */
const CASE_EXPORT_MAX_ROWS = 50_000

/** The case list's filters without its page: the export writes every matching row (up to the cap). */
export const CaseExportQuery = Type.Omit(CaseListQuery, ['limit', 'offset'])

const STATE: Record<string, string> = {
  new: '待交办',
  dispatched: '已交办',
  accepted: '办理中',
  replied: '已答复',
  closed: '已办结',
  returned: '已退回',
  extension_requested: '延期审批中',
  escalated: '已上报',
  reopened: '重办',
  rejected: '不予受理',
  merged: '已并案',
}
const CHANNEL: Record<string, string> = {
  diary: '民情日记',
  qr: '扫码反映',
  hotline: '热线电话',
  open311: '开放接口',
  import: '批量导入',
  platform: '平台转入',
  walk_in: '来访/现场',
  volunteer: '志愿者随手报',
}
const LEVEL: Record<string, string> = { grid: '网格', village: '村社', town: '镇街', county: '县(市)' }
const URGENCY: Record<string, string> = { normal: '一般', urgent: '紧急', emergency: '特急' }
const RATING: Record<string, string> = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' }
const SUPERVISION: Record<string, string> = { normal: '督办', yellow: '黄牌督办', red: '红牌督办' }

/** 事项清单 as XLSX: the console list's filters, identifiers shown as the viewer's rights say. */
export class CasesExport {
  constructor(
    private db: Kysely<DB>,
    private crypto: FieldCrypto,
    private cases: CasesService,
    private maxRows = CASE_EXPORT_MAX_ROWS,
  ) {}

  /**
   * Reads the list exactly as GET /api/cases would (area, queue and filters in the service), all pages at once.
   * Viewers with archive.reveal get reporters' full phones (one audit row per export says so); everyone else
   * the masks, and ID numbers and phones typed into titles and descriptions masked too.
   */
  async xlsx(actor: Actor, query: Static<typeof CaseExportQuery>, ip?: string): Promise<{ file: Buffer; rows: number }> {
    const { items, total } = await this.cases.list(actor, { ...query, limit: this.maxRows + 1, offset: 0 } as Static<typeof CaseListQuery>)
    if (items.length > this.maxRows || total > this.maxRows)
      throw badRequest('TOO_MANY_ROWS', `筛选结果超过 ${this.maxRows.toLocaleString('en-US')} 条，请缩小范围(区域、分类、状态)后再导出`, {
        max: this.maxRows,
      })
    const reveal = hasPermission(actor, 'archive.reveal')
    const phones = reveal
      ? await reporterPhonesEnc(
          this.db,
          items.map((c) => c.id),
        )
      : new Map<string, string>()
    const file = await casesWorkbook(
      items,
      (c) => {
        const enc = phones.get(c.id)
        return enc ? this.crypto.decrypt(enc) : c.reporter.phone
      },
      reveal ? (s) => s : redactIdentifiers,
    )
    await audit(this.db, {
      actor,
      action: 'cases.export',
      entityType: 'case',
      ip,
      details: { rows: items.length, revealed: reveal && phones.size > 0, filters: query },
    })
    return { file, rows: items.length }
  }
}

async function casesWorkbook(items: Case[], phoneOf: (c: Case) => string | null, text: (s: string) => string): Promise<Buffer> {
  const ExcelJS = await excel()
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Minqing 民情'
  wb.created = new Date()
  const ws = wb.addWorksheet('事项清单')
  ws.columns = [
    { header: '编号', key: 'number', width: 20 },
    { header: '标题', key: 'title', width: 30 },
    { header: '状态', key: 'state', width: 10 },
    { header: '区域', key: 'region', width: 28 },
    { header: '层级', key: 'level', width: 8 },
    { header: '分类', key: 'category', width: 14 },
    { header: '紧急程度', key: 'urgency', width: 8 },
    { header: '来源', key: 'channel', width: 10 },
    { header: '反映人', key: 'reporter', width: 10 },
    { header: '联系电话', key: 'phone', width: 14 },
    { header: '承办单位', key: 'unit', width: 20 },
    { header: '承办人', key: 'handler', width: 10 },
    { header: '登记时间', key: 'createdAt', width: 18 },
    { header: '办理期限', key: 'dueAt', width: 18 },
    { header: '超期', key: 'overdue', width: 6 },
    { header: '督办', key: 'supervision', width: 10 },
    { header: '评价', key: 'rating', width: 10 },
    { header: '重办次数', key: 'reopenCount', width: 8 },
    { header: '办结时间', key: 'closedAt', width: 18 },
    { header: '事项描述', key: 'description', width: 50 },
  ]
  for (const c of items)
    ws.addRow({
      number: c.number,
      title: text(c.title),
      state: STATE[c.state] ?? c.state,
      region: c.regionPath || c.regionName,
      level: LEVEL[c.level] ?? c.level,
      category: c.category?.name ?? '',
      urgency: URGENCY[c.urgency] ?? c.urgency,
      channel: CHANNEL[c.channel] ?? c.channel,
      reporter: c.reporter.name ?? '',
      phone: phoneOf(c) ?? '',
      unit: c.unit?.name ?? '',
      handler: c.handler?.name ?? '',
      createdAt: shanghai(c.createdAt),
      dueAt: shanghai(c.dueAt),
      overdue: c.overdue ? '是' : '',
      supervision: c.supervision ? (SUPERVISION[c.supervision] ?? c.supervision) : '',
      rating: c.rating ? (RATING[c.rating] ?? c.rating) : '',
      reopenCount: c.reopenCount,
      closedAt: shanghai(c.closedAt),
      description: text(c.description ?? ''),
    })
  ws.getRow(1).font = { bold: true }
  ws.views = [{ state: 'frozen', ySplit: 1 }]
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** A timestamp as Asia/Shanghai wall time, `2026-12-07 14:05` (a sheet has no time zones). */
function shanghai(iso: string | null): string {
  if (!iso) return ''
  return new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}

function sendXlsx(reply: FastifyReply, file: Buffer, name: string) {
  const filename = `${name}-${new Date().toISOString().slice(0, 10)}.xlsx`
  return reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="cases.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('cache-control', 'private, no-store')
    .send(file)
}

export function caseExportRoutes(app: App, exporter: CasesExport) {
  app.get(
    '/api/cases.xlsx',
    {
      schema: {
        tags: ['cases'],
        summary: `The case list (same filters and queues as GET /api/cases) as XLSX, up to ${CASE_EXPORT_MAX_ROWS} rows (else 400 TOO_MANY_ROWS); phones in full only with archive.reveal (audited)`,
        querystring: CaseExportQuery,
        response: { ...errorResponses },
      },
    },
    async (req, reply) => {
      const { file } = await exporter.xlsx(actorOf(req), req.query, req.ip)
      return sendXlsx(reply, file, '事项清单')
    },
  )
}
