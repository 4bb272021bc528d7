import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Compliance, DiaryEntry, Household, TimelineItem } from '../../common/src/index.ts'
import { baseUrl, launch, watchErrors } from './browser.ts'

// 民情日记 in the browser: the 雅璜村 cadre writes an entry with a photo on the phone (375 px), it shows in the
// feed and on the household's timeline; a resend is stored once; an entry written offline waits and is sent
// when the network is back; the console's 走访情况 shows the 8 % figure from the village's real household count.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const CADRE = '13800000003'
const YAHUANG = '330683105212'
const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true }

/** The API as the given user, from the test (independent of the browser, which may be offline). */
async function apiAs(phone: string) {
  const res = await fetch(`${baseUrl()}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, password: 'minqing-demo' }),
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
type Api = Awaited<ReturnType<typeof apiAs>>

/** A 雅璜村 household (made through the API when the demo archive has none). */
async function yahuangHousehold(api: Api): Promise<Household> {
  const list = await api<{ items: Household[] }>(`/households?regionCode=${YAHUANG}&limit=5`)
  expect(list.status).toBe(200)
  if (list.body.items.length) return list.body.items[0]
  const created = await api<Household>('/households', { method: 'POST', body: { regionCode: YAHUANG, address: `雅璜村 e2e ${Date.now()} 号` } })
  expect(created.status).toBe(201)
  return created.body
}

/** Entries whose text contains `marker`, straight from the server. */
async function entriesWith(api: Api, marker: string): Promise<DiaryEntry[]> {
  const r = await api<{ items: DiaryEntry[] }>(`/diary?q=${encodeURIComponent(marker)}&limit=100`)
  expect(r.status).toBe(200)
  return r.body.items
}

async function loginPhone(ctx: BrowserContext, redirect = '/m/diary'): Promise<{ page: Page; errors: string[] }> {
  const page = await ctx.newPage()
  const errors = watchErrors(page)
  await page.goto(`${baseUrl()}/m/login?redirect=${encodeURIComponent(redirect)}`)
  await page.fill('[data-testid=login-phone]', CADRE)
  await page.fill('[data-testid=login-password]', 'minqing-demo')
  await page.click('[data-testid=login-submit]')
  await page.waitForURL((u) => u.pathname === redirect.split('?')[0])
  return { page, errors }
}

/** An entry written straight through the API (for the console tests, which must not depend on the phone ones). */
async function postEntry(api: Api, householdId: string, text: string, concerns: string[] = []): Promise<DiaryEntry> {
  const clientId = `e2e${Date.now()}${Math.floor(Math.random() * 1e6)}`
  const r = await api<DiaryEntry>('/diary', { method: 'POST', body: { clientId, kind: 'village', householdId, text, concerns } })
  expect(r.status).toBe(201)
  return r.body
}

/** An Element Plus input by its testid (the attribute lands on the <input> or its wrapper). */
const textbox = (page: Page, testid: string) => page.locator(`[data-testid=${testid}] input, input[data-testid=${testid}]`).first()

/** Network errors we cause on purpose (offline, a dropped answer) are not app errors. */
const appErrors = (errors: string[]) => errors.filter((e) => !/net::ERR_(INTERNET_DISCONNECTED|CONNECTION_RESET|FAILED|NETWORK_CHANGED)|Failed to fetch/.test(e))

/**
 * A camera-sized picture made in the page (a PNG of coloured noise, several MB) and put into the photo
 * input as the phone's file picker would. Returns its size in bytes.
 */
async function attachGeneratedPhoto(page: Page, width = 3000, height = 2000): Promise<number> {
  return page.evaluate(
    async ({ width, height }) => {
      const c = document.createElement('canvas')
      c.width = width
      c.height = height
      const g = c.getContext('2d')!
      const img = g.createImageData(width, height)
      let seed = 7
      for (let i = 0; i < img.data.length; i += 4) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        const y = Math.floor(i / 4 / width)
        img.data[i] = (y / 8 + (seed & 63)) & 255
        img.data[i + 1] = (seed >> 8) & 255
        img.data[i + 2] = 128 + ((seed >> 16) & 63)
        img.data[i + 3] = 255
      }
      g.putImageData(img, 0, 0)
      const blob = await new Promise<Blob>((r) => c.toBlob((b) => r(b!), 'image/png'))
      const input = document.querySelector<HTMLInputElement>('[data-testid=m-diary-photo-input]')!
      const dt = new DataTransfer()
      dt.items.add(new File([blob], 'IMG_e2e.png', { type: 'image/png' }))
      input.files = dt.files
      input.dispatchEvent(new Event('change', { bubbles: true }))
      return blob.size
    },
    { width, height },
  )
}

async function openWriteFromHousehold(page: Page, householdId: string) {
  await page.goto(`${baseUrl()}/m/archive/households/${householdId}`)
  await page.click('[data-testid=m-household-write-diary]')
  await page.waitForURL(/\/m\/diary\/new\?householdId=/)
  await page.waitForSelector('[data-testid=m-diary-text] textarea')
}

describe('diary', () => {
  it('at 375 px the cadre writes an entry with a photo about a 雅璜村 household: feed, photo, timeline, 转为事项', async () => {
    const api = await apiAs(CADRE)
    const household = await yahuangHousehold(api)
    const ctx = await browser.newContext(PHONE)
    const { page, errors } = await loginPhone(ctx)
    // The diary tab is there and the feed shows.
    await page.waitForSelector('[data-testid=m-tab-diary]')
    await page.waitForSelector('[data-testid=m-diary-feed]')

    await openWriteFromHousehold(page, household.id)
    await expect.poll(() => page.textContent('[data-testid=m-diary-subject]')).toContain(household.address)
    // A stationed village cadre writes 民情日记 by default.
    expect(await page.getAttribute('[data-testid=m-diary-kind-village]', 'aria-checked')).toBe('true')

    const marker = `e2e-日记-${Date.now()}`
    await page.fill('[data-testid=m-diary-text] textarea', `${marker} 王大爷家屋顶漏水，下雨天屋里摆满了盆。`)
    await page.click('[data-testid=m-diary-mood-anxious]')
    await page.click('[data-testid=m-diary-urgency-urgent]')
    await page.fill('[data-testid=m-diary-concern-0] input', '屋顶漏水需要修缮')
    await page.click('[data-testid=m-diary-concern-add]')
    await page.fill('[data-testid=m-diary-concern-1] input', '孙子上学的交通补助')
    const originalBytes = await attachGeneratedPhoto(page)
    await page.waitForSelector('[data-testid=m-diary-photo-0]')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await page.click('[data-testid=m-diary-publish]')

    // Back on the feed: the entry is there with its photo, nothing waits.
    await page.waitForURL(/\/m\/diary$/)
    const card = page.locator('[data-testid^=diary-card-]', { hasText: marker })
    await card.waitFor({ timeout: 30_000 })
    await card.locator('[data-testid^=diary-photo-] img').waitFor()
    await expect.poll(() => card.locator('[data-testid^=diary-photo-] img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0)
    expect(await card.textContent()).toContain(household.address)
    expect(await card.textContent()).toContain('紧急')
    await expect.poll(() => page.locator('[data-testid^=outbox-item-]').count()).toBe(0)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)

    // The server has it once, about the household, with the photo compressed on the phone.
    const [entry, ...more] = await entriesWith(api, marker)
    expect(more).toEqual([])
    expect(entry.household?.id).toBe(household.id)
    expect(entry.concerns.map((c) => c.text)).toEqual(['屋顶漏水需要修缮', '孙子上学的交通补助'])
    expect(entry.photos).toHaveLength(1)
    expect(entry.photos[0].contentType).toBe('image/jpeg')
    expect(entry.photos[0].size).toBeLessThan(originalBytes)
    const dims = await card.locator('[data-testid^=diary-photo-] img').evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])
    expect(Math.max(...dims)).toBe(1600)
    console.log(`photo: ${originalBytes} B PNG 3000×2000 → ${entry.photos[0].size} B JPEG ${dims.join('×')}`)

    // On the household's timeline (一事一表).
    const timeline = await api<TimelineItem[]>(`/households/${household.id}/timeline`)
    expect(timeline.body.some((i) => i.kind === 'diary' && i.ref?.id === entry.id && (i.detail ?? '').includes(marker))).toBe(true)

    // A colleague's comment box works inline.
    await card.locator('[data-testid=diary-comment-input]').fill('收到，明天一起去看看')
    await card.locator('[data-testid=diary-comment-send]').click()
    await card.locator('[data-testid^=diary-comment-]', { hasText: '收到，明天一起去看看' }).waitFor()

    // The entry: photo full size, and a concern becomes a case in one tap.
    await card.locator('[data-testid=diary-text]').click()
    await page.waitForURL(new RegExp(`/m/diary/${entry.id}$`))
    await page.locator('[data-testid^=diary-photo-]').first().click()
    await page.waitForSelector('.van-image-preview')
    await page.locator('.van-image-preview__close-icon').click()
    await page.waitForSelector('.van-image-preview', { state: 'hidden' })
    const concern = entry.concerns[0]
    await page.click(`[data-testid=m-diary-to-case-${concern.id}]`)
    await page.locator('.van-dialog__confirm').click()
    const raised = page.locator('.van-dialog__header', { hasText: '已转为事项' })
    await raised.waitFor()
    const caseNumber = ((await raised.textContent()) ?? '').replace('已转为事项', '').trim()
    expect(caseNumber).not.toBe('')
    await page.locator('.van-dialog__confirm').click()
    const after = (await api<DiaryEntry>(`/diary/${entry.id}`)).body
    expect(after.concerns[0].caseId).toBeTruthy()
    const theCase = await api<{ number: string; diaryEntryId: string | null }>(`/cases/${after.concerns[0].caseId}`)
    expect(theCase.body.number).toBe(caseNumber)
    expect(theCase.body.diaryEntryId).toBe(entry.id)

    expect(appErrors(errors)).toEqual([])
    await ctx.close()
  })

  it('the same entry sent twice is stored once (the first answer is lost on the way back)', async () => {
    const api = await apiAs(CADRE)
    const household = await yahuangHousehold(api)
    const ctx = await browser.newContext(PHONE)
    const { page, errors } = await loginPhone(ctx)
    await openWriteFromHousehold(page, household.id)

    // The first POST reaches the server (which stores the entry) but its answer never comes back.
    const posts: string[] = []
    let dropped = false
    await page.route('**/api/diary', async (route) => {
      if (route.request().method() !== 'POST') return route.continue()
      posts.push(route.request().postData() ?? '')
      if (dropped) return route.continue()
      dropped = true
      await route.fetch()
      await route.abort('connectionreset')
    })

    const marker = `e2e-重发-${Date.now()}`
    await page.fill('[data-testid=m-diary-text] textarea', `${marker} 反映路灯不亮`)
    await page.click('[data-testid=m-diary-publish]')
    await page.waitForURL(/\/m\/diary$/)
    const waiting = page.locator('[data-testid^=outbox-item-]')
    await waiting.waitFor()
    await page.waitForSelector('[data-testid=outbox-error]')
    const clientId = ((await waiting.getAttribute('data-testid')) ?? '').replace('outbox-item-', '')
    expect(clientId).toMatch(/^[0-9a-f]{32}$/)
    expect(await page.textContent('[data-testid=m-diary-outbox-count]')).toContain('待发送 1 条')
    // The server already has it; the phone does not know.
    expect((await entriesWith(api, marker)).map((e) => e.clientId)).toEqual([clientId])

    // Send again (the retry button; the loop would do it by itself after the backoff).
    await page.click('[data-testid=outbox-retry]')
    await page.locator('[data-testid^=diary-card-]', { hasText: marker }).waitFor()
    await expect.poll(() => page.locator('[data-testid^=outbox-item-]').count()).toBe(0)
    expect(posts).toHaveLength(2)
    expect(posts[1]).toBe(posts[0]) // byte-for-byte the same request
    const stored = await entriesWith(api, marker)
    expect(stored).toHaveLength(1)
    expect(stored[0].clientId).toBe(clientId)
    // And a third time by hand: 200 with the same entry; other content under that clientId: 409.
    const again = await api<DiaryEntry>('/diary', { method: 'POST', body: JSON.parse(posts[0]) })
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(stored[0].id)
    const reused = await api<{ error: { code: string } }>('/diary', { method: 'POST', body: { ...JSON.parse(posts[0]), text: '别的内容' } })
    expect(reused.status).toBe(409)
    expect(reused.body.error.code).toBe('CLIENT_ID_REUSED')
    expect(await entriesWith(api, marker)).toHaveLength(1)

    expect(appErrors(errors)).toEqual([])
    await ctx.close()
  })

  it('offline: an entry written with no network waits (待发送) and is sent once the network is back — also after the app was closed', async () => {
    const api = await apiAs(CADRE)
    const household = await yahuangHousehold(api)
    const ctx = await browser.newContext(PHONE)
    const { page, errors } = await loginPhone(ctx)
    await openWriteFromHousehold(page, household.id)

    // 1. Written offline, sent on `online`.
    await ctx.setOffline(true)
    const marker = `e2e-离线-${Date.now()}`
    await page.fill('[data-testid=m-diary-text] textarea', `${marker} 山脚下信号不好，先记下来`)
    await page.fill('[data-testid=m-diary-concern-0] input', '村口道路积水')
    await attachGeneratedPhoto(page, 1200, 900)
    await page.waitForSelector('[data-testid=m-diary-photo-0]')
    await page.click('[data-testid=m-diary-publish]')
    await page.waitForURL(/\/m\/diary$/)
    const waiting = page.locator('[data-testid^=outbox-item-]', { hasText: marker })
    await waiting.waitFor()
    await expect.poll(() => waiting.locator('[data-testid=outbox-status]').textContent()).toContain('待发送')
    expect(await page.textContent('[data-testid=m-diary-outbox-count]')).toContain('待发送 1 条')
    await page.waitForSelector('[data-testid=m-diary-offline]')
    await page.waitForTimeout(1500)
    expect(await entriesWith(api, marker)).toEqual([])

    await ctx.setOffline(false)
    await page.locator('[data-testid^=diary-card-]', { hasText: marker }).waitFor({ timeout: 30_000 })
    await expect.poll(() => page.locator('[data-testid^=outbox-item-]').count()).toBe(0)
    const sent = await entriesWith(api, marker)
    expect(sent).toHaveLength(1)
    expect(sent[0].photos).toHaveLength(1)
    expect(sent[0].concerns.map((c) => c.text)).toEqual(['村口道路积水'])

    // 2. A fresh start of the app; the network goes before the write page was ever opened (the feed loads it
    // ahead); the entry is written, the app closed before the network came back: sent when it is opened again.
    await page.close()
    const fresh = await ctx.newPage()
    const errors1 = watchErrors(fresh)
    await fresh.goto(`${baseUrl()}/m/diary`)
    await fresh.locator('[data-testid^=diary-card-]', { hasText: marker }).waitFor()
    await fresh.waitForTimeout(500)
    await ctx.setOffline(true)
    await fresh.click('[data-testid=m-diary-write]')
    await fresh.waitForURL(/\/m\/diary\/new$/)
    const marker2 = `e2e-关闭后发送-${Date.now()}`
    await fresh.fill('[data-testid=m-diary-text] textarea', `${marker2} 记在手机上`)
    await fresh.click('[data-testid=m-diary-publish]')
    await fresh.waitForURL(/\/m\/diary$/)
    await fresh.locator('[data-testid^=outbox-item-]', { hasText: marker2 }).waitFor()
    await fresh.close()
    await ctx.setOffline(false)
    expect(await entriesWith(api, marker2)).toEqual([])
    const reopened = await ctx.newPage()
    const errors2 = watchErrors(reopened)
    await reopened.goto(`${baseUrl()}/m/diary`)
    await reopened.locator('[data-testid^=diary-card-]', { hasText: marker2 }).waitFor({ timeout: 30_000 })
    await expect.poll(() => reopened.locator('[data-testid^=outbox-item-]').count()).toBe(0)
    expect(await entriesWith(api, marker2)).toHaveLength(1)
    expect(await entriesWith(api, marker)).toHaveLength(1)

    expect(appErrors(errors)).toEqual([])
    expect(appErrors(errors1)).toEqual([])
    expect(appErrors(errors2)).toEqual([])
    await ctx.close()
  })

  it('console 走访情况 for 雅璜村 shows the 8 % monthly figure from the village’s real household count', async () => {
    const api = await apiAs(CADRE)
    const household = await yahuangHousehold(api)
    const marker = `e2e-走访-${Date.now()}`
    await postEntry(api, household.id, `${marker} 了解到老人独居`)
    const compliance = (await api<Compliance>(`/visits/compliance?regionCode=${YAHUANG}`)).body
    const village = compliance.villages.find((v) => v.regionCode === YAHUANG)!
    const households = await api<{ total: number }>(`/households?regionCode=${YAHUANG}&limit=1`)
    expect(village.households).toBe(households.body.total)
    expect(village.requiredThisPeriod).toBe(Math.ceil((village.households * 8) / 100))

    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/login`)
    await page.fill('[data-testid=login-phone]', CADRE)
    await page.fill('[data-testid=login-password]', 'minqing-demo')
    await page.click('[data-testid=login-submit]')
    await page.waitForURL(/\/console$/)
    await page.click('[data-testid=nav-visits]')
    await page.waitForURL(/\/console\/visits$/)

    const row = page.locator('[data-testid=visits-village-table] .el-table__row', { has: page.locator(`[data-testid=visits-village-${YAHUANG}]`) })
    await row.waitFor()
    expect((await row.locator('[data-testid=visits-village-households]').textContent())?.trim()).toBe(String(village.households))
    expect((await row.locator('[data-testid=visits-village-required]').textContent())?.trim()).toBe(String(village.requiredThisPeriod))
    expect((await row.locator('[data-testid=visits-village-visited]').textContent())?.trim()).toBe(String(village.visitedThisPeriod))
    expect((await row.locator('[data-testid=visits-village-never]').textContent())?.trim()).toBe(String(village.neverVisitedThisYear))
    expect(await page.textContent('[data-testid=visits-village-table] thead')).toContain('本月应走访户（8%）')
    // The chart is drawn; the cadre's 8 % rule shows done / required.
    await page.waitForSelector('[data-testid=visits-chart] canvas')
    const me = compliance.cadres.find((c) => c.rules.some((r) => r.measure === 'household_share'))!
    const line = me.rules.find((r) => r.measure === 'household_share')!
    const cadreRow = page.locator('[data-testid=visits-cadre-table] .el-table__row', { has: page.locator(`[data-testid=visits-cadre-${me.userId}]`) })
    expect(await cadreRow.textContent()).toContain(`${line.done} / ${line.required}`)
    expect(line.required).toBe(village.requiredThisPeriod)
    console.log(`雅璜村: ${village.households} households → ${village.requiredThisPeriod} this month (8 %), visited ${village.visitedThisPeriod}`)

    // The household's timeline on the console shows the visit.
    await page.goto(`${baseUrl()}/console/archive/households/${household.id}`)
    await page.locator('[data-testid=household-tabs] .el-tabs__item', { hasText: '一事一表' }).click()
    await page.locator('[data-testid=timeline]', { hasText: marker }).waitFor()

    expect(errors).toEqual([])
    await ctx.close()
  })

  it('console 走访情况: an admin edits a visit rule and schedules a 民情日 for a town', async () => {
    const admin = await apiAs('13800000000')
    const before = (await admin<{ id: number; description: string }[]>('/visits/rules')).body
    const rule = before[0]
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/login`)
    await page.fill('[data-testid=login-phone]', '13800000000')
    await page.fill('[data-testid=login-password]', 'minqing-demo')
    await page.click('[data-testid=login-submit]')
    await page.waitForURL(/\/console$/)
    await page.click('[data-testid=nav-visits]')
    await page.waitForURL(/\/console\/visits$/)

    await page.click(`[data-testid=visits-rule-edit-${rule.id}]`)
    await textbox(page, 'rule-description').fill(`${rule.description}（e2e）`)
    await page.click('[data-testid=rule-submit]')
    await page.locator('[data-testid=visits-rule-table]', { hasText: `${rule.description}（e2e）` }).waitFor()
    expect((await admin<{ id: number; description: string }[]>('/visits/rules')).body.find((r) => r.id === rule.id)?.description).toBe(`${rule.description}（e2e）`)

    const days = page.locator('[data-testid=visits-days]')
    await days.locator('.mq-region-picker').click()
    const node = (name: string) => page.locator('.mq-region-cascader:visible .el-cascader-node', { hasText: name }).first()
    await node('嵊州市').click()
    await node('石璜镇').locator('.el-radio').click()
    await page.keyboard.press('Escape')
    const date = new Date(Date.now() + 8 * 3600_000 + 5 * 86_400_000).toISOString().slice(0, 10)
    await textbox(page, 'visit-day-date').fill(date)
    await page.keyboard.press('Enter')
    await textbox(page, 'visit-day-title').fill('石璜镇 e2e 民情日')
    await page.click('[data-testid=visit-day-submit]')
    await page.locator('[data-testid=visit-day-table]', { hasText: '石璜镇 e2e 民情日' }).waitFor()
    const scheduled = (await admin<{ date: string; title: string; regionName: string }[]>('/visit-days')).body
    expect(scheduled).toContainEqual(expect.objectContaining({ date, title: '石璜镇 e2e 民情日', regionName: '石璜镇' }))

    await admin(`/visits/rules/${rule.id}`, { method: 'PATCH', body: { description: rule.description } })
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('console 民情日记: a supervisor filters, marks an entry 优秀, comments, and exports the list as CSV', async () => {
    const cadre = await apiAs(CADRE)
    const marker = `e2e-审阅-${Date.now()}`
    await postEntry(cadre, (await yahuangHousehold(cadre)).id, `${marker} 帮助联系了镇里的农技员`, ['希望多来几次'])
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/login`)
    await page.fill('[data-testid=login-phone]', '13800000002') // 周海燕, 石璜镇 (diary.review)
    await page.fill('[data-testid=login-password]', 'minqing-demo')
    await page.click('[data-testid=login-submit]')
    await page.waitForURL(/\/console$/)
    await page.click('[data-testid=nav-diary]')
    await page.waitForURL(/\/console\/diary$/)
    await page.locator('[data-testid^=diary-card-]').first().waitFor()

    await textbox(page, 'diary-filter-q').fill(marker)
    await textbox(page, 'diary-filter-q').press('Enter')
    await expect.poll(() => page.locator('[data-testid^=diary-card-]').count()).toBe(1)
    const card = page.locator('[data-testid^=diary-card-]').first()
    await card.locator('[data-testid=diary-mark-good]').click()
    await card.locator('[data-testid=diary-review]', { hasText: '优秀' }).waitFor()
    await card.locator('[data-testid=diary-comment-input]').fill('典型案例，全镇学习')
    await card.locator('[data-testid=diary-comment-send]').click()
    await card.locator('[data-testid^=diary-comment-]', { hasText: '典型案例' }).waitFor()

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=diary-export]')])
    expect(download.suggestedFilename()).toMatch(/\.csv$/)
    const { readFileSync } = await import('node:fs')
    const csv = readFileSync((await download.path())!, 'utf8')
    expect(csv.charCodeAt(0)).toBe(0xfeff)
    expect(csv).toContain(marker)
    expect(csv).toContain('优秀')
    expect(csv.trim().split('\r\n')).toHaveLength(2)

    // Filter by review mark: the good example is there.
    await textbox(page, 'diary-filter-q').fill('')
    await page.locator('[data-testid=diary-filter-review]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '优秀' }).click()
    await expect.poll(() => page.locator('[data-testid^=diary-card-]').count()).toBe(1)

    expect(errors).toEqual([])
    await ctx.close()
  })
})
