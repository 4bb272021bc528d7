import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { baseUrl, launch, watchErrors } from './browser.ts'

// 事项导入 in the browser: the town handler of 石璜镇 imports a small 12345 export — the file's header is read
// against the platform's saved columns, the job runs to the end, good rows become cases, the bad row is listed
// with its reason and the report can be downloaded.
let browser: Browser
let ctx: BrowserContext
let page: Page
let errors: string[]

beforeAll(async () => {
  browser = await launch()
  ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
  page = await ctx.newPage()
  errors = watchErrors(page)
})
afterAll(async () => {
  await ctx?.close()
  await browser?.close()
})

const stamp = Date.now().toString(36)
const CSV =
  '\uFEFF工单编号,来电时间,来电人,联系电话,诉求标题,诉求内容,问题分类,所属区域,区划代码,事发地址,紧急程度,办理状态\r\n' +
  `E2E-${stamp}-1,2026-11-02 09:15:00,张先生,13900001234,村道坑洼,雅璜村下宅村道有多处坑洼,城乡建设/道路破损,石璜镇雅璜村,,下宅村道,一般,办理中\r\n` +
  `E2E-${stamp}-2,2026-11-03 14:40:00,李女士,13900005678,垃圾未清运,雅璜村村口垃圾三天未清运,垃圾清运,,330683105212,村口,紧急,已办结\r\n` +
  `E2E-${stamp}-3,2026-11-04 10:00:00,王先生,12345,外村的事,王院村的事,其他,,330683106220,,,\r\n`

describe('事项导入', () => {
  it('imports a 12345 export: columns read, progress to done, good rows kept, the bad one reported', async () => {
    await page.goto(`${baseUrl()}/login`)
    await page.fill('[data-testid=login-phone]', '13800000002')
    await page.fill('[data-testid=login-password]', 'minqing-demo')
    await page.click('[data-testid=login-submit]')
    await page.waitForURL(/\/console$/)
    await page.click('[data-testid=nav-case-imports]')
    await page.waitForURL(/\/console\/case-imports$/)
    // The platform's saved columns are shown.
    await expect.poll(async () => (await page.textContent('[data-testid=case-import-saved-mapping]')) ?? '').toContain('工单编号')

    await page.setInputFiles('[data-testid=case-import-file]', { name: '12345导出.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') })
    await page.waitForSelector('[data-testid=case-import-mapping]')
    await expect.poll(async () => page.isEnabled('[data-testid=case-import-start]')).toBe(true)
    await page.click('[data-testid=case-import-start]')

    await page.waitForSelector('[data-testid=case-import-job]')
    await expect.poll(async () => page.textContent('[data-testid=case-import-accepted]'), { timeout: 30_000 }).toBe('2')
    expect(await page.textContent('[data-testid=case-import-rejected]')).toBe('1')
    expect(await page.textContent('[data-testid=case-import-created]')).toBe('2')
    const rejections = (await page.textContent('[data-testid=case-import-rejections]')) ?? ''
    expect(rejections).toContain('不存在或不在您的辖区内')
    expect(rejections).toContain('联系电话格式不正确')

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=case-import-report]')])
    expect(download.suggestedFilename()).toMatch(/问题行\.csv$/)

    // Listed among past imports.
    await expect.poll(async () => (await page.textContent('[data-testid=case-import-jobs]')) ?? '').toContain('12345导出.csv')
    expect(errors).toEqual([])
  })
})
