import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { apiLogin, baseUrl, launch, TINY_PNG as PNG, watchErrors } from './browser.ts'

// Issue 12, defects 4 and 7 in the browser: the handler answers with a result photo from the console dialog, the
// resident sees it on /t/<code>, and a leader who did not handle the case records the 回访 call that closes it.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const YAHUANG = '330683105212'

async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl()}/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const json = (await res.json()) as T
  expect(res.status, JSON.stringify(json)).toBeLessThan(300)
  return json
}

async function consoleAs(phone: string) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  const page = await ctx.newPage()
  const errors = watchErrors(page)
  await page.goto(`${baseUrl()}/login`)
  await page.fill('[data-testid=login-phone]', phone)
  await page.fill('[data-testid=login-password]', 'minqing-demo')
  await page.click('[data-testid=login-submit]')
  await page.waitForURL(/\/console$/)
  return { ctx, page, errors }
}

describe('result photos and 回访', () => {
  it('a reply with a result photo reaches the tracking page; the call-back records the rating and closes the case', async () => {
    // A hotline call taken by 13800000002 (石璜镇), dispatched to 石璜镇人民政府 and accepted by her.
    const town = await apiLogin('13800000002')
    const created = await api<{ id: string; number: string }>(town, 'POST', '/cases', {
      channel: 'hotline',
      regionCode: YAHUANG,
      title: `e2e 回访 ${Date.now()}`,
      description: '桥头护栏松动',
      reporter: { name: '来电群众', phone: '13912340000' },
    })
    const units = await api<{ items: { id: string; name: string }[] }>(town, 'GET', `/units?q=${encodeURIComponent('石璜镇人民政府')}`)
    const unitId = units.items.find((u) => u.name === '石璜镇人民政府')!.id
    await api(town, 'POST', `/cases/${created.id}/actions/dispatch`, { unitId })
    await api(town, 'POST', `/cases/${created.id}/actions/accept`, {})

    // She answers in the console with a photo of the result, picked in the answer dialog.
    const handler = await consoleAs('13800000002')
    await handler.page.goto(`${baseUrl()}/console/cases/${created.id}`)
    await handler.page.click('[data-testid=case-action-reply]')
    const dialog = handler.page.locator('[data-testid=case-action-dialog][data-action=reply]')
    await dialog.waitFor()
    await dialog.locator('[data-testid=result-photo-input]').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: PNG })
    await expect.poll(() => dialog.locator('[data-testid=result-photo]').count()).toBe(1)
    await dialog.locator('textarea[data-testid=action-result], [data-testid=action-result] textarea').first().fill('护栏已加固')
    await dialog.locator('[data-testid=action-submit]').click()
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(() => handler.page.getAttribute('[data-testid=case-state-text]', 'data-state')).toBe('replied')
    const detail = await api<{ trackingCode: string }>(town, 'GET', `/cases/${created.id}`)

    // The resident opens the tracking link on a phone: the answer with its photo.
    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true })
    const resident = await phone.newPage()
    const residentErrors = watchErrors(resident)
    await resident.goto(`${baseUrl()}/t/${detail.trackingCode}`)
    await resident.waitForSelector('[data-testid=pub-reply-text]')
    expect(await resident.textContent('[data-testid=pub-reply-text]')).toBe('护栏已加固')
    await expect.poll(() => resident.locator('[data-testid=pub-reply-photo] img').count()).toBe(1)
    await expect.poll(() => resident.locator('[data-testid=pub-reply-photo] img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)

    // The leader (13800000001, who did not handle it) finds it in 回访 and records the 满意 heard on the phone.
    const leader = await consoleAs('13800000001')
    await leader.page.click('[data-testid=nav-callbacks]')
    await leader.page.waitForURL(/\/console\/callbacks$/)
    const row = leader.page.locator(`[data-testid=callback-row-${created.id}]`)
    await row.waitFor()
    await leader.page.click(`[data-testid=callback-reveal-${created.id}]`)
    await expect.poll(() => leader.page.textContent(`[data-testid=callback-phone-${created.id}]`)).toBe('13912340000')
    await leader.page.click(`[data-testid=callback-record-${created.id}]`)
    const call = leader.page.locator('[data-testid=callback-dialog]')
    await call.waitFor()
    // nothing is preselected: submitting at once asks how the call went
    await call.locator('[data-testid=callback-submit]').click()
    await expect.poll(() => call.textContent()).toContain('请选择回访结果')
    await call.locator('[data-testid=callback-outcome-rated]').click()
    await call.locator('[data-testid=callback-rating-satisfied]').click()
    await call.locator('[data-testid=callback-submit]').click()
    await call.waitFor({ state: 'hidden' })
    await row.waitFor({ state: 'detached' })
    expect((await api<{ state: string }>(town, 'GET', `/cases/${created.id}`)).state).toBe('closed')

    // …and the handler herself never sees her own case to call back.
    await handler.page.goto(`${baseUrl()}/console/callbacks`)
    await handler.page.waitForSelector('[data-testid=callbacks-table]')
    expect(await handler.page.locator(`[data-testid=callback-row-${created.id}]`).count()).toBe(0)

    expect([...handler.errors, ...residentErrors, ...leader.errors]).toEqual([])
    for (const c of [handler.ctx, phone, leader.ctx]) await c.close()
  })
})
