import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { baseUrl, launch, watchErrors } from './browser.ts'

/** The web shell against the real server and the 嵊州 demo data: logins, guards, region tree/picker, cockpit. */
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

async function login(page: Page, phone: string) {
  await page.fill('[data-testid=login-phone]', phone)
  await page.fill('[data-testid=login-password]', 'minqing-demo')
  await page.click('[data-testid=login-submit]')
}

describe('web shell', () => {
  it('console: login with redirect, header, region tree', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/console/users`)
    await page.waitForURL(/\/login\?redirect=/)
    await login(page, '13800000000')
    await page.waitForURL(/\/console\/users$/)
    await expect.poll(() => page.textContent('[data-testid=header-user]')).toBe('系统管理员')
    await page.click('[data-testid=nav-regions]')
    await page.waitForSelector('[data-testid=region-tree] >> text=嵊州市')
    await page.click('[data-testid=region-tree] >> text=石璜镇')
    await expect.poll(() => page.textContent('[data-testid=region-detail-code]')).toBe('330683105')
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('console: non-admins get 403 on admin pages and no admin menu', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/login`)
    await login(page, '13800000002')
    await page.waitForURL(/\/console$/)
    expect(await page.locator('[data-testid=nav-users]').count()).toBe(0)
    await page.goto(`${baseUrl()}/console/users`)
    await page.waitForURL(/\/console\/403$/)
    await page.waitForSelector('[data-testid=forbidden]')
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('mobile at 375 px: login, greeting, region picker rooted at the user region', async () => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/`)
    await page.waitForURL(/\/m\/login$/)
    await login(page, '13800000003')
    await page.waitForURL(/\/m$/)
    expect((await page.textContent('[data-testid=m-user-name]'))?.trim()).toBeTruthy()
    await page.click('[data-testid=m-region-cell]')
    await page.click('.van-cascader__option >> text=雅璜村委会')
    await page.click('.van-cascader__option >> text=第一网格')
    await expect.poll(() => page.textContent('[data-testid=m-region-cell]')).toContain('第一网格')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('cockpit: leader sees real totals', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/cockpit`)
    await page.waitForURL(/\/login\?redirect=/)
    await login(page, '13800000001')
    await page.waitForURL(/\/cockpit$/)
    await expect.poll(() => page.textContent('[data-testid=cockpit-title]')).toBe('嵊州市 民情大脑')
    // The ranking lists the county's 15 towns.
    await expect.poll(() => page.locator('[data-testid^=cockpit-rank-]').count(), { timeout: 15_000 }).toBe(15)
    expect(errors).toEqual([])
    await ctx.close()
  })
})
