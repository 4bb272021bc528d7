import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { apiLogin, baseUrl, launch, watchErrors } from './browser.ts'

// 统计分析 and 工作台 in the browser (issue 13): a town handler of 石璜镇 opens 统计分析 and sees the cases this
// test raised today as non-zero rows (the stats module's rollups, fresh within seconds), downloads the XLSX;
// the 工作台 shows the to-do counts; the case list exports its filter as XLSX.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const TOWN_HANDLER = '13800000002' // 周海燕 · 石璜镇
const YAHUANG_GRID = '330683105212001'
const MK = `统计${Date.now().toString(36)}`

async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${baseUrl()}/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  return { status: res.status, json: (await res.json()) as T }
}
const todayShanghai = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
interface StatsJson {
  rows: { key: string; name: string; received: number }[]
  total: { received: number }
}

async function consoleAs(phone: string): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true })
  const page = await ctx.newPage()
  const errors = watchErrors(page)
  await page.goto(`${baseUrl()}/login`)
  await page.fill('[data-testid=login-phone]', phone)
  await page.fill('[data-testid=login-password]', 'minqing-demo')
  await page.click('[data-testid=login-submit]')
  await page.waitForURL(/\/console$/)
  return { ctx, page, errors }
}

describe('统计分析, 工作台 and the case list export', () => {
  it('a town handler sees today’s cases in 统计分析, exports XLSX, and the 工作台 counts the to-dos', async () => {
    const token = await apiLogin(TOWN_HANDLER)
    const today = todayShanghai()
    const statsUrl = `/stats/cases?regionCode=330683105&from=${today}&to=${today}&groupBy=region`
    const before = await api<StatsJson>(token, 'GET', statsUrl)
    expect(before.status).toBe(200)
    const yahuangBefore = before.json.rows.find((r) => r.key === '330683105212')?.received ?? 0

    // Three cases in 雅璜村 today, raised by the handler (new: in the town's 待交办).
    for (const title of ['村口路灯不亮', '垃圾桶满溢', '道路坑洼'])
      expect((await api(token, 'POST', '/cases', { regionCode: YAHUANG_GRID, categoryCode: 'traffic.streetlight', title: `${MK}${title}`, description: `${MK}测试事项` })).status).toBe(201)
    // The rollups catch up within seconds.
    await expect
      .poll(async () => (await api<StatsJson>(token, 'GET', statsUrl)).json.rows.find((r) => r.key === '330683105212')?.received ?? 0, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(yahuangBefore + 3)

    const { ctx, page, errors } = await consoleAs(TOWN_HANDLER)
    try {
      // 工作台: the to-do counts (待交办 holds at least the three new cases).
      const toDispatch = page.locator('[data-testid=dash-todo-to_dispatch] .todo-count')
      await expect.poll(async () => Number((await toDispatch.textContent())?.trim()), { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
      await expect.poll(() => page.locator('[data-testid^=dash-todo-]').count()).toBeGreaterThan(3)
      // Residents and accounts are two numbers, labelled apart.
      await expect.poll(() => page.textContent('[data-testid=stat-residents]')).toContain('在册居民')
      await expect.poll(() => page.textContent('[data-testid=stat-accounts]')).toContain('系统账号')

      // 统计分析 for today: 雅璜村委会's row counts the cases.
      await page.click('[data-testid=nav-stats]')
      await page.waitForURL(/\/console\/stats/)
      await page.locator('[data-testid=stats-period-kind] label', { hasText: '日' }).click()
      await page.waitForURL(new RegExp(`period=day.*from=${today}`))
      const row = page.locator('[data-testid=stats-table] .el-table__body-wrapper tr', { hasText: '雅璜村委会' })
      await expect.poll(async () => Number((await row.locator('td').nth(1).textContent())?.trim()), { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
      expect(await page.textContent('[data-testid=stats-period-line]')).toContain(`${today} 至 ${today}`)
      // Every header carries its formula (the tooltip names the figure and how it is computed).
      await page.hover('[data-testid=stats-th-closeRate]')
      await expect.poll(() => page.locator('.el-popper', { hasText: '办结率：' }).first().textContent(), { timeout: 5_000 }).toContain('÷')

      // XLSX of the same selection.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=stats-export]')])
      expect(download.suggestedFilename()).toMatch(/\.xlsx$/)
      const file = readFileSync((await download.path())!)
      expect(file.subarray(0, 2).toString()).toBe('PK')

      // The case list exports its queue and filter.
      await page.goto(`${baseUrl()}/console/cases?queue=to_dispatch`)
      await page.waitForSelector('[data-testid=cases-table]')
      await page.fill('[data-testid=cases-filter-q] input, input[data-testid=cases-filter-q]', MK)
      await page.click('[data-testid=cases-search]')
      await expect.poll(() => page.locator('[data-testid=cases-table] [data-number]').count(), { timeout: 10_000 }).toBe(3)
      const [cases] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=cases-export]')])
      expect(cases.suggestedFilename()).toMatch(/\.xlsx$/)
      expect(
        readFileSync((await cases.path())!)
          .subarray(0, 2)
          .toString(),
      ).toBe('PK')

      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  })

  it('the phone’s home shows the cadre’s to-dos and visits against the quota', async () => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      await page.goto(`${baseUrl()}/m/login`)
      await page.fill('[data-testid=login-phone]', '13800000003')
      await page.fill('[data-testid=login-password]', 'minqing-demo')
      await page.click('[data-testid=login-submit]')
      await page.waitForURL(/\/m$/)
      await page.waitForSelector('[data-testid=m-todo-to_accept]')
      await page.waitForSelector('[data-testid=m-visits]')
      expect(await page.textContent('[data-testid=m-visits]')).toMatch(/\d+ \/ \d+/)
      await expect.poll(() => page.textContent('[data-testid=m-stat-residents]')).toContain('在册居民')
      // No horizontal scrolling at 375 px.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  })
})
