import { excel } from '../../platform/excel.ts'
import type { LedgerOutcome } from '@minqing/common'
import type { ledgerRows } from './activities.repository.ts'

const OUTCOME: Record<LedgerOutcome, string> = { noted: '已记录', answered: '当场答复', case: '转为事项', task: '转为任务' }

/** The 服务台账 of a period as one sheet (the writer of stats.xlsx): a row per ledger item, a session without items as one row. */
export async function ledgerXlsx(title: string, rows: Awaited<ReturnType<typeof ledgerRows>>): Promise<Buffer> {
  const ExcelJS = await excel()
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Minqing 民情'
  wb.created = new Date()
  const ws = wb.addWorksheet('服务台账')
  ws.columns = [
    { header: '日期', key: 'date', width: 12 },
    { header: '活动', key: 'activity', width: 24 },
    { header: '区域', key: 'region', width: 12 },
    { header: '地点', key: 'place', width: 16 },
    { header: '到场人员', key: 'attendees', width: 24 },
    { header: '群众人数', key: 'residents', width: 10 },
    { header: '反映人', key: 'raisedBy', width: 10 },
    { header: '反映事项', key: 'content', width: 36 },
    { header: '处理方式', key: 'outcome', width: 10 },
    { header: '当场答复', key: 'answer', width: 30 },
    { header: '事项编号', key: 'caseNumber', width: 20 },
    { header: '任务', key: 'task', width: 20 },
    { header: '备注', key: 'notes', width: 20 },
  ]
  for (const r of rows)
    ws.addRow({
      date: r.date,
      activity: text(r.activity_title),
      region: r.region_name,
      place: text(r.place),
      attendees: text(r.attendees ?? ''),
      residents: r.residents_count,
      raisedBy: text(r.raised_by ?? ''),
      content: text(r.content ?? ''),
      outcome: r.outcome ? OUTCOME[r.outcome as LedgerOutcome] : '',
      answer: text(r.answer ?? ''),
      caseNumber: r.case_number ?? '',
      task: text(r.task_title ?? ''),
      notes: text(r.notes),
    })
  ws.getRow(1).font = { bold: true }
  ws.views = [{ state: 'frozen', ySplit: 1 }]
  ws.addRow([])
  ws.addRow([title])
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** User text: a leading = + - @ would make a spreadsheet formula of it. */
const text = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s)
