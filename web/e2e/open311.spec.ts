import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { baseUrl, launch, watchErrors } from './browser.ts'

// Open311 接入 in the browser: the admin issues a key in the console (shown once, copied), an Open311 client
// reports with it and reads the request back in JSON and XML, then the admin revokes it and the client is refused.
let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const postForm = (path: string, fields: Record<string, string>) =>
  fetch(`${baseUrl()}/open311/v2/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form(fields) })

describe('Open311 接入', () => {
  it('issue a key in the console → a client reports with it → revoke → the client is refused', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl() })
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${baseUrl()}/login`)
    await page.fill('[data-testid=login-phone]', '13800000000')
    await page.fill('[data-testid=login-password]', 'minqing-demo')
    await page.click('[data-testid=login-submit]')
    await page.waitForURL(/\/console$/)

    await page.click('[data-testid=nav-open311]')
    await page.waitForURL(/\/console\/open311$/)
    await expect.poll(() => page.textContent('[data-testid=open311-endpoint]')).toBe(`${baseUrl()}/open311/v2`)
    expect(await page.getAttribute('[data-testid=open311-discovery]', 'href')).toBe('/open311/v2/discovery.json')

    const name = `e2e FixMyStreet ${Date.now()}`
    await page.click('[data-testid=open311-create]')
    await page.fill('input[data-testid=open311-name], [data-testid=open311-name] input', name)
    await page.click('[data-testid=open311-submit]')
    const keyInput = page.locator('input[data-testid=open311-issued-key], [data-testid=open311-issued-key] input').first()
    await keyInput.waitFor()
    const apiKey = await keyInput.inputValue()
    expect(apiKey).toMatch(/^mq_[A-Za-z0-9_-]{32}$/)
    await page.click('[data-testid=open311-copy]')
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(apiKey)
    await page.click('[data-testid=open311-issued-close]')
    await page.locator('[data-testid=open311-issued]').waitFor({ state: 'hidden' })
    // Gone from the page for good: the list shows the prefix only.
    expect(await page.content()).not.toContain(apiKey)
    const row = page.locator('.el-table__row', { hasText: name })
    await expect.poll(() => row.textContent()).toContain(apiKey.slice(0, 10))
    expect(await row.textContent()).toContain('有效')

    // Unknown paths under /open311/v2 stay Open311 errors even though this server also serves the web app.
    for (const path of ['nothing', 'nothing.json']) {
      const res = await fetch(`${baseUrl()}/open311/v2/${path}`)
      expect(res.status, path).toBe(404)
      expect(await res.json()).toEqual([{ code: 404, description: expect.any(String) }])
    }

    // The client: discovery, services, a report, the request in JSON and XML.
    const discovery = (await (await fetch(`${baseUrl()}/open311/v2/discovery.json`)).json()) as { endpoints: { url: string }[] }
    expect(discovery.endpoints[0].url).toBe(`${baseUrl()}/open311/v2`)
    const services = await (await fetch(`${baseUrl()}/open311/v2/services.xml`)).text()
    expect(services).toContain('<service_code>traffic.streetlight</service_code>')
    const fields = {
      api_key: apiKey,
      service_code: 'traffic.streetlight',
      lat: '29.59',
      long: '120.82',
      'attribute[region_code]': '330683105212',
      description: '村口路灯不亮 <script>alert(1)</script>',
    }
    const created = await postForm('requests.json', fields)
    expect(created.status).toBe(200)
    const [{ service_request_id: id }] = (await created.json()) as { service_request_id: string }[]
    const json = (await (await fetch(`${baseUrl()}/open311/v2/requests/${id}.json`)).json()) as { status: string; description: string }[]
    expect(json[0]).toMatchObject({ status: 'open', description: '村口路灯不亮 <script>alert(1)</script>' })
    const xml = await (await fetch(`${baseUrl()}/open311/v2/requests/${id}.xml`)).text()
    expect(xml).toContain(`<service_request_id>${id}</service_request_id>`)
    expect(xml).toContain('&lt;script&gt;')
    await expect.poll(async () => (await page.reload(), await row.textContent())).not.toContain('从未使用')

    // Revoke in the console: the next report with the key is refused.
    const revoke = row.locator('[data-testid^=open311-revoke-]')
    await revoke.click()
    await page.locator('.el-message-box__btns .el-button--primary').click()
    await expect.poll(() => row.textContent()).toContain('已吊销')
    const refused = await postForm('requests.json', fields)
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual([{ code: 403, description: expect.any(String) }])
    expect(errors).toEqual([])
    await ctx.close()
  })
})
