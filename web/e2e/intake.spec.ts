import { readFile } from 'node:fs/promises'
import { deflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { apiLogin, baseUrl, launch, watchErrors } from './browser.ts'

// 民情码 in the browser — the intake issue's "done when": a resident at 375 px opens /r/330683105212, reports
// with a photo (and HTML/script in the text), gets a tracking code; the case is dispatched, accepted and replied in
// the console; back on the tracking page the reply shows, the resident rates 满意 and sees it closed. No script
// the resident typed ever runs, on the resident's pages or in the console.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const YAHUANG = '330683105212'
const XSS = `<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>`

/** A real 48×48 PNG (red and white stripes), made here: CRC-32 and zlib are all a PNG needs. */
function makePng(w = 48, h = 48): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf: Buffer) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([len, body, sum])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(w, 0)
  header.writeUInt32BE(h, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // RGB
  const rows: Buffer[] = []
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3)
    for (let x = 0; x < w; x++) row.set(Math.floor(y / 6) % 2 ? [255, 255, 255] : [200, 16, 46], 1 + x * 3)
    rows.push(row)
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}

async function api<T>(token: string, path: string): Promise<T> {
  const res = await fetch(`${baseUrl()}/api${path}`, { headers: { Authorization: `Bearer ${token}` } })
  expect(res.status, path).toBe(200)
  return (await res.json()) as T
}

async function phone(): Promise<{ ctx: BrowserContext; page: Page; errors: string[]; consoleChunks: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'zh-CN' })
  const page = await ctx.newPage()
  const errors = watchErrors(page)
  // The resident's pages must not load the console's UI kit.
  const consoleChunks: string[] = []
  page.on('request', (r) => {
    if (/vendor-element-plus|element-plus/.test(r.url())) consoleChunks.push(r.url())
  })
  return { ctx, page, errors, consoleChunks }
}
async function consoleAs(phoneNumber: string) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
  const page = await ctx.newPage()
  const errors = watchErrors(page)
  await page.goto(`${baseUrl()}/login`)
  await page.fill('[data-testid=login-phone]', phoneNumber)
  await page.fill('[data-testid=login-password]', 'minqing-demo')
  await page.click('[data-testid=login-submit]')
  await page.waitForURL(/\/console$/)
  return { ctx, page, errors }
}
const textarea = (scope: Page | ReturnType<Page['locator']>, testid: string) => scope.locator(`textarea[data-testid=${testid}], [data-testid=${testid}] textarea`).first()
const input = (page: Page, testid: string) => page.locator(`input[data-testid=${testid}], [data-testid=${testid}] input`).first()
const stateOf = (page: Page) => page.getAttribute('[data-testid=case-state-text]', 'data-state')
async function consoleAct(page: Page, action: string, fill?: (dialog: ReturnType<Page['locator']>) => Promise<void>) {
  await page.click(`[data-testid=case-action-${action}]`)
  const dialog = page.locator(`[data-testid=case-action-dialog][data-action=${action}]`)
  await dialog.waitFor()
  if (fill) await fill(dialog)
  await dialog.locator('[data-testid=action-submit]').click()
  await dialog.waitFor({ state: 'hidden' })
}

