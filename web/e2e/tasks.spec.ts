import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { Task, VolunteerRecord } from '../../common/src/index.ts'
import { baseUrl, launch, TINY_PNG as PNG, watchErrors } from './browser.ts'

// 先锋任务 in the browser (issue 15): the 长宁社区 volunteer has the task hall open on the phone (375 px); staff
// publish a task for 长宁社区 through the API; the notice and the task show live without a reload; the volunteer
// grabs it (抢单成功), checks in, finishes with a photo uploaded through the page; the publisher sees the report and
// the photo in the console drawer and confirms that person; the hours show on the record. And a 微心愿 end to end.
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
// 嵊州 长宁社区, allowed: the check-in carries the place.
const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, permissions: ['geolocation'], geolocation: { latitude: 29.5883, longitude: 120.8214 } }
const SHOTS = process.env.E2E_SHOTS_DIR ?? '/tmp'

async function apiAs(phone: string, password = 'minqing-demo') {
  const res = await fetch(`${baseUrl()}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, password }),
  })
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

describe('先锋任务 on the phone', () => {
  it('a task published for 长宁社区 reaches the open hall live; grab, check in, finish, confirm, hours on the record', async () => {
    const staff = await apiAs(STAFF)
    const ctx = await browser.newContext(PHONE)
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      await page.goto(`${baseUrl()}/m/login?redirect=${encodeURIComponent('/m/tasks')}`)
      await page.fill('[data-testid=login-phone]', VOLUNTEER)
      await page.fill('[data-testid=login-password]', 'minqing-demo')
      await page.click('[data-testid=login-submit]')
      await page.waitForURL((u) => u.pathname === '/m/tasks')
      await page.waitForSelector('[data-testid=m-tab-tasks]')

      const me = await page.evaluate(async () => (await (await fetch('/api/auth/me')).json()) as { id: string })
      const before = await staff<VolunteerRecord>(`/volunteers/${me.id}/record`)
      expect(before.status).toBe(200)
      // Let the notification stream connect before publishing.
      await page.waitForTimeout(1500)

      const title = `e2e 帮独居老人买菜 ${Date.now()}`
      const startsAt = new Date(Date.now() + 3600_000)
      const published = await staff<Task>('/tasks', {
        method: 'POST',
        body: {
          title,
          description: '到长宁社区 3 幢为独居老人代买一周的菜',
          regionCode: CHANGNING,
          place: '长宁社区服务中心',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString(),
          slots: 2,
          audience: 'any',
          points: 10,
          hours: 2.5,
        },
      })
      expect(published.status).toBe(201)
      const task = published.body

      // Live: the notice text and the task in the hall, no reload (the stream, not the 10-s poll: within 8 s).
      const notice = page.locator('[data-testid=m-task-notice]')
      await notice.waitFor({ timeout: 8000 })
      expect(await notice.innerText()).toMatch(/您收到一条.*认领任务/)
      const row = page.locator(`[data-testid=m-task-${task.id}]`)
      await row.waitFor({ timeout: 8000 })
      expect(await row.innerText(), { timeout: 8000 }).toContain('剩余 2 / 2 名额')
      await page.screenshot({ path: `${SHOTS}/tasks-hall-375.png`, fullPage: true })

      await row.click()
      await page.waitForURL((u) => u.pathname === `/m/tasks/${task.id}`)
      await page.click('[data-testid=m-task-grab]')
      await expect.poll(() => page.locator('[data-testid=m-task-outcome]').innerText(), { timeout: 8000 }).toBe('抢单成功')
      await expect.poll(() => page.locator('[data-testid=m-task-remaining]').innerText(), { timeout: 8000 }).toContain('剩余 1 / 2 名额')
      await page.screenshot({ path: `${SHOTS}/tasks-task-375.png`, fullPage: true })

      // 签到 (with the allowed position), then the finish report.
      await page.click('[data-testid=m-task-checkin]')
      await expect.poll(() => page.locator('[data-testid=m-task-myclaim]').innerText(), { timeout: 8000 }).toBe('已签到')
      await page.fill('[data-testid=m-task-report] textarea', '已代买蔬菜、鸡蛋,送到老人家中')
      // The photo: picked through the page's file input, uploaded at once, then named in the report.
      await page.setInputFiles('[data-testid=m-task-photo-input]', { name: 'done.png', mimeType: 'image/png', buffer: PNG })
      await expect.poll(() => page.locator('[data-testid=m-task-photo]').count(), { timeout: 8000 }).toBe(1)
      await page.click('[data-testid=m-task-finish]')
      await expect.poll(() => page.locator('[data-testid=m-task-myclaim]').innerText(), { timeout: 8000 }).toBe('已提交')
      await expect.poll(() => page.locator('[data-testid=m-task-myphoto]').count(), { timeout: 8000 }).toBe(1)
      expect(await page.locator('[data-testid=m-task-myreport]').innerText()).toContain('已代买蔬菜')
      await page.screenshot({ path: `${SHOTS}/tasks-finished-375.png`, fullPage: true })

      // The publisher, in the console: the claimer's report and photo in the drawer, 确认 that person.
      const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } })
      try {
        const cp = await desk.newPage()
        const deskErrors = watchErrors(cp)
        await cp.goto(`${baseUrl()}/login`)
        await cp.fill('[data-testid=login-phone]', STAFF)
        await cp.fill('[data-testid=login-password]', 'minqing-demo')
        await cp.click('[data-testid=login-submit]')
        await cp.waitForURL(/\/console$/)
        await cp.goto(`${baseUrl()}/console/tasks`)
        await cp.locator('[data-testid=tasks-table] .el-table__row', { hasText: title }).click()
        const claimant = cp.locator(`[data-testid=task-claimant-${me.id}]`)
        await claimant.waitFor({ timeout: 8000 })
        expect(await claimant.locator('[data-testid=task-claimant-report]').innerText()).toContain('已代买蔬菜')
        await claimant.locator('[data-testid=task-claimant-photo] img').waitFor({ timeout: 8000 })
        expect(await claimant.locator('[data-testid=task-claimant-photo] img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
        await cp.screenshot({ path: `${SHOTS}/tasks-drawer.png` })
        await claimant.locator('[data-testid=task-confirm-one]').click()
        await expect.poll(() => claimant.locator('[data-testid=task-claimant-state]').innerText(), { timeout: 8000 }).toBe('已确认')
        expect(deskErrors).toEqual([])
      } finally {
        await desk.close()
      }

      await page.goto(`${baseUrl()}/m/me`)
      const hours = page.locator('[data-testid=m-record-hours]')
      await hours.waitFor()
      const shown = await hours.innerText()
      expect(Number(shown)).toBeCloseTo(before.body.hours + 2.5)
      // The volunteer's home: the area's open tasks and the same record.
      await page.goto(`${baseUrl()}/m`)
      await page.locator('[data-testid=m-open-tasks-count]').waitFor()
      await expect.poll(() => page.locator('[data-testid=m-record-hours]').innerText(), { timeout: 8000 }).toBe(shown)
      await page.screenshot({ path: `${SHOTS}/tasks-home-375.png`, fullPage: true })
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  }, 90_000)

  it('微心愿: a wish recorded for a person of 长宁社区 shows with its badge and the name masked; grabbed, fulfilled with a photo, confirmed', async () => {
    const staff = await apiAs(STAFF)
    const person = await staff<{ id: string }>('/persons', { method: 'POST', body: { regionCode: CHANGNING, name: '钱阿婆', phone: '13911112222' } })
    expect(person.status, JSON.stringify(person.body)).toBe(201)
    const wish = await staff<Task>('/wishes', {
      method: 'POST',
      body: { personId: person.body.id, wish: `e2e 想要一台收音机 ${Date.now()}`, reason: '钱阿婆独居,眼睛不好,想听戏', hours: 1, points: 5 },
    })
    expect(wish.status, JSON.stringify(wish.body)).toBe(201)
    expect(wish.body.beneficiary?.name).toBe('钱**')
    const ctx = await browser.newContext(PHONE)
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      await page.goto(`${baseUrl()}/m/login?redirect=${encodeURIComponent('/m/tasks')}`)
      await page.fill('[data-testid=login-phone]', VOLUNTEER)
      await page.fill('[data-testid=login-password]', 'minqing-demo')
      await page.click('[data-testid=login-submit]')
      await page.waitForURL((u) => u.pathname === '/m/tasks')
      const row = page.locator(`[data-testid=m-task-${wish.body.id}]`)
      await row.waitFor({ timeout: 8000 })
      expect(await row.locator('[data-testid=m-task-wish-badge]').innerText()).toBe('微心愿')
      await row.click()
      await page.waitForURL((u) => u.pathname === `/m/tasks/${wish.body.id}`)
      // The page opens on its title before the task has loaded: wait for the beneficiary, then read it all.
      await expect.poll(() => page.locator('.m-task').innerText(), { timeout: 8000 }).toContain('钱**')
      const body = await page.locator('.m-task').innerText()
      expect(body).not.toContain('钱阿婆')
      expect(body).not.toContain('13911112222')
      await page.click('[data-testid=m-task-grab]')
      await expect.poll(() => page.locator('[data-testid=m-task-outcome]').innerText(), { timeout: 8000 }).toBe('抢单成功')
      await page.click('[data-testid=m-task-checkin]')
      await expect.poll(() => page.locator('[data-testid=m-task-myclaim]').innerText(), { timeout: 8000 }).toBe('已签到')
      await page.fill('[data-testid=m-task-report] textarea', '收音机已送到阿婆家,教会了使用')
      await page.setInputFiles('[data-testid=m-task-photo-input]', { name: 'radio.png', mimeType: 'image/png', buffer: PNG })
      await expect.poll(() => page.locator('[data-testid=m-task-photo]').count(), { timeout: 8000 }).toBe(1)
      await page.click('[data-testid=m-task-finish]')
      await expect.poll(() => page.locator('[data-testid=m-task-myphoto]').count(), { timeout: 8000 }).toBe(1)
      await page.screenshot({ path: `${SHOTS}/tasks-wish-375.png`, fullPage: true })
      const confirmed = await staff<{ confirmed: number; state: string }>(`/tasks/${wish.body.id}/confirm`, { method: 'POST', body: {} })
      expect(confirmed.body).toEqual({ confirmed: 1, state: 'done' })
      await page.reload()
      await expect.poll(() => page.locator('[data-testid=m-task-myclaim]').innerText(), { timeout: 8000 }).toBe('已确认')
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  }, 90_000)

  it('a grab on a task another volunteer took says 已被抢完', async () => {
    const staff = await apiAs(STAFF)
    // Another volunteer of 长宁社区, made for this test.
    const phone = `139${String(Date.now()).slice(-8)}`
    const made = await staff('/users', { method: 'POST', body: { phone, name: '抢单快手', password: 'e2e-Tasks-8731', roles: ['volunteer'], regionCode: CHANGNING, residenceRegionCode: CHANGNING } })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    const startsAt = new Date(Date.now() + 3600_000)
    const created = await staff<Task>('/tasks', {
      method: 'POST',
      body: { title: `e2e 一个名额 ${Date.now()}`, regionCode: CHANGNING, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(), slots: 1, audience: 'any' },
    })
    expect(created.status).toBe(201)
    const ctx = await browser.newContext(PHONE)
    const page = await ctx.newPage()
    try {
      await page.goto(`${baseUrl()}/m/login?redirect=${encodeURIComponent(`/m/tasks/${created.body.id}`)}`)
      await page.fill('[data-testid=login-phone]', VOLUNTEER)
      await page.fill('[data-testid=login-password]', 'minqing-demo')
      await page.click('[data-testid=login-submit]')
      await page.waitForURL((u) => u.pathname === `/m/tasks/${created.body.id}`)
      await page.locator('[data-testid=m-task-grab]').waitFor()
      // The other volunteer is faster.
      const other = await apiAs(phone, 'e2e-Tasks-8731')
      expect((await other(`/tasks/${created.body.id}/claim`, { method: 'POST', body: {} })).status).toBe(201)
      await page.click('[data-testid=m-task-grab]')
      await expect.poll(() => page.locator('[data-testid=m-task-outcome]').innerText(), { timeout: 8000 }).toBe('已被抢完')
    } finally {
      await ctx.close()
    }
  }, 60_000)

  it('the console publishes from its form; the list shows claimed / slots and the detail offers 确认', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      await page.goto(`${baseUrl()}/login`)
      await page.fill('[data-testid=login-phone]', STAFF)
      await page.fill('[data-testid=login-password]', 'minqing-demo')
      await page.click('[data-testid=login-submit]')
      await page.waitForURL(/\/console$/)
      await page.click('[data-testid=nav-tasks]')
      await page.waitForURL(/\/console\/tasks$/)
      const title = `e2e 控制台发布 ${Date.now()}`
      await page.click('[data-testid=tasks-publish]')
      await page.fill('[data-testid=task-title]', title)
      await page.fill('[data-testid=task-place]', '长宁社区服务中心')
      await page.click('[data-testid=task-submit]')
      const row = page.locator('[data-testid=tasks-table] .el-table__row', { hasText: title })
      await row.waitFor({ timeout: 8000 })
      expect(await row.innerText()).toContain('0 / 5')
      await page.screenshot({ path: `${SHOTS}/tasks-console.png` })
      await row.click()
      await page.locator('[data-testid=task-confirm]').waitFor()
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  }, 60_000)
})
