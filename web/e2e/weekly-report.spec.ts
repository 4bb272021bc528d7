import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { apiLogin, baseUrl, launch, watchErrors } from './browser.ts'

// 民情分析会周报 in the browser (issue 16): the weekly report of 石璜镇 opens as a console page with charts, its
// printable page renders to a PDF of A4 pages, and the XLSX download carries the same numbers as the page and the API.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const LEADER = '13800000001' // 钱立新 · 嵊州市
const SHIHUANG = '330683105'

/** The ISO week before this one (the report's default: the last finished week), as 2026-W47. */
function lastWeek(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 7))
  const day = d.getUTCDay() || 7
  d.setUTCDate(d.getUTCDate() + 4 - day)
  const year = d.getUTCFullYear()
  const week = Math.ceil(((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7)
  return `${year}-W${String(week).padStart(2, '0')}`
}

/** Each page's MediaBox of a PDF (uncompressed page dictionaries: Chromium writes them in the clear). */
function mediaBoxes(pdf: Buffer): number[][] {
  const text = pdf.toString('latin1')
  return [...text.matchAll(/\/MediaBox\s*\[\s*([\d.\s-]+)\]/g)].map((m) => m[1].trim().split(/\s+/).map(Number))
}

describe('民情分析会周报', () => {
  it('石璜镇’s week opens with charts, prints to A4 and downloads as XLSX with the same numbers', async () => {
    const week = lastWeek()
    const token = await apiLogin(LEADER)
    const res = await fetch(`${baseUrl()}/api/reports/weekly?regionCode=${SHIHUANG}&week=${week}`, { headers: { Authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    const report = (await res.json()) as { week: string; region: { name: string }; total: { received: number }; byCategory: unknown[] }
    expect(report.region.name).toBe('石璜镇')
    // The demo's year of cases reaches into last week: a report with nothing in it would prove little.
    expect(report.total.received).toBeGreaterThan(0)

    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      await page.goto(`${baseUrl()}/login`)
      await page.fill('[data-testid=login-phone]', LEADER)
      await page.fill('[data-testid=login-password]', 'minqing-demo')
      await page.click('[data-testid=login-submit]')
      await page.waitForURL(/\/console$/)
      await page.goto(`${baseUrl()}/console/reports/weekly?regionCode=${SHIHUANG}&week=${week}`)

      // The page: the period line names the town and the week, the total is the API's, the charts are drawn.
      await expect.poll(() => page.textContent('[data-testid=weekly-period-line]'), { timeout: 15_000 }).toContain('石璜镇')
      expect(await page.textContent('[data-testid=weekly-period-line]')).toContain(week)
      await expect.poll(() => page.textContent('[data-testid=weekly-total-received]')).toBe(String(report.total.received))
      await expect.poll(() => page.locator('[data-testid=weekly-chart-category] canvas').count()).toBeGreaterThan(0)
      await expect.poll(() => page.locator('[data-testid=weekly-chart-region] canvas').count()).toBeGreaterThan(0)
      expect(await page.locator('[data-testid=weekly-units]').count()).toBe(1)

      // XLSX: the download's 概要 sheet has the same 受理件数 (received) for this week.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=weekly-export]')])
      expect(download.suggestedFilename()).toMatch(/\.xlsx$/)
      const path = await download.path()
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.readFile(path!)
      const summary = wb.getWorksheet('概要')!
      let received: unknown = null
      summary.eachRow((row) => {
        if (row.getCell(1).value === '受理件数') received ??= row.getCell(2).value
      })
      expect(Number(received)).toBe(report.total.received)

      // The printable page (same session cookie) renders to A4: 595.28 × 841.89 pt, every page.
      const [print] = await Promise.all([ctx.waitForEvent('page'), page.click('[data-testid=weekly-html]')])
      await print.waitForLoadState('load')
      expect(await print.textContent('body')).toContain('石璜镇')
      expect(await print.textContent('body')).toContain(String(report.total.received))
      const pdf = await print.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true })
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
      const boxes = mediaBoxes(pdf)
      expect(boxes.length).toBeGreaterThan(0)
      for (const [x0, y0, x1, y1] of boxes) {
        expect(Math.abs(x1 - x0 - 595.28)).toBeLessThan(1.5)
        expect(Math.abs(y1 - y0 - 841.89)).toBeLessThan(1.5)
      }
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  })
})
