import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { withIdCheck } from '../../common/src/identity.ts'
import { baseUrl, launch, watchErrors } from './browser.ts'

// 审计日志 in the browser: the county admin reveals a resident's ID number in the archive, follows the member's
// "访问记录" link to the audit page filtered by that person, and finds the reveal with their own name on it.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

async function login(page: Page, phone: string) {
  await page.goto(`${baseUrl()}/login`)
  await page.fill('[data-testid=login-phone]', phone)
  await page.fill('[data-testid=login-password]', 'minqing-demo')
  await page.click('[data-testid=login-submit]')
  await page.waitForURL(/\/console$/)
}

/** A JSON call from inside the page, with the session cookie. */
async function call<T>(page: Page, method: string, path: string, body?: object): Promise<T> {
  const res = await page.evaluate(
    async ({ method, path, body }) => {
      const r = await fetch(path, { method, credentials: 'include', headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined })
      return { status: r.status, json: await r.json() }
    },
    { method, path, body },
  )
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`)
  return res.json as T
}

describe('audit page', () => {
  it('admin: a reveal in the archive shows on the audit page filtered by that person, with the actor’s name', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await login(page, '13800000000') // 系统管理员, 嵊州市

    const stamp = Date.now()
    const idNumber = withIdCheck(`33068319480315${String(stamp % 1000).padStart(3, '0')}`)
    const hh = await call<{ id: string }>(page, 'POST', '/api/households', { regionCode: '330683105212', address: `雅璜村审计路${stamp}号` })
    const person = await call<{ id: string }>(page, 'POST', '/api/persons', { householdId: hh.id, name: '审计测试人', idNumber })

    await page.goto(`${baseUrl()}/console/archive/households/${hh.id}`)
    await page.click(`[data-testid=member-id-${person.id}-reveal]`)
    await expect.poll(() => page.textContent(`[data-testid=member-id-${person.id}-full]`)).toContain(idNumber)

    await page.click(`[data-testid=member-audit-${person.id}]`)
    await page.waitForURL(new RegExp(`/console/audit\\?person=${person.id}$`))
    const table = page.locator('[data-testid=audit-table]')
    const reveal = page.locator('[data-action="archive.reveal"]')
    await expect.poll(() => reveal.count(), { timeout: 20_000 }).toBe(1)
    const row = page.locator('[data-testid=audit-table] tr', { has: reveal })
    const text = (await row.textContent()) ?? ''
    expect(text).toContain('系统管理员')
    expect(text).toContain('查看完整号码')
    expect(text).toContain('审计测试人')
    expect(text).toContain('雅璜村')
    expect(text).not.toContain('13800000000') // the actor's phone is masked
    // The person filter names the person; the person's filing is listed too.
    expect(await page.locator('[data-testid=audit-filter-person]').textContent()).toContain('审计测试人')
    expect(await page.locator('[data-action="archive.person_create"]').count()).toBe(1)
    // Nothing in the table shows the full ID number.
    expect(await table.textContent()).not.toContain(idNumber)
    // The details expand: which field was revealed.
    await row.locator('.el-table__expand-icon').click()
    await expect.poll(() => page.locator('[data-testid^=audit-details-]').first().textContent()).toContain('idNumber')
    await page.screenshot({ path: '/tmp/audit.png', fullPage: true })
    // The same page in English (this machine's Chromium has no CJK font: the English shot is the readable one).
    await page.evaluate(() => localStorage.setItem('mq_locale', 'en'))
    await page.reload()
    await expect.poll(() => page.locator('[data-action="archive.reveal"]').textContent(), { timeout: 20_000 }).toContain('Revealed full number')
    await page.screenshot({ path: '/tmp/audit-en.png', fullPage: true })

    // The menu entry is there, and the reveal group filter on the unfiltered page still finds it.
    expect(await page.locator('[data-testid=nav-audit]').count()).toBe(1)
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('a stationed cadre has no audit page: no menu entry, and the address gives the 403 page', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await ctx.newPage()
    await login(page, '13800000003')
    expect(await page.locator('[data-testid=nav-audit]').count()).toBe(0)
    await page.goto(`${baseUrl()}/console/audit`)
    await page.waitForURL(/\/console\/403$/)
    await ctx.close()
  })
})
