import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { apiLogin, baseUrl, launch, watchErrors } from './browser.ts'

// 民情会议 and 契约化共建 in the browser (issue 16): a town handler records a meeting, adds a decision owned by the
// town government and turns it into a case (dispatched to that unit); the next meeting of the same kind shows it among
// the previous meeting's open decisions with the case's state. Then a pact is walked 谈约 → 签约 → 亮约 → 履约 → 评约.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const HANDLER = '13800000002' // 周海燕 · 石璜镇
const TOWN = '330683105'
const VILLAGE = '330683105212' // 雅璜村
const SHOTS = process.env.E2E_SHOTS_DIR ?? '/tmp'

async function pick(page: Page, selectTestId: string, option: string) {
  await page.click(`[data-testid=${selectTestId}]`)
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click()
}

async function signIn(page: Page) {
  await page.goto(`${baseUrl()}/login`)
  await page.fill('[data-testid=login-phone]', HANDLER)
  await page.fill('[data-testid=login-password]', 'minqing-demo')
  await page.click('[data-testid=login-submit]')
  await page.waitForURL(/\/console$/)
}

describe('meetings and pacts', () => {
  it('a meeting decision becomes a case that shows at the next meeting', async () => {
    const token = await apiLogin(HANDLER)
    const api = async <T>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${baseUrl()}/api${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      })
      expect(res.status, await res.clone().text()).toBeLessThan(300)
      return (await res.json()) as T
    }
    // A day of its own in 2025 for this run's 议事会, so earlier runs' meetings are not "the previous meeting".
    const stamp = String(Date.now()).slice(-6)
    const day = new Date(Date.UTC(2025, 0, 1) + (Number(stamp) % 300) * 86_400_000).toISOString().slice(0, 10)
    const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      await signIn(page)
      await page.click('[data-testid=nav-meetings]')
      await page.waitForURL(/\/console\/meetings$/)
      // Record the meeting: 议事会 of the handler's town (the picker's default) on that day.
      await page.click('[data-testid=meeting-new]')
      await page.locator('[data-testid=meeting-kind] label', { hasText: '议事会' }).click()
      const date = page.locator('[data-testid=meeting-dialog] .el-date-editor input')
      await date.fill(day)
      await date.press('Enter')
      await page.fill('input[data-testid=meeting-title], [data-testid=meeting-title] input', `e2e议事会${stamp}`)
      await page.fill('input[data-testid=meeting-place], [data-testid=meeting-place] input', '镇会议室')
      await page.fill('textarea[data-testid=meeting-minutes], [data-testid=meeting-minutes] textarea', '议定村口路面修复。')
      await page.click('[data-testid=meeting-save]')
      await page.waitForURL(/\/console\/meetings\/[0-9a-f-]{36}$/)
      const firstId = page.url().split('/').pop()!
      await expect.poll(() => page.textContent('[data-testid=meeting-heading]'), { timeout: 15_000 }).toContain(`e2e议事会${stamp}`)

      // A decision owned by 石璜镇人民政府, then 转为事项.
      await page.click('[data-testid=decision-add]')
      await page.fill('textarea[data-testid=decision-content], [data-testid=decision-content] textarea', `e2e修复村口路面${stamp}`)
      await pick(page, 'decision-unit', '石璜镇人民政府')
      await page.click('[data-testid=decision-save]')
      await expect.poll(() => page.textContent('[data-testid=decisions-table]'), { timeout: 15_000 }).toContain(`e2e修复村口路面${stamp}`)
      await expect.poll(() => page.textContent('[data-testid=decision-progress]')).toContain('待转办')
      await page.click('[data-testid=decision-to-case]')
      await page.click('[data-testid=convert-save]')
      await expect.poll(() => page.textContent('[data-testid=decision-case]'), { timeout: 15_000 }).toMatch(/MQ-\d{8}-\d+/)
      const caseNumber = (await page.textContent('[data-testid=decision-case]'))!.trim()
      await expect.poll(() => page.textContent('[data-testid=decision-progress]')).toContain('已交办')
      await page.screenshot({ path: `${SHOTS}/meetings-decision-case.png`, fullPage: true })

      // The case exists through the engine: dispatched to the town government with a deadline.
      const meeting = await api<{ decisions: { caseId: string }[] }>('GET', `/meetings/${firstId}`)
      const kase = await api<{ state: string; unitName?: string | null; dueAt?: string | null; channel: string }>('GET', `/cases/${meeting.decisions[0].caseId}`)
      expect(kase.state).toBe('dispatched')
      expect(kase.channel).toBe('walk_in')

      // The next 议事会 of the town shows it among the previous meeting's open decisions, with the case's state.
      const next = await api<{ id: string }>('POST', '/meetings', { kind: 'council', regionCode: TOWN, heldOn: nextDay, title: `e2e议事会续${stamp}` })
      await page.goto(`${baseUrl()}/console/meetings/${next.id}`)
      await expect.poll(() => page.textContent('[data-testid=meeting-previous]'), { timeout: 15_000 }).toContain('上次会议')
      await expect.poll(() => page.textContent('[data-testid=previous-decisions]')).toContain(caseNumber)
      await expect.poll(() => page.textContent('[data-testid=previous-decisions]')).toContain(`e2e修复村口路面${stamp}`)
      await expect.poll(() => page.textContent('[data-testid=previous-progress]')).toContain('已交办')
      await page.screenshot({ path: `${SHOTS}/meetings-next-meeting.png`, fullPage: true })
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  }, 300_000)

  it('a pact is walked through 谈约, 签约, 亮约, 履约 and 评约', async () => {
    const token = await apiLogin(HANDLER)
    const api = async <T>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${baseUrl()}/api${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      })
      expect(res.status, await res.clone().text()).toBeLessThan(300)
      return (await res.json()) as T
    }
    const stamp = String(Date.now()).slice(-6)
    const partners = await api<{ items: { id: string; name: string }[] }>('GET', '/pacts/partners')
    const partner = partners.items.find((u) => u.name === '国网嵊州市供电公司') ?? partners.items[0]!
    const pact = await api<{ id: string }>('POST', '/pacts', {
      title: `e2e共建契约${stamp}`,
      partnerUnitId: partner.id,
      regionCode: VILLAGE,
      year: 2026,
      items: [{ direction: 'unit_to_community', resource: 'medical', content: '每季度义诊一次' }],
    })

    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    const state = () => page.textContent('[data-testid=pact-state]')
    try {
      await signIn(page)
      await page.click('[data-testid=nav-pacts]')
      await page.waitForURL(/\/console\/pacts$/)
      await page.locator('[data-testid=pact-link]', { hasText: `e2e共建契约${stamp}` }).click()
      await page.waitForURL(/\/console\/pacts\/[0-9a-f-]{36}$/)
      await expect.poll(state, { timeout: 15_000 }).toContain('谈约')
      // 谈约: one more item, the other way.
      await page.fill('input[data-testid=pact-new-item], [data-testid=pact-new-item] input', '提供村礼堂作为健康讲座场地')
      await page.click('[data-testid=pact-add-item]')
      await expect.poll(() => page.textContent('[data-testid=pact-items]')).toContain('提供村礼堂作为健康讲座场地')
      // 签约
      await page.click('[data-testid=pact-sign]')
      await page.fill('input[data-testid=sign-signatories], [data-testid=sign-signatories] input', '院长 张明;村书记 王建国')
      await page.click('[data-testid=sign-save]')
      await expect.poll(state, { timeout: 15_000 }).toContain('签约')
      // Items are locked once signed.
      expect(await page.locator('[data-testid=pact-new-item]').count()).toBe(0)
      // 亮约: on the board.
      await page.click('[data-testid=pact-publish]')
      await expect.poll(state, { timeout: 15_000 }).toContain('亮约')
      const board = await api<{ items: { id: string }[] }>('GET', '/pacts?board=true')
      expect(board.items.map((p) => p.id)).toContain(pact.id)
      // 履约: a log entry for the first item.
      await page.click('[data-testid=pact-fulfil]')
      await expect.poll(state, { timeout: 15_000 }).toContain('履约')
      await page.click('[data-testid=pact-log]')
      await page.fill('textarea[data-testid=log-content], [data-testid=log-content] textarea', `e2e义诊服务村民${stamp}`)
      await pick(page, 'log-item', '每季度义诊一次')
      await page.click('[data-testid=log-save]')
      await expect.poll(() => page.textContent('[data-testid=pact-logs]'), { timeout: 15_000 }).toContain(`e2e义诊服务村民${stamp}`)
      // 评约
      await page.click('[data-testid=pact-rate]')
      await page.fill('input[data-testid=rate-score], [data-testid=rate-score] input', '93')
      await page.fill('textarea[data-testid=rate-comment], [data-testid=rate-comment] textarea', '服务及时,村民满意')
      await page.click('[data-testid=rate-save]')
      await expect.poll(state, { timeout: 15_000 }).toContain('评约')
      await expect.poll(() => page.textContent('[data-testid=pact-score]')).toContain('93')
      expect(await page.locator('[data-testid=pact-steps] .el-step__head.is-success').count()).toBe(5)
      expect(await page.locator('[data-testid=pact-events] .el-timeline-item').count()).toBe(5)
      await page.screenshot({ path: `${SHOTS}/pacts-rated.png`, fullPage: true })
      const done = await api<{ state: string; ratingScore: number; logs: unknown[]; events: { action: string }[] }>('GET', `/pacts/${pact.id}`)
      expect(done).toMatchObject({ state: 'rated', ratingScore: 93 })
      expect(done.logs).toHaveLength(1)
      expect(done.events.map((e) => e.action)).toEqual(['create', 'sign', 'publish', 'fulfil', 'rate'])
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }

    // 亮约 for residents: the village's 民情码 page links to its public board, where the pact, what was done and the
    // rating show on a phone without an account, and no staff name does.
    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true })
    const resident = await phone.newPage()
    const residentErrors = watchErrors(resident)
    try {
      await resident.goto(`${baseUrl()}/r/${VILLAGE}`)
      await resident.click('[data-testid=pub-pacts-link]')
      await resident.waitForURL(new RegExp(`/p/${VILLAGE}$`))
      const card = resident.locator(`[data-testid=pub-pact][data-id="${pact.id}"]`)
      await expect.poll(() => card.textContent(), { timeout: 15_000 }).toContain(`e2e共建契约${stamp}`)
      const text = (await card.textContent())!
      for (const s of ['每季度义诊一次', '提供村礼堂作为健康讲座场地', `e2e义诊服务村民${stamp}`, '93', '服务及时,村民满意', '院长 张明']) expect(text).toContain(s)
      expect(await resident.textContent('body')).not.toContain('周海燕')
      expect(await resident.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
      await resident.screenshot({ path: `${SHOTS}/pacts-public-board.png`, fullPage: true })
      expect(residentErrors).toEqual([])
    } finally {
      await phone.close()
    }
  }, 300_000)
})
