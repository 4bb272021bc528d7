import type { Browser, BrowserContext, CDPSession } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, launch, watchErrors } from './browser.ts'

/**
 * Issue 12, defect 12: a cadre's phone on a village's mobile network. The mobile app's first screen — the login page,
 * and the home page of a signed-in cadre — must not transfer more than 250 KB of JavaScript and CSS (what goes over
 * the wire: precompressed brotli/gzip as the server picks it, headers included), measured from Chromium's own
 * network events on a cold cache. The figures are printed for the record.
 */
const LIMIT = 250_000

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

interface Load {
  url: string
  type: string
  encoding: string
  transferred: number
  decoded: number
}

/** Records every script and stylesheet the page loads: bytes on the wire and bytes after decoding. */
async function recordLoads(cdp: CDPSession): Promise<Map<string, Load>> {
  const loads = new Map<string, Load>()
  await cdp.send('Network.enable')
  // A cold load: nothing from the HTTP cache.
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
  cdp.on('Network.responseReceived', (e) => {
    if (e.type !== 'Script' && e.type !== 'Stylesheet') return
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]))
    loads.set(e.requestId, { url: new URL(e.response.url).pathname, type: e.type, encoding: h['content-encoding'] ?? 'identity', transferred: 0, decoded: 0 })
  })
  cdp.on('Network.dataReceived', (e) => {
    const l = loads.get(e.requestId)
    if (l) l.decoded += e.dataLength
  })
  cdp.on('Network.loadingFinished', (e) => {
    const l = loads.get(e.requestId)
    if (l) l.transferred = e.encodedDataLength
  })
  return loads
}

function report(name: string, loads: Load[]) {
  const sum = (pick: (l: Load) => number) => loads.reduce((n, l) => n + pick(l), 0)
  const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`
  const transferred = sum((l) => l.transferred)
  const decoded = sum((l) => l.decoded)
  const lines = loads
    .slice()
    .sort((a, b) => b.transferred - a.transferred)
    .map((l) => `    ${l.type.padEnd(10)} ${l.encoding.padEnd(8)} ${kb(l.transferred).padStart(9)} ${kb(l.decoded).padStart(9)}  ${l.url}`)
  console.log(`${name}: ${loads.length} JS/CSS files, ${kb(transferred)} transferred (${kb(decoded)} uncompressed)\n${lines.join('\n')}`)
  return { transferred, decoded }
}

async function coldLoad(ctx: BrowserContext, path: string, ready: string) {
  const page = await ctx.newPage()
  const errors = watchErrors(page)
  const cdp = await ctx.newCDPSession(page)
  const recorded = await recordLoads(cdp)
  await page.goto(`${baseUrl()}${path}`, { waitUntil: 'networkidle' })
  await page.waitForSelector(ready)
  // Late lazy chunks of the first screen count too.
  await page.waitForLoadState('networkidle')
  expect(errors).toEqual([])
  const loads = [...recorded.values()]
  // Every script and stylesheet finished loading (a missing loadingFinished would count 0 bytes).
  for (const l of loads) expect(l.transferred, l.url).toBeGreaterThan(0)
  return { page, loads }
}

const mobile = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true }

describe('mobile first load', () => {
  it('the login page transfers at most 250 KB of JS and CSS, compressed', async () => {
    const ctx = await browser.newContext(mobile)
    const { loads } = await coldLoad(ctx, '/m/login', '[data-testid=login-phone]')
    const { transferred, decoded } = report('mobile login', loads)
    // The app's own files go out compressed (Chromium asks for gzip and br; the server has both).
    const big = loads.filter((l) => l.decoded > 4000)
    expect(big.length).toBeGreaterThan(0)
    for (const l of big) expect(['br', 'gzip'], l.url).toContain(l.encoding)
    // The console's and the cockpit's libraries stay out of the phone's first load.
    expect(loads.map((l) => l.url).filter((u) => /element-plus|echarts/.test(u))).toEqual([])
    expect(transferred).toBeLessThanOrEqual(LIMIT)
    expect(decoded).toBeGreaterThan(transferred)
    // A production build: a build started from a test run once bundled Vue's development build (+68 KB).
    for (const l of loads.filter((x) => x.type === 'Script')) {
      expect(await (await fetch(`${baseUrl()}${l.url}`)).text(), l.url).not.toContain('__VUE_HMR_RUNTIME__')
    }
    await ctx.close()
  })

  it('a signed-in cadre’s home page transfers at most 250 KB of JS and CSS', async () => {
    const ctx = await browser.newContext(mobile)
    // Signed in through the API in this context (the session cookie), so the page opens straight on the home.
    const login = await ctx.request.post(`${baseUrl()}/api/auth/login`, { data: { phone: '13800000003', password: 'minqing-demo' } })
    expect(login.status()).toBe(200)
    const { page, loads } = await coldLoad(ctx, '/m', '[data-testid=m-user-name]')
    expect(new URL(page.url()).pathname).toBe('/m')
    const { transferred } = report('mobile home (signed in)', loads)
    expect(loads.map((l) => l.url).filter((u) => /element-plus|echarts/.test(u))).toEqual([])
    expect(transferred).toBeLessThanOrEqual(LIMIT)
    await ctx.close()
  })
})
