import type ExcelJS from 'exceljs'
import { excel } from '../../platform/excel.ts'
import { CASE_FORMULAS, type CaseMetric, OPEN_ITEM_KINDS, type ReportCase, type WeeklyReport, type WeeklyRow } from '@minqing/common'

// The weekly report as XLSX (exceljs, as GET /api/stats/cases.xlsx) and as a printable A4 HTML page: the same
// figures as the JSON, nothing computed here but percentages for display.

const OPEN_ITEM_LABEL: Record<(typeof OPEN_ITEM_KINDS)[number], string> = {
  overdue_long: '超期较久',
  unsatisfied_twice: '两次不满意',
  leader_claimed: '领导认领难事',
  alert_new: '新预警',
}
const STATE_LABEL: Record<string, string> = {
  new: '待研判',
  dispatched: '已交办',
  accepted: '办理中',
  replied: '已答复',
  closed: '已办结',
  returned: '已退回',
  extension_requested: '申请延期',
  escalated: '已上报',
  reopened: '重办',
  rejected: '不予受理',
  merged: '已合并',
}
const CARD_LABEL: Record<string, string> = { yellow: '黄牌', red: '红牌', normal: '督办' }
const ROW_METRICS: CaseMetric[] = ['received', 'closed', 'inProgress', 'overdue', 'closeRate', 'onTimeRate', 'satisfactionRate', 'yellowCards', 'redCards']

const pct = (r: number | null | undefined) => (r == null ? '—' : `${(r * 100).toFixed(1)}%`)
const signed = (n: number) => (n > 0 ? `+${n}` : String(n))
/** Names and titles are user text: a leading = + - @ would make a spreadsheet formula of it. */
const cell = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s)

