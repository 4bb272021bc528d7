import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { Leaderboard, Task } from '../../common/src/index.ts'
import { baseUrl, launch, watchErrors } from './browser.ts'

// The volunteer's own side (issue 15), on the phone at 375 px: 金雨婷 (13800000005, 长宁社区) earns confirmed hours
// on a task, files a 随手报 from her home under her own name, finds it in 我的上报 with its progress, and sees
// herself on her area's monthly leaderboard. Cases of others in her area stay out of her sight (404).
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const VOLUNTEER = '13800000005'
const STAFF = '13800000000'
const CHANGNING = '330683003006'
const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true }
const SHOTS = process.env.E2E_SHOTS_DIR ?? '/tmp'

async function apiAs(phone: string, password = 'minqing-demo') {
  const res = await fetch(`${baseUrl()}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ phone, password }) })
  expect(res.status).toBe(200)
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  return async <T>(path: string, init: { method?: string; body?: unknown } = {}) => {
    const r = await fetch(`${baseUrl()}/api${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    })
    const text = await r.text()
    return { status: r.status, body: (text ? JSON.parse(text) : null) as T }
  }
}

describe('the volunteer’s home, 随手报, 我的上报 and the leaderboard', () => {
  it('13800000005 reports from the phone, sees it in 我的上报, and finds herself on the leaderboard', async () => {
    const staff = await apiAs(STAFF)
    const vol = await apiAs(VOLUNTEER)
    // Confirmed hours this month: a task for 长宁社区, claimed, done and confirmed.
    const hour = 3600_000
    const published = await staff<Task>('/tasks', {
      method: 'POST',
      body: {
        title: `社区楼道清理 ${Date.now() % 100000}`,
        regionCode: CHANGNING,
        slots: 3,
        audience: 'any',
        startsAt: new Date(Date.now() + 2 * hour).toISOString(),
        endsAt: new Date(Date.now() + 4 * hour).toISOString(),
        hours: 3,
        points: 20,
      },
    })
    expect(published.status).toBe(201)
    const id = published.body.id
    expect((await vol(`/tasks/${id}/claim`, { method: 'POST' })).status).toBe(201)
    expect((await vol(`/tasks/${id}/checkin`, { method: 'POST', body: {} })).status).toBe(200)
    expect((await vol(`/tasks/${id}/finish`, { method: 'POST', body: { report: '楼道杂物已清理' } })).status).toBe(200)
    expect((await staff(`/tasks/${id}/confirm`, { method: 'POST', body: {} })).status).toBe(200)
    const board = await vol<Leaderboard>('/volunteers/leaderboard')
    expect(board.status).toBe(200)
    expect(board.body.mine?.rank).toBeGreaterThanOrEqual(1)

    const ctx = await browser.newContext(PHONE)
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      await page.goto(`${baseUrl()}/m/login`)
      await page.fill('[data-testid=login-phone]', VOLUNTEER)
      await page.fill('[data-testid=login-password]', 'minqing-demo')
      await page.click('[data-testid=login-submit]')
      await page.waitForURL((u) => u.pathname === '/m')
      await page.waitForSelector('[data-testid=m-volunteer-home]')
      // This month's hours and rank on the home.
      await expect.poll(() => page.locator('[data-testid=m-home-month-hours]').innerText(), { timeout: 8000 }).toBe(String(board.body.mine!.hours))
      await expect.poll(() => page.locator('[data-testid=m-home-month-rank]').innerText(), { timeout: 8000 }).toBe(`第 ${board.body.mine!.rank} 名`)
      // No area overview for a volunteer.
      expect(await page.locator('[data-testid=m-region-cell]').count()).toBe(0)
      await page.screenshot({ path: `${SHOTS}/volunteer-home.png`, fullPage: true })

      // 随手报 from the home: under her own name, no reporter choice.
      await page.click('[data-testid=m-home-report]')
      await page.waitForSelector('[data-testid=m-new-identity]')
      expect(await page.locator('[data-testid=m-new-reporter-named]').count()).toBe(0)
      const title = `楼下路灯不亮 ${Date.now() % 100000}`
      await page.fill('[data-testid=m-new-title] input', title)
      await page.fill('[data-testid=m-new-description] textarea', '长宁社区3幢楼下的路灯一直不亮,晚上出行不便')
      await page.screenshot({ path: `${SHOTS}/volunteer-report.png`, fullPage: true })
      await page.click('[data-testid=m-new-submit]')
      await page.waitForURL((u) => /^\/m\/cases\/[0-9a-f-]{36}$/.test(u.pathname))
      await expect.poll(() => page.locator('[data-testid=m-case-title]').innerText(), { timeout: 8000 }).toBe(title)
      const caseId = page.url().split('/').pop()!
      const mine = await vol<{ channel: string; reporter: { name: string } }>(`/cases/${caseId}`)
      expect(mine.body).toMatchObject({ channel: 'volunteer', reporter: { name: '金雨婷' } })

      // 我的上报: the report with its progress in the resident's words.
      await page.goto(`${baseUrl()}/m/reports`)
      const row = page.locator(`[data-testid=m-report-${caseId}]`)
      await row.waitFor()
      expect(await row.innerText()).toContain(title)
      expect(await row.locator('[data-testid=m-report-stage]').innerText()).toBe('已受理')
      await page.screenshot({ path: `${SHOTS}/volunteer-reports.png`, fullPage: true })

      // The leaderboard from the home: her own line, her rank.
      await page.goto(`${baseUrl()}/m`)
      await page.click('[data-testid=m-home-board]')
      await page.waitForURL((u) => u.pathname === '/m/leaderboard')
      await page.locator('[data-testid=m-board-row-me]').waitFor()
      expect(await page.locator('[data-testid=m-board-row-me]').innerText()).toContain('金雨婷')
      expect(await page.locator('[data-testid=m-board-mine-rank]').innerText()).toBe(`第 ${board.body.mine!.rank} 名`)
      expect(await page.locator('[data-testid=m-board-region]').innerText()).toBe(board.body.region.name)
      await page.screenshot({ path: `${SHOTS}/volunteer-leaderboard.png`, fullPage: true })
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }

    // Another case of her area, not hers: out of her sight.
    const other = await staff<{ id: string }>('/cases', { method: 'POST', body: { regionCode: CHANGNING, title: '他人反映的事项', description: '与志愿者无关' } })
    expect(other.status).toBe(201)
    expect((await vol(`/cases/${other.body.id}`)).status).toBe(404)
  })
})
