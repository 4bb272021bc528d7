import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { apiLogin, baseUrl, launch, watchErrors } from './browser.ts'

// Issue 13: the 民情大脑 cockpit at 1920×1080 shows the county's real figures, updates within 2 s of a new case
// without a reload (SSE), and drills county → town → village and back.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const TOWN = '330683105' // 石璜镇
const VILLAGE = '330683105212' // 雅璜村
const SHOTS = process.env.E2E_SHOTS_DIR

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

const newCase = (token: string, title: string, at?: { lat: number; lng: number }) =>
  api<{ id: string }>(token, 'POST', '/cases', { regionCode: VILLAGE, categoryCode: 'traffic.streetlight', title, description: '路灯不亮', ...(at ?? {}) })

/** Texts that spill out of their box (cards, panel titles, level figures): overlapping text on the wall. */
function spills() {
  const out: string[] = []
  const inside = (el: Element, box: Element) => {
    const r = el.getBoundingClientRect()
    const b = box.getBoundingClientRect()
    return r.left >= b.left - 1 && r.right <= b.right + 1 && r.top >= b.top - 1 && r.bottom <= b.bottom + 1
  }
  for (const card of document.querySelectorAll('[data-testid=cockpit] .stat')) for (const el of card.querySelectorAll('.label, .value')) if (!inside(el, card)) out.push(`card: ${el.textContent}`)
  for (const title of document.querySelectorAll('[data-testid=cockpit] .panel-title')) for (const el of title.children) if (!inside(el, title)) out.push(`title: ${el.textContent}`)
  for (const lv of document.querySelectorAll('[data-testid=cockpit] .lv')) for (const el of lv.children) if (!inside(el, lv)) out.push(`level: ${el.textContent}`)
  for (const row of document.querySelectorAll('[data-testid=cockpit] .visits')) for (const el of row.children) if (!inside(el, row)) out.push(`visits: ${el.textContent}`)
  // Cells whose text is wider than the cell (ranking header and rows, KPI cards).
  for (const el of document.querySelectorAll('[data-testid=cockpit] .rank-row > span, [data-testid=cockpit] .stat .label')) if (el.scrollWidth > el.clientWidth + 1) out.push(`cell: ${el.textContent}`)
  return out
}