export async function weeklyReportXlsx(r: WeeklyReport): Promise<Buffer> {
  const ExcelJS = await excel()
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Minqing 民情'
  wb.created = new Date()
  const bold = (ws: ExcelJS.Worksheet) => {
    ws.getRow(1).font = { bold: true }
    ws.views = [{ state: 'frozen', ySplit: 1 }]
  }

  const sum = wb.addWorksheet('概要')
  sum.columns = [
    { header: '项目', key: 'k', width: 26 },
    { header: '本周', key: 'v', width: 16 },
    { header: '上周', key: 'p', width: 16 },
  ]
  sum.addRows([
    ['区域', r.region.name, ''],
    ['周次', `${r.week}(${r.from} 至 ${r.to})`, `${r.previousWeek}`],
    [CASE_FORMULAS.received.name, r.total.received, r.previousTotal.received],
    ['较上周', signed(r.change), r.changeRate == null ? '—' : pct(r.changeRate)],
    [CASE_FORMULAS.closed.name, r.total.closed, r.previousTotal.closed],
    [CASE_FORMULAS.closeRate.name, pct(r.total.closeRate), pct(r.previousTotal.closeRate)],
    [CASE_FORMULAS.satisfactionRate.name, pct(r.total.satisfactionRate), pct(r.previousTotal.satisfactionRate)],
    [CASE_FORMULAS.unsatisfiedRate.name, pct(r.total.unsatisfiedRate), pct(r.previousTotal.unsatisfiedRate)],
    [CASE_FORMULAS.yellowCards.name, r.total.yellowCards, r.previousTotal.yellowCards],
    [CASE_FORMULAS.redCards.name, r.total.redCards, r.previousTotal.redCards],
    ['当前办理中', r.now.inProgress, ''],
    ['当前即将超期', r.now.dueSoon, ''],
    ['当前已超期', r.now.overdue, ''],
    ['走访户数 / 应访户数', `${r.visits.total.households} / ${r.visits.total.quota}`, ''],
    ['生成时间 (UTC)', r.generatedAt.slice(0, 16).replace('T', ' '), r.fixed ? '已定稿' : '本周进行中'],
  ])
  bold(sum)

  const figures = (name: string, header: string, rows: WeeklyRow[]) => {
    const ws = wb.addWorksheet(name)
    ws.columns = [
      { header, key: 'name', width: 20 },
      { header: '上周受理', key: 'previous', width: 10 },
      { header: '较上周', key: 'change', width: 10 },
      { header: '增减幅', key: 'changeRate', width: 10, style: { numFmt: '0.0%' } },
      ...ROW_METRICS.map((m) => ({ header: CASE_FORMULAS[m].name, key: m, width: 12, style: m.endsWith('Rate') ? { numFmt: '0.0%' } : {} })),
    ]
    for (const row of rows) ws.addRow({ ...row, name: cell(row.name) })
    bold(ws)
  }
  figures('分类', '分类', r.byCategory)
  figures('区域', '区域', r.byRegion)

  const list = (name: string, items: ReportCase[], total: number, extra: { header: string; get: (c: ReportCase) => string | number }) => {
    const ws = wb.addWorksheet(name)
    ws.columns = [
      { header: '编号', key: 'number', width: 20 },
      { header: '标题', key: 'title', width: 36 },
      { header: '区域', key: 'region', width: 14 },
      { header: '分类', key: 'category', width: 12 },
      { header: '状态', key: 'state', width: 10 },
      { header: extra.header, key: 'extra', width: 12 },
    ]
    for (const c of items) ws.addRow({ number: c.number, title: cell(c.title), region: cell(c.regionName), category: c.category ?? '', state: STATE_LABEL[c.state] ?? c.state, extra: extra.get(c) })
    if (total > items.length) ws.addRow([`共 ${total} 件,列出前 ${items.length} 件`])
    bold(ws)
  }
  list('超期事项', r.overdue.items, r.overdue.total, { header: '超期工作日', get: (c) => c.overdueDays ?? '' })
  list('督办事项', r.supervised.items, r.supervised.total, { header: '督办', get: (c) => CARD_LABEL[c.supervision ?? ''] ?? '' })

  const visits = wb.addWorksheet('走访')
  visits.columns = [
    { header: '区域', key: 'name', width: 20 },
    ...(['entries', 'visits', 'households', 'quota'] as const).map((k) => ({ header: r.formulas[`visit.${k}`]?.name ?? k, key: k, width: 12 })),
    { header: r.formulas['visit.coverage']?.name ?? 'coverage', key: 'coverage', width: 12, style: { numFmt: '0.0%' } },
  ]
  for (const v of r.visits.rows) visits.addRow({ ...v, name: cell(v.name) })
  visits.addRow({ ...r.visits.total, name: '合计' }).font = { bold: true }
  bold(visits)

  const units = wb.addWorksheet('单位排名')
  units.columns = [
    { header: '名次', key: 'rank', width: 8 },
    { header: '承办单位', key: 'name', width: 24 },
    { header: r.units.source === 'evaluation' ? `得分(${r.units.period})` : '得分', key: 'score', width: 12 },
    ...ROW_METRICS.map((m) => ({ header: CASE_FORMULAS[m].name, key: m, width: 12, style: m.endsWith('Rate') ? { numFmt: '0.0%' } : {} })),
  ]
  for (const u of r.units.rows) units.addRow({ ...u, name: cell(u.name) })
  bold(units)

  const items = wb.addWorksheet('待议事项')
  items.columns = [
    { header: '类型', key: 'kind', width: 14 },
    { header: '编号', key: 'number', width: 20 },
    { header: '事项', key: 'title', width: 36 },
    { header: '说明', key: 'detail', width: 30 },
  ]
  for (const i of r.openItems) items.addRow({ kind: OPEN_ITEM_LABEL[i.kind], number: i.number ?? '', title: cell(i.title), detail: cell(i.detail) })
  bold(items)

  const intel = wb.addWorksheet('热词与预警')
  intel.addRow(['热词', r.hotwords.available ? r.hotwords.items.map((w) => `${w.word}(${w.count})`).join('、') : (r.hotwords.note ?? '')])
  intel.addRow(['上升词', r.risingWords.available ? r.risingWords.items.map((w) => w.word).join('、') : (r.risingWords.note ?? '')])
  intel.addRow(['一类事', r.clusters.available ? r.clusters.items.map((c) => `${c.title}(${c.count})`).join('、') : (r.clusters.note ?? '')])
  intel.addRow(['预警', r.alerts.available ? r.alerts.items.map((a) => a.title).join('、') : (r.alerts.note ?? '')])
  intel.getColumn(2).width = 80

  const f = wb.addWorksheet('公式')
  f.columns = [
    { header: '指标', key: 'name', width: 18 },
    { header: '公式', key: 'formula', width: 90 },
  ]
  for (const v of Object.values(r.formulas)) f.addRow({ name: v.name, formula: v.formula })
  bold(f)
  return Buffer.from(await wb.xlsx.writeBuffer())
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!)

