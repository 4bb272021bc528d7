import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { apiLogin, baseUrl, launch, watchErrors } from './browser.ts'

// 一类事 and 相似事项 in the browser (issue 14): three reports about narrow village roads from 石璜镇, 长乐镇 and
// 谷来镇, worded differently, gather into one cluster; the leader sees it on the 一类事 page with its members,
// and a case page lists the others as similar items with their scores.
let browser: Browser
let ctx: BrowserContext
let page: Page
let errors: string[]

beforeAll(async () => {
  browser = await launch()
  ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  page = await ctx.newPage()
  errors = watchErrors(page)
})
afterAll(async () => {
  await ctx?.close()
  await browser?.close()
})

const REPORTS = [
  { regionCode: '330683105212', title: '村里道路太窄', description: '村里道路太窄，两车交会困难', lat: 29.52, lng: 120.78 },
  { regionCode: '330683101002', title: '进村的路很窄', description: '进村的路很窄，大车开不进来，会车要倒很远', lat: 29.6, lng: 120.83 },
  { regionCode: '330683106220', title: '村道狭窄需拓宽', description: '村道狭窄，农用车经常刮擦，希望拓宽', lat: 29.66, lng: 120.9 },
]

async function api<T>(token: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl()}/api${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  expect(res.status, await res.clone().text()).toBeLessThan(300)
  return (await res.json()) as T
}

describe('一类事 and 相似事项', () => {
  it('the 一类事 page shows the cluster the three road reports formed; the case page shows similar items', async () => {
    const admin = await apiLogin('13800000000')
    const ids: string[] = []
    for (const r of REPORTS) ids.push((await api<{ id: string }>(admin, '/cases', { channel: 'hotline', ...r })).id)
    const leader = await apiLogin('13800000001')
    // The brain indexes after the events settle (beside the demo's own backfill on a first start); the third
    // report's similar items then carry the cluster of the other two — and the similar items are found from the
    // case's own words even before it is indexed, so the wait is over only when the cluster lists all three.
    let clusterId: string | null = null
    await expect
      .poll(
        async () => {
          const items = await api<{ id: string; clusterId: string | null }[]>(leader, `/cases/${ids[2]}/similar`)
          const mine = items.filter((i) => ids.includes(i.id))
          clusterId = mine.length === 2 && mine[0].clusterId && mine[0].clusterId === mine[1].clusterId ? mine[0].clusterId : null
          if (!clusterId) return false
          const detail = await api<{ members: { id: string }[] }>(leader, `/brain/clusters/${clusterId}`)
          return ids.every((id) => detail.members.some((m) => m.id === id))
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(true)

    await page.goto(`${baseUrl()}/login`)
    await page.fill('[data-testid=login-phone]', '13800000001')
    await page.fill('[data-testid=login-password]', 'minqing-demo')
    await page.click('[data-testid=login-submit]')
    await page.waitForURL(/\/console$/)
    await page.click('[data-testid=nav-clusters]')
    await page.waitForURL(/\/console\/brain\/clusters/)
    await page.waitForSelector('[data-testid=cluster-row]')
    // The demo data forms many larger clusters, so the list (biggest first, 50 at most) need not reach this one;
    // open it the way a case's 相似事项 links to it, by ?id=.
    await page.goto(`${baseUrl()}/console/brain/clusters?id=${clusterId}`)
    for (const id of ids) await page.waitForSelector(`[data-testid=cluster-member][data-id="${id}"]`)
    await page.waitForSelector('[data-testid=cluster-timeline] canvas')
    // The members with a location on the map (Leaflet's canvas).
    await page.waitForSelector('[data-testid=cluster-map] canvas')
    expect(await page.textContent('[data-testid=cluster-map]')).toMatch(/\d+/)
    expect(await page.textContent('[data-testid=cluster-detail]')).toMatch(/3 个镇街|3 towns/)

    await page.goto(`${baseUrl()}/console/cases/${ids[0]}`)
    await page.waitForSelector(`[data-testid=brain-similar-case][data-id="${ids[1]}"]`)
    await page.waitForSelector(`[data-testid=brain-similar-case][data-id="${ids[2]}"]`)
    expect(await page.textContent(`[data-testid=brain-similar-case][data-id="${ids[1]}"]`)).toMatch(/\d+%/)

    // Seen in three towns within 30 days: the cluster raised a 共性问题 alert for the county, which the cockpit's
    // 风险预警 panel shows (new alerts first, newest first).
    let alertTitle = ''
    await expect
      .poll(
        async () => {
          const list = await api<{ items: { kind: string; title: string; details: { clusterId?: string } }[] }>(leader, '/brain/alerts?kind=common_issue&limit=200')
          alertTitle = list.items.find((a) => a.details.clusterId === clusterId)?.title ?? ''
          return alertTitle
        },
        { timeout: 15_000, interval: 1000 },
      )
      .toContain('共性问题')
    // The console's 预警 inbox lists it.
    await page.goto(`${baseUrl()}/console/brain/alerts`)
    await expect.poll(() => page.textContent('[data-testid=alerts-page]'), { timeout: 15_000 }).toContain(alertTitle)
    // The cockpit's 风险预警 panel shows the county's newest unhandled alerts: the same ones the API lists first. (Which
    // eight those are moves while the demo's backfill still raises its own, so the panel is compared with the API
    // rather than looked up for this test's alert.)
    await page.setViewportSize({ width: 1920, height: 1080 })
    await page.goto(`${baseUrl()}/cockpit`)
    const leaderApi = () => api<{ items: { title: string; state: string }[] }>(leader, '/brain/alerts?limit=8')
    await expect
      .poll(
        async () => {
          const shown = await page.locator('[data-testid=cockpit-alert]').allTextContents()
          const listed = (await leaderApi()).items.filter((a) => a.state !== 'handled').map((a) => a.title)
          return shown.length > 0 && listed.length > 0 && shown[0].includes(listed[0])
        },
        { timeout: 60_000, interval: 2000 },
      )
      .toBe(true)
    expect(errors).toEqual([])
  })
})