describe('民情码', () => {
  it('a resident reports with a photo at 375 px, the console answers, the resident rates 满意 and sees it closed; no typed script runs', async () => {
    const resident = await phone()
    const { page } = resident
    await page.goto(`${baseUrl()}/r/${YAHUANG}`)
    await expect.poll(() => page.textContent('[data-testid=pub-where]')).toContain('雅璜村')
    expect(await page.textContent('[data-testid=pub-where]')).toContain('石璜镇')

    const marker = `E2E${Date.now()}`
    const description = `${XSS} 村口三盏路灯不亮了 ${marker}`
    await textarea(page, 'pub-description').fill(description)
    // The category is suggested from the words.
    await page.waitForSelector('[data-testid=pub-suggest-traffic\\.streetlight]')
    await page.click('[data-testid=pub-suggest-traffic\\.streetlight]')
    await expect.poll(() => page.textContent('[data-testid=pub-category]')).toContain('路灯故障')
    await page.setInputFiles('[data-testid=pub-photo-input]', { name: 'lamp.png', mimeType: 'image/png', buffer: makePng() })
    await page.waitForSelector('[data-testid=pub-photo-0] img')
    await input(page, 'pub-name').fill('<b>张</b>大爷')
    await input(page, 'pub-phone').fill('13957512345')
    // Fits the phone's width: nothing sticks out sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await page.click('[data-testid=pub-submit]')

    const codeEl = page.locator('[data-testid=pub-tracking-code]')
    await codeEl.waitFor({ timeout: 20_000 })
    const trackingCode = (await codeEl.textContent())!.trim()
    expect(trackingCode).toMatch(/^[A-Z2-9]{10}$/)

    // The console: 13800000002 (石璜镇, unit 石璜镇人民政府) finds the case and dispatches it to its own unit,
    // accepts it as a member of that unit, and replies.
    const token = await apiLogin('13800000002')
    const list = await api<{ items: { id: string; description: string; channel: string; state: string }[] }>(token, `/cases?regionCode=${YAHUANG}&state=new&limit=200`)
    const found = list.items.find((c) => c.description === description)
    expect(found, 'the reported case').toBeTruthy()
    expect(found).toMatchObject({ channel: 'qr', state: 'new' })
    const detail = await api<{ files: unknown[]; category: { code: string } | null; reporter: { name: string | null; phone: string | null } }>(token, `/cases/${found!.id}`)
    expect(detail.files).toHaveLength(1)
    expect(detail.category?.code).toBe('traffic.streetlight')
    expect(detail.reporter).toMatchObject({ name: '<b>张</b>大爷', phone: '139****2345' })

    const town = await consoleAs('13800000002')
    await town.page.goto(`${baseUrl()}/console/cases/${found!.id}`)
    await expect.poll(() => stateOf(town.page)).toBe('new')
    expect(await town.page.evaluate(() => document.body.innerText)).toContain(XSS)
    await consoleAct(town.page, 'dispatch', async (dialog) => {
      await dialog.locator('[data-testid=action-unit]').click()
      await town.page.locator('.mq-unit-select:visible .el-select-dropdown__item', { hasText: '石璜镇人民政府' }).first().click()
    })
    await expect.poll(() => stateOf(town.page)).toBe('dispatched')
    await consoleAct(town.page, 'accept')
    await expect.poll(() => stateOf(town.page)).toBe('accepted')
    await consoleAct(town.page, 'reply', (d) => textarea(d, 'action-result').fill('已更换三盏路灯,<i>感谢反映</i>'))
    await expect.poll(() => stateOf(town.page)).toBe('replied')
    expect(await town.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
    expect(town.errors).toEqual([])
    await town.ctx.close()

    // Back on the phone: the tracking page shows the answer; 满意 closes the case.
    await page.click('[data-testid=pub-track-link]')
    await page.waitForURL(new RegExp(`/t/${trackingCode}$`))
    await expect.poll(() => page.getAttribute('[data-testid=pub-stage]', 'data-stage')).toBe('replied')
    expect(await page.textContent('[data-testid=pub-reply-text]')).toBe('已更换三盏路灯,<i>感谢反映</i>')
    expect(await page.textContent('[data-testid=pub-case-description]')).toBe(description)
    expect(await page.locator('[data-testid=pub-step-dispatch]').textContent()).toContain('石璜镇人民政府')
    expect(await page.locator('[data-testid=pub-track] script').count()).toBe(0)
    expect(await page.locator('[data-testid=pub-track] img[src=x]').count()).toBe(0)
    // Nothing is chosen for the resident (defect 2): no answer checked, 提交评价 waits for one.
    expect(await page.locator('[data-testid=pub-rate] .van-radio__icon--checked').count()).toBe(0)
    expect(await page.isDisabled('[data-testid=pub-rate-submit]')).toBe(true)
    await page.click('[data-testid=pub-rate-satisfied]')
    expect(await page.isDisabled('[data-testid=pub-rate-submit]')).toBe(false)
    await textarea(page, 'pub-rate-comment').fill('修得很快 <script>window.__xss=1</script>')
    await page.click('[data-testid=pub-rate-submit]')
    await page.waitForSelector('[data-testid=pub-thanks]')
    await expect.poll(() => page.getAttribute('[data-testid=pub-stage]', 'data-stage')).toBe('closed')
    expect(await page.getAttribute('[data-testid=pub-rating]', 'data-rating')).toBe('satisfied')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)

    const closed = await api<{ state: string; rating: string; ratingComment: string }>(token, `/cases/${found!.id}`)
    expect(closed).toMatchObject({ state: 'closed', rating: 'satisfied', ratingComment: '修得很快 <script>window.__xss=1</script>' })
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
    expect(resident.consoleChunks).toEqual([])
    expect(resident.errors).toEqual([])
    await resident.ctx.close()
  })

  it('the rating starts with no answer; 基本满意 is sent only once chosen and closes the case', async () => {
    // A replied case of 雅璜村 made through the API: a resident's JSON report, dispatched, accepted and answered by 石璜镇.
    const qr = (await (await fetch(`${baseUrl()}/api/public/qr/${YAHUANG}`)).json()) as { token: string; minFillSeconds: number }
    await new Promise((r) => setTimeout(r, qr.minFillSeconds * 1000 + 200))
    const description = `村道边的垃圾桶满了 E2E${Date.now()}`
    const made = await fetch(`${baseUrl()}/api/public/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: YAHUANG, token: qr.token, description, phone: '13957500002' }),
    })
    expect(made.status).toBe(201)
    const { trackingCode } = (await made.json()) as { trackingCode: string }
    const token = await apiLogin('13800000002')
    const list = await api<{ items: { id: string; description: string }[] }>(token, `/cases?regionCode=${YAHUANG}&state=new&limit=200`)
    const caseId = list.items.find((c) => c.description === description)!.id
    const units = await api<{ items: { id: string; name: string }[] }>(token, `/units?q=${encodeURIComponent('石璜镇人民政府')}`)
    const unitId = units.items.find((u) => u.name === '石璜镇人民政府')!.id
    for (const [action, body] of [
      ['dispatch', { unitId }],
      ['accept', {}],
      ['reply', { result: '已清运,并加密清运频次' }],
    ] as const) {
      const res = await fetch(`${baseUrl()}/api/cases/${caseId}/actions/${action}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
      expect(res.status, `${action}: ${await res.clone().text()}`).toBe(200)
    }

    const resident = await phone()
    const { page } = resident
    // A rating sent before choosing would be refused by the server too; the page never sends one.
    const ratings: string[] = []
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/rating')) ratings.push(r.postData() ?? '')
    })
    await page.goto(`${baseUrl()}/t/${trackingCode}`)
    await page.waitForSelector('[data-testid=pub-rate]')
    expect(await page.locator('[data-testid=pub-rate] .van-radio__icon--checked').count()).toBe(0)
    expect(await page.locator('[data-testid=pub-rate] [role=radio][aria-checked=true]').count()).toBe(0)
    expect(await page.isDisabled('[data-testid=pub-rate-submit]')).toBe(true)
    expect(await page.textContent('[data-testid=pub-rate-pick]')).toContain('请先选择')
    await page.click('[data-testid=pub-rate-submit]', { force: true })
    expect(ratings).toEqual([])

    await page.click('[data-testid=pub-rate-basically_satisfied]')
    expect(await page.locator('[data-testid=pub-rate] [role=radio][aria-checked=true]').count()).toBe(1)
    expect(await page.isVisible('[data-testid=pub-rate-pick]')).toBe(false)
    await page.click('[data-testid=pub-rate-submit]')
    await page.waitForSelector('[data-testid=pub-thanks]')
    expect(ratings.map((b) => JSON.parse(b).rating)).toEqual(['basically_satisfied'])
    expect(await page.getAttribute('[data-testid=pub-rating]', 'data-rating')).toBe('basically_satisfied')
    expect(await page.textContent('[data-testid=pub-rating]')).toBe('基本满意')
    await expect.poll(() => page.getAttribute('[data-testid=pub-stage]', 'data-stage')).toBe('closed')
    expect(await api<{ state: string; rating: string }>(token, `/cases/${caseId}`)).toMatchObject({ state: 'closed', rating: 'basically_satisfied' })
    expect(resident.errors).toEqual([])
    await resident.ctx.close()
  })

  it('不满意 on /t/<code> sends the case back to work: 已受理 on the page, 待交办 for the town with 重办 1 (issue 12, defect 1)', async () => {
    // A replied case with a reporter's phone, made as staff (the resident's report door allows 5 per 10 minutes
    // from one address, and the other tests here use it): raised by the 雅璜村 cadre for a caller, then
    // dispatched, accepted and answered by 石璜镇 through the API.
    const cadre = await apiLogin('13800000003')
    const title = `楼道灯又坏了 E2E${Date.now()}`
    const made = await fetch(`${baseUrl()}/api/cases`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${cadre}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ regionCode: YAHUANG, title, description: '三号楼楼道灯不亮,老人晚上上下楼危险', reporter: { name: '王阿姨', phone: '13957500003' } }),
    })
    expect(made.status, await made.clone().text()).toBe(201)
    const { id: caseId, number, trackingCode } = (await made.json()) as { id: string; number: string; trackingCode: string }
    expect(trackingCode).toMatch(/^[A-Z2-9]{10}$/)
    const token = await apiLogin('13800000002')
    const units = await api<{ items: { id: string; name: string }[] }>(token, `/units?q=${encodeURIComponent('石璜镇人民政府')}`)
    const unitId = units.items.find((u) => u.name === '石璜镇人民政府')!.id
    for (const [action, body] of [
      ['dispatch', { unitId }],
      ['accept', {}],
      ['reply', { result: '已换灯泡' }],
    ] as const) {
      const res = await fetch(`${baseUrl()}/api/cases/${caseId}/actions/${action}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
      expect(res.status, `${action}: ${await res.clone().text()}`).toBe(200)
    }

    // The resident: 不满意 with a comment.
    const resident = await phone()
    const { page } = resident
    await page.goto(`${baseUrl()}/t/${trackingCode}`)
    await page.waitForSelector('[data-testid=pub-rate]')
    expect(await page.getAttribute('[data-testid=pub-stage]', 'data-stage')).toBe('replied')
    await page.click('[data-testid=pub-rate-unsatisfied]')
    await textarea(page, 'pub-rate-comment').fill('换了还是不亮,线路有问题')
    await page.click('[data-testid=pub-rate-submit]')
    await page.waitForSelector('[data-testid=pub-thanks]')
    // The page says it will be handled again, and means it: the stage is back to 已受理, not 已答复.
    expect(await page.textContent('[data-testid=pub-thanks]')).toContain('重新办理')
    await expect.poll(() => page.getAttribute('[data-testid=pub-stage]', 'data-stage')).toBe('received')
    expect(await page.textContent('[data-testid=pub-stage]')).toBe('已受理')
    // The rating belongs to the answer it judged: shown as the last one, no form until the next answer.
    expect(await page.textContent('[data-testid=pub-previous-rating]')).toContain('您上次的评价:不满意 — 已重新办理')
    expect(await page.textContent('[data-testid=pub-previous-rating]')).toContain('换了还是不亮,线路有问题')
    expect(await page.locator('[data-testid=pub-rate]').count()).toBe(0)
    // Opened again later, it says the same.
    await page.reload()
    await page.waitForSelector('[data-testid=pub-previous-rating]')
    expect(await page.getAttribute('[data-testid=pub-stage]', 'data-stage')).toBe('received')
    expect(await page.locator('[data-testid=pub-rate]').count()).toBe(0)
    expect(await page.locator('[data-testid=pub-rated]').count()).toBe(0)
    expect(resident.errors).toEqual([])
    await resident.ctx.close()

    // The town dispatcher finds it in 待交办, reopened once, with the resident's rating in its history.
    const town = await consoleAs('13800000002')
    await town.page.goto(`${baseUrl()}/console/cases?queue=to_dispatch`)
    await town.page.waitForSelector('[data-testid=cases-tab-to_dispatch]')
    await input(town.page, 'cases-filter-q').fill(number)
    await town.page.click('[data-testid=cases-search]')
    const row = town.page.locator(`[data-testid=case-row-${caseId}]`)
    await row.waitFor()
    expect(new URL(town.page.url()).searchParams.get('queue')).toBe('to_dispatch')
    await row.click()
    await town.page.waitForURL(new RegExp(`/console/cases/${caseId}$`))
    await expect.poll(() => stateOf(town.page)).toBe('reopened')
    expect(await town.page.textContent('[data-testid=case-state-text]')).toBe('重办')
    expect(await town.page.textContent('[data-testid=case-reopen-count]')).toBe('1')
    const history = town.page.locator('[data-testid=case-rating-history]')
    expect(await history.count()).toBe(1)
    expect(await history.getAttribute('data-rating')).toBe('unsatisfied')
    expect(await history.textContent()).toContain('不满意')
    expect(await history.textContent()).toContain('换了还是不亮,线路有问题')
    // The current answer has no rating any more; it can be dispatched again.
    expect(await town.page.locator('[data-testid=case-rating]').count()).toBe(0)
    expect(await town.page.locator('[data-testid=case-action-dispatch]').count()).toBe(1)
    expect(town.errors).toEqual([])
    await town.ctx.close()
  })

  it('an unknown code says so; an unknown tracking code too', async () => {
    const resident = await phone()
    await resident.page.goto(`${baseUrl()}/r/330683999999`)
    await resident.page.waitForSelector('[data-testid=pub-load-error]')
    expect(await resident.page.textContent('[data-testid=pub-load-error]')).toContain('民情码无效')
    await resident.page.goto(`${baseUrl()}/t/ABCDEFGHJK`)
    await resident.page.waitForSelector('[data-testid=pub-track-error]')
    expect(await resident.page.textContent('[data-testid=pub-track-error]')).toContain('查询码不存在')
    await resident.ctx.close()
  })

  it('the console prints the poster of 雅璜村 with a QR code that loads', async () => {
    const cadre = await consoleAs('13800000003')
    // The header names him as the README does: by his station, 驻村指导员 (not the role group 三驻干部).
    expect(await cadre.page.locator('.role-tag').allTextContents()).toEqual(['驻村指导员'])
    await cadre.page.click('[data-testid=nav-qr]')
    await cadre.page.waitForURL(/\/console\/qr$/)
    await expect.poll(() => cadre.page.textContent('[data-testid=qr-poster-name]')).toContain('雅璜村')
    expect(await cadre.page.textContent('[data-testid=qr-url]')).toMatch(new RegExp(`/r/${YAHUANG}$`))
    // The test server has no PUBLIC_URL and runs on 127.0.0.1: the page says residents' phones cannot open the link.
    expect(await cadre.page.getAttribute('[data-testid=qr-unreachable]', 'data-reason')).toBe('loopback')
    const warning = (await cadre.page.textContent('[data-testid=qr-unreachable]'))!
    expect(warning).toContain('群众的手机打不开')
    expect(warning).toContain(`${baseUrl()}`)
    expect(warning).toContain('PUBLIC_URL')
    await expect.poll(() => cadre.page.evaluate(() => (document.querySelector('[data-testid=qr-image]') as HTMLImageElement | null)?.naturalWidth ?? 0)).toBeGreaterThan(100)
    // 下载海报: a PNG composed in the browser, A4 at 150 dpi.
    const [download] = await Promise.all([cadre.page.waitForEvent('download'), cadre.page.click('[data-testid=qr-download-poster]')])
    expect(download.suggestedFilename()).toMatch(/^民情码-石璜镇雅璜村.*\.png$/)
    const png = await readFile((await download.path())!)
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1240, 1754])
    // Printed, the page is the poster alone.
    await cadre.page.emulateMedia({ media: 'print' })
    expect(await cadre.page.isVisible('[data-testid=nav-qr]')).toBe(false)
    expect(await cadre.page.isVisible('[data-testid=qr-poster]')).toBe(true)
    expect(await cadre.page.isVisible('[data-testid=qr-unreachable]')).toBe(false)
    // …on one A4 sheet.
    const pdf = await cadre.page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true })
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1)
    expect(cadre.errors).toEqual([])
    await cadre.ctx.close()
  })
})