describe('民情大脑 cockpit', () => {
  it('shows the figures, updates live within 2 s, drills county → town → village and back', async () => {
    const leader = await apiLogin('13800000001')
    const stamp = Date.now()
    // Cases of the test's own, two with coordinates (雅璜村 lies near 29.6 N, 120.8 E).
    await newCase(leader, `e2e 驾驶舱 A ${stamp}`, { lat: 29.61, lng: 120.79 })
    await newCase(leader, `e2e 驾驶舱 B ${stamp}`, { lat: 29.58, lng: 120.84 })

    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/login?redirect=/cockpit`)
    await page.fill('[data-testid=login-phone]', '13800000001')
    await page.fill('[data-testid=login-password]', 'minqing-demo')
    await page.click('[data-testid=login-submit]')
    await page.waitForURL(/\/cockpit$/)

    // Non-zero figures (the cases above were received today), the live link up, the test's case in the feed.
    const today = page.locator('[data-testid=cockpit-kpi-today] .value')
    await expect.poll(async () => Number((await today.textContent())?.replace(/\D/g, '') || 0), { timeout: 15_000 }).toBeGreaterThanOrEqual(2)
    await expect.poll(() => page.getAttribute('[data-testid=cockpit-live]', 'data-live'), { timeout: 10_000 }).toBe('1')
    await expect.poll(() => page.locator('[data-testid=cockpit-feed]').textContent(), { timeout: 5_000 }).toContain(`e2e 驾驶舱 B ${stamp}`)
    expect(Number((await page.locator('[data-testid=cockpit-kpi-year] .value').textContent())?.replace(/\D/g, ''))).toBeGreaterThanOrEqual(2)
    await expect.poll(() => page.locator(`[data-testid=cockpit-rank-${TOWN}]`).count()).toBe(1)
    // The map drew points (Leaflet's canvas), and the 民情大脑 filled its hot-word cloud from the demo's texts.
    expect(await page.locator('[data-testid=cockpit-map] canvas').count()).toBeGreaterThan(0)
    await expect.poll(() => page.locator('[data-testid=cockpit-hotword]').count(), { timeout: 10_000 }).toBeGreaterThan(5)
    // 一键推送 from the wall: the leader arms the button on the test's case in the feed and pushes it.
    const item = page.locator('[data-testid=cockpit-feed] li', { hasText: `e2e 驾驶舱 B ${stamp}` }).first()
    await item.locator('[data-testid=cockpit-push]').click()
    await expect.poll(() => item.locator('[data-testid=cockpit-push]').textContent()).toContain('确认推送')
    await item.locator('[data-testid=cockpit-push]').click()
    await expect.poll(() => item.locator('[data-testid=cockpit-push-result]').textContent(), { timeout: 10_000 }).toMatch(/已推送给|已记录推送/)
    // No element spills out of the 1920×1080 stage.
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true })
      await page.screenshot({ path: join(SHOTS, 'cockpit-county.png') })
    }
    // (Rows of the scrolling ranking, the feed and the alert and 一类事 lists, and the map's own panes, are clipped by
    // their boxes: not counted.)
    const overflow = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=cockpit] *')]
        .filter((el) => !el.parentElement?.closest('.rank-body, .feed, .alerts, .cl, .leaflet-container'))
        .filter((el) => {
          const r = el.getBoundingClientRect()
          return r.width > 0 && (r.right > 1921 || r.bottom > 1081)
        })
        .map((el) => `${el.tagName}.${el.className}`),
    )
    expect(overflow).toEqual([])
    expect(await page.evaluate(spills)).toEqual([])

    // A new case through the API: the total changes within 2 s, without a reload.
    const marker = await page.evaluate(() => ((window as unknown as { __noReload: number }).__noReload = Math.random()))
    const before = Number((await today.textContent())!.replace(/\D/g, ''))
    const started = Date.now()
    await newCase(leader, `e2e 驾驶舱 实时 ${stamp}`)
    await expect.poll(async () => Number((await today.textContent())!.replace(/\D/g, '')), { timeout: 2_000, interval: 50 }).toBe(before + 1)
    const took = Date.now() - started
    expect(took).toBeLessThan(2_000)
    expect(await page.evaluate(() => (window as unknown as { __noReload?: number }).__noReload)).toBe(marker)
    await expect.poll(() => page.locator('[data-testid=cockpit-feed]').textContent()).toContain(`e2e 驾驶舱 实时 ${stamp}`)

    // Drill: the county's ranking row of 石璜镇 → its villages → 雅璜村's grids; the breadcrumb goes back.
    await page.click(`[data-testid=cockpit-rank-${TOWN}]`)
    await expect.poll(() => page.textContent('[data-testid=cockpit-region]')).toBe('石璜镇')
    await expect.poll(() => page.locator(`[data-testid=cockpit-rank-${VILLAGE}]`).count(), { timeout: 10_000 }).toBe(1)
    await page.click(`[data-testid=cockpit-rank-${VILLAGE}]`)
    await expect.poll(() => page.textContent('[data-testid=cockpit-region]')).toContain('雅璜村')
    await expect.poll(async () => Number((await today.textContent())?.replace(/\D/g, '') || 0), { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'cockpit-village.png') })
    // The village's screen is live too: a case there shows within 2 s.
    await expect.poll(() => page.getAttribute('[data-testid=cockpit-live]', 'data-live'), { timeout: 10_000 }).toBe('1')
    const atVillage = Number((await today.textContent())!.replace(/\D/g, ''))
    await newCase(leader, `e2e 驾驶舱 村 ${stamp}`)
    await expect.poll(async () => Number((await today.textContent())!.replace(/\D/g, '')), { timeout: 2_000, interval: 50 }).toBe(atVillage + 1)
    await page.click('[data-testid=cockpit-crumb-1]')
    await expect.poll(() => page.textContent('[data-testid=cockpit-region]')).toBe('石璜镇')
    await page.click('[data-testid=cockpit-crumb-0]')
    await expect.poll(() => page.locator(`[data-testid=cockpit-rank-${TOWN}]`).count(), { timeout: 10_000 }).toBe(1)
    expect(await page.locator('[data-testid=cockpit-crumbs] button').count()).toBe(0)

    expect(errors).toEqual([])
    await ctx.close()
  }, 120_000)

  it('in English too, nothing spills or overlaps at 1920×1080', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
    await ctx.addInitScript(() => localStorage.setItem('mq_locale', 'en'))
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/login?redirect=/cockpit`)
    await page.fill('[data-testid=login-phone]', '13800000001')
    await page.fill('[data-testid=login-password]', 'minqing-demo')
    await page.click('[data-testid=login-submit]')
    await page.waitForURL(/\/cockpit$/)
    await expect.poll(() => page.locator(`[data-testid=cockpit-rank-${TOWN}]`).count(), { timeout: 15_000 }).toBe(1)
    expect(await page.textContent('[data-testid=cockpit-kpi-closeRate]')).toContain('Close rate')
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'cockpit-en.png') })
    expect(await page.evaluate(spills)).toEqual([])
    expect(errors).toEqual([])
    await ctx.close()
  }, 60_000)
})
