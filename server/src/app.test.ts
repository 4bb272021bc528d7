import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../test/app.ts'

// The server also serves the built web app: files as they are on disk now, index.html for client routes.
const web = mkdtempSync(join(tmpdir(), 'minqing-web-'))
let t: Awaited<ReturnType<typeof createTestApp>>

beforeAll(async () => {
  mkdirSync(join(web, 'assets'))
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>民情</title>')
  writeFileSync(join(web, 'assets/app-Q1w2E3r4.js'), 'console.log(1)')
  t = await createTestApp({ WEB_DIST: web }, { serveWeb: true })
})
afterAll(async () => {
  await t.close()
  rmSync(web, { recursive: true, force: true })
})

describe('web app serving', () => {
  it('serves index.html for the app’s client routes', async () => {
    for (const url of ['/', '/console', '/console/users', '/m', '/m/login', '/cockpit', '/login?redirect=%2Fconsole']) {
      const res = await t.app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['content-type']).toMatch(/text\/html/)
      expect(res.body).toContain('民情')
    }
  })

  it('serves built files, including ones built after the server started', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/assets/app-Q1w2E3r4.js' })
    expect(first.body).toBe('console.log(1)')
    expect(first.headers['cache-control']).toContain('immutable')
    expect((await t.app.inject({ method: 'GET', url: '/' })).headers['cache-control']).toBe('no-cache')
    writeFileSync(join(web, 'assets/app-Q5w6E7r8.js'), 'console.log(2)')
    expect((await t.app.inject({ method: 'GET', url: '/assets/app-Q5w6E7r8.js' })).body).toBe('console.log(2)')
  })

  it('a missing file is a 404, not the app page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/gone.js' })
    expect(res.statusCode).toBe(404)
  })

  it('unknown API routes stay JSON 404s, signed in or not', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nothing-here' })
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('ROUTE_NOT_FOUND')
    const post = await t.app.inject({ method: 'POST', url: '/api/nothing-here', payload: {} })
    expect(post.statusCode).toBe(404)
  })

  it('API routes still require a session', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(401)
  })

  it('path traversal cannot leave the web folder', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/..%2f..%2fetc%2fpasswd' })
    expect(res.body).not.toContain('root:')
  })
})
