import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../test/app.ts'
import { contentSecurityPolicy, referrerPolicyFor } from './security-headers.ts'

// Issue 11 defect 10: every response carries the security headers — API, Open311, docs, pages, assets, errors.
const web = mkdtempSync(join(tmpdir(), 'minqing-web-headers-'))
let t: Awaited<ReturnType<typeof createTestApp>>

beforeAll(async () => {
  mkdirSync(join(web, 'assets'))
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>民情</title><script type="module" src="/assets/app-1.js"></script>')
  writeFileSync(join(web, 'assets/app-1.js'), 'console.log(1)')
  t = await createTestApp({ WEB_DIST: web }, { serveWeb: true })
})
afterAll(async () => {
  await t.close()
  rmSync(web, { recursive: true, force: true })
})

function directives(csp: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const part of (csp ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) out.set(name, values)
  }
  return out
}

function expectSecurityHeaders(headers: Record<string, unknown>, label: string) {
  const csp = directives(headers['content-security-policy'] as string | undefined)
  // no inline script, no script from elsewhere, no eval
  expect(csp.get('script-src'), label).toEqual(["'self'"])
  expect(csp.get('object-src'), label).toEqual(["'none'"])
  expect(csp.get('base-uri'), label).toEqual(["'self'"])
  expect(csp.get('frame-ancestors'), label).toEqual(["'none'"])
  expect(csp.get('form-action'), label).toEqual(["'self'"])
  expect(csp.get('default-src'), label).toEqual(["'self'"])
  expect(headers['x-content-type-options'], label).toBe('nosniff')
  expect(headers['x-frame-options'], label).toBe('DENY')
  expect(headers['referrer-policy'], label).toMatch(/^(strict-origin-when-cross-origin|no-referrer)$/)
  expect(headers['permissions-policy'], label).toContain('geolocation=(self)')
  expect(headers['permissions-policy'], label).toContain('camera=(self)')
}

describe('security headers', () => {
  it('are on API answers: success, 401, 400, JSON 404, a bad URL', async () => {
    const cases: Array<[string, string, number, unknown?]> = [
      ['GET', '/api/health', 200],
      ['GET', '/api/users', 401],
      ['POST', '/api/auth/login', 400, { phone: 12 }],
      ['GET', '/api/nothing-here', 404],
      ['POST', '/api/nothing-here', 404, {}],
      // a URL the router cannot decode is answered before any request hook runs
      ['GET', '/api/regions/%E0%A4%A', 400],
    ]
    for (const [method, url, status, payload] of cases) {
      const res = await t.app.inject({ method: method as 'GET', url, payload: payload as object })
      expect(res.statusCode, url).toBe(status)
      expectSecurityHeaders(res.headers, `${method} ${url}`)
    }
  })

  it('are on Open311 and the API docs', async () => {
    for (const url of ['/open311/v2/discovery.json', '/open311/v2/services.json', '/api/docs', '/api/docs/json', '/api/docs/static/swagger-ui-bundle.js']) {
      const res = await t.app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBeLessThan(400)
      expectSecurityHeaders(res.headers, url)
    }
  })

  it('are on the web app: pages, client routes, assets and a missing asset', async () => {
    for (const [url, status] of [
      ['/', 200],
      ['/console/users', 200],
      ['/cockpit', 200],
      ['/t/ABCD1234', 200],
      ['/assets/app-1.js', 200],
      ['/assets/gone.js', 404],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(status)
      expectSecurityHeaders(res.headers, url)
    }
  })

  it('the tracking page sends no Referer (its URL is the key to the case); other pages send only the origin away', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/t/ABCD1234' })).headers['referrer-policy']).toBe('no-referrer')
    expect((await t.app.inject({ method: 'GET', url: '/r/330683105212' })).headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
    expect((await t.app.inject({ method: 'GET', url: '/console' })).headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
    expect(referrerPolicyFor('/t/X?y=1')).toBe('no-referrer')
    expect(referrerPolicyFor('/tasks')).toBe('strict-origin-when-cross-origin')
  })

  it('the policy allows inline styles (UI kits) and data:/blob: images, never inline script', () => {
    const csp = directives(contentSecurityPolicy({ imgSrc: ['https://tiles.example.cn'] }))
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"])
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:', 'https://tiles.example.cn'])
    expect(csp.get('script-src-attr')).toEqual(["'none'"])
    for (const values of csp.values()) {
      expect(values).not.toContain("'unsafe-eval'")
    }
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'")
  })
})
