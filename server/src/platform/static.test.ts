import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IMMUTABLE, isHashedAsset, serveWebApp } from './static.ts'

// Issue 12, defect 12: the built web app goes out precompressed (brotli, else gzip, else as built), hashed assets
// cached for good, the rest revalidated. The web folder is made here: a hashed asset with its .br/.gz copies (as
// web/vite.config.ts writes them), one without (a dist built before precompression), index.html, a public file.

const web = mkdtempSync(join(tmpdir(), 'minqing-static-'))
const JS = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `民情日记-${i}`))};\n`
const CSS = `.a{color:red}\n`.repeat(200)
const BR = brotliCompressSync(JS)
const GZ = gzipSync(JS)
let app: FastifyInstance

beforeAll(async () => {
  mkdirSync(join(web, 'assets'))
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>民情</title>')
  writeFileSync(join(web, 'assets/index-Ab12Cd_-.js'), JS)
  writeFileSync(join(web, 'assets/index-Ab12Cd_-.js.br'), BR)
  writeFileSync(join(web, 'assets/index-Ab12Cd_-.js.gz'), GZ)
  writeFileSync(join(web, 'assets/old-Zz99Yy88.css'), CSS)
  writeFileSync(join(web, 'robots.txt'), 'User-agent: *\n')
  app = Fastify({ logger: false })
  await serveWebApp(app, web, true)
  await app.ready()
})
afterAll(async () => {
  await app.close()
  rmSync(web, { recursive: true, force: true })
})

const get = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') => app.inject({ method, url, headers })
const JS_URL = '/assets/index-Ab12Cd_-.js'

describe('precompressed files', () => {
  it('brotli when the client takes it: encoding, original type, the sent file’s length, Vary', async () => {
    const res = await get(JS_URL, { 'accept-encoding': 'gzip, deflate, br, zstd' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBe('br')
    expect(res.headers['content-type']).toMatch(/^(application|text)\/javascript/)
    expect(Number(res.headers['content-length'])).toBe(BR.length)
    expect(res.headers.vary).toMatch(/accept-encoding/i)
    expect(res.headers['cache-control']).toBe(IMMUTABLE)
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(JS)
  })

  it('gzip when brotli is not accepted (or refused with q=0)', async () => {
    for (const accept of ['gzip', 'gzip, deflate', 'br;q=0, gzip;q=0.8', '*;q=0.5, br;q=0']) {
      const res = await get(JS_URL, { 'accept-encoding': accept })
      expect(res.headers['content-encoding'], accept).toBe('gzip')
      expect(Number(res.headers['content-length'])).toBe(GZ.length)
      expect(gunzipSync(res.rawPayload).toString()).toBe(JS)
    }
  })

  it('the file as built when the client takes no encoding, still saying it varies', async () => {
    for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'deflate' }] as Record<string, string>[]) {
      const res = await get(JS_URL, headers)
      expect(res.headers['content-encoding'], JSON.stringify(headers)).toBeUndefined()
      expect(res.body).toBe(JS)
      expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(JS))
      expect(res.headers.vary).toMatch(/accept-encoding/i)
    }
  })

  it('a dist without .br/.gz copies is served as it is', async () => {
    const res = await get('/assets/old-Zz99Yy88.css', { 'accept-encoding': 'gzip, deflate, br' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.headers['content-type']).toMatch(/^text\/css/)
    expect(res.body).toBe(CSS)
    expect(res.headers['cache-control']).toBe(IMMUTABLE)
  })

  it('HEAD answers the same headers without a body', async () => {
    const get1 = await get(JS_URL, { 'accept-encoding': 'br' })
    const head = await get(JS_URL, { 'accept-encoding': 'br' }, 'HEAD')
    expect(head.statusCode).toBe(200)
    expect(head.rawPayload.length).toBe(0)
    for (const h of ['content-encoding', 'content-type', 'content-length', 'etag', 'cache-control', 'vary']) expect(head.headers[h], h).toBe(get1.headers[h])
    const page = await get('/m/login', {}, 'HEAD')
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
  })

  it('a range is a range of what is sent: of the file as built, or of its brotli copy', async () => {
    const plain = await get(JS_URL, { range: 'bytes=0-9' })
    expect(plain.statusCode).toBe(206)
    expect(plain.headers['content-range']).toBe(`bytes 0-9/${Buffer.byteLength(JS)}`)
    expect(plain.body).toBe(JS.slice(0, 10))
    const br = await get(JS_URL, { range: 'bytes=0-9', 'accept-encoding': 'br' })
    expect(br.statusCode).toBe(206)
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['content-range']).toBe(`bytes 0-9/${BR.length}`)
    expect(Buffer.compare(br.rawPayload, BR.subarray(0, 10))).toBe(0)
    const outside = await get(JS_URL, { range: `bytes=${Buffer.byteLength(JS) + 10}-` })
    expect(outside.statusCode).toBe(416)
  })

  it('each encoding has its own ETag, and a matching If-None-Match is a 304', async () => {
    const br = await get(JS_URL, { 'accept-encoding': 'br' })
    const gz = await get(JS_URL, { 'accept-encoding': 'gzip' })
    expect(br.headers.etag).toBeTruthy()
    expect(br.headers.etag).not.toBe(gz.headers.etag)
    const again = await get(JS_URL, { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) })
    expect(again.statusCode).toBe(304)
  })

  it('the .br copy asked for by name is not taken for JavaScript', async () => {
    const res = await get(`${JS_URL}.br`)
    expect(res.headers['content-type'] ?? '').not.toMatch(/javascript/)
  })
})

describe('caching', () => {
  it('index.html, client routes and public files revalidate (ETag, Last-Modified)', async () => {
    for (const url of ['/', '/index.html', '/m', '/console/cases', '/robots.txt']) {
      const res = await get(url, { 'accept-encoding': 'gzip, br' })
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['cache-control'], url).toBe('no-cache')
      expect(res.headers.etag, url).toBeTruthy()
      expect(res.headers['last-modified'], url).toBeTruthy()
    }
    const first = await get('/')
    expect((await get('/', { 'if-none-match': String(first.headers.etag) })).statusCode).toBe(304)
  })

  it('only assets/ files named by a content hash are immutable', () => {
    expect(isHashedAsset(web, join(web, 'assets/vendor-vant-IRX03yYn.css'))).toBe(true)
    expect(isHashedAsset(web, join(web, 'assets/MobileLogin-DEsF5CwY.js.br'))).toBe(true)
    expect(isHashedAsset(web, join(web, 'assets/DiaryWrite-CpNiVPC-.js.gz'))).toBe(true)
    expect(isHashedAsset(web, join(web, 'assets/logo.png'))).toBe(false)
    expect(isHashedAsset(web, join(web, 'index.html'))).toBe(false)
    expect(isHashedAsset(web, join(web, 'favicon-12345678.ico'))).toBe(false)
    // A web folder that itself sits under some "assets" directory does not make everything immutable.
    expect(isHashedAsset('/srv/assets/dist', '/srv/assets/dist/index.html')).toBe(false)
  })

  it('a missing asset is a JSON 404, not the app page', async () => {
    const res = await get('/assets/gone-Ab12Cd34.js', { 'accept-encoding': 'br' })
    expect(res.statusCode).toBe(404)
    expect(res.json().error.code).toBe('ROUTE_NOT_FOUND')
  })
})