/** A horizontal bar as a table cell (no script, no chart library: prints as is). */
const bar = (n: number, max: number) => `<span class="bar" style="width:${max > 0 ? Math.round((n / max) * 100) : 0}%"></span>`

/** The report as one printable A4 HTML page (the console page prints the same content with its charts). */
export function weeklyReportHtml(r: WeeklyReport): string {
  const figRows = (rows: WeeklyRow[]) => {
    const max = Math.max(1, ...rows.map((x) => Math.max(x.received, x.previous)))
    return rows
      .map(
        (x) =>
          `<tr><td>${esc(x.name)}</td><td class="n">${x.received}</td><td class="n">${x.previous}</td><td class="n">${signed(x.change)}</td><td class="n">${pct(x.changeRate)}</td><td class="n">${pct(x.closeRate)}</td><td class="n">${pct(x.satisfactionRate)}</td><td class="b">${bar(x.received, max)}</td></tr>`,
      )
      .join('')
  }
  const figTable = (title: string, head: string, rows: WeeklyRow[]) =>
    `<h2>${title}</h2><table><thead><tr><th>${head}</th><th>本周</th><th>上周</th><th>增减</th><th>增减幅</th><th>办结率</th><th>满意率</th><th class="b"></th></tr></thead><tbody>${figRows(rows) || '<tr><td colspan="8">无</td></tr>'}</tbody></table>`
  const caseTable = (title: string, list: { total: number; items: ReportCase[] }, extraHead: string, extra: (c: ReportCase) => string) =>
    `<h2>${title}(${list.total} 件)</h2>${
      list.items.length
        ? `<table><thead><tr><th>编号</th><th>事项</th><th>区域</th><th>状态</th><th>${extraHead}</th></tr></thead><tbody>${list.items
            .map((c) => `<tr><td>${esc(c.number)}</td><td>${esc(c.title)}</td><td>${esc(c.regionName)}</td><td>${esc(STATE_LABEL[c.state] ?? c.state)}</td><td>${esc(extra(c))}</td></tr>`)
            .join('')}</tbody></table>`
        : '<p class="muted">无</p>'
    }`
  const section = (title: string, s: { available: boolean; note: string | null; items: unknown[] }, render: () => string) =>
    `<h2>${title}</h2>${s.available ? (s.items.length ? render() : '<p class="muted">本周无</p>') : `<p class="muted">${esc(s.note)}</p>`}`
  const t = r.total
  const p = r.previousTotal
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(r.region.name)} ${esc(r.week)} 民情分析会报告</title>
<style>
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; font-size: 11pt; color: #1f2329; margin: 0 auto; max-width: 186mm; }
h1 { font-size: 18pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 6mm 0 2mm; border-left: 3px solid #c0392b; padding-left: 2mm; break-after: avoid; }
.meta, .muted { color: #646a73; font-size: 9.5pt; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm; margin-top: 4mm; }
.kpi { border: 1px solid #dcdfe6; border-radius: 2mm; padding: 2mm 3mm; } .kpi b { display: block; font-size: 16pt; } .kpi small { color: #646a73; }
table { width: 100%; border-collapse: collapse; font-size: 9.5pt; } th, td { border: 1px solid #dcdfe6; padding: 1mm 1.5mm; text-align: left; }
th { background: #f5f7fa; } td.n { text-align: right; white-space: nowrap; } td.b { width: 22%; } tr { break-inside: avoid; }
.bar { display: inline-block; height: 3mm; background: #c0392b; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
</style></head>
<body data-report-week="${esc(r.week)}">
<h1>${esc(r.region.name)} 民情分析会报告</h1>
<div class="meta">${esc(r.week)}(${esc(r.from)} 至 ${esc(r.to)}),对比上周 ${esc(r.previousWeek)} · ${r.fixed ? '已定稿' : '本周进行中'} · 生成于 ${esc(r.generatedAt.slice(0, 16).replace('T', ' '))} UTC · 数据来自统计模块(本周受理的事项)</div>
<div class="kpis">
<div class="kpi"><small>本周新收</small><b>${t.received}</b><small>上周 ${p.received},${signed(r.change)}(${pct(r.changeRate)})</small></div>
<div class="kpi"><small>办结率</small><b>${pct(t.closeRate)}</b><small>上周 ${pct(p.closeRate)}</small></div>
<div class="kpi"><small>满意率</small><b>${pct(t.satisfactionRate)}</b><small>上周 ${pct(p.satisfactionRate)}</small></div>
<div class="kpi"><small>当前超期 / 即将超期</small><b>${r.now.overdue} / ${r.now.dueSoon}</b><small>办理中 ${r.now.inProgress}</small></div>
<div class="kpi"><small>黄牌 / 红牌(本周受理)</small><b>${t.yellowCards} / ${t.redCards}</b><small>上周 ${p.yellowCards} / ${p.redCards}</small></div>
<div class="kpi"><small>走访户数 / 应访</small><b>${r.visits.total.households} / ${r.visits.total.quota}</b><small>覆盖率 ${pct(r.visits.total.coverage)}</small></div>
<div class="kpi"><small>民情日记 / 走访</small><b>${r.visits.total.entries} / ${r.visits.total.visits}</b><small>本周</small></div>
<div class="kpi"><small>待议事项</small><b>${r.openItems.length}</b><small>见文末</small></div>
</div>
${figTable('新收事项 · 按分类', '分类', r.byCategory)}
${figTable('新收事项 · 按区域', '区域', r.byRegion)}
${caseTable('超期事项', r.overdue, '超期工作日', (c) => String(c.overdueDays ?? ''))}
${caseTable('本周督办(黄牌 / 红牌)', r.supervised, '督办', (c) => CARD_LABEL[c.supervision ?? ''] ?? '')}
<h2>走访情况</h2><table><thead><tr><th>区域</th><th>日记</th><th>走访</th><th>走访户数</th><th>应访户数</th><th>覆盖率</th></tr></thead><tbody>${r.visits.rows
    .map(
      (v) =>
        `<tr><td>${esc(v.name)}</td><td class="n">${v.entries}</td><td class="n">${v.visits}</td><td class="n">${v.households}</td><td class="n">${v.quota}</td><td class="n">${pct(v.coverage)}</td></tr>`,
    )
    .join(
      '',
    )}<tr><th>合计</th><th>${r.visits.total.entries}</th><th>${r.visits.total.visits}</th><th>${r.visits.total.households}</th><th>${r.visits.total.quota}</th><th>${pct(r.visits.total.coverage)}</th></tr></tbody></table>
<h2>${r.units.source === 'evaluation' ? `承办单位考核排名(${esc(r.units.period)} 月度得分)` : '承办单位排名(本周受理)'}</h2>${
    r.units.rows.length
      ? `<table><thead><tr><th>名次</th><th>单位</th><th>得分</th><th>受理</th><th>办结</th><th>办结率</th><th>按期办结率</th><th>满意率</th><th>超期</th></tr></thead><tbody>${r.units.rows
          .map(
            (u) =>
              `<tr><td class="n">${u.rank ?? '—'}</td><td>${esc(u.name)}</td><td class="n">${u.score == null ? '—' : u.score.toFixed(1)}</td><td class="n">${u.received}</td><td class="n">${u.closed}</td><td class="n">${pct(u.closeRate)}</td><td class="n">${pct(u.onTimeRate)}</td><td class="n">${pct(u.satisfactionRate)}</td><td class="n">${u.overdue}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '<p class="muted">本周无交办到单位的事项</p>'
  }
${section('热词', r.hotwords, () => `<p>${r.hotwords.items.map((w) => `${esc(w.word)}(${w.count})`).join('、')}</p>`)}
${section('上升词', r.risingWords, () => `<p>${r.risingWords.items.map((w) => esc(w.word)).join('、')}</p>`)}
${section('一类事', r.clusters, () => `<ul>${r.clusters.items.map((c) => `<li>${esc(c.title)}(${c.count} 件,${esc(c.regions.join('、'))})</li>`).join('')}</ul>`)}
${section('预警', r.alerts, () => `<ul>${r.alerts.items.map((a) => `<li>${esc(a.title)}(${esc(a.level)})</li>`).join('')}</ul>`)}
<h2>待议事项(${r.openItems.length} 项)</h2>${
    r.openItems.length
      ? `<table><thead><tr><th>类型</th><th>编号</th><th>事项</th><th>说明</th></tr></thead><tbody>${r.openItems
          .map((i) => `<tr><td>${OPEN_ITEM_LABEL[i.kind]}</td><td>${esc(i.number ?? '')}</td><td>${esc(i.title)}</td><td>${esc(i.detail)}</td></tr>`)
          .join('')}</tbody></table>`
      : '<p class="muted">无</p>'
  }
</body></html>`
}
