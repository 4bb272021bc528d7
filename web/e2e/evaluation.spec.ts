import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { apiLogin, baseUrl, launch, watchErrors } from './browser.ts'

// 考核评价 in the browser (issue 16): the county leader opens the page for a month of the demo's data, sees units
// and cadres scored with the formula, annotates the month's awards and publishes them; the cockpit then shows them.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const textbox = (page: Page, testid: string) => page.locator(`input[data-testid="${testid}"], [data-testid="${testid}"] input`).first()

const LEADER = '13800000001' // 钱立新 · 嵊州市
const PERIOD = '2026-11'

interface AwardsJson {
  state: string
  note: string | null
  items: { key: string; kind: string; name: string; note: string | null; cases: { id: string }[] }[]
}

describe('考核评价', () => {
  it('a leader reads the scores, annotates the awards and publishes them; the cockpit shows them', async () => {
    const token = await apiLogin(LEADER)
    const get = async <T>(path: string) => {
      const res = await fetch(`${baseUrl()}/api${path}`, { headers: { Authorization: `Bearer ${token}` } })
      expect(res.status).toBe(200)
      return (await res.json()) as T
    }
    const units = await get<{ rows: { name: string; score: number | null }[] }>(`/evaluation/units?period=${PERIOD}`)
    const scored = units.rows.filter((r) => r.score !== null)
    expect(scored.length).toBeGreaterThan(0)
    const draft = await get<AwardsJson>(`/evaluation/awards?period=${PERIOD}`)
    expect(draft.state).toBe('draft')
    expect(draft.items.length).toBeGreaterThan(0)

    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    try {
      await page.goto(`${baseUrl()}/login`)
      await page.fill('[data-testid=login-phone]', LEADER)
      await page.fill('[data-testid=login-password]', 'minqing-demo')
      await page.click('[data-testid=login-submit]')
      await page.waitForURL(/\/console$/)
      await page.click('[data-testid=nav-evaluation]')
      await page.waitForURL(/\/console\/evaluation/)
      await page.goto(`${baseUrl()}/console/evaluation?period=${PERIOD}&tab=units`)

      // The units' table: the best-scored unit first, with its score; the formula version shown; a chart drawn.
      await expect.poll(() => page.textContent('[data-testid=evaluation-formula]'), { timeout: 15_000 }).toContain('公式第')
      const first = page.locator('[data-testid=evaluation-units] .el-table__body-wrapper tr').first()
      await expect.poll(() => first.textContent(), { timeout: 15_000 }).toContain(scored[0].name)
      await expect.poll(() => first.textContent()).toContain(scored[0].score!.toFixed(2))
      await expect.poll(() => page.locator('[data-testid=evaluation-unit-chart] canvas').count()).toBeGreaterThan(0)

      // Awards: annotate the first item and the month, publish.
      await page.click('#tab-awards')
      await expect.poll(() => page.textContent('[data-testid=awards-state]'), { timeout: 15_000 }).toContain('草稿')
      const item = draft.items[0]
      // ElInput puts data-testid on the <input> itself (Element Plus passes non-class attrs to it).
      await textbox(page, `award-note-${item.key}`).fill('办理及时,予以表扬')
      await textbox(page, 'awards-round-note').fill('十一月考评结果')
      await page.click('[data-testid=awards-publish]')
      await page.click('.el-message-box .el-button--primary')
      await expect.poll(() => page.textContent('[data-testid=awards-state]'), { timeout: 15_000 }).toContain('已发布')
      await expect.poll(() => page.textContent('[data-testid=evaluation-awards]')).toContain('办理及时,予以表扬')
      // The cases that earned an award link to their pages.
      if (item.cases.length > 0) expect(await page.locator(`a[href="/console/cases/${item.cases[0].id}"]`).count()).toBeGreaterThan(0)

      const published = await get<AwardsJson>(`/evaluation/awards?period=${PERIOD}`)
      expect(published.state).toBe('published')
      expect(published.note).toBe('十一月考评结果')
      expect(published.items.find((i) => i.key === item.key)?.note).toBe('办理及时,予以表扬')

      // The cockpit's strip shows the published month.
      await page.goto(`${baseUrl()}/cockpit`)
      await expect.poll(() => page.textContent('[data-testid=cockpit-awards]'), { timeout: 15_000 }).toContain(PERIOD)
      await expect.poll(() => page.textContent('[data-testid=cockpit-awards]')).toContain(item.name)
      expect(errors).toEqual([])
    } finally {
      await ctx.close()
    }
  })
})
