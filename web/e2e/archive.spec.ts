import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { withIdCheck } from '../../common/src/identity.ts'
import { apiLogin, baseUrl, launch, TINY_PNG as PNG, watchErrors } from './browser.ts'

// 民情档案 in the browser: the 雅璜村 cadre finds a household, reads it, files a document and downloads it; and
// the same on the phone.
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
const input = (page: Page, testid: string) => page.locator(`[data-testid=${testid}] input, input[data-testid=${testid}]`).first()
/** Pick an option of an Element Plus select by its text. */
async function pick(page: Page, testid: string, text: string) {
  await page.locator(`[data-testid=${testid}]`).first().click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

/** Waits for the households table to finish loading; returns its row count. */
async function householdRows(page: Page) {
  await page.waitForSelector('[data-testid=household-table]')
  await expect.poll(() => page.locator('[data-testid=household-table] .el-loading-mask').count()).toBe(0)
  return page.locator('[data-testid^=household-row-]').count()
}

describe('archive', () => {
  it('console: the 雅璜村 cadre opens a household, sees members and tags, uploads a PNG and downloads it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/login`)
    await login(page, '13800000003')
    await page.waitForURL(/\/console$/)

    await page.click('[data-testid=nav-archive-households]')
    await page.waitForURL(/\/console\/archive\/households$/)
    // A stationed cadre may write but not import or manage tags.
    expect(await page.locator('[data-testid=nav-archive-tags]').count()).toBe(0)
    expect(await page.locator('[data-testid=household-import]').count()).toBe(0)

    if ((await householdRows(page)) === 0) {
      // No demo households yet: file one through the UI (region defaults to the cadre's village).
      await page.click('[data-testid=household-create]')
      const dialog = page.locator('[data-testid=household-dialog]')
      await input(page, 'household-address').fill(`雅璜村 e2e ${Date.now()} 号`)
      await pick(page, 'household-tags', '一老一小')
      await page.keyboard.press('Escape')
      await dialog.locator('[data-testid=household-submit]').click()
      await page.waitForURL(/\/console\/archive\/households\/[0-9a-f-]{36}$/)
      await page.goto(`${baseUrl()}/console/archive/households`)
      expect(await householdRows(page)).toBeGreaterThan(0)
    }
    await expect.poll(() => page.locator('[data-testid=household-table]').textContent()).toContain('雅璜村')
    expect(await page.locator('[data-testid=household-table]').textContent()).not.toContain('王院村')

    await page.locator('[data-testid^=household-row-]').first().click()
    await page.waitForURL(/\/console\/archive\/households\/[0-9a-f-]{36}$/)
    await page.waitForSelector('[data-testid=household-address]')
    await expect.poll(() => page.textContent('[data-testid=household-region-path]')).toContain('雅璜村')

    // Members: add one when the household has none yet.
    if ((await page.locator('[data-testid^=member-name-]').count()) === 0) {
      await page.click('[data-testid=person-add]')
      await input(page, 'person-name').fill('e2e 成员')
      await input(page, 'person-id-number').fill(withIdCheck('33068319500315002'))
      await input(page, 'person-name').click() // blur: birth date and gender come from the ID number
      await expect.poll(() => input(page, 'person-birth-date').inputValue()).toBe('1950-03-15')
      await page.click('[data-testid=person-submit]')
      await page.waitForSelector('[data-testid^=member-name-]')
    }
    expect(await page.locator('[data-testid^=member-name-]').count()).toBeGreaterThan(0)
    // ID numbers are masked; a stationed cadre has no reveal button.
    const firstId = (await page.locator('[data-testid^=member-id-]').first().textContent()) ?? ''
    if (firstId.trim() !== '—') expect(firstId).toMatch(/\*{4,}/)
    expect(await page.locator('[data-testid$=-reveal]').count()).toBe(0)

    // Tags: give the household one when it has none yet.
    if ((await page.locator('[data-testid=household-tags] [data-testid=tag-chip]').count()) === 0) {
      await page.click('[data-testid=household-edit]')
      await pick(page, 'household-tags', '一老一小')
      await page.keyboard.press('Escape')
      await page.click('[data-testid=household-submit]')
    }
    await page.waitForSelector('[data-testid=household-tags] [data-testid=tag-chip]')

    // Documents: upload a PNG generated here, see it listed, download it.
    await page.locator('[data-testid=household-tabs] .el-tabs__item', { hasText: '档案资料' }).click()
    await page.click('[data-testid=doc-upload]')
    await pick(page, 'doc-kind', '户口簿')
    await page.setInputFiles('[data-testid=doc-file]', { name: 'e2e-hukou.png', mimeType: 'image/png', buffer: PNG })
    await expect.poll(() => input(page, 'doc-title').inputValue()).toBe('e2e-hukou')
    await input(page, 'doc-title').fill('e2e 户口簿首页')
    await page.click('[data-testid=doc-submit]')
    const row = page.locator('[data-testid=doc-table] .el-table__row', { hasText: 'e2e 户口簿首页' })
    await row.waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), row.locator('[data-testid^=doc-download-]').click()])
    expect(download.suggestedFilename()).toBe('e2e-hukou.png')
    expect(readFileSync((await download.path())!).equals(PNG)).toBe(true)

    // A member reports something (raised by the cadre through the API): it joins the household's 一事一表.
    const token = await apiLogin('13800000003')
    const call = async <T>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${baseUrl()}/api${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      })
      return { status: res.status, json: (await res.json()) as T }
    }
    const householdId = page.url().split('/').pop()!
    const detail = await call<{ regionCode: string; members: { id: string }[] }>('GET', `/households/${householdId}`)
    const raised = await call<{ id: string; number: string }>('POST', '/cases', {
      regionCode: detail.json.regionCode,
      title: `e2e 屋后水沟堵塞 ${Date.now()}`,
      description: '屋后排水沟堵了,下雨积水',
      reporter: { personId: detail.json.members[0].id },
    })
    expect(raised.status, JSON.stringify(raised.json)).toBe(201)

    // History and 一事一表 open without errors; the member's case is on the timeline and opens its page.
    await page.locator('[data-testid=household-tabs] .el-tabs__item', { hasText: '变更记录' }).click()
    await page.waitForSelector('[data-testid=history-table] .el-table__row')
    await page.locator('[data-testid=household-tabs] .el-tabs__item', { hasText: '一事一表' }).click()
    await page.waitForSelector('[data-testid=timeline]')
    const caseItem = page.locator('[data-testid=timeline-case]', { hasText: raised.json.number })
    await caseItem.waitFor()
    await caseItem.click()
    await page.waitForURL(new RegExp(`/console/cases/${raised.json.id}$`))
    await expect.poll(() => page.textContent('[data-testid=case-number]')).toBe(raised.json.number)

    expect(errors).toEqual([])
    await ctx.close()
  })

  it('mobile at 375 px: the cadre searches a household and opens its card', async () => {
    const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/m/login`)
    await login(page, '13800000003')
    await page.waitForURL(/\/m$/)
    await page.click('[data-testid=m-tab-archive]')
    await page.waitForURL(/\/m\/archive$/)
    const first = page.locator('[data-testid^=m-household-]').first()
    await first.waitFor()
    const address = ((await first.locator('.address').textContent()) ?? '').trim()
    expect(address).not.toBe('')

    const term = address.slice(0, Math.min(6, address.length))
    await page.locator('[data-testid=m-archive-search] input').fill(term)
    await page.locator('[data-testid=m-archive-search] input').press('Enter')
    await page.waitForURL(/\/m\/archive\?q=/)
    await expect.poll(() => page.locator('[data-testid=m-archive-list]').textContent()).toContain(address)
    await page.locator('[data-testid^=m-household-]', { hasText: address }).first().click()
    await page.waitForURL(/\/m\/archive\/households\/[0-9a-f-]{36}$/)
    await expect.poll(() => page.textContent('[data-testid=m-household-address]')).toBe(address)
    await page.waitForSelector('[data-testid=m-household-members]')
    await page.waitForSelector('[data-testid=m-household-docs]')
    // Nothing wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)

    expect(errors).toEqual([])
    await ctx.close()
  })

  it('mobile: 附近 sorts by distance, and without a position says so and shows the plain list', async () => {
    for (const granted of [true, false]) {
      const ctx = await browser.newContext({
        viewport: { width: 375, height: 812 },
        isMobile: true,
        hasTouch: true,
        ...(granted ? { permissions: ['geolocation'], geolocation: { latitude: 29.52, longitude: 120.85 } } : {}),
      })
      const page = await ctx.newPage()
      const errors = watchErrors(page)
      await page.goto(`${baseUrl()}/m/login?redirect=/m/archive`)
      await login(page, '13800000003')
      await page.waitForURL(/\/m\/archive$/)
      await page.locator('[data-testid^=m-household-]').first().waitFor()
      await page.click('[data-testid=m-archive-nearby]')
      if (granted) {
        await page.waitForSelector('.m-archive .near-on')
      } else {
        await page.waitForSelector('.van-toast >> text=无法获取位置')
        expect(await page.locator('.m-archive .near-on').count()).toBe(0)
      }
      expect(await page.locator('[data-testid^=m-household-]').count()).toBeGreaterThan(0)
      expect(errors).toEqual([])
      await ctx.close()
    }
  })
})
