import { excel } from '../../platform/excel.ts'
import { CASE_FORMULAS, CASE_METRICS, type CaseMetric, type CaseStats } from '@minqing/common'

const GROUP_HEADER: Record<CaseStats['groupBy'], string> = {
  region: '区域',
  category: '分类',
  unit: '承办单位',
  handler: '经办干部',
  day: '日期',
  week: '周(周一)',
  month: '月份',
  year: '年份',
  level: '受理层级',
}
const RATES = new Set<CaseMetric>(CASE_METRICS.filter((m) => m.endsWith('Rate')))

/** The figures of GET /api/stats/cases as one sheet: a row per group, a 合计 row, and the formulas below. */
export async function caseStatsXlsx(stats: CaseStats): Promise<Buffer> {
  const ExcelJS = await excel()
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Minqing 民情'
  wb.created = new Date()
  const ws = wb.addWorksheet('统计')
  ws.columns = [
    { header: GROUP_HEADER[stats.groupBy], key: 'name', width: 18 },
    ...CASE_METRICS.map((m) => ({ header: CASE_FORMULAS[m].name, key: m, width: Math.max(10, CASE_FORMULAS[m].name.length * 2 + 2), style: RATES.has(m) ? { numFmt: '0.0%' } : {} })),
  ]
  for (const r of stats.rows) ws.addRow({ ...r, name: text(r.name) })
  const total = ws.addRow({ ...stats.total, name: '合计' })
  total.font = { bold: true }
  ws.getRow(1).font = { bold: true }
  ws.views = [{ state: 'frozen', ySplit: 1, xSplit: 1 }]
  ws.addRow([])
  ws.addRow([`${stats.region.name} ${stats.from} 至 ${stats.to}(本期受理的事项,截至 ${stats.asOf.slice(0, 16).replace('T', ' ')} UTC)`])
  for (const m of CASE_METRICS) ws.addRow([CASE_FORMULAS[m].name, CASE_FORMULAS[m].formula])
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** Names are user text: a leading = + - @ would make a spreadsheet formula of it. */
const text = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s)
