import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { baseUrl, launch, watchErrors } from './browser.ts'

// The foundation issue's "done when", as a person does it in the browser.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

async function login(page: Page, phone: string, password = 'minqing-demo') {
  await page.fill('[data-testid=login-phone]', phone)
  await page.fill('[data-testid=login-password]', password)
  await page.click('[data-testid=login-submit]')
}

describe('foundation', () => {
  it('console: the 雅璜村 cadre logs in and the region picker shows 雅璜村 — and nothing of 王院村', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/console`)
    await page.waitForURL(/\/login/)
    await login(page, '13800000003')
    await page.waitForURL(/\/console$/)
    await expect.poll(() => page.textContent('[data-testid=header-user]')).toBe('俞建明')
    await page.click('[data-testid=nav-regions]')
    await page.waitForSelector('[data-testid=region-tree] >> text=雅璜村委会')
    expect(await page.locator('[data-testid=region-tree] >> text=王院村委会').count()).toBe(0)
    // expanding the village shows its grids
    await page.click('[data-testid=region-tree] >> text=雅璜村委会')
    await expect.poll(() => page.textContent('[data-testid=region-detail-code]')).toBe('330683105212')
    await expect.poll(() => page.textContent('[data-testid=region-path]')).toContain('石璜镇')
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('a wrong password shows an error, not a crash', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/login`)
    await login(page, '13800000003', 'wrong-password')
    await page.waitForSelector('[data-testid=login-error]')
    expect(await page.textContent('[data-testid=login-error]')).toBeTruthy()
    expect(page.url()).toContain('/login')
    // The owner's next login says someone failed to sign in (issue 11, defect 12) — and only that once, so no
    // other test's login meets the notice.
    await login(page, '13800000003')
    await page.waitForURL(/\/console$/)
    const notice = page.locator('.failed-attempts-notice')
    await expect.poll(() => notice.textContent()).toContain('次登录失败')
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('Enter in the password field sends one login, not two (issue 12, defect 8)', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    const logins: string[] = []
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/auth/login')) logins.push(r.url())
    })
    await page.goto(`${baseUrl()}/login`)
    await page.fill('[data-testid=login-phone]', '13899990000') // no such account: the attempt touches no demo user
    await page.fill('[data-testid=login-password]', 'not-the-password')
    await page.press('[data-testid=login-password]', 'Enter')
    await page.waitForSelector('[data-testid=login-error]')
    await page.waitForTimeout(500)
    expect(logins).toHaveLength(1)
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('phone: after a failed attempt the owner confirms the notice, then works on', async () => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/m/login`)
    await login(page, '13800000004', 'wrong-password')
    await page.waitForSelector('[data-testid=login-error]')
    await login(page, '13800000004')
    await page.waitForURL(/\/m$/)
    const notice = page.locator('.failed-attempts-notice')
    await expect.poll(() => notice.textContent()).toContain('次登录失败')
    await notice.locator('button').first().click()
    await expect.poll(() => notice.isVisible()).toBe(false)
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('an admin creates a grid worker in the console, who then logs in on the phone', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/login`)
    await login(page, '13800000000')
    await page.waitForURL(/\/console$/)
    await page.click('[data-testid=nav-users]')
    await page.click('[data-testid=user-create]')
    const dialog = page.locator('[data-testid=user-dialog]')
    await dialog.locator('[data-testid=user-phone] input, input[data-testid=user-phone]').first().fill('13700001234')
    await dialog.locator('[data-testid=user-name] input, input[data-testid=user-name]').first().fill('网格员小李')
    await dialog.locator('[data-testid=user-password] input, input[data-testid=user-password]').first().fill('grid-pass-1')
    await dialog.locator('[data-testid=user-role-grid_worker]').click()
    // region: open the cascader and pick 嵊州市 / 石璜镇 / 雅璜村委会
    await dialog.locator('.mq-region-picker').click()
    const node = (name: string) => page.locator('.mq-region-cascader:visible .el-cascader-node', { hasText: name }).first()
    for (const name of ['嵊州市', '石璜镇']) await node(name).click()
    await node('雅璜村委会').locator('.el-radio').click()
    await page.keyboard.press('Escape')
    await dialog.locator('[data-testid=user-submit]').click()
    await page.waitForSelector('[data-testid=user-table] >> text=13700001234')
    expect(errors).toEqual([])
    await ctx.close()

    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true })
    const m = await phone.newPage()
    const mErrors = watchErrors(m)
    await m.goto(`${baseUrl()}/m/login`)
    await login(m, '13700001234', 'grid-pass-1')
    await m.waitForURL(/\/m$/)
    await expect.poll(async () => (await m.textContent('[data-testid=m-user-name]'))?.trim()).toContain('网格员小李')
    await expect.poll(() => m.textContent('[data-testid=m-user-region]')).toContain('雅璜村委会')
    expect(mErrors).toEqual([])
    await phone.close()
  })
})
